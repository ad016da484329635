// Building small hand-made models: values, rebuild decisions and bad input.
#include <gdal_priv.h>
#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>
#include <memory>
#include <sstream>

#include "core/crs.hpp"
#include "core/error.hpp"
#include "model/build.hpp"
#include "model/stats.hpp"
#include "model/store.hpp"
#include "test_util.hpp"

using namespace casco;
namespace fs = std::filesystem;

namespace {

constexpr double X0 = 200000, Y0 = 500000;  // a 1 km square in RD New, aligned to 25 m

struct Warnings {
  std::vector<std::string> seen;
  WarningSink previous;
  Warnings() {
    previous = set_warning_sink([this](std::string_view m) { seen.emplace_back(m); });
  }
  ~Warnings() { set_warning_sink(previous); }
  bool contains(const std::string& s) const {
    for (auto& w : seen)
      if (w.find(s) != std::string::npos) return true;
    return false;
  }
};

const char* kModel = R"([model]
name = "proef"
cell_size = 25
borders = "zones"
[study_area]
path = "area.geojson"

[[layer]]
id = "sq"
title = "Vierkant"
group = "natuur"
unit = "aandeel"
derivation = "coverage"
source = "square.geojson"

[[layer]]
id = "zones"
title = "Zones"
group = "bestuur"
derivation = "zones"
source = "zones.geojson"
zone_code = "code"
zone_name = "naam"

[[layer]]
id = "inw"
title = "Inwoners"
group = "sociaal-economisch"
unit = "inwoners per cel"
derivation = "attribute"
source = "zones.geojson"
field = "inwoners"

[[layer]]
id = "afstand"
title = "Afstand tot punt"
group = "sociaal-economisch"
unit = "m"
derivation = "distance"
source = "point.geojson"

[[layer]]
id = "wgs"
title = "Punt in WGS84"
group = "kernkwaliteit"
derivation = "presence"
source = "wgs84.geojson"
)";

struct Fixture {
  test::TempDir dir;
  fs::path model = dir / "model.toml";
  fs::path store = dir / "store.gpkg";
  Fixture() {
    test::write_file(dir / "area.geojson",
                     test::rd_collection(test::rd_square(X0, Y0, 1000, R"({"naam":"proef"})")));
    write_square(10, 20);
    std::string west =
        R"({"type":"Feature","properties":{"code":"Z1","naam":"West","inwoners":100},"geometry":{"type":"Polygon","coordinates":[[[200000,500000],[200500,500000],[200500,501000],[200000,501000],[200000,500000]]]}})";
    std::string oost =
        R"({"type":"Feature","properties":{"code":"Z2","naam":"Oost","inwoners":300},"geometry":{"type":"Polygon","coordinates":[[[200500,500000],[201000,500000],[201000,501000],[200500,501000],[200500,500000]]]}})";
    test::write_file(dir / "zones.geojson", test::rd_collection(west + "," + oost));
    test::write_file(dir / "point.geojson",
                     test::rd_collection(test::rd_point(X0 + 12.5, Y0 + 987.5, "{}")));
    double lon = X0 + 512.5, lat = Y0 + 487.5;
    transform_point("EPSG:28992", "EPSG:4326", lon, lat);
    // GeoJSON without a crs member is longitude/latitude (RFC 7946).
    test::write_file(
        dir / "wgs84.geojson",
        R"({"type":"FeatureCollection","features":[{"type":"Feature","properties":{},"geometry":{"type":"Point","coordinates":[)" +
            fmt::format("{:.9f},{:.9f}", lon, lat) + "]}}]}");
    test::write_file(model, kModel);
  }
  void write_square(double dx, double dy) {
    test::write_file(dir / "square.geojson",
                     test::rd_collection(test::rd_square(X0 + dx, Y0 + dy, 50, "{}")));
  }
  BuildReport build(bool force = false) {
    return build_model(load_model_definition(model), {store, std::nullopt, force});
  }
};

double sum(const Raster& r) {
  double s = 0;
  for (float v : r.values)
    if (!std::isnan(v)) s += v;
  return s;
}

}  // namespace

