#pragma once
// Helpers for the water tests: the hand-made DEMs in tests/water/data (ESRI ASCII grids) read
// through casco's own DEM reader, and grids written as text to compare with expectations.
#include <filesystem>
#include <string>
#include <vector>

#include "core/grid.hpp"
#include "water/dem.hpp"

namespace casco::test {

inline std::filesystem::path water_data(const std::string& name) {
  return std::filesystem::path(CASCO_SOURCE_DIR) / "tests/water/data" / name;
}

// The model grid that a hand-made DEM covers exactly (cell size and extent of the file).
inline Grid asc_grid(int cols, int rows, double cell) {
  Grid g;
  g.x0 = 230000;
  g.y0 = 550000 + rows * cell;
  g.cell = cell;
  g.cols = cols;
  g.rows = rows;
  g.crs = "EPSG:28992";
  return g;
}

// Reads tests/water/data/<name> on its own grid (the ASCII grids carry no CRS: RD New assumed).
inline Raster read_asc(const std::string& name, int cols, int rows, double cell) {
  water::DemOptions o;
  o.grid = "dem";
  o.crs = "EPSG:28992";
  return water::read_dem(water_data(name), asc_grid(cols, rows, cell), o).raster;
}

// Row-major values as a vector, for EXPECT_EQ against hand-computed grids.
template <typename T>
std::vector<int> as_ints(const std::vector<T>& v) {
  return std::vector<int>(v.begin(), v.end());
}

}  // namespace casco::test
