// Depression filling by priority-flood (Barnes, Lehman & Mulla 2014) with the shortcut of Zhou,
// Sun & Fu (2016) for cells on slopes. Water enters at the outlets (the grid's edge and the cells
// next to no-data) and floods the terrain from the lowest outlet up:
//
//  - a priority queue holds the "shore": closed cells (whose final height is known) with unknown
//    neighbours, lowest first (a radix heap on the heights' bits: the flood level only rises);
//  - a neighbour no higher than the current level lies in a depression or on a flat: it is
//    raised to the level (if lower) and flooded breadth-first (FIFO queue);
//  - a neighbour higher than the current level keeps its own height (it drains through the cell
//    that reached it). Its own neighbours can be settled at once when all its unknown neighbours
//    are higher still (they keep their height too): it is "traced" up the slope without going
//    through the priority queue. Only a cell with an unknown neighbour at or below its height has
//    to wait in the queue for the flood level to reach it.
//
// The result is the exact filled surface (the lowest surface at or above the DEM without
// depressions); no epsilon is added. With directions requested, the breadth-first flood of every
// flat and filled depression is recorded as it happens: all shore cells at a level are taken from
// the queue together, so a flat is flooded from all its exits at once and every flat cell drains
// along a shortest path to an exit — as d8_directions routes flats, without a second pass over
// them (where two exits are equally near, the two may choose differently).
#include <tbb/blocked_range.h>
#include <tbb/parallel_for.h>

#include <algorithm>
#include <atomic>
#include <bit>
#include <cmath>
#include <cstdint>
#include <deque>
#include <vector>

#include "core/error.hpp"
#include "core/progress.hpp"
#include "water/flow_internal.hpp"
#include "water/hydrology.hpp"

namespace casco::water {
namespace {

struct Entry {
  std::uint32_t key;  // the height's bits, ordered like the heights
  std::uint32_t cell;
};

std::uint32_t key_of(float z) {
  const std::uint32_t u = std::bit_cast<std::uint32_t>(z);
  return (u & 0x80000000u) ? ~u : (u | 0x80000000u);
}

// A monotone priority queue for 32-bit keys (radix heap, Ahuja et al. 1990): a key pushed is never
// below the last key taken, which holds for a flood whose level only rises. Bucket 0 holds the
// entries at the current minimum; bucket i those whose key first differs from it in bit i-1.
class RadixHeap {
 public:
  bool empty() const { return size_ == 0; }
  std::size_t size() const { return size_; }
  void push(std::uint32_t key, std::uint32_t cell) {
    buckets_[bucket(key)].push_back({key, cell});
    ++size_;
  }
  // Takes every entry at the smallest key (in any order) into `out`.
  void take_minimum(std::vector<Entry>& out) {
    if (buckets_[0].empty()) {
      int i = 1;
      while (buckets_[i].empty()) ++i;
      std::uint32_t m = buckets_[i][0].key;
      for (const Entry& e : buckets_[i]) m = std::min(m, e.key);
      last_ = m;
      for (const Entry& e : buckets_[i]) buckets_[bucket(e.key)].push_back(e);
      buckets_[i].clear();
    }
    out.swap(buckets_[0]);
    buckets_[0].clear();
    size_ -= out.size();
  }

