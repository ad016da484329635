#include "present/qgis_project.hpp"

#include <cpl_minixml.h>
#include <fmt/format.h>
#include <ogr_spatialref.h>
#include <zip.h>

#include <cmath>
#include <map>
#include <memory>
#include <set>

#include "core/crs.hpp"
#include "core/error.hpp"
#include "core/files.hpp"
#include "legend/legend.hpp"

namespace casco::present {
namespace {

namespace fs = std::filesystem;

struct XmlDel {
  void operator()(CPLXMLNode* n) const { CPLDestroyXMLNode(n); }
};

CPLXMLNode* element(CPLXMLNode* parent, const char* name) {
  return CPLCreateXMLNode(parent, CXT_Element, name);
}
void attr(CPLXMLNode* n, const char* key, const std::string& value) {
  CPLAddXMLAttributeAndValue(n, key, value.c_str());
}
CPLXMLNode* text(CPLXMLNode* parent, const char* name, const std::string& value) {
  return CPLCreateXMLElementAndValue(parent, name, value.c_str());
}

std::string num(double v) {
  return fmt::format("{}", v);  // shortest text that reads back as the same double
}

// The project's CRS as QGIS writes it.
void spatialrefsys(CPLXMLNode* parent, const Grid& g) {
  OGRSpatialReference srs = make_srs(g.crs_wkt.empty() ? g.crs : g.crs_wkt, "store CRS");
  char* wkt = nullptr;
  srs.exportToWkt(&wkt);
  char* proj4 = nullptr;
  srs.exportToProj4(&proj4);
  srs.AutoIdentifyEPSG();
  const char* code = srs.GetAuthorityCode(nullptr);
  const char* name = srs.GetName();
  CPLXMLNode* s = element(parent, "spatialrefsys");
  text(s, "wkt", wkt ? wkt : "");
  text(s, "proj4", proj4 ? proj4 : "");
  text(s, "srid", code ? code : "");
  text(s, "authid", code ? std::string("EPSG:") + code : g.crs);
  text(s, "description", name ? name : "");
  text(s, "geographicflag", srs.IsGeographic() ? "true" : "false");
  CPLFree(wkt);
  CPLFree(proj4);
}

// The renderer of one layer: paletted for classes and zones, a discrete or interpolated colour
// ramp shader for bins and ramps — the legend module's colours, labels and range.
void renderer(CPLXMLNode* pipe, const legend::Legend& lg) {
  CPLXMLNode* r = element(pipe, "rasterrenderer");
  attr(r, "band", "1");
  attr(r, "opacity", "1");
  attr(r, "alphaBand", "-1");
  CPLXMLNode* transparency = element(r, "rasterTransparency");
  if (lg.zero_blank) {
    CPLXMLNode* list = element(transparency, "singleValuePixelList");
    CPLXMLNode* e = element(list, "pixelListEntry");
    attr(e, "min", "0");
    attr(e, "max", "0");
    attr(e, "percentTransparent", "100");
  }
  if (lg.kind == legend::Legend::Kind::Classes && !lg.bins) {
    attr(r, "type", "paletted");
    CPLXMLNode* palette = element(r, "colorPalette");
    for (std::size_t k = 0; k < lg.classes.size(); ++k) {
      const legend::Entry& c = lg.classes[k];
      if (!c.drawn) continue;
      unsigned rgb = c.rgb;
      if (lg.zones && c.value > 0 && static_cast<std::size_t>(c.value) < lg.zone_rgb.size())
        rgb = lg.zone_rgb[static_cast<std::size_t>(c.value)];
      CPLXMLNode* e = element(palette, "paletteEntry");
      attr(e, "value", num(c.value));
      attr(e, "color", legend::css(rgb));
      attr(e, "alpha", "255");
      attr(e, "label", c.label);
    }
    return;
  }
  attr(r, "type", "singlebandpseudocolor");
  CPLXMLNode* shader = element(element(r, "rastershader"), "colorrampshader");
  attr(shader, "clip", "0");
  if (lg.bins) {
    attr(shader, "colorRampType", "DISCRETE");
    for (std::size_t k = 0; k < lg.classes.size(); ++k) {
      const legend::Entry& c = lg.classes[k];
      CPLXMLNode* e = element(shader, "item");
      attr(e, "value", k + 1 == lg.classes.size() ? "inf" : num(c.value));
      attr(e, "color", legend::css(c.rgb));
      attr(e, "alpha", c.drawn ? "255" : "0");
      attr(e, "label", c.label);
    }
    attr(r, "classificationMin", "0");
    attr(r, "classificationMax", num(lg.classes.empty() ? 1 : lg.classes.back().value));
    return;
  }
  attr(shader, "colorRampType", "INTERPOLATED");
  attr(r, "classificationMin", num(lg.lo));
  attr(r, "classificationMax", num(lg.hi));
  for (std::size_t i = 0; i < lg.stops.size(); ++i) {
    const double t = lg.stops.size() > 1 ? static_cast<double>(i) / (lg.stops.size() - 1) : 0;
    const double v = lg.lo + t * (lg.hi - lg.lo);
    CPLXMLNode* e = element(shader, "item");
    attr(e, "value", num(v));
    attr(e, "color", legend::css(lg.stops[i]));
    attr(e, "alpha", "255");
    attr(e, "label",
         i == 0                     ? lg.low_label()
         : i + 1 == lg.stops.size() ? lg.high_label()
                                    : lg.format(v));
  }
}

std::string source_of(const Store& store, const LayerRecord& L, const fs::path& project_dir) {
  fs::path rel = fs::relative(fs::absolute(store.path()), fs::absolute(project_dir));
  std::string p = rel.generic_string();
  if (p.rfind("../", 0) != 0) p.insert(0, "./");
  return fmt::format("GPKG:{}:{}", p, L.id);
}

void map_layer(CPLXMLNode* layers, const Store& store, const LayerRecord& L,
               const legend::Legend& lg, const fs::path& project_dir) {
  const Grid& g = store.grid();
  CPLXMLNode* m = element(layers, "maplayer");
  attr(m, "type", "raster");
  attr(m, "hasScaleBasedVisibilityFlag", "0");
  CPLXMLNode* extent = element(m, "extent");
  text(extent, "xmin", num(g.x0));
  text(extent, "ymin", num(g.y1()));
  text(extent, "xmax", num(g.x1()));
  text(extent, "ymax", num(g.y0));
  text(m, "id", L.id + "_casco");
  text(m, "datasource", source_of(store, L, project_dir));
  text(m, "layername", L.title.empty() ? L.id : L.title);
  spatialrefsys(element(m, "srs"), g);
  std::string about = L.description;
  if (!lg.unit.empty()) about += fmt::format("{}Eenheid: {}.", about.empty() ? "" : " ", lg.unit);
  if (!L.estimate.empty())
    about += fmt::format("{}Schatting: {}", about.empty() ? "" : " ", L.estimate);
  text(m, "abstract", about);
  CPLXMLNode* meta = element(m, "resourceMetadata");
  text(meta, "identifier", L.id);
  text(meta, "title", L.title);
  text(meta, "abstract", about);
  text(meta, "rights", L.attribution.empty() ? store.manifest().credit : L.attribution);
  text(m, "provider", "gdal");
  CPLXMLNode* nodata = element(element(m, "noData"), "noDataList");
  attr(nodata, "bandNo", "1");
  attr(nodata, "useSrcNoData", "1");
  renderer(element(m, "pipe"), lg);
  text(m, "blendMode", "0");
}

void zip_write(const fs::path& qgz, const std::string& name, const std::string& xml) {
  AtomicOutput out(qgz);
  int err = 0;
  zip_t* z = zip_open(out.temp_path().c_str(), ZIP_CREATE | ZIP_TRUNCATE, &err);
  if (!z) fail("cannot write '{}': libzip error {}", qgz.string(), err);
  zip_source_t* src = zip_source_buffer(z, xml.data(), xml.size(), 0);
  if (!src || zip_file_add(z, name.c_str(), src, ZIP_FL_OVERWRITE | ZIP_FL_ENC_UTF_8) < 0) {
    if (src) zip_source_free(src);
    std::string msg = zip_strerror(z);
    zip_discard(z);
    fail("cannot write '{}': {}", qgz.string(), msg);
  }
  if (zip_close(z) != 0) {
    std::string msg = zip_strerror(z);
    zip_discard(z);
    fail("cannot write '{}': {}", qgz.string(), msg);
  }
  out.commit();
}

}  // namespace

std::string qgis_project_xml(const Store& store, const fs::path& project_dir) {
  const StoreManifest& m = store.manifest();
  std::unique_ptr<CPLXMLNode, XmlDel> root(CPLCreateXMLNode(nullptr, CXT_Element, "qgis"));
  CPLXMLNode* q = root.get();
  attr(q, "projectname", m.model_name);
  attr(q, "version", "3.22.0-Białowieża");
  attr(element(q, "homePath"), "path", "");
  text(q, "title", m.model_name);
  spatialrefsys(element(q, "projectCrs"), store.grid());
  CPLXMLNode* paths = element(element(q, "properties"), "Paths");
  attr(text(paths, "Absolute", "false"), "type", "bool");

  // Legends from the same module as the viewer and the maps, ranges over the study area.
  const std::vector<std::uint8_t> study = store.study_mask();
  std::map<std::string, legend::Legend> legends;
  for (const auto& L : m.layers)
    legends[L.id] = legend::legend_for(store, L, store.read(L.id), study);

  CPLXMLNode* tree = element(q, "layer-tree-group");
  CPLXMLNode* layers = element(q, "projectlayers");
  CPLXMLNode* order = element(q, "layerorder");
  // Groups in the model's order; layers of no listed group come last, in a group of their own
  // (named after their group id, or "overig").
  std::vector<LayerGroup> groups = m.groups;
  for (const auto& L : m.layers) {
    const std::string id = L.group.empty() ? "overig" : L.group;
    bool known = false;
    for (const auto& g : groups) known = known || g.id == id;
    if (!known) groups.push_back(LayerGroup{id, id, ""});
  }
  for (const LayerGroup& g : groups) {
    CPLXMLNode* group = nullptr;
    for (const auto& L : m.layers) {
      if ((L.group.empty() ? "overig" : L.group) != g.id) continue;
      if (!group) {
        group = element(tree, "layer-tree-group");
        attr(group, "name", g.title.empty() ? g.id : g.title);
        attr(group, "checked", "Qt::Checked");
        attr(group, "expanded", "1");
      }
      CPLXMLNode* t = element(group, "layer-tree-layer");
      attr(t, "id", L.id + "_casco");
      attr(t, "name", L.title.empty() ? L.id : L.title);
      attr(t, "providerKey", "gdal");
      attr(t, "source", source_of(store, L, project_dir));
      attr(t, "checked", "Qt::Unchecked");
      attr(t, "expanded", "1");
      attr(element(order, "layer"), "id", L.id + "_casco");
      map_layer(layers, store, L, legends.at(L.id), project_dir);
    }
  }
  char* xml = CPLSerializeXMLTree(root.get());
  std::string out = "<!DOCTYPE qgis PUBLIC 'http://mrcc.com/qgis.dtd' 'SYSTEM'>\n";
  out += xml ? xml : "";
  CPLFree(xml);
  return out;
}

QgisExport write_qgis_project(const Store& store, fs::path qgz) {
  if (qgz.empty()) qgz = fs::path(store.path()).replace_extension(".qgz");
  if (qgz.extension() != ".qgz") fail("'{}': a QGIS project file ends in .qgz", qgz.string());
  const fs::path dir = qgz.has_parent_path() ? qgz.parent_path() : fs::path(".");
  const std::string xml = qgis_project_xml(store, dir);
  zip_write(qgz, qgz.stem().string() + ".qgs", xml);
  QgisExport e;
  e.path = qgz;
  e.layers = store.manifest().layers.size();
  std::set<std::string> groups;
  for (const auto& L : store.manifest().layers) groups.insert(L.group);
  e.groups = groups.size();
  return e;
}

}  // namespace casco::present