TEST(Build, HandMadeModelHasTheHandComputedValues) {
  Fixture f;
  BuildReport r = f.build();
  EXPECT_EQ(r.grid.cols, 40);
  EXPECT_EQ(r.grid.rows, 40);
  EXPECT_EQ(r.rebuilt(), 6u);  // the model's study-area layer and its five
  Store s = Store::open(f.store);
  EXPECT_EQ(s.manifest().model_name, "proef");
  EXPECT_EQ(s.manifest().layers.size(), 6u);
  EXPECT_EQ(s.manifest().layers.front().id, "studiegebied");

  Raster sq = s.read("sq");
  EXPECT_NEAR(sum(sq) * 625.0, 2500.0, 1e-2);  // exact area of the 50 m square
  EXPECT_NEAR(sq.at(39, 0), 0.6 * 0.2, 1e-6);  // bottom-left cell: x 10..25 of 25, y 20..25 of 25
  EXPECT_NEAR(s.layer("sq").stats.area_ha, 9 * 0.0625, 1e-9);  // 3 x 3 cells touched

  Raster inw = s.read("inw");
  EXPECT_NEAR(sum(inw), 400.0, 1e-3);
  EXPECT_NEAR(inw.at(0, 0), 100.0 / 800, 1e-6);  // West: 20 x 40 cells
  EXPECT_NEAR(inw.at(0, 39), 300.0 / 800, 1e-6);

  auto rows = zonal_stats(inw, s.read("zones"), s.zones("zones"));
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_EQ(rows[0].code, "Z1");
  EXPECT_EQ(rows[0].name, "West");
  EXPECT_NEAR(rows[0].sum, 100.0, 1e-3);
  EXPECT_NEAR(rows[1].sum, 300.0, 1e-3);
  EXPECT_NEAR(rows[0].area_ha, 50.0, 1e-9);

  Raster d = s.read("afstand");
  EXPECT_FLOAT_EQ(d.at(0, 0), 0.0f);
  EXPECT_FLOAT_EQ(d.at(3, 4), 125.0f);  // 3-4-5 triangle in cells
  EXPECT_FLOAT_EQ(d.at(39, 39), static_cast<float>(std::hypot(39.0, 39.0) * 25));

  Raster w = s.read("wgs");  // reprojected from WGS84 into the cell whose centre it is
  EXPECT_EQ(w.at(20, 20), 1.0f);
  EXPECT_EQ(sum(w), 1.0);

  // The store is a GeoPackage with the vectors cut to the study area.
  auto vec = s.open_vectors();
  EXPECT_NE(vec->GetLayerByName("v_studiegebied"), nullptr);
  EXPECT_FALSE(s.layer("zones").vector_table.empty());
  EXPECT_NE(vec->GetLayerByName(s.layer("zones").vector_table.c_str()), nullptr);
}

TEST(Build, RebuildRedoesOnlyTheLayerWhoseSourceChanged) {
  Fixture f;
  f.build();
  f.write_square(100, 100);  // move the square
  BuildReport r = f.build();
  EXPECT_EQ(r.rebuilt(), 1u);
  for (const auto& l : r.layers) {
    if (l.id == "sq") {
      EXPECT_TRUE(l.rebuilt);
      EXPECT_EQ(l.reason, "source changed");
    } else {
      EXPECT_FALSE(l.rebuilt) << l.id;
    }
  }
  Store s = Store::open(f.store);
  Raster sq = s.read("sq");
  EXPECT_NEAR(sum(sq) * 625.0, 2500.0, 1e-2);
  EXPECT_NEAR(sq.at(35, 4), 1.0, 1e-6);          // x 100..125, y 100..125 fully covered
  EXPECT_NEAR(sum(s.read("inw")), 400.0, 1e-3);  // reused layers still intact
  EXPECT_EQ(s.zones("zones").size(), 2u);

  EXPECT_EQ(f.build().rebuilt(), 0u);  // nothing changed

  std::string text = test::read_file(f.model);
  test::write_file(f.model,
                   text.replace(text.find("Afstand tot punt"), 16, "Afstand tot het punt"));
  BuildReport r3 = f.build();
  EXPECT_EQ(r3.rebuilt(), 1u);
  EXPECT_EQ(r3.layers[4].reason, "definition changed");
  EXPECT_EQ(f.build(true).rebuilt(), 6u);
}

