#pragma once
// Where each zone of a zones layer lies on the grid (its cells' bounding box and count), and a
// zone's outline traced from its cells (GDAL polygonize), for search results and highlights.
#include <ogr_geometry.h>
#include <ogr_spatialref.h>

#include <cstddef>
#include <map>
#include <memory>

#include "core/grid.hpp"

namespace casco::viewer {

struct ZoneExtent {
  int col0 = 0, row0 = 0, col1 = 0, row1 = 0;  // inclusive cell range
  std::size_t cells = 0;
  double sum_col = 0, sum_row = 0;  // for the mean cell
  // The cell nearest the zone's centre of mass that belongs to it (a label point inside).
  int centre_col = 0, centre_row = 0;
};

// By zone value (1..n; 0 and no data are no zone).
std::map<int, ZoneExtent> zone_extents(const Raster& zones);

// The zone's cells as (multi)polygons in the store's CRS; nullptr when it has none.
std::unique_ptr<OGRGeometry> trace_zone(const Raster& zones, int zone, const ZoneExtent& e,
                                        const OGRSpatialReference& srs);

}  // namespace casco::viewer
