#include "viewer/basemap.hpp"

#include <ogrsf_frmts.h>

#include <algorithm>
#include <cstdlib>
#include <nlohmann/json.hpp>

#include "core/error.hpp"
#include "viewer/geojson.hpp"

namespace casco::viewer {
namespace {

using json = nlohmann::json;

// Names in the store's source tables ("naam" in Dutch sources, "name" in GeoNames).
constexpr std::initializer_list<const char*> kNameFields = {"naam", "name", "statnaam"};

OGRLayer* table_of(GDALDataset& ds, const Store& store, const std::string& layer_id,
                   const char* what) {
  if (layer_id.empty()) return nullptr;
  const LayerRecord* L = store.find(layer_id);
  if (!L) {
    warn("viewer: the base map's {} layer '{}' is not in the store; it is left out", what,
         layer_id);
    return nullptr;
  }
  if (L->vector_table.empty()) {
    warn("viewer: layer '{}' keeps no source features; the base map draws no {}", layer_id, what);
    return nullptr;
  }
  return ds.GetLayerByName(L->vector_table.c_str());
}

void add(json& features, const json& geometry, json props) {
  if (geometry.is_null()) return;
  features.push_back(
      {{"type", "Feature"}, {"properties", std::move(props)}, {"geometry", geometry}});
}

}  // namespace

int place_rank(double inhabitants) {
  for (int r = 0; r < 3; ++r)
    if (inhabitants >= kPlaceRanks[r]) return r + 1;
  return 4;
}

std::string basemap_geojson(const Store& store, const ViewerConfig& config,
                            OGRCoordinateTransformation& to_wgs84, std::mutex& store_mutex) {
  std::lock_guard lock(store_mutex);
  json features = json::array();
  // Outlines finer than a cell add nothing the grid can show.
  const double tolerance = std::max(5.0, store.grid().cell / 2);
  if (auto study = store.study_area())
    add(features, geometry_json(*study, to_wgs84, tolerance), {{"layer", "studiegebied"}});
  GDALDatasetUniquePtr ds = store.open_vectors();
  if (OGRLayer* t = table_of(*ds, store, config.nature, "nature")) {
    for (auto& f : *t)
      if (const OGRGeometry* g = f->GetGeometryRef())
        add(features, geometry_json(*g, to_wgs84, tolerance),
            {{"layer", "natuur"}, {"name", field_text(*f, kNameFields)}});
  }
  if (OGRLayer* t = table_of(*ds, store, config.water, "water")) {
    for (auto& f : *t)
      if (const OGRGeometry* g = f->GetGeometryRef())
        add(features, geometry_json(*g, to_wgs84, tolerance),
            {{"layer", "water"}, {"name", field_text(*f, kNameFields)}});
  }
  if (OGRLayer* t = table_of(*ds, store, config.places.layer, "places")) {
    for (auto& f : *t) {
      const OGRGeometry* g = f->GetGeometryRef();
      const std::string name = field_text(*f, config.places.name_field);
      if (!g || name.empty()) continue;
      const std::string pop = config.places.population_field.empty()
                                  ? std::string()
                                  : field_text(*f, config.places.population_field);
      const double inhabitants = pop.empty() ? 0 : std::atof(pop.c_str());
      json props = {{"layer", "plaats"}, {"name", name}, {"rank", place_rank(inhabitants)}};
      if (inhabitants > 0) props["inhabitants"] = inhabitants;
      add(features, geometry_json(*g, to_wgs84, 0), std::move(props));
    }
  }
  if (OGRLayer* t = table_of(*ds, store, config.stations.layer, "stations")) {
    for (auto& f : *t)
      if (const OGRGeometry* g = f->GetGeometryRef())
        add(features, geometry_json(*g, to_wgs84, 0),
            {{"layer", "station"}, {"name", field_text(*f, config.stations.name_field)}});
  }
  // Larger places first: the map's label decluttering keeps the first label where two collide.
  std::stable_sort(features.begin(), features.end(), [](const json& a, const json& b) {
    return a["properties"].value("rank", 9) < b["properties"].value("rank", 9);
  });
  return json{{"type", "FeatureCollection"}, {"features", features}}.dump(
      -1, ' ', false, json::error_handler_t::replace);
}

}  // namespace casco::viewer
