#pragma once
// The offline base map, drawn from the model store's own tables: the study area's outline, nature
// areas with their names, water, places (with inhabitants, so larger places are labelled at lower
// zooms) and stations. One GeoJSON FeatureCollection in WGS 84; each feature's `layer` property
// says what it is. Which store layers these come from is the viewer configuration's [basemap].
#include <mutex>
#include <string>

#include "model/store.hpp"
#include "viewer/config.hpp"

class OGRCoordinateTransformation;

namespace casco::viewer {

// Places with at least this many inhabitants are rank 1, 2, 3; others 4 (labels from zoom
// 8, 10, 11, 12 in the viewer).
inline constexpr double kPlaceRanks[3] = {25000, 5000, 1000};
int place_rank(double inhabitants);

// `store_mutex` guards the store's GDAL datasets while the tables are read.
std::string basemap_geojson(const Store& store, const ViewerConfig& config,
                            OGRCoordinateTransformation& to_wgs84, std::mutex& store_mutex);

}  // namespace casco::viewer
