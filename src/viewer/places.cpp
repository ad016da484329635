#include "viewer/places.hpp"

#include <ogrsf_frmts.h>

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <nlohmann/json.hpp>

#include "core/dutch.hpp"
#include "core/error.hpp"
#include "viewer/geojson.hpp"

namespace casco::viewer {
namespace {

using json = nlohmann::json;

// The name of the zone of `zones_layer` at a cell, "" outside every zone.
class ZoneNamer {
 public:
  ZoneNamer(const Store& store, LayerSet& layers, const std::string& id) : store_(store), id_(id) {
    if (!id.empty() && store.find(id)) raster_ = layers.raster(id);
  }
  std::string at(double x, double y) const {
    if (!raster_) return {};
    const Grid& g = raster_->grid;
    const double col = std::floor(g.px(x)), row = std::floor(g.py(y));
    if (col < 0 || row < 0 || col >= g.cols || row >= g.rows) return {};
    return name_of(raster_->at(static_cast<int>(row), static_cast<int>(col)));
  }
  std::string name_of(float v) const {
    if (std::isnan(v)) return {};
    for (const ZoneRecord& z : store_.zones(id_))
      if (z.zone == std::lround(v)) return z.name.empty() ? z.code : z.name;
    return {};
  }
  const std::string& id() const { return id_; }

