// Quick-look PNG maps: written whole, readable, sized as asked, coloured by derivation, and never
// leaving temporaries behind.
// casco_render links cairo privately, so its include folder is not on this target's path.
#include <cairo/cairo.h>
#include <gdal_priv.h>
#include <gtest/gtest.h>
#include <ogr_spatialref.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "core/error.hpp"
#include "legend/legend.hpp"
#include "model/build.hpp"
#include "model/definition.hpp"
#include "model/store.hpp"
#include "render/quicklook.hpp"
#include "test_util.hpp"

namespace fs = std::filesystem;
using namespace casco;
using casco::test::rd_collection;
using casco::test::rd_point;
using casco::test::rd_square;
using casco::test::TempDir;
using casco::test::write_file;

namespace {

struct Rgb8 {
  int r, g, b, a;
};

// A PNG read back through cairo; the pixel accessor un-premultiplies nothing because every
// quick-look pixel is opaque.
class Png {
 public:
  explicit Png(const fs::path& p) : s_(cairo_image_surface_create_from_png(p.c_str())) {}
  ~Png() { cairo_surface_destroy(s_); }
  Png(const Png&) = delete;
  Png& operator=(const Png&) = delete;
  bool ok() const { return cairo_surface_status(s_) == CAIRO_STATUS_SUCCESS; }
  int width() const { return cairo_image_surface_get_width(s_); }
  int height() const { return cairo_image_surface_get_height(s_); }
  Rgb8 at(int x, int y) const {
    const unsigned char* d = cairo_image_surface_get_data(s_);
    std::uint32_t v;
    std::memcpy(&v, d + static_cast<std::ptrdiff_t>(y) * cairo_image_surface_get_stride(s_) + 4 * x,
                4);
    return {static_cast<int>((v >> 16) & 255), static_cast<int>((v >> 8) & 255),
            static_cast<int>(v & 255), static_cast<int>(v >> 24)};
  }

