// One legend per layer, the same wherever a planner meets it: the viewer's legend, the PNG map,
// the report's map and the QGIS project. Every layer of the 250 m Drenthe store is compared with
// the legend module's own (legend/legend.hpp) in all four, side by side in one test.
#include <gdal_priv.h>

#include <map>
#include <set>

#include "legend/legend.hpp"
#include "present/qgis_project.hpp"
#include "present/qgz_read.hpp"
#include "render/quicklook.hpp"
#include "report/config.hpp"
#include "report/figures.hpp"
#include "report/maps.hpp"
#include "viewer_fixture.hpp"

namespace casco {
namespace {

// A PNG's pixels as 0xRRGGBB, read with GDAL (independent of cairo, which drew it).
struct Pixels {
  int width = 0, height = 0;
  std::vector<unsigned> rgb;
  explicit Pixels(const fs::path& png) {
    GDALDatasetUniquePtr ds(GDALDataset::Open(png.c_str(), GDAL_OF_RASTER | GDAL_OF_READONLY));
    if (!ds || ds->GetRasterCount() < 3) return;
    width = ds->GetRasterXSize(), height = ds->GetRasterYSize();
    std::vector<std::uint8_t> band(static_cast<std::size_t>(width) * height);
    rgb.assign(band.size(), 0);
    for (int b = 1; b <= 3; ++b) {
      if (ds->GetRasterBand(b)->RasterIO(GF_Read, 0, 0, width, height, band.data(), width, height,
                                         GDT_Byte, 0, 0) != CE_None)
        return;
      for (std::size_t i = 0; i < band.size(); ++i) rgb[i] |= unsigned{band[i]} << (8 * (3 - b));
    }
  }
  // Whether a pixel right of column x0 has the colour (each channel within tol).
  bool has(unsigned colour, int x0, int tol) const {
    auto channel = [](unsigned c, int k) { return static_cast<int>((c >> (8 * k)) & 255); };
    for (int y = 0; y < height; ++y)
      for (int x = std::max(0, x0); x < width; ++x) {
        const unsigned p = rgb[static_cast<std::size_t>(y) * width + x];
        if (std::abs(channel(p, 0) - channel(colour, 0)) <= tol &&
            std::abs(channel(p, 1) - channel(colour, 1)) <= tol &&
            std::abs(channel(p, 2) - channel(colour, 2)) <= tol)
          return true;
      }
    return false;
  }
};

// The colour a class is drawn in: zones by their zone colour, other classes by their own.
unsigned class_colour(const legend::Legend& lg, const legend::Entry& c) {
  if (lg.zones && c.value > 0 && c.value < lg.zone_rgb.size())
    return lg.zone_rgb[static_cast<std::size_t>(c.value)];
  return c.rgb;
}

// The QGIS project's style of each layer: palette entries (value → label, colour) or the ramp's
// range.
struct QgisStyle {
  std::string type;
  std::map<double, std::pair<std::string, std::string>> palette;
  double min = 0, max = 0;
};
std::map<std::string, QgisStyle> qgis_styles(const fs::path& qgz) {
  std::string name;
  test::Xml xml(test::unzip_qgs(qgz, &name));
  std::map<std::string, QgisStyle> out;
  const CPLXMLNode* layers = CPLGetXMLNode(xml.root, "=qgis.projectlayers");
  for (const CPLXMLNode* m : test::children(layers, "maplayer")) {
    const CPLXMLNode* r = CPLGetXMLNode(m, "pipe.rasterrenderer");
    QgisStyle st;
    st.type = CPLGetXMLValue(r, "type", "");
    for (const CPLXMLNode* p : test::children(CPLGetXMLNode(r, "colorPalette"), "paletteEntry"))
      st.palette[CPLAtof(CPLGetXMLValue(p, "value", ""))] = {CPLGetXMLValue(p, "label", ""),
                                                             CPLGetXMLValue(p, "color", "")};
    st.min = CPLAtof(CPLGetXMLValue(r, "classificationMin", "0"));
    st.max = CPLAtof(CPLGetXMLValue(r, "classificationMax", "0"));
    std::string id = CPLGetXMLValue(m, "id", "");
    out[id.substr(0, id.size() - std::string("_casco").size())] = st;
  }
  return out;
}

// The report's maps of store layers drawn as they are (a group's share layer): layer → legend.
std::map<std::string, std::string> report_legends(const Store& s) {
  const report::ReportConfig config =
      report::load_report_config(fs::path(CASCO_DATA_DIR) / "report");
  report::ReportMaps maps(
      s,
      [](const std::vector<report::Area>& areas) {  // the province page only
        std::vector<bool> pages(areas.size(), false);
        pages[0] = true;
        return pages;
      },
      200, 0);
  report::FigureInputs in{&s, &config, nullptr, nullptr, {}, config.norms_missed};
  const report::Figures f = report::compute_figures(in, &maps);
  std::map<std::string, std::string> out;
  for (const auto& g : f.groups)
    if (!g.map_layer.empty() && maps.legend(g.map))
      out[g.map_layer] = legend::to_json(*maps.legend(g.map));
  return out;
}

// The viewer's fixture under this file's own name (gtest wants one fixture class per suite).
class ViewerLegends : public Viewer {};

}  // namespace

TEST_F(ViewerLegends, EveryLayerHasOneLegendInTheViewerThePngTheReportAndQgis) {
  Store s = Store::open(*dir_ / "d.gpkg");
  const std::vector<std::uint8_t> study = s.study_mask();

  // 1. The viewer: the legends it serves.
  auto r = client().Get("/api/model");
  ASSERT_TRUE(r);
  std::map<std::string, json> viewer;
  const json model = json::parse(r->body);
  for (const auto& g : model["groups"])
    for (const auto& L : g["layers"]) viewer[L["id"].get<std::string>()] = L["legend"];
  EXPECT_EQ(viewer.size(), s.manifest().layers.size());
  // 2. The report's maps; 3. the QGIS project beside a copy of the store.
  const auto report = report_legends(s);
  EXPECT_GE(report.size(), 2u);
  test::TempDir out;
  fs::copy_file(*dir_ / "d.gpkg", out / "q.gpkg");
  present::write_qgis_project(Store::open(out / "q.gpkg"));
  const auto qgis = qgis_styles(out / "q.qgz");

  std::size_t compared = 0, in_report = 0;
  for (const auto& L : s.manifest().layers) {
    SCOPED_TRACE(L.id);
    const Raster values = s.read(L.id);
    const legend::Legend own = legend::legend_for(s, L, values, study);
    const json own_json = json::parse(legend::to_json(own));
    // The viewer and the report: the very same legend.
    ASSERT_TRUE(viewer.count(L.id));
    EXPECT_EQ(viewer[L.id], own_json);
    if (report.count(L.id)) {
      EXPECT_EQ(json::parse(report.at(L.id)), own_json);
      ++in_report;
    }
    // QGIS: the same classes with the same names and colours, or the ramp over the same range.
    ASSERT_TRUE(qgis.count(L.id));
    const QgisStyle& q = qgis.at(L.id);
    // 4. The PNG map: every class colour (or both ends of the ramp) in the legend panel.
    QuicklookLayout layout;
    QuicklookOptions o;
    o.max_size = 300;
    o.place_labels = 0;
    o.layout = &layout;
    write_quicklook(s, L.id, out / (L.id + ".png"), o);
    const Pixels png(out / (L.id + ".png"));
    ASSERT_GT(png.width, 0);
    const int panel = layout.map_x + layout.map_width;
    if (own.kind == legend::Legend::Kind::Classes && !own.bins) {
      EXPECT_EQ(q.type, "paletted");
      for (const auto& c : own.classes) {
        if (!c.drawn) continue;
        EXPECT_EQ(q.palette.at(c.value).first, c.label);
        EXPECT_EQ(q.palette.at(c.value).second, legend::css(class_colour(own, c))) << c.label;
        if (!own.zones) {
          EXPECT_TRUE(png.has(class_colour(own, c), panel, 0)) << c.label;
        }
      }
    } else if (own.kind == legend::Legend::Kind::Classes) {  // bins of a continuous value
      EXPECT_EQ(q.type, "singlebandpseudocolor");
      for (const auto& c : own.classes)
        if (c.drawn) {
          EXPECT_TRUE(png.has(c.rgb, panel, 0)) << c.label;
        }
    } else {
      EXPECT_EQ(q.type, "singlebandpseudocolor");
      EXPECT_DOUBLE_EQ(q.min, own.lo);
      EXPECT_DOUBLE_EQ(q.max, own.hi);
      EXPECT_TRUE(png.has(own.stops.front(), panel, 10)) << legend::css(own.stops.front());
      EXPECT_TRUE(png.has(own.stops.back(), panel, 10)) << legend::css(own.stops.back());
    }
    ++compared;
  }
  EXPECT_EQ(compared, s.manifest().layers.size());
  EXPECT_EQ(in_report, report.size());
}

}  // namespace casco
