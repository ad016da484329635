#pragma once
// Raster sources (GeoTIFF and anything GDAL reads) warped onto the model grid.
#include <string>

#include "core/grid.hpp"
#include "model/definition.hpp"

namespace casco {

// Resamples band `band` of the source onto `grid` ("nearest", "average" or "bilinear"). Cells the
// source does not cover, and its own nodata, become NaN. Throws casco::Error for a missing file or
// band, or a source without CRS when the definition names none.
Raster resample_raster(const SourceDef& source, const std::string& resampling, int band,
                       const Grid& grid);

}  // namespace casco