TEST(Build, FailedBuildLeavesThePreviousStoreIntact) {
  Fixture f;
  f.build();
  std::string before = test::read_file(f.store);
  std::string text = test::read_file(f.model);
  test::write_file(f.model, text + R"(
[[layer]]
id = "kapot"
title = "Ontbrekende bron"
group = "natuur"
derivation = "presence"
source = "missing.geojson"
)");
  try {
    f.build();
    FAIL() << "expected an error";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("missing.geojson"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("does not exist"), std::string::npos) << e.what();
  }
  EXPECT_EQ(test::read_file(f.store), before);
  for (auto& entry : fs::directory_iterator(f.dir.path()))
    EXPECT_EQ(entry.path().string().find(".tmp-"), std::string::npos) << entry.path();
}

TEST(Build, SourceWithoutCrsNeedsOneInTheDefinition) {
  Fixture f;
  test::write_file(f.dir / "pts.csv", "x,y,naam\n200100,500100,a\n");
  std::string layer = R"(
[[layer]]
id = "csv"
title = "CSV"
group = "natuur"
derivation = "presence"
)";
  test::write_file(
      f.model,
      std::string(kModel) + layer +
          R"(source = { path = "pts.csv", open_options = ["X_POSSIBLE_NAMES=x", "Y_POSSIBLE_NAMES=y"] })");
  try {
    f.build();
    FAIL();
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("declares no coordinate reference system"),
              std::string::npos)
        << e.what();
  }
  EXPECT_FALSE(fs::exists(f.store));
  test::write_file(
      f.model,
      std::string(kModel) + layer +
          R"(source = { path = "pts.csv", crs = "EPSG:28992", open_options = ["X_POSSIBLE_NAMES=x", "Y_POSSIBLE_NAMES=y"] })");
  f.build();
  Raster r = Store::open(f.store).read("csv");
  EXPECT_EQ(r.at(36, 4), 1.0f);  // x 200100 → col 4; y 500100 → row (501000 - 500100) / 25
}

TEST(Build, InvalidGeometryIsRepairedWithAWarningNamingTheFeature) {
  Fixture f;
  Warnings w;
  // A bow-tie: two triangles of 100 x 50 / 2 m² each.
  test::write_file(
      f.dir / "square.geojson",
      test::rd_collection(
          R"({"type":"Feature","properties":{"naam":"strik"},"geometry":{"type":"Polygon","coordinates":[[[200000,500000],[200100,500100],[200100,500000],[200000,500100],[200000,500000]]]}})"));
  f.build();
  EXPECT_TRUE(w.contains("('strik') had invalid geometry")) << (w.seen.empty() ? "" : w.seen[0]);
  EXPECT_NEAR(sum(Store::open(f.store).read("sq")) * 625.0, 5000.0, 1e-2);
}

TEST(Build, SourceOutsideTheStudyAreaGivesAWarningAndAnEmptyLayer) {
  Fixture f;
  Warnings w;
  f.write_square(50000, 50000);
  f.build();
  EXPECT_TRUE(w.contains("no features in the study area"));
  EXPECT_EQ(sum(Store::open(f.store).read("sq")), 0.0);
}

TEST(Build, MissingLayerOrFieldIsNamed) {
  Fixture f;
  f.build();
  std::string text = test::read_file(f.model);
  test::write_file(
      f.model,
      text +
          "\n[[layer]]\nid = \"x\"\ntitle = \"X\"\ngroup = \"natuur\"\nderivation = \"presence\"\n"
          "source = { path = \"store.gpkg\", layer = \"bestaat_niet\" }\n");
  try {
    f.build();
    FAIL();
  } catch (const Error& e) {
    std::string m = e.what();
    EXPECT_NE(m.find("no layer 'bestaat_niet'"), std::string::npos) << m;
    EXPECT_NE(m.find("v_studiegebied"), std::string::npos) << m;  // lists what is there
  }
  test::write_file(
      f.model,
      text +
          "\n[[layer]]\nid = \"x\"\ntitle = \"X\"\ngroup = \"natuur\"\nderivation = \"attribute\"\n"
          "source = \"zones.geojson\"\nfield = \"inwonertal\"\n");
  try {
    f.build();
    FAIL();
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("no field 'inwonertal' (fields: code, naam, inwoners)"),
              std::string::npos)
        << e.what();
  }
}

