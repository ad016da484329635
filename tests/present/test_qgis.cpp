// The QGIS project: a valid .qgz beside the store with one styled layer per store layer, grouped
// as the model groups them, in the legend module's colours and names.
#include <gtest/gtest.h>

#include <map>
#include <set>

#include "core/error.hpp"
#include "legend/legend.hpp"
#include "present/qgis_project.hpp"
#include "present/qgz_read.hpp"
#include "test_util.hpp"

using namespace casco;
namespace fs = std::filesystem;

using test::children;
using test::unzip_qgs;
using test::Xml;

TEST(QgisProject, OneStyledLayerPerStoreLayerInTheModelsGroups) {
  test::TempDir dir;
  fs::copy_file(test::drenthe_store_250(), dir / "d.gpkg");
  Store s = Store::open(dir / "d.gpkg");
  auto e = present::write_qgis_project(s);
  EXPECT_EQ(e.path, dir / "d.qgz");
  EXPECT_EQ(e.layers, s.manifest().layers.size());
  std::string name;
  const std::string qgs = unzip_qgs(dir / "d.qgz", &name);
  EXPECT_EQ(name, "d.qgs");
  ASSERT_FALSE(qgs.empty());
  Xml xml(qgs);
  const CPLXMLNode* qgis = CPLGetXMLNode(xml.root, "=qgis");
  ASSERT_NE(qgis, nullptr) << "not a well-formed QGIS project";
  EXPECT_STREQ(CPLGetXMLValue(qgis, "projectCrs.spatialrefsys.authid", ""), "EPSG:28992");
  EXPECT_STREQ(CPLGetXMLValue(qgis, "properties.Paths.Absolute", ""), "false");

  // One map layer per store layer, with a relative source and a renderer.
  std::map<std::string, const CPLXMLNode*> by_id;
  for (const CPLXMLNode* m : children(CPLGetXMLNode(qgis, "projectlayers"), "maplayer"))
    by_id[CPLGetXMLValue(m, "id", "")] = m;
  ASSERT_EQ(by_id.size(), s.manifest().layers.size());
  const auto study = s.study_mask();
  for (const auto& L : s.manifest().layers) {
    SCOPED_TRACE(L.id);
    ASSERT_TRUE(by_id.count(L.id + "_casco"));
    const CPLXMLNode* m = by_id[L.id + "_casco"];
    EXPECT_EQ(std::string(CPLGetXMLValue(m, "datasource", "")), "GPKG:./d.gpkg:" + L.id);
    EXPECT_EQ(std::string(CPLGetXMLValue(m, "layername", "")), L.title);
    const CPLXMLNode* r = CPLGetXMLNode(m, "pipe.rasterrenderer");
    ASSERT_NE(r, nullptr);
    // The same legend as the viewer and the maps: class names and colours, or the ramp's range.
    const legend::Legend lg = legend::legend_for(s, L, s.read(L.id), study);
    const std::string type = CPLGetXMLValue(r, "type", "");
    if (lg.kind == legend::Legend::Kind::Classes && !lg.bins) {
      EXPECT_EQ(type, "paletted");
      // Keyed by value: zone names repeat (every gemeente has a "Centrum").
      std::map<double, std::pair<std::string, std::string>> entry;
      for (const CPLXMLNode* p : children(CPLGetXMLNode(r, "colorPalette"), "paletteEntry"))
        entry[CPLAtof(CPLGetXMLValue(p, "value", ""))] = {CPLGetXMLValue(p, "label", ""),
                                                          CPLGetXMLValue(p, "color", "")};
      for (const auto& c : lg.classes) {
        if (!c.drawn) {
          EXPECT_FALSE(entry.count(c.value)) << c.label;
          continue;
        }
        unsigned rgb = lg.zones && c.value > 0 && c.value < lg.zone_rgb.size()
                           ? lg.zone_rgb[static_cast<std::size_t>(c.value)]
                           : c.rgb;
        EXPECT_EQ(entry[c.value].first, c.label);
        EXPECT_EQ(entry[c.value].second, legend::css(rgb)) << c.label;
      }
    } else {
      EXPECT_EQ(type, "singlebandpseudocolor");
      const auto items = children(CPLGetXMLNode(r, "rastershader.colorrampshader"), "item");
      ASSERT_FALSE(items.empty());
      if (!lg.bins) {
        EXPECT_DOUBLE_EQ(CPLAtof(CPLGetXMLValue(r, "classificationMin", "")), lg.lo);
        EXPECT_DOUBLE_EQ(CPLAtof(CPLGetXMLValue(r, "classificationMax", "")), lg.hi);
        EXPECT_EQ(std::string(CPLGetXMLValue(items.back(), "label", "")), lg.high_label());
      }
    }
  }
  // The layer tree: the model's groups in its order, each holding its layers.
  std::vector<std::string> groups;
  std::size_t in_tree = 0;
  for (const CPLXMLNode* g :
       children(CPLGetXMLNode(qgis, "layer-tree-group"), "layer-tree-group")) {
    groups.push_back(CPLGetXMLValue(g, "name", ""));
    in_tree += children(g, "layer-tree-layer").size();
  }
  EXPECT_EQ(in_tree, s.manifest().layers.size());
  ASSERT_FALSE(groups.empty());
  EXPECT_EQ(groups.front(), s.manifest().group(s.manifest().groups.front().id).title);
  EXPECT_EQ(e.groups, groups.size());
}

TEST(QgisProject, AProjectFileEndsInQgz) {
  Store s = Store::open(test::drenthe_store_250());
  test::TempDir dir;
  EXPECT_THROW(present::write_qgis_project(s, dir / "project.qgs"), Error);
  EXPECT_TRUE(fs::is_empty(dir.path()));
}