 private:
  cairo_surface_t* s_;
};

bool near(Rgb8 c, unsigned hex, int tol = 3) {
  return std::abs(c.r - static_cast<int>((hex >> 16) & 255)) <= tol &&
         std::abs(c.g - static_cast<int>((hex >> 8) & 255)) <= tol &&
         std::abs(c.b - static_cast<int>(hex & 255)) <= tol;
}
bool white(Rgb8 c) {
  return c.r >= 250 && c.g >= 250 && c.b >= 250;
}

std::string describe(Rgb8 c) {
  return fmt::format("rgba({}, {}, {}, {})", c.r, c.g, c.b, c.a);
}

// Files in `dir` whose name marks an unfinished atomic write.
int temporaries(const fs::path& dir) {
  int n = 0;
  for (const auto& e : fs::directory_iterator(dir))
    if (e.path().filename().string().find(".tmp-") != std::string::npos) ++n;
  return n;
}

// The page pixel of world point (x, y).
std::pair<int, int> pixel(const Store& s, const QuicklookLayout& l, double x, double y) {
  return {static_cast<int>(l.map_x + s.grid().px(x) * l.scale),
          static_cast<int>(l.map_y + s.grid().py(y) * l.scale)};
}

constexpr unsigned kCoverageTop = 0x004529;  // top of the coverage ramp (ColorBrewer YlGn)
constexpr unsigned kPresence = 0xd7191c;     // colour of present cells

// A 10 x 10 km study area at (200000, 500000) with four 5 km zones, a 4 km fully covered square,
// a few points (presence, distance, amounts) and a small elevation raster, on 250 m cells with a
// 2 km margin around the study area.
class Quicklook : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new TempDir();
    const TempDir& d = *dir_;
    write_file(d / "study.geojson",
               rd_collection(rd_square(200000, 500000, 10000, R"({"naam":"studie"})")));
    write_file(
        d / "zones.geojson",
        rd_collection(
            rd_square(200000, 500000, 5000, R"({"code":"ZW","naam":"Zuidwest","inwoners":100})") +
            "," +
            rd_square(205000, 500000, 5000, R"({"code":"ZO","naam":"Zuidoost","inwoners":400})") +
            "," +
            rd_square(200000, 505000, 5000, R"({"code":"NW","naam":"Noordwest","inwoners":900})") +
            "," +
            rd_square(205000, 505000, 5000,
                      R"({"code":"NO","naam":"Noordoost","inwoners":50000})")));
    write_file(d / "cover.geojson", rd_collection(rd_square(202000, 502000, 4000, R"({"id":1})")));
    std::string pts;
    for (int i = 0; i < 30; ++i)  // a row of small values and one very large one
      pts += rd_point(200625 + 250 * (i % 10), 508125 - 250 * (i / 10) * 2, R"({"n":10})") + ",";
    pts += rd_point(208125, 500625, R"({"n":10000})");
    write_file(d / "points.geojson", rd_collection(pts));
    write_elevation(d / "hoogte.tif");
    write_file(d / "model.toml", R"toml(
[model]
name = "Testmodel"
crs = "EPSG:28992"
cell_size = 250
margin = 2000
borders = "gebieden"

[study_area]
path = "study.geojson"

[[layer]]
id = "gebieden"
title = "Gebieden"
group = "bestuur"
unit = "zone"
derivation = "zones"
source = "zones.geojson"
zone_code = "code"
zone_name = "naam"

[[layer]]
id = "bedekking"
title = "Bedekking (aandeel van de cel)"
group = "natuur"
unit = "aandeel 0-1"
derivation = "coverage"
source = "cover.geojson"

[[layer]]
id = "punten"
title = "Punten"
group = "kernkwaliteit"
unit = "aanwezig 0/1"
derivation = "presence"
source = "points.geojson"

[[layer]]
id = "afstand_punt"
title = "Afstand tot punt"
group = "kernkwaliteit"
unit = "m"
derivation = "distance"
source = "points.geojson"

[[layer]]
id = "inwoners"
title = "Inwoners per cel"
group = "sociaal-economisch"
unit = "inwoners per cel"
derivation = "attribute"
source = "zones.geojson"
field = "inwoners"
mode = "spread"

[[layer]]
id = "aantal"
title = "Aantal bij punten"
group = "sociaal-economisch"
unit = "aantal"
derivation = "attribute"
source = "points.geojson"
field = "n"
mode = "value"

[[layer]]
id = "hoogte"
title = "Hoogte"
group = "water-bodem"
unit = "m"
derivation = "resample"
source = "hoogte.tif"
)toml");
    ModelDef def = load_model_definition(d / "model.toml");
    build_model(def, BuildOptions{d / "model.gpkg", std::nullopt, false});
  }
  static void TearDownTestSuite() {
    delete dir_;
    dir_ = nullptr;
  }

  // A 14 x 14 km GeoTIFF in RD New rising from 0 m in the west to 13 m in the east.
  static void write_elevation(const fs::path& p) {
    GDALAllRegister();
    GDALDriver* drv = GetGDALDriverManager()->GetDriverByName("GTiff");
    ASSERT_NE(drv, nullptr);
    const int n = 140;
    GDALDatasetUniquePtr ds(drv->Create(p.c_str(), n, n, 1, GDT_Float32, nullptr));
    ASSERT_TRUE(ds);
    double gt[6] = {198000, 100, 0, 512000, 0, -100};
    ds->SetGeoTransform(gt);
    OGRSpatialReference srs;
    srs.importFromEPSG(28992);
    ds->SetSpatialRef(&srs);
    std::vector<float> v(static_cast<std::size_t>(n) * n);
    for (int y = 0; y < n; ++y)
      for (int x = 0; x < n; ++x)
        v[static_cast<std::size_t>(y) * n + x] = static_cast<float>(x) / 10.0f;
    ASSERT_EQ(
        ds->GetRasterBand(1)->RasterIO(GF_Write, 0, 0, n, n, v.data(), n, n, GDT_Float32, 0, 0),
        CE_None);
  }

  static fs::path store_path() { return dir_->path() / "model.gpkg"; }

  static TempDir* dir_;
};
TempDir* Quicklook::dir_ = nullptr;

constexpr int kMaxSize = 300;

