#pragma once
// What the search finds, gathered from the store once: the places of the base map (with the
// gemeente they lie in and their inhabitants) and the zones of the configured zones layers
// (gemeenten, postcode areas, kernen) with their extent. Also the features of point layers
// (hunebedden, molens) for drawing them as symbols.
#include <map>
#include <mutex>
#include <string>
#include <vector>

#include "legend/legend.hpp"
#include "model/store.hpp"
#include "viewer/config.hpp"
#include "viewer/layers.hpp"
#include "viewer/search.hpp"
#include "viewer/zones.hpp"

class OGRCoordinateTransformation;

namespace casco::viewer {

struct SearchData {
  std::vector<SearchEntry> entries;
  std::map<std::string, std::map<int, ZoneExtent>> extents;  // by zones layer id, zone value
};

SearchData gather_search(const Store& store, const ViewerConfig& config, LayerSet& layers,
                         OGRCoordinateTransformation& to_wgs84);

// A point layer as GeoJSON points in WGS 84: the features of its source table when those are
// points (with their names), else the centres of its marked cells (at most legend::kMaxMarkers),
// each with `label` (its class) and `colour`.
std::string points_geojson(const Store& store, const LayerRecord& layer, const Raster& values,
                           const legend::Legend& legend, OGRCoordinateTransformation& to_wgs84,
                           std::mutex& store_mutex);

}  // namespace casco::viewer
