// D8 flow directions with flats resolved towards their exits, and D8 flow accumulation.
#include <tbb/blocked_range.h>
#include <tbb/parallel_for.h>

#include <atomic>
#include <cmath>
#include <cstdint>
#include <vector>

#include "core/progress.hpp"
#include "water/flow_internal.hpp"
#include "water/hydrology.hpp"

namespace casco::water {
namespace {

constexpr std::uint8_t kDone = 0xF0;  // high nibble of a cell whose accumulation is final

// Parallel over blocks of rows.
template <typename F>
void for_rows(int rows, F&& f) {
  tbb::parallel_for(tbb::blocked_range<int>(0, rows, 16), [&](const tbb::blocked_range<int>& b) {
    for (int r = b.begin(); r != b.end(); ++r) f(r);
  });
}

// As GRASS r.terraflow: the drop in float, diagonals divided by sqrt 2; a strictly larger drop
// wins, so ties go to the first neighbour in scan order.
inline float diagonal(float d) {
  return static_cast<float>(d / 1.4142135623);
}

// Steepest lower neighbour of an interior cell (all eight neighbours inside the grid), or
// kUnresolved.
inline std::uint8_t steepest_interior(const float* z, std::size_t i, std::int64_t cols) {
  const float zc = z[i];
  const float* up = z + i - cols;
  const float* dn = z + i + cols;
  const float drops[8] = {
      diagonal(zc - up[-1]), zc - up[0], diagonal(zc - up[1]), zc - z[i - 1], zc - z[i + 1],
      diagonal(zc - dn[-1]), zc - dn[0], diagonal(zc - dn[1])};
  float best_drop = 0;
  std::uint8_t best = kUnresolved;
  for (int k = 0; k < 8; ++k)
    if (drops[k] > best_drop) {
      best_drop = drops[k];
      best = static_cast<std::uint8_t>(k);
    }
  return best;
}

}  // namespace

std::size_t assign_steepest(const Raster& surface, std::vector<std::uint8_t>& dir,
                            bool has_nodata) {
  const Grid& g = surface.grid;
  const float* z = surface.values.data();
  const std::int64_t off[8] = {-g.cols - 1, -g.cols,    -g.cols + 1, -1,
                               1,           g.cols - 1, g.cols,      g.cols + 1};
  std::atomic<std::size_t> outlets{0};
  for_rows(g.rows, [&](int r) {
    std::size_t local = 0;
    const bool edge_row = r == 0 || r == g.rows - 1;
    for (int c = 0; c < g.cols; ++c) {
      const std::size_t i = static_cast<std::size_t>(r) * g.cols + c;
      if (dir[i] != kUnresolved) continue;
      // Outlets (the edge and cells next to no-data) drain out of the model, as in GRASS.
      bool border = edge_row || c == 0 || c == g.cols - 1;
      for (int k = 0; k < 8 && has_nodata && !border; ++k) border = std::isnan(z[i + off[k]]);
      if (border) {
        dir[i] = kOffGrid;
        ++local;
      } else {
        dir[i] = steepest_interior(z, i, g.cols);
      }
    }
    outlets += local;
  });
  return outlets.load();
}

std::vector<std::uint8_t> d8_directions(const Raster& surface, FlowStats* stats) {
  const Grid& g = surface.grid;
  const float* z = surface.values.data();
  std::vector<std::uint8_t> dir(g.size());
  bool has_nodata = false;
  for (std::size_t i = 0; i < dir.size(); ++i) {
    const bool nan = std::isnan(z[i]);
    has_nodata |= nan;
    dir[i] = nan ? kNoFlow : kUnresolved;
  }
  const std::size_t outlets = assign_steepest(surface, dir, has_nodata);

  // Flats: breadth-first from the cells that already drain (they are the flat's exits) into the
  // unresolved cells of the same height; each takes the direction to the cell that reached it.
  std::vector<std::vector<std::uint32_t>> seeds_by_row(g.rows);
  for_rows(g.rows, [&](int r) {
    for (int c = 0; c < g.cols; ++c) {
      const std::size_t i = static_cast<std::size_t>(r) * g.cols + c;
      if (dir[i] > kOffGrid) continue;
      for (int k = 0; k < 8; ++k) {
        const int r2 = r + kRowStep[k], c2 = c + kColStep[k];
        if (r2 < 0 || c2 < 0 || r2 >= g.rows || c2 >= g.cols) continue;
        const std::size_t j = static_cast<std::size_t>(r2) * g.cols + c2;
        if (dir[j] == kUnresolved && z[j] == z[i]) {
          seeds_by_row[r].push_back(static_cast<std::uint32_t>(i));
          break;
        }
      }
    }
  });
  std::vector<std::uint32_t> queue;
  for (auto& s : seeds_by_row) queue.insert(queue.end(), s.begin(), s.end());
  seeds_by_row = {};
  std::size_t flat = 0;
  for (std::size_t head = 0; head < queue.size(); ++head) {
    const std::uint32_t p = queue[head];
    const int r = static_cast<int>(p / g.cols), c = static_cast<int>(p % g.cols);
    for (int k = 0; k < 8; ++k) {
      const int r2 = r + kRowStep[k], c2 = c + kColStep[k];
      if (r2 < 0 || c2 < 0 || r2 >= g.rows || c2 >= g.cols) continue;
      const std::size_t j = static_cast<std::size_t>(r2) * g.cols + c2;
      if (dir[j] != kUnresolved || z[j] != z[p]) continue;
      dir[j] = static_cast<std::uint8_t>(7 - k);
      queue.push_back(static_cast<std::uint32_t>(j));
      ++flat;
    }
  }
  std::size_t pits = 0;
  for (auto& d : dir)
    if (d == kUnresolved) {
      d = kPit;
      ++pits;
    }
  if (stats) *stats = {flat, outlets, pits};
  return dir;
}

namespace {

// Counts per cell the neighbours that drain into it, into the high nibble of its direction byte:
// one pass scattering each cell to its receiver (cheaper than gathering from eight neighbours).
void count_donors(const Grid& g, std::vector<std::uint8_t>& dirs) {
  std::uint8_t* d = dirs.data();
  const std::int64_t off[8] = {-g.cols - 1, -g.cols,    -g.cols + 1, -1,
                               1,           g.cols - 1, g.cols,      g.cols + 1};
  const std::size_t n = g.size();
  for (std::size_t i = 0; i < n; ++i) {
    const std::uint8_t code = d[i] & 0x0F;
    if (code < 8 && d[i] != kNoFlow) d[i + off[code]] += 0x10;
  }
}

void clear_donors(std::vector<std::uint8_t>& dirs) {
  tbb::parallel_for(tbb::blocked_range<std::size_t>(0, dirs.size(), 1 << 18),
                    [&](const tbb::blocked_range<std::size_t>& b) {
                      for (std::size_t i = b.begin(); i != b.end(); ++i)
                        if (dirs[i] != kNoFlow) dirs[i] &= 0x0F;
                    });
}

// Topological order without a queue: start at every cell that has no donors left and walk
// downstream, passing the accumulated value on; a walk stops at a cell that still waits for
// another donor (the last donor to arrive continues it). `pass(from, to)` adds from's value to
// to's.
template <typename Pass>
void walk_downstream(const Grid& g, std::vector<std::uint8_t>& dirs, Pass&& pass) {
  std::uint8_t* d = dirs.data();
  const std::size_t n = g.size();
  for (std::size_t i = 0; i < n; ++i) {
    if (d[i] == kNoFlow || (d[i] & 0xF0) != 0) continue;
    std::size_t c = i;
    for (;;) {
      const std::uint8_t code = d[c] & 0x0F;
      d[c] = static_cast<std::uint8_t>(kDone | code);
      const std::int64_t r = d8_receiver(g, c, code);
      if (r < 0) break;
      pass(c, static_cast<std::size_t>(r));
      d[r] = static_cast<std::uint8_t>(d[r] - 0x10);
      if ((d[r] & 0xF0) != 0) break;
      c = static_cast<std::size_t>(r);
    }
    if ((i & 0xffffff) == 0) check_interrupted();
  }
  clear_donors(dirs);
}

}  // namespace

std::vector<std::uint32_t> d8_accumulation(const Grid& grid, std::vector<std::uint8_t>& dirs) {
  std::vector<std::uint32_t> acc(grid.size());
  tbb::parallel_for(tbb::blocked_range<std::size_t>(0, acc.size(), 1 << 18),
                    [&](const tbb::blocked_range<std::size_t>& b) {
                      for (std::size_t i = b.begin(); i != b.end(); ++i)
                        acc[i] = dirs[i] == kNoFlow ? 0 : 1;
                    });
  count_donors(grid, dirs);
  std::uint32_t* a = acc.data();
  walk_downstream(grid, dirs, [a](std::size_t from, std::size_t to) { a[to] += a[from]; });
  return acc;
}

std::vector<double> d8_accumulate(const Grid& grid, std::vector<std::uint8_t>& dirs,
                                  const std::vector<float>& weight) {
  std::vector<double> acc(grid.size());
  for (std::size_t i = 0; i < acc.size(); ++i)
    acc[i] = dirs[i] == kNoFlow || std::isnan(weight[i]) ? 0.0 : weight[i];
  count_donors(grid, dirs);
  double* a = acc.data();
  walk_downstream(grid, dirs, [a](std::size_t from, std::size_t to) { a[to] += a[from]; });
  return acc;
}

}  // namespace casco::water