TEST_F(Quicklook, EveryDerivationGivesAValidPngOfTheAskedSize) {
  Store s = Store::open(store_path());
  TempDir out;
  for (const char* id :
       {"gebieden", "bedekking", "punten", "afstand_punt", "inwoners", "aantal", "hoogte"}) {
    SCOPED_TRACE(id);
    QuicklookLayout layout;
    QuicklookOptions o;
    o.max_size = kMaxSize;
    o.layout = &layout;
    fs::path png = out / (std::string(id) + ".png");
    write_quicklook(s, id, png, o);
    ASSERT_TRUE(fs::exists(png));
    Png img(png);
    ASSERT_TRUE(img.ok());
    EXPECT_EQ(img.width(), layout.width);
    EXPECT_EQ(img.height(), layout.height);
    EXPECT_LE(std::max(layout.map_width, layout.map_height), kMaxSize);
    EXPECT_GE(std::max(layout.map_width, layout.map_height), kMaxSize / 2);
    EXPECT_LE(img.width(), kMaxSize + 400);  // map + legend panel + margins
    EXPECT_LE(img.height(), kMaxSize + 400);
    // Nothing drawn in the page corner.
    EXPECT_TRUE(white(img.at(1, 1))) << describe(img.at(1, 1));
    EXPECT_EQ(temporaries(out.path()), 0);
  }
}

TEST_F(Quicklook, CoveredCellsShowTheTopOfTheRampAndTheSurroundingsStayWhite) {
  Store s = Store::open(store_path());
  TempDir out;
  QuicklookLayout l;
  QuicklookOptions o;
  o.max_size = kMaxSize;
  o.layout = &l;
  write_quicklook(s, "bedekking", out / "b.png", o);
  Png img(out / "b.png");
  ASSERT_TRUE(img.ok());
  // Inside the fully covered square (202000..206000, 502000..506000), away from the zone borders.
  for (auto [x, y] : {std::pair{203000.0, 503000.0}, {203400.0, 505400.0}, {204400.0, 502600.0}}) {
    auto [px, py] = pixel(s, l, x, y);
    EXPECT_TRUE(near(img.at(px, py), kCoverageTop))
        << x << "," << y << ": " << describe(img.at(px, py));
  }
  // In the grid margin, outside the study area: background.
  auto [fx, fy] = pixel(s, l, 198500, 511500);
  EXPECT_TRUE(white(img.at(fx, fy))) << describe(img.at(fx, fy));
  // Inside the study area but not covered: the light-grey study-area fill, not the ramp.
  auto [gx, gy] = pixel(s, l, 208500, 509000);
  Rgb8 g = img.at(gx, gy);
  EXPECT_FALSE(white(g)) << describe(g);
  EXPECT_TRUE(g.r == g.g && g.g == g.b) << describe(g);
}

TEST_F(Quicklook, ScatteredPresenceCellsStayVisible) {
  Store s = Store::open(store_path());
  TempDir out;
  QuicklookLayout l;
  QuicklookOptions o;
  o.max_size = 100;  // cells shrink to about a pixel
  o.layout = &l;
  write_quicklook(s, "punten", out / "p.png", o);
  Png img(out / "p.png");
  ASSERT_TRUE(img.ok());
  auto [px, py] = pixel(s, l, 208125, 500625);  // the lone point in the south-east
  EXPECT_TRUE(near(img.at(px, py), kPresence, 8)) << describe(img.at(px, py));
  int red = 0;
  for (int dy = -4; dy <= 4; ++dy)
    for (int dx = -4; dx <= 4; ++dx) red += near(img.at(px + dx, py + dy), kPresence, 8);
  EXPECT_GE(red, 9) << "a single cell must show as a dot of several pixels";
}

TEST_F(Quicklook, ZonesGetDistinctColoursAndDistancesARamp) {
  Store s = Store::open(store_path());
  TempDir out;
  QuicklookLayout l;
  QuicklookOptions o;
  o.max_size = kMaxSize;
  o.layout = &l;
  write_quicklook(s, "gebieden", out / "z.png", o);
  {
    Png img(out / "z.png");
    ASSERT_TRUE(img.ok());
    auto [ax, ay] = pixel(s, l, 202500, 502500);
    auto [bx, by] = pixel(s, l, 207500, 502500);
    Rgb8 a = img.at(ax, ay), b = img.at(bx, by);
    EXPECT_FALSE(white(a)) << describe(a);
    EXPECT_FALSE(white(b)) << describe(b);
    EXPECT_FALSE(near(a, static_cast<unsigned>(b.r << 16 | b.g << 8 | b.b), 2))
        << describe(a) << " vs " << describe(b);
  }
  write_quicklook(s, "afstand_punt", out / "d.png", o);
  {
    Png img(out / "d.png");
    ASSERT_TRUE(img.ok());
    auto [nx, ny] = pixel(s, l, 200750, 508250);  // next to a point
    auto [fx, fy] = pixel(s, l, 204500, 502500);  // far from every point
    Rgb8 n = img.at(nx, ny), f = img.at(fx, fy);
    EXPECT_FALSE(white(n)) << describe(n);
    EXPECT_FALSE(white(f)) << describe(f);
    // Viridis runs from dark purple (near) to yellow (far).
    EXPECT_LT(n.r + n.g + n.b, f.r + f.g + f.b) << describe(n) << " vs " << describe(f);
  }
}