 private:
  const Store& store_;
  std::string id_;
  std::shared_ptr<const Raster> raster_;
};

int priority_of(const ViewerConfig& c, const std::string& type) {
  auto it = std::find(c.search_order.begin(), c.search_order.end(), type);
  return static_cast<int>(it - c.search_order.begin());
}

void set_box(SearchEntry& e, const Grid& g, const ZoneExtent& z, OGRCoordinateTransformation& ct) {
  double xs[4] = {g.x0 + z.col0 * g.cell, g.x0 + (z.col1 + 1) * g.cell, g.x0 + z.col0 * g.cell,
                  g.x0 + (z.col1 + 1) * g.cell};
  double ys[4] = {g.y0 - z.row0 * g.cell, g.y0 - z.row0 * g.cell, g.y0 - (z.row1 + 1) * g.cell,
                  g.y0 - (z.row1 + 1) * g.cell};
  if (!ct.Transform(4, xs, ys)) return;
  e.bbox[0] = *std::min_element(xs, xs + 4), e.bbox[2] = *std::max_element(xs, xs + 4);
  e.bbox[1] = *std::min_element(ys, ys + 4), e.bbox[3] = *std::max_element(ys, ys + 4);
}

void gather_places(const Store& store, const ViewerConfig& c, const ZoneNamer& gemeente,
                   OGRCoordinateTransformation& ct, std::vector<SearchEntry>& out) {
  const LayerRecord* L = store.find(c.places.layer);
  if (!L || L->vector_table.empty()) return;
  GDALDatasetUniquePtr ds = store.open_vectors();
  OGRLayer* t = ds->GetLayerByName(L->vector_table.c_str());
  if (!t) return;
  for (auto& f : *t) {
    const OGRGeometry* g = f->GetGeometryRef();
    const std::string name = field_text(*f, c.places.name_field);
    if (!g || name.empty() || wkbFlatten(g->getGeometryType()) != wkbPoint) continue;
    SearchEntry e;
    e.type = "plaats";
    e.name = name;
    const OGRPoint* p = g->toPoint();
    const std::string where = gemeente.at(p->getX(), p->getY());
    const std::string pop =
        c.places.population_field.empty() ? "" : field_text(*f, c.places.population_field);
    e.weight = pop.empty() ? 0 : std::atof(pop.c_str());
    e.detail = where.empty() ? "plaats" : "plaats in " + where;
    if (e.weight > 0) e.detail += " · " + dutch_number(e.weight) + " inwoners";
    double x = p->getX(), y = p->getY();
    if (!ct.Transform(1, &x, &y)) continue;
    e.lon = x, e.lat = y;
    e.priority = priority_of(c, e.type);
    out.push_back(std::move(e));
  }
}

}  // namespace

SearchData gather_search(const Store& store, const ViewerConfig& c, LayerSet& layers,
                         OGRCoordinateTransformation& ct) {
  SearchData d;
  const ZoneNamer gemeente(store, layers, store.manifest().borders);
  if (c.search_places && !c.places.layer.empty()) {
    std::lock_guard lock(layers.store_mutex());
    gather_places(store, c, gemeente, ct, d.entries);
  }
  for (const SearchZones& sz : c.search_zones) {
    const LayerRecord* L = store.find(sz.layer);
    if (!L) {
      warn("viewer: the search's zones layer '{}' is not in the store; it is left out", sz.layer);
      continue;
    }
    auto raster = layers.raster(sz.layer);
    const Grid& g = raster->grid;
    auto& extents = d.extents[sz.layer] = zone_extents(*raster);
    for (const ZoneRecord& z : store.zones(sz.layer)) {
      auto it = extents.find(z.zone);
      if (it == extents.end()) continue;  // no cell of it on the grid
      const ZoneExtent& x = it->second;
      SearchEntry e;
      e.type = sz.type;
      e.layer = sz.layer;
      e.code = z.code;
      e.name = sz.by_code ? z.code : (z.name.empty() ? z.code : z.name);
      if (e.name.empty()) continue;
      e.detail = sz.type;
      if (sz.by_code && !z.name.empty() && z.name != z.code) e.detail += " " + z.name;
      const double cx = g.cx(x.centre_col), cy = g.cy(x.centre_row);
      if (sz.layer != gemeente.id())
        if (const std::string where = gemeente.at(cx, cy); !where.empty())
          e.detail += " in " + where;
      double lon = cx, lat = cy;
      if (!ct.Transform(1, &lon, &lat)) continue;
      e.lon = lon, e.lat = lat;
      set_box(e, g, x, ct);
      e.weight = static_cast<double>(x.cells);
      e.priority = priority_of(c, e.type);
      d.entries.push_back(std::move(e));
    }
  }
  return d;
}

std::string points_geojson(const Store& store, const LayerRecord& layer, const Raster& values,
                           const legend::Legend& legend, OGRCoordinateTransformation& ct,
                           std::mutex& store_mutex) {
  json features = json::array();
  const Grid& g = values.grid;
  auto class_of = [&](double x, double y, json& props) {
    const double col = std::floor(g.px(x)), row = std::floor(g.py(y));
    if (col < 0 || row < 0 || col >= g.cols || row >= g.rows) return false;
    const int k = legend.class_index(values.at(static_cast<int>(row), static_cast<int>(col)));
    if (k < 0 || !legend.classes[static_cast<std::size_t>(k)].drawn) return false;
    props["label"] = legend.classes[static_cast<std::size_t>(k)].label;
    props["colour"] = legend::css(legend.classes[static_cast<std::size_t>(k)].rgb);
    return true;
  };
  bool from_table = false;
  if (!layer.vector_table.empty()) {
    std::lock_guard lock(store_mutex);
    GDALDatasetUniquePtr ds = store.open_vectors();
    OGRLayer* t = ds->GetLayerByName(layer.vector_table.c_str());
    if (t && wkbFlatten(t->GetGeomType()) == wkbPoint) {
      from_table = true;
      for (auto& f : *t) {
        const OGRGeometry* geom = f->GetGeometryRef();
        if (!geom || wkbFlatten(geom->getGeometryType()) != wkbPoint) continue;
        double x = geom->toPoint()->getX(), y = geom->toPoint()->getY();
        json props = {{"name", field_text(*f, {"naam", "name", "titel"})}};
        if (!class_of(x, y, props) || !ct.Transform(1, &x, &y)) continue;
        features.push_back({{"type", "Feature"},
                            {"properties", props},
                            {"geometry", {{"type", "Point"}, {"coordinates", {x, y}}}}});
      }
    }
  }
  if (!from_table) {
    for (int row = 0; row < g.rows && features.size() < legend::kMaxMarkers; ++row)
      for (int col = 0; col < g.cols && features.size() < legend::kMaxMarkers; ++col) {
        double x = g.cx(col), y = g.cy(row);
        json props = json::object();
        if (!class_of(x, y, props) || !ct.Transform(1, &x, &y)) continue;
        features.push_back({{"type", "Feature"},
                            {"properties", props},
                            {"geometry", {{"type", "Point"}, {"coordinates", {x, y}}}}});
      }
  }
  return json{{"type", "FeatureCollection"}, {"layer", layer.id}, {"features", features}}.dump(
      -1, ' ', false, json::error_handler_t::replace);
}

}  // namespace casco::viewer
