// The layer endpoints of `casco serve`: the model with its legends, tiles, the values at a point,
// zone borders and point layers (docs/api.md).
#include <ogrsf_frmts.h>

#include <algorithm>
#include <cmath>

#include "core/dutch.hpp"
#include "model/describe.hpp"
#include "viewer/geojson.hpp"
#include "viewer/request.hpp"
#include "viewer/server_impl.hpp"

namespace casco::viewer {
namespace {

bool is_zones(const LayerRecord& L) {
  return L.describe.style.kind == LayerStyle::Kind::Zones;
}

// Layers that show what lies outside the study area as well are drawn in full; all others are cut
// at its edge.
bool clipped(const LayerRecord& L) {
  return L.describe.role != role::kStudyArea;
}

}  // namespace

json Server::Impl::make_model_json() {
  const StoreManifest& m = store.manifest();
  const Grid& g = store.grid();
  json j;
  j["name"] = m.model_name;
  j["casco_version"] = m.casco_version;
  j["built_at"] = m.built_at;
  j["borders"] = m.borders;
  j["credit"] = m.credit;
  j["grid"] = {{"crs", g.crs}, {"cell", g.cell}, {"cols", g.cols}, {"rows", g.rows},
               {"x0", g.x0},   {"y0", g.y0},     {"x1", g.x1()},   {"y1", g.y1()}};
  Borrowed ct(crs->store_to_wgs84);
  auto wgs84_box = [&](double x0, double y0, double x1, double y1) {
    double xs[4] = {x0, x1, x0, x1}, ys[4] = {y0, y0, y1, y1};
    (*ct).Transform(4, xs, ys);
    return json{*std::min_element(xs, xs + 4), *std::min_element(ys, ys + 4),
                *std::max_element(xs, xs + 4), *std::max_element(ys, ys + 4)};
  };
  j["bounds_wgs84"] = wgs84_box(g.x0, g.y0, g.x1(), g.y1());
  j["study_bounds_wgs84"] = j["bounds_wgs84"];
  if (auto e = store.study_extent())
    j["study_bounds_wgs84"] = wgs84_box(e->MinX, e->MinY, e->MaxX, e->MaxY);
  // The groups as the model orders them (model.toml [[group]]); empty groups are left out.
  auto& jg = j["groups"] = json::array();
  auto& scenarios = j["scenarios"] = json::array();
  for (const LayerGroup& group : m.groups) {
    json list = json::array();
    for (const auto& L : m.layers) {
      if (L.group != group.id) continue;
      const std::string title = L.title.empty() ? L.id : L.title;
      list.push_back({{"id", L.id},
                      {"title", title},
                      {"unit", L.unit},
                      {"derivation", L.derivation},
                      {"description", L.description},
                      {"attribution", L.attribution},
                      {"zones", is_zones(L)},
                      {"borders", is_zones(L) && !L.vector_table.empty()},
                      {"clipped", clipped(L)},
                      {"stats",
                       {{"min", L.stats.min},
                        {"max", L.stats.max},
                        {"mean", L.stats.mean},
                        {"cells_data", L.stats.cells_data},
                        {"cells_set", L.stats.cells_set},
                        {"area_ha", L.stats.area_ha}}},
                      {"role", L.describe.role},
                      {"params", L.describe.params},
                      {"estimate", L.estimate},
                      {"legend", json::parse(legend::to_json(layers->legend(L.id)))}});
      if (L.describe.role == role::kAllocation)
        scenarios.push_back(
            {{"id", L.id}, {"title", title}, {"scenario", L.describe.param("scenario")}});
    }
    if (!list.empty())
      jg.push_back(
          {{"id", group.id}, {"title", group.title}, {"intro", group.intro}, {"layers", list}});
  }
  j["assessment"] = rules.has_value();
  j["reach"] = reach_json();
  j["search"] = {{"available", !config.search_zones.empty() ||
                                   (config.search_places && !config.places.layer.empty())}};
  return j;
}

void Server::Impl::tile(Req req, Res res) {
  const TileAddress t = parse_tile_path(req.matches[1].str());  // {layer}/{z}/{x}/{y}.png
  const LayerRecord& L = known_layer(t.layer);
  const int z = t.z, x = t.x, y = t.y;
  if (not_modified(req, res, layers->etag(L.id))) return;
  if (!tile_box(z, x, y).intersects(grid_box)) {
    res.set_content(empty_tile, "image/png");
    return;
  }
  auto r = layers->raster(L.id);
  Borrowed ct(crs->store_from_mercator);
  auto pixels =
      render_tile(*r, layers->legend(L.id), *ct, z, x, y, clipped(L) ? &layers->study() : nullptr);
  res.set_content(encode_png(pixels, kTileSize, kTileSize), "image/png");
}

namespace {

// Values as people say them where a number and unit would read oddly: "ja"/"nee" for presence
// ("0 aanwezig 0/1"), "geen" for a cell in no zone, a score with its sign ("+2", "−1").
std::string value_words(const std::string& role, double v, const std::string& text) {
  if (role == role::kPresence) return v > 0 ? "ja" : "nee";
  if ((role == role::kZones || role == role::kKernen) && std::lround(v) == 0) return "geen";
  if (role == role::kScore) {
    const std::string n = dutch_number(std::fabs(v), 1, true);
    return n == "0" ? "0" : (v > 0 ? "+" : "\u2212") + n;
  }
  return text;
}

}  // namespace

void Server::Impl::value(Req req, Res res) {
  const double lon = degrees_param(req, "lon", 180), lat = degrees_param(req, "lat", 90);
  double x = 0, y = 0;
  const auto cell = cell_of(lon, lat, x, y);
  json j = {{"lon", lon}, {"lat", lat}, {"x", x}, {"y", y}};
  j["inside"] = cell.has_value();
  const Grid& g = store.grid();
  j["in_study_area"] = cell && layers->study()[static_cast<std::size_t>(cell->second) * g.cols +
                                               static_cast<std::size_t>(cell->first)] != 0;
  auto& vals = j["values"] = json::array();
  if (!cell) {
    send_json(res, j);
    return;
  }
  for (const auto& L : store.manifest().layers) {
    const double v = layers->value_at(L.id, cell->first, cell->second);
    const legend::Legend& lg = layers->legend(L.id);
    json jv = {{"id", L.id},          {"title", L.title.empty() ? L.id : L.title},
               {"group", L.group},    {"role", L.describe.role},
               {"unit", lg.unit},     {"value", std::isnan(v) ? json(nullptr) : json(v)},
               {"text", lg.format(v)}};
    if (int k = lg.class_index(v); k >= 0 && !lg.zones)
      jv["text"] = lg.classes[static_cast<std::size_t>(k)].label;
    else if (!std::isnan(v))
      jv["text"] = value_words(L.describe.role, v, jv["text"].get<std::string>());
    if (is_zones(L) && !std::isnan(v))
      for (const ZoneRecord& zr : store.zones(L.id))
        if (zr.zone == static_cast<int>(std::lround(v))) {
          jv["zone"] = {{"code", zr.code}, {"name", zr.name}};
          jv["text"] = zr.name.empty() ? zr.code : zr.name;
          break;
        }
    vals.push_back(jv);
  }
  send_json(res, j);
}

std::string Server::Impl::borders_geojson(const LayerRecord& L) {
  {
    std::lock_guard lock(borders_mutex);
    if (auto it = borders.find(L.id); it != borders.end()) return it->second;
  }
  json fc = {{"type", "FeatureCollection"}, {"features", json::array()}};
  {
    std::lock_guard lock(layers->store_mutex());
    GDALDatasetUniquePtr ds = store.open_vectors();
    OGRLayer* layer = ds->GetLayerByName(L.vector_table.c_str());
    if (!layer)
      reject(404, "layer '" + L.id + "' has no border table in this store",
             "laag '" + L.id + "' heeft geen grenzen in deze store");
    // Simplified to about a quarter of a cell: finer than the raster, far lighter than the source.
    const double tolerance = std::max(5.0, store.grid().cell / 4);
    Borrowed ct(crs->store_to_wgs84);
    for (auto& f : *layer) {
      const OGRGeometry* g = f->GetGeometryRef();
      if (!g) continue;
      json geometry = geometry_json(*g, *ct, tolerance);
      if (geometry.is_null()) continue;
      json props;
      if (auto name = field_text(*f, {"name", "statnaam", "naam"}); !name.empty())
        props["name"] = name;
      if (auto code = field_text(*f, {"code", "statcode"}); !code.empty()) props["code"] = code;
      fc["features"].push_back(
          {{"type", "Feature"}, {"properties", props}, {"geometry", geometry}});
    }
  }
  std::string out = dump(fc);
  std::lock_guard lock(borders_mutex);
  borders[L.id] = out;
  return out;
}

void Server::Impl::border(Req req, Res res) {
  const std::string name = req.matches[1].str();
  if (!ends_with(name, ".geojson") || name.find('/') != std::string::npos)
    reject(400, "border paths look like /api/borders/{zones layer}.geojson",
           "grenspaden zien eruit als /api/borders/{zonelaag}.geojson");
  const LayerRecord& L = known_layer(name.substr(0, name.size() - 8));
  if (!is_zones(L) || L.vector_table.empty())
    reject(404, "layer '" + L.id + "' is not a zones layer with borders",
           "laag '" + L.id + "' is geen zonelaag met grenzen");
  if (not_modified(req, res, layers->etag(L.id))) return;
  res.set_content(borders_geojson(L), "application/geo+json");
}

void Server::Impl::point_layer(Req req, Res res) {
  const std::string name = req.matches[1].str();
  if (!ends_with(name, ".geojson") || name.find('/') != std::string::npos)
    reject(400, "point paths look like /api/points/{layer}.geojson",
           "puntpaden zien eruit als /api/points/{laag}.geojson");
  const LayerRecord& L = known_layer(name.substr(0, name.size() - 8));
  if (!layers->legend(L.id).points)
    reject(404, "layer '" + L.id + "' is not drawn as symbols: use its tiles",
           "laag '" + L.id + "' wordt niet als symbolen getekend: gebruik de tegels");
  if (not_modified(req, res, layers->etag(L.id))) return;
  {
    std::lock_guard lock(borders_mutex);
    if (auto it = points.find(L.id); it != points.end()) {
      res.set_content(it->second, "application/geo+json");
      return;
    }
  }
  auto r = layers->raster(L.id);
  Borrowed ct(crs->store_to_wgs84);
  std::string out = points_geojson(store, L, *r, layers->legend(L.id), *ct, layers->store_mutex());
  {
    std::lock_guard lock(borders_mutex);
    points[L.id] = out;
  }
  res.set_content(out, "application/geo+json");
}

}  // namespace casco::viewer