TEST_F(Quicklook, UnknownLayerThrowsAndWritesNothing) {
  Store s = Store::open(store_path());
  TempDir out;
  EXPECT_THROW(write_quicklook(s, "bestaat_niet", out / "x.png"), Error);
  QuicklookOptions o;
  o.borders = "bestaat_niet";
  EXPECT_THROW(write_quicklook(s, "bedekking", out / "y.png", o), Error);
  EXPECT_FALSE(fs::exists(out / "x.png"));
  EXPECT_FALSE(fs::exists(out / "y.png"));
  EXPECT_TRUE(fs::is_empty(out.path()));
}

TEST_F(Quicklook, FailedWriteLeavesNoTemporary) {
  Store s = Store::open(store_path());
  TempDir out;
  // The target is a non-empty folder: the final rename fails after the PNG was drawn.
  fs::create_directories(out / "kaart.png" / "bezet");
  EXPECT_THROW(write_quicklook(s, "bedekking", out / "kaart.png"), Error);
  EXPECT_EQ(temporaries(out.path()), 0);
  EXPECT_TRUE(fs::is_directory(out / "kaart.png"));
}

TEST_F(Quicklook, ReplacesAnExistingFile) {
  Store s = Store::open(store_path());
  TempDir out;
  write_file(out / "kaart.png", "oud");
  write_quicklook(s, "gebieden", out / "kaart.png");
  Png img(out / "kaart.png");
  EXPECT_TRUE(img.ok());
  EXPECT_EQ(temporaries(out.path()), 0);
}

// ---------------------------------------------------------------- write_map

// A class of a test map: value, label, colour.
struct MapClass {
  float value;
  std::string label;
  unsigned rgb;
  double area_ha = -1;
};

// The afwegingskader's classes and colours.
const std::vector<MapClass> kClasses = {{0, "vrij", 0x1a9641, 120},
                                        {1, "voorwaarde", 0xa6d96a, 45.5},
                                        {2, "afstemming", 0xfdae61, 3.25},
                                        {3, "nee, tenzij", 0xf46d43},
                                        {4, "verboden", 0xd7191c, 1234}};

// A map's description: a class map of these classes, or a ramp.
LayerRecord described(const std::string& title, const std::vector<MapClass>& classes,
                      const std::string& unit = "", const std::string& ramp = "") {
  LayerRecord rec;
  rec.title = title;
  rec.unit = unit;
  if (!classes.empty()) {
    rec.describe.style.kind = LayerStyle::Kind::Classes;
    for (const auto& c : classes)
      rec.describe.style.classes.push_back({c.value, c.label, casco::legend::css(c.rgb)});
  } else {
    rec.describe.style.ramp = ramp;
  }
  return rec;
}

// Does any pixel in the rectangle [x0, x1) x [y0, y1) have exactly this colour?
bool has_colour(const Png& img, int x0, int y0, int x1, int y1, unsigned hex) {
  for (int y = std::max(0, y0); y < std::min(y1, img.height()); ++y)
    for (int x = std::max(0, x0); x < std::min(x1, img.width()); ++x)
      if (near(img.at(x, y), hex, 0)) return true;
  return false;
}

// The page pixel at the middle of a block of cells (rows r0.., cols c0.., n x n cells).
std::pair<int, int> block_centre(const QuicklookLayout& l, int r0, int c0, int n) {
  return {static_cast<int>(l.map_x + (c0 + n / 2.0) * l.scale),
          static_cast<int>(l.map_y + (r0 + n / 2.0) * l.scale)};
}

