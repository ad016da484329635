#pragma once
// The model grid and its layers. Every layer of a model shares one Grid, so layer algebra is plain
// array work. Values are float32 (4 bytes per cell); NaN marks "no data".
#include <algorithm>
#include <array>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <memory>
#include <string>
#include <utility>
#include <vector>

namespace casco {

struct Grid {
  double x0 = 0;     // west edge (world units)
  double y0 = 0;     // north edge
  double cell = 25;  // cell size (square cells)
  int cols = 0;
  int rows = 0;
  std::string crs = "EPSG:28992";  // as the user wrote it
  std::string crs_wkt;             // resolved by PROJ

  std::size_t size() const {
    return static_cast<std::size_t>(cols) * static_cast<std::size_t>(rows);
  }
  double cell_area() const { return cell * cell; }
  double cell_area_ha() const { return cell * cell / 10000.0; }
  double x1() const { return x0 + cols * cell; }
  double y1() const { return y0 - rows * cell; }
  // Cell centres.
  double cx(int col) const { return x0 + (col + 0.5) * cell; }
  double cy(int row) const { return y0 - (row + 0.5) * cell; }
  // World to fractional pixel coordinates (column, row grow east and south).
  double px(double x) const { return (x - x0) / cell; }
  double py(double y) const { return (y0 - y) / cell; }
  // The column and row holding a point. A point beyond the grid gives -1 or cols (rows), however
  // far away it lies (a floor() of a huge value cast to int would be undefined); NaN gives -1.
  int col_of(double x) const { return clamp_cell(std::floor(px(x)), cols); }
  int row_of(double y) const { return clamp_cell(std::floor(py(y)), rows); }
  static int clamp_cell(double v, int n) {
    return std::isnan(v) ? -1 : static_cast<int>(std::clamp(v, -1.0, static_cast<double>(n)));
  }
  std::array<double, 6> geotransform() const { return {x0, cell, 0, y0, 0, -cell}; }
  bool same_raster(const Grid& o) const {
    return x0 == o.x0 && y0 == o.y0 && cell == o.cell && cols == o.cols && rows == o.rows;
  }
};

inline constexpr float kNoData = std::numeric_limits<float>::quiet_NaN();

// An allocator that leaves new elements uninitialised, so large cell arrays are first touched by
// the (parallel) code that fills them instead of a sequential zero-fill.
template <typename T>
struct UninitAllocator : std::allocator<T> {
  template <typename U>
  struct rebind {
    using other = UninitAllocator<U>;
  };
  UninitAllocator() = default;
  template <typename U>
  UninitAllocator(const UninitAllocator<U>&) noexcept {}
  template <typename U>
  void construct(U* p) noexcept {
    ::new (static_cast<void*>(p)) U;
  }
  template <typename U, typename... Args>
  void construct(U* p, Args&&... args) {
    ::new (static_cast<void*>(p)) U(std::forward<Args>(args)...);
  }
};
using CellValues = std::vector<float, UninitAllocator<float>>;

// Fills a large array in parallel (first touch spread over the cores).
void parallel_fill(float* data, std::size_t n, float value);

struct Raster {
  Grid grid;
  CellValues values;  // row-major, rows * cols

  Raster() = default;
  Raster(const Grid& g, float fill) : grid(g) {
    values.resize(g.size());
    parallel_fill(values.data(), values.size(), fill);
  }
  // Cells left uninitialised: for code that writes every cell itself.
  struct Uninitialized {};
  Raster(const Grid& g, Uninitialized) : grid(g) { values.resize(g.size()); }
  float& at(int row, int col) { return values[static_cast<std::size_t>(row) * grid.cols + col]; }
  float at(int row, int col) const {
    return values[static_cast<std::size_t>(row) * grid.cols + col];
  }
};

// Summary statistics over the cells that hold data.
struct RasterStats {
  double min = 0, max = 0, mean = 0, sum = 0;
  std::size_t cells_data = 0;  // cells that are not NaN
  std::size_t cells_set = 0;   // cells with a non-zero value
  double area_ha = 0;          // cells_set * cell area
};
RasterStats compute_stats(const Raster& r);

}  // namespace casco
