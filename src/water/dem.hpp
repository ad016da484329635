#pragma once
// Reading an elevation model (GeoTIFF or anything GDAL reads; AHN at any resolution) for the
// hydrology: on the model grid (warped) or on its own cells over the model's extent, checked for
// CRS and coverage, with small no-data holes optionally filled.
#include <filesystem>
#include <string>

#include "core/grid.hpp"

namespace casco::water {

struct DemOptions {
  // "model": warped onto the model grid (resampling below); "dem": the DEM's own cells over the
  // model grid's extent (results are aggregated to the model grid afterwards).
  std::string grid = "model";
  std::string resampling = "average";  // "model" grid: nearest | average | bilinear
  int band = 1;
  std::string crs;            // assumed when the file declares no CRS (else an error)
  double min_coverage = 0.5;  // share of the study area the DEM must cover, else an error
  double fill_holes_m = 0;    // no-data cells inside the DEM (in holes not touching its edge)
                              // within this distance of a height are filled by interpolation
                              // (GDALFillNodata); farther ones, and no data at the edge, stay
                              // no data (outlets)
};

struct Dem {
  Raster raster;                 // heights (m), NaN = no data
  double coverage = 0;           // share of the study-area cells with a height
  std::size_t holes_filled = 0;  // cells filled by interpolation
  std::string crs_name;          // the DEM's CRS as named in the file
};

// `inside` (optional, on `model`): the study-area cells (non-zero) that the coverage is measured
// over; without it the whole model grid counts. Throws casco::Error naming the file when it cannot
// be read, has no CRS, is in another CRS than the model ("reproject it: gdalwarp -t_srs ..."),
// has non-square or rotated cells, does not reach the study area or covers less than
// min_coverage of it, or would not fit in memory.
Dem read_dem(const std::filesystem::path& file, const Grid& model, const DemOptions& options,
             const Raster* inside = nullptr);

// Aggregates a raster computed on a finer grid (the DEM's own) to `target`: per target cell the
// maximum, minimum, mean, or the share of fine cells that are non-zero ("max", "min", "mean",
// "share"), from the fine cells whose centre lies in it; NaN where none has data. Same CRS.
Raster aggregate(const Raster& fine, const Grid& target, const std::string& how);

}  // namespace casco::water