// Classes 0..4 in 4 x 4 cell blocks in a row across the south of the study area (clear of the
// zone borders at column and row 28); every other cell has no class.
TEST_F(Quicklook, ClassMapShowsEachClassInItsColourOnMapAndLegend) {
  Store s = Store::open(store_path());
  const Grid& g = s.grid();
  ASSERT_EQ(g.cols, 56);  // 10 km + 2 x 2 km margin in 250 m cells; the study area is 8..47
  Raster r(g, kNoData);
  const int row0 = 36, cols0[5] = {9, 15, 21, 31, 39};
  for (int k = 0; k < 5; ++k)
    for (int row = row0; row < row0 + 4; ++row)
      for (int col = cols0[k]; col < cols0[k] + 4; ++col) r.at(row, col) = static_cast<float>(k);
  r.at(2, 2) = 4;  // in the margin, outside the study area: washed out
  LayerRecord spec = described("Afwegingskader", kClasses, "klasse");

  TempDir out;
  QuicklookLayout l;
  QuicklookOptions o;
  o.max_size = kMaxSize;
  o.layout = &l;
  o.subtitle = "Proef";
  o.class_areas = true;
  write_map(s, r, spec, out / "klassen.png", o);
  EXPECT_EQ(temporaries(out.path()), 0);
  Png img(out / "klassen.png");
  ASSERT_TRUE(img.ok());
  EXPECT_EQ(img.width(), l.width);
  EXPECT_EQ(img.height(), l.height);
  EXPECT_LE(std::max(l.map_width, l.map_height), kMaxSize);
  EXPECT_TRUE(white(img.at(1, 1))) << describe(img.at(1, 1));
  const int panel_x = l.map_x + l.map_width;
  for (int k = 0; k < 5; ++k) {
    SCOPED_TRACE(kClasses[static_cast<std::size_t>(k)].label);
    const unsigned c = kClasses[static_cast<std::size_t>(k)].rgb;
    auto [x, y] = block_centre(l, row0, cols0[k], 4);
    EXPECT_TRUE(near(img.at(x, y), c, 1)) << describe(img.at(x, y));
    // Its swatch in the legend, right of the map.
    EXPECT_TRUE(has_colour(img, panel_x, l.map_y, l.width, l.height, c));
  }
  // Inside the study area without a class: the light-grey study-area fill.
  auto [gx, gy] = block_centre(l, 12, 12, 1);
  Rgb8 grey = img.at(gx, gy);
  EXPECT_FALSE(white(grey)) << describe(grey);
  EXPECT_TRUE(grey.r == grey.g && grey.g == grey.b) << describe(grey);
  // Outside the study area a class is only context: paler than its own colour, not another class.
  auto [ox, oy] = block_centre(l, 2, 2, 1);
  Rgb8 pale = img.at(ox, oy);
  EXPECT_GT(pale.g, 0x19 + 60) << describe(pale);
  for (const MapClass& c : kClasses) EXPECT_FALSE(near(pale, c.rgb, 8)) << describe(pale);
}

// A score that falls to -2 in the west and rises to +5,7 in the east (0 at column 28).
TEST_F(Quicklook, DivergingScoreMapIsRedBelowZeroWhiteAtZeroGreenAbove) {
  Store s = Store::open(store_path());
  const Grid& g = s.grid();
  Raster r(g, kNoData);
  for (int row = 0; row < g.rows; ++row)
    for (int col = 0; col < g.cols; ++col)
      r.at(row, col) = static_cast<float>(col < 28 ? (col - 28) / 10.0 : (col - 28) * 0.3);
  LayerRecord spec = described("Geschiktheid", {}, "score", "roodgroen");

  TempDir out;
  QuicklookLayout l;
  QuicklookOptions o;
  o.max_size = kMaxSize;
  o.layout = &l;
  write_map(s, r, spec, out / "score.png", o);
  Png img(out / "score.png");
  ASSERT_TRUE(img.ok());
  EXPECT_EQ(img.width(), l.width);
  const int row = 36;                           // south of the zone border at row 28
  auto [nx, ny] = block_centre(l, row, 10, 1);  // -1,8
  auto [zx, zy] = block_centre(l, row, 28, 1);  // 0
  auto [px, py] = block_centre(l, row, 40, 1);  // +3,6
  Rgb8 neg = img.at(nx, ny), zero = img.at(zx, zy), pos = img.at(px, py);
  EXPECT_GT(neg.r, neg.g + 40) << describe(neg);
  EXPECT_GT(neg.r, neg.b + 40) << describe(neg);
  EXPECT_GT(pos.g, pos.r + 40) << describe(pos);
  EXPECT_GT(pos.g, pos.b + 20) << describe(pos);
  // Symmetric around 0: zero is the white middle of the ramp although the range is -2..5,7.
  EXPECT_TRUE(near(zero, 0xf7f7f7, 3)) << describe(zero);
  // The western edge (-2) is only a pale red: the ramp's dark end belongs to -5,7.
  auto [wx, wy] = block_centre(l, row, 8, 1);
  EXPECT_GT(img.at(wx, wy).g, 0x18 + 60) << describe(img.at(wx, wy));
}