TEST(Build, StudyAreaFilterMatchingNothingIsAnError) {
  Fixture f;
  std::string text = test::read_file(f.model);
  test::write_file(f.model, text.replace(text.find("path = \"area.geojson\""), 22,
                                         "path = \"area.geojson\"\nwhere = \"naam = 'elders'\""));
  try {
    f.build();
    FAIL();
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("holds no polygon"), std::string::npos) << e.what();
  }
}

TEST(Build, ResampleAveragesAGeoTiff) {
  Fixture f;
  // 5 m cells whose value is their column index: a 25 m cell averages five columns, 5c+0..5c+4.
  GDALAllRegister();
  {
    GDALDriver* gtiff = GetGDALDriverManager()->GetDriverByName("GTiff");
    GDALDatasetUniquePtr ds(
        gtiff->Create((f.dir / "cols.tif").c_str(), 200, 200, 1, GDT_Float32, nullptr));
    double gt[6] = {X0, 5, 0, Y0 + 1000, 0, -5};
    ds->SetGeoTransform(gt);
    OGRSpatialReference rd = make_srs("EPSG:28992", "test");
    ds->SetSpatialRef(&rd);
    std::vector<float> v(200 * 200);
    for (int y = 0; y < 200; ++y)
      for (int x = 0; x < 200; ++x)
        v[static_cast<std::size_t>(y) * 200 + x] = static_cast<float>(x);
    ASSERT_EQ(ds->GetRasterBand(1)->RasterIO(GF_Write, 0, 0, 200, 200, v.data(), 200, 200,
                                             GDT_Float32, 0, 0),
              CE_None);
  }
  test::write_file(f.model, std::string(kModel) + R"(
[[layer]]
id = "gem"
title = "Gemiddelde"
group = "water-bodem"
derivation = "resample"
resampling = "average"
source = "cols.tif"

[[layer]]
id = "nn"
title = "Dichtstbijzijnde"
group = "water-bodem"
derivation = "resample"
source = "cols.tif"
)");
  f.build();
  Store s = Store::open(f.store);
  Raster avg = s.read("gem"), nn = s.read("nn");
  for (int c : {0, 7, 39}) {
    EXPECT_NEAR(avg.at(10, c), 5 * c + 2, 1e-4) << c;
    EXPECT_NEAR(nn.at(10, c), 5 * c + 2, 1e-4) << c;  // the 5 m cell under the 25 m cell's centre
  }
}

TEST(Build, OsmPbfRoadsFromARealExtract) {
  test::TempDir dir;
  // The study area: the extent of the bundled Groningen city-centre extract, in WGS84.
  test::write_file(
      dir / "area.geojson",
      R"({"type":"FeatureCollection","features":[{"type":"Feature","properties":{},"geometry":{"type":"Polygon","coordinates":[[[6.5486,53.2065],[6.5845,53.2065],[6.5845,53.2280],[6.5486,53.2280],[6.5486,53.2065]]]}}]})");
  fs::path pbf = fs::path(CASCO_DATA_DIR) / "sources/osm/groningen-centrum.osm.pbf";
  test::write_file(dir / "model.toml", R"([model]
name = "groningen"
cell_size = 20
[study_area]
path = "area.geojson"
[[layer]]
id = "wegen"
title = "Wegen"
group = "sociaal-economisch"
derivation = "presence"
source = { path = ")" + pbf.string() + R"(", layer = "lines", osm_tag = "highway" }
[[layer]]
id = "afstand_weg"
title = "Afstand tot weg"
group = "sociaal-economisch"
unit = "m"
derivation = "distance"
source = { path = ")" + pbf.string() + R"(", layer = "lines", osm_tag = "highway" }
)");
  BuildReport r =
      build_model(load_model_definition(dir / "model.toml"), {dir / "g.gpkg", std::nullopt, false});
  Store s = Store::open(dir / "g.gpkg");
  const auto& wegen = s.layer("wegen").stats;
  // 1,264 street segments in a 2.4 x 2.4 km centre: a dense net, but far from every cell.
  EXPECT_GT(wegen.cells_set, 2000u);
  EXPECT_LT(wegen.cells_set, s.grid().size() / 2);
  EXPECT_LT(s.layer("afstand_weg").stats.mean, 100.0);
  EXPECT_EQ(s.layer("afstand_weg").stats.min, 0.0);
  (void)r;
}