 private:
  int bucket(std::uint32_t key) const {
    return key == last_ ? 0 : 32 - std::countl_zero(key ^ last_);
  }
  std::vector<Entry> buckets_[33];
  std::uint32_t last_ = 0;
  std::size_t size_ = 0;
};

}  // namespace

// Cell states in the direction bytes while the flood runs: kUnresolved = not reached yet;
// kClosed = height final, direction to be found by steepest descent afterwards; 0..7 = flooded
// across a flat or depression, draining to that neighbour; kNoFlow = no data.
constexpr std::uint8_t kClosed = 11;

FillStats priority_flood(Raster& dem, std::uint8_t* dirs) {
  const Grid& g = dem.grid;
  const int rows = g.rows, cols = g.cols;
  const std::size_t n = g.size();
  if (n >= 0xffffffffu)
    fail(
        "the elevation model has {} cells; casco's hydrology handles up to 4.29 billion: use a "
        "coarser cell size or a smaller area",
        n);
  float* z = dem.values.data();
  std::vector<std::uint8_t> own_state;
  if (!dirs) {
    own_state.resize(n);
    dirs = own_state.data();
  }
  std::uint8_t* state = dirs;
  FillStats st;
  RadixHeap shore;
  std::deque<std::uint32_t> pit;
  std::vector<std::uint32_t> trace;
  std::vector<Entry> level_cells;
  const std::int64_t off[8] = {-cols - 1, -cols, -cols + 1, -1, 1, cols - 1, cols, cols + 1};

  // States, and the outlets: edge cells and cells next to no-data.
  std::atomic<std::size_t> nodata{0};
  tbb::parallel_for(tbb::blocked_range<std::size_t>(0, n, 1 << 16),
                    [&](const tbb::blocked_range<std::size_t>& b) {
                      std::size_t local = 0;
                      for (std::size_t i = b.begin(); i != b.end(); ++i) {
                        const bool nan = std::isnan(z[i]);
                        state[i] = nan ? kNoFlow : kUnresolved;
                        local += nan;
                      }
                      nodata += local;
                    });
  st.cells = n - nodata.load();
  auto seed = [&](std::size_t i) {
    if (state[i] != kUnresolved) return;
    state[i] = kClosed;
    shore.push(key_of(z[i]), static_cast<std::uint32_t>(i));
    ++st.queue_pushes;
  };
  for (int c = 0; c < cols; ++c) seed(c), seed(static_cast<std::size_t>(rows - 1) * cols + c);
  for (int r = 1; r + 1 < rows; ++r)
    seed(static_cast<std::size_t>(r) * cols), seed(static_cast<std::size_t>(r) * cols + cols - 1);
  if (nodata.load() > 0)
    for (int r = 0; r < rows; ++r)
      for (int c = 0; c < cols; ++c) {
        const std::size_t i = static_cast<std::size_t>(r) * cols + c;
        if (state[i] != kNoFlow) continue;
        for (int k = 0; k < 8; ++k) {
          const int r2 = r + kRowStep[k], c2 = c + kColStep[k];
          if (r2 >= 0 && c2 >= 0 && r2 < rows && c2 < cols)
            seed(static_cast<std::size_t>(r2) * cols + c2);
        }
      }

  // Every cell that is not closed yet lies at least one cell from the grid's edge (edge cells
  // are closed from the start), so only the outlets taken from the queue can be edge cells; the
  // neighbours of all other cells never leave the grid.
  auto on_edge = [&](std::uint32_t p) {
    const std::uint32_t r = p / cols, c = p % cols;
    return r == 0 || c == 0 || r + 1 == static_cast<std::uint32_t>(rows) ||
           c + 1 == static_cast<std::uint32_t>(cols);
  };

  // Settles the unknown neighbours of closed cell `p` at level `level`: lower or equal ones are
  // raised into the depression queue (draining to p), higher ones are traced.
  auto settle_neighbours = [&](std::uint32_t p, float level, bool edge) {
    for (int k = 0; k < 8; ++k) {
      if (edge) {
        const int r2 = static_cast<int>(p / cols) + kRowStep[k];
        const int c2 = static_cast<int>(p % cols) + kColStep[k];
        if (r2 < 0 || c2 < 0 || r2 >= rows || c2 >= cols) continue;
      }
      const std::uint32_t q = static_cast<std::uint32_t>(p + off[k]);
      if (state[q] != kUnresolved) continue;
      if (z[q] <= level) {
        if (z[q] < level) {
          st.max_raise = std::max(st.max_raise, static_cast<double>(level - z[q]));
          z[q] = level;
          ++st.raised;
        }
        state[q] = static_cast<std::uint8_t>(7 - k);
        pit.push_back(q);
      } else {
        state[q] = kClosed;
        trace.push_back(q);
      }
    }
  };
  // A traced cell: if every unknown neighbour is higher, settle them now (one pass: they are
  // collected, and closed only when none is at or below the cell); otherwise wait in the
  // priority queue until the flood reaches its height.
  auto trace_cell = [&](std::uint32_t p) {
    const float zp = z[p];
    std::uint32_t up[8];
    int m = 0;
    for (int k = 0; k < 8; ++k) {
      const std::uint32_t q = static_cast<std::uint32_t>(p + off[k]);
      if (state[q] != kUnresolved) continue;
      if (z[q] <= zp) {
        shore.push(key_of(zp), p);
        ++st.queue_pushes;
        st.queue_peak = std::max(st.queue_peak, shore.size());
        return;
      }
      up[m++] = q;
    }
    for (int j = 0; j < m; ++j) {
      state[up[j]] = kClosed;
      trace.push_back(up[j]);
    }
  };

  std::size_t rounds = 0;
  while (!shore.empty()) {
    // All shore cells at the lowest level together: the flats and depressions they border are
    // flooded breadth-first from all of them at once (multi-source), so every flat cell drains
    // towards its nearest exit.
    shore.take_minimum(level_cells);
    for (const Entry& e : level_cells) settle_neighbours(e.cell, z[e.cell], on_edge(e.cell));
    while (!pit.empty() || !trace.empty()) {
      if (!pit.empty()) {
        const std::uint32_t p = pit.front();
        pit.pop_front();
        settle_neighbours(p, z[p], false);
      } else {
        const std::uint32_t p = trace.back();
        trace.pop_back();
        trace_cell(p);
      }
    }
    if ((++rounds & 0xffff) == 0) check_interrupted();
  }
  // Cells closed by the flood without a direction keep kUnresolved for steepest descent.
  tbb::parallel_for(tbb::blocked_range<std::size_t>(0, n, 1 << 16),
                    [&](const tbb::blocked_range<std::size_t>& b) {
                      for (std::size_t i = b.begin(); i != b.end(); ++i)
                        if (state[i] == kClosed) state[i] = kUnresolved;
                    });
  return st;
}

FillStats fill_depressions(Raster& dem) {
  return priority_flood(dem, nullptr);
}

Routed fill_and_route(Raster& dem) {
  Routed out;
  out.dirs.resize(dem.grid.size());
  out.fill = priority_flood(dem, out.dirs.data());
  for (std::uint8_t d : out.dirs)
    if (d <= 7) ++out.flow.flat_cells;
  out.flow.outlets = assign_steepest(dem, out.dirs, out.fill.cells < dem.grid.size());
  return out;
}

}  // namespace casco::water
