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
// the queue together, in cell order, so a flat is flooded from all its exits at once — the same
// directions d8_directions gives the filled surface, without a second pass over the flats.
#include <algorithm>
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

class Bits {
 public:
  explicit Bits(std::size_t n) : words_((n + 63) / 64, 0) {}
  bool test(std::size_t i) const { return (words_[i >> 6] >> (i & 63)) & 1u; }
  void set(std::size_t i) { words_[i >> 6] |= std::uint64_t{1} << (i & 63); }

 private:
  std::vector<std::uint64_t> words_;
};

}  // namespace

FillStats priority_flood(Raster& dem, std::uint8_t* dirs) {
  const Grid& g = dem.grid;
  const int rows = g.rows, cols = g.cols;
  const std::size_t n = g.size();
  if (n >= 0xffffffffu)
    fail("the elevation model has {} cells; casco's hydrology handles up to 4.29 billion: use a "
         "coarser cell size or a smaller area",
         n);
  float* z = dem.values.data();
  FillStats st;
  Bits closed(n);
  RadixHeap shore;
  std::deque<std::uint32_t> pit;
  std::vector<std::uint32_t> trace;
  std::vector<Entry> level_cells;
  const std::int64_t off[8] = {-cols - 1, -cols, -cols + 1, -1, 1, cols - 1, cols, cols + 1};

  // Outlets: edge cells and cells next to no-data. No-data cells are closed from the start.
  for (int r = 0; r < rows; ++r) {
    for (int c = 0; c < cols; ++c) {
      const std::size_t i = static_cast<std::size_t>(r) * cols + c;
      if (std::isnan(z[i])) {
        closed.set(i);
        if (dirs) dirs[i] = kNoFlow;
        continue;
      }
      if (dirs) dirs[i] = kUnresolved;
      ++st.cells;
      bool edge = r == 0 || c == 0 || r == rows - 1 || c == cols - 1;
      for (int k = 0; k < 8 && !edge; ++k) edge = std::isnan(z[i + off[k]]);
      if (edge) {
        closed.set(i);
        shore.push(key_of(z[i]), static_cast<std::uint32_t>(i));
        ++st.queue_pushes;
      }
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
  auto settle_neighbours = [&](std::uint32_t p, float level) {
    const bool edge = on_edge(p);
    for (int k = 0; k < 8; ++k) {
      if (edge) {
        const int r2 = static_cast<int>(p / cols) + kRowStep[k];
        const int c2 = static_cast<int>(p % cols) + kColStep[k];
        if (r2 < 0 || c2 < 0 || r2 >= rows || c2 >= cols) continue;
      }
      const std::uint32_t q = static_cast<std::uint32_t>(p + off[k]);
      if (closed.test(q)) continue;
      closed.set(q);
      if (z[q] <= level) {
        if (z[q] < level) {
          st.max_raise = std::max(st.max_raise, static_cast<double>(level - z[q]));
          z[q] = level;
          ++st.raised;
        }
        if (dirs) dirs[q] = static_cast<std::uint8_t>(7 - k);
        pit.push_back(q);
      } else {
        trace.push_back(q);
      }
    }
  };
  // A traced cell: if every unknown neighbour is higher, settle them now; otherwise wait in the
  // priority queue until the flood reaches its height.
  auto trace_cell = [&](std::uint32_t p) {
    const float zp = z[p];
    for (int k = 0; k < 8; ++k) {
      const std::uint32_t q = static_cast<std::uint32_t>(p + off[k]);
      if (!closed.test(q) && z[q] <= zp) {
        shore.push(key_of(zp), p);
        ++st.queue_pushes;
        st.queue_peak = std::max(st.queue_peak, shore.size());
        return;
      }
    }
    for (int k = 0; k < 8; ++k) {
      const std::uint32_t q = static_cast<std::uint32_t>(p + off[k]);
      if (closed.test(q)) continue;
      closed.set(q);
      trace.push_back(q);
    }
  };

  std::size_t rounds = 0;
  while (!shore.empty()) {
    // All shore cells at the lowest level together, in cell order: the flats and depressions
    // they border are flooded breadth-first from all of them at once.
    shore.take_minimum(level_cells);
    if (dirs && level_cells.size() > 1)
      std::sort(level_cells.begin(), level_cells.end(),
                [](const Entry& a, const Entry& b) { return a.cell < b.cell; });
    for (const Entry& e : level_cells) settle_neighbours(e.cell, z[e.cell]);
    while (!pit.empty() || !trace.empty()) {
      if (!pit.empty()) {
        const std::uint32_t p = pit.front();
        pit.pop_front();
        settle_neighbours(p, z[p]);
      } else {
        const std::uint32_t p = trace.back();
        trace.pop_back();
        trace_cell(p);
      }
    }
    if ((++rounds & 0xffff) == 0) check_interrupted();
  }
  return st;
}

FillStats fill_depressions(Raster& dem) { return priority_flood(dem, nullptr); }

Routed fill_and_route(Raster& dem) {
  Routed out;
  out.dirs.resize(dem.grid.size());
  out.fill = priority_flood(dem, out.dirs.data());
  for (std::uint8_t d : out.dirs)
    if (d <= 7) ++out.flow.flat_cells;
  out.flow.outlets = assign_steepest(dem, out.dirs);
  return out;
}

}  // namespace casco::water