TEST(Build, DerivedLayersAreAddedToAndReplacedInTheStore) {
  Fixture f;
  f.build();
  Store s = Store::open(f.store);
  Raster extra(s.grid(), 3.0f);
  LayerRecord rec;
  rec.id = "extra";
  rec.title = "Afgeleid";
  rec.group = "sociaal-economisch";
  rec.derivation = "access";
  add_layers(f.store, {{rec, &extra}});
  Store s2 = Store::open(f.store);
  ASSERT_NE(s2.find("extra"), nullptr);
  EXPECT_EQ(s2.read("extra").at(3, 3), 3.0f);
  EXPECT_EQ(s2.manifest().layers.size(), 7u);
  EXPECT_EQ(s2.zones("zones").size(), 2u);
  EXPECT_NEAR(sum(s2.read("inw")), 400.0, 1e-3);
  // Replacing keeps one layer of that id with the new values.
  Raster again(s.grid(), 7.0f);
  add_layers(f.store, {{rec, &again}});
  Store s3 = Store::open(f.store);
  EXPECT_EQ(s3.manifest().layers.size(), 7u);
  EXPECT_EQ(s3.read("extra").at(0, 0), 7.0f);
  EXPECT_DOUBLE_EQ(s3.layer("extra").stats.mean, 7.0);
  // A raster on another grid is refused and the store stays as it was.
  Grid other = s.grid();
  other.cols -= 1;
  Raster wrong(other, 1.0f);
  EXPECT_THROW(add_layers(f.store, {{rec, &wrong}}), Error);
  EXPECT_EQ(Store::open(f.store).read("extra").at(0, 0), 7.0f);
  // A rebuild from the definition keeps only the defined layers.
  f.build(true);
  EXPECT_EQ(Store::open(f.store).find("extra"), nullptr);
}

// Layers from an included file (as `casco data fetch` writes them) are built like the model's own;
// their credit line is kept in the store and travels with a GeoTIFF export and the quick-look.
TEST(Build, IncludedLayersCarryTheirAttribution) {
  Fixture f;
  fs::create_directories(f.dir / "official");
  test::write_file(f.dir / "official" / "model-sources.toml",
                   "[[layer]]\nid = \"officieel\"\ntitle = \"Officieel vierkant\"\n"
                   "group = \"natuur\"\nunit = \"aandeel\"\nderivation = \"coverage\"\n"
                   "attribution = \"Vierkant: Kadaster / PDOK (CC BY 4.0).\"\n"
                   "source = \"../square.geojson\"\n");
  std::string text = test::read_file(f.model);
  test::write_file(f.model, text.replace(text.find("borders = \"zones\""), 17,
                                         "borders = \"zones\"\ninclude = "
                                         "[\"official/model-sources.toml\"]"));
  BuildReport r = f.build();
  ASSERT_EQ(r.layers.size(), 7u);
  Store s = Store::open(f.store);
  const LayerRecord& L = s.layer("officieel");
  EXPECT_EQ(L.attribution, "Vierkant: Kadaster / PDOK (CC BY 4.0).");
  EXPECT_TRUE(s.layer("sq").attribution.empty());
  // Same source as "sq", resolved relative to the included file: the same cells.
  EXPECT_NEAR(sum(s.read("officieel")), sum(s.read("sq")), 1e-6);

  const fs::path tif = f.dir / "officieel.tif";
  ASSERT_EQ(std::system((std::string(CASCO_BINARY) + " export " + f.store.string() + " officieel " +
                         tif.string() + " > /dev/null 2>&1")
                            .c_str()),
            0);
  std::unique_ptr<GDALDataset> ds(GDALDataset::Open(tif.c_str(), GDAL_OF_RASTER));
  ASSERT_TRUE(ds);
  const char* credit = ds->GetMetadataItem("TIFFTAG_COPYRIGHT");
  ASSERT_NE(credit, nullptr);
  EXPECT_NE(std::string(credit).find("Kadaster / PDOK (CC BY 4.0)"), std::string::npos) << credit;
}