TEST_F(Quicklook, MapOnAnotherGridOrWithDuplicateClassesThrowsAndWritesNothing) {
  Store s = Store::open(store_path());
  TempDir out;
  LayerRecord spec = described("", kClasses);
  Grid shifted = s.grid();
  shifted.x0 += 250;
  EXPECT_THROW(write_map(s, Raster(shifted, 1), spec, out / "a.png"), Error);
  Grid smaller = s.grid();
  smaller.cols -= 1;
  EXPECT_THROW(write_map(s, Raster(smaller, 1), spec, out / "b.png"), Error);
  Grid coarser = s.grid();
  coarser.cell = 500;
  EXPECT_THROW(write_map(s, Raster(coarser, 1), spec, out / "c.png"), Error);
  spec.describe.style.classes.push_back({2, "nogmaals afstemming", "#000000"});
  EXPECT_THROW(write_map(s, Raster(s.grid(), 1), spec, out / "d.png"), Error);
  spec = described("", kClasses);
  QuicklookOptions o;
  o.borders = "bestaat_niet";
  EXPECT_THROW(write_map(s, Raster(s.grid(), 1), spec, out / "e.png", o), Error);
  EXPECT_TRUE(fs::is_empty(out.path()));
}

// The bundled Drenthe model at 250 m: every layer renders; Assen lies in a coloured gemeente.
TEST_F(Quicklook, DrentheAt250mEveryLayerRenders) {
  TempDir dir;
  Store s = Store::open(casco::test::drenthe_store_250());
  ASSERT_FALSE(s.manifest().layers.empty());
  for (const auto& L : s.manifest().layers) {
    SCOPED_TRACE(L.id);
    QuicklookLayout l;
    QuicklookOptions o;
    o.max_size = 600;
    o.layout = &l;
    fs::path png = dir / (L.id + ".png");
    write_quicklook(s, L.id, png, o);
    Png img(png);
    ASSERT_TRUE(img.ok());
    EXPECT_LE(std::max(l.map_width, l.map_height), 600);
    if (L.id == "gemeenten") {
      auto [x, y] = pixel(s, l, 233500, 556500);  // Assen
      EXPECT_FALSE(white(img.at(x, y))) << describe(img.at(x, y));
    }
  }
  // A class map from the distance to Natura 2000, as the afwegingskader would make one: every
  // class shows on the map and in the legend.
  if (s.find("afstand_natura2000")) {
    Raster d = s.read("afstand_natura2000");
    Raster classes(d.grid, kNoData);
    std::vector<MapClass> spec_classes = kClasses;
    for (auto& c : spec_classes) c.area_ha = 0;
    for (std::size_t i = 0; i < d.values.size(); ++i) {
      float v = d.values[i];
      if (std::isnan(v)) continue;
      int k = v <= 0 ? 4 : v <= 500 ? 3 : v <= 1000 ? 2 : v <= 2000 ? 1 : 0;
      classes.values[i] = static_cast<float>(k);
      spec_classes[static_cast<std::size_t>(k)].area_ha += d.grid.cell_area_ha();
    }
    LayerRecord spec = described("Afstand tot Natura 2000 in klassen", spec_classes);
    QuicklookLayout l;
    QuicklookOptions o;
    o.class_areas = true;
    o.max_size = 600;
    o.layout = &l;
    write_map(s, classes, spec, dir / "klassen.png", o);
    Png img(dir / "klassen.png");
    ASSERT_TRUE(img.ok());
    for (const MapClass& c : spec_classes) {
      SCOPED_TRACE(c.label);
      EXPECT_GT(c.area_ha, 0);
      EXPECT_TRUE(
          has_colour(img, l.map_x, l.map_y, l.map_x + l.map_width, l.map_y + l.map_height, c.rgb));
      EXPECT_TRUE(has_colour(img, l.map_x + l.map_width, l.map_y, l.width, l.height, c.rgb));
    }
  }
  EXPECT_EQ(temporaries(dir.path()), 0);
}

}  // namespace
