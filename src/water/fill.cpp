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

// Cell states in the direction bytes while the flood runs: kUnresolved = not reached yet;
// kClosed = height final, direction to be found by steepest descent afterwards; 0..7 = flooded
// across a flat or depression, draining to that neighbour; kNoFlow = no data.
constexpr std::uint8_t kClosed = 11;

class Flood {
 public:
  Flood(Raster& dem, std::uint8_t* state)
      : z_(dem.values.data()),
        state_(state),
        rows_(dem.grid.rows),
        cols_(dem.grid.cols),
        off_{-cols_ - 1, -cols_, -cols_ + 1, -1, 1, cols_ - 1, cols_, cols_ + 1} {}

  FillStats run() {
    seed_outlets();
    std::vector<Entry> level;
    std::size_t rounds = 0;
    while (!shore_.empty()) {
      // All shore cells at the lowest level together: the flats and depressions they border are
      // flooded breadth-first from all of them at once (multi-source), so every flat cell
      // drains towards its nearest exit.
      shore_.take_minimum(level);
      for (const Entry& e : level) settle(e.cell, z_[e.cell], on_edge(e.cell));
      while (!pit_.empty() || !trace_.empty()) {
        if (!pit_.empty()) {
          const std::uint32_t p = pit_.front();
          pit_.pop_front();
          settle(p, z_[p], false);
        } else {
          const std::uint32_t p = trace_.back();
          trace_.pop_back();
          trace(p);
        }
      }
      if ((++rounds & 0xffff) == 0) check_interrupted();
    }
    // Cells closed by the flood without a direction keep kUnresolved for steepest descent.
    const std::size_t n = static_cast<std::size_t>(rows_) * cols_;
    tbb::parallel_for(tbb::blocked_range<std::size_t>(0, n, 1 << 16),
                      [&](const tbb::blocked_range<std::size_t>& b) {
                        for (std::size_t i = b.begin(); i != b.end(); ++i)
                          if (state_[i] == kClosed) state_[i] = kUnresolved;
                      });
    return st_;
  }

 private:
  // States for every cell, and the outlets: edge cells and cells next to no-data.
  void seed_outlets() {
    const std::size_t n = static_cast<std::size_t>(rows_) * cols_;
    std::atomic<std::size_t> nodata{0};
    tbb::parallel_for(tbb::blocked_range<std::size_t>(0, n, 1 << 16),
                      [&](const tbb::blocked_range<std::size_t>& b) {
                        std::size_t local = 0;
                        for (std::size_t i = b.begin(); i != b.end(); ++i) {
                          const bool nan = std::isnan(z_[i]);
                          state_[i] = nan ? kNoFlow : kUnresolved;
                          local += nan;
                        }
                        nodata += local;
                      });
    st_.cells = n - nodata.load();
    const auto at = [&](int r, int c) { return static_cast<std::size_t>(r) * cols_ + c; };
    for (int c = 0; c < cols_; ++c) seed(at(0, c)), seed(at(rows_ - 1, c));
    for (int r = 1; r + 1 < rows_; ++r) seed(at(r, 0)), seed(at(r, cols_ - 1));
    if (nodata.load() == 0) return;
    for (int r = 0; r < rows_; ++r)
      for (int c = 0; c < cols_; ++c) {
        if (state_[at(r, c)] != kNoFlow) continue;
        for (int k = 0; k < 8; ++k) {
          const int r2 = r + kRowStep[k], c2 = c + kColStep[k];
          if (r2 >= 0 && c2 >= 0 && r2 < rows_ && c2 < cols_) seed(at(r2, c2));
        }
      }
  }

  void seed(std::size_t i) {
    if (state_[i] != kUnresolved) return;
    state_[i] = kClosed;
    shore_.push(key_of(z_[i]), static_cast<std::uint32_t>(i));
    ++st_.queue_pushes;
  }

  // Every cell that is not closed yet lies at least one cell from the grid's edge (edge cells
  // are closed from the start), so only the outlets taken from the queue can be edge cells; the
  // neighbours of all other cells never leave the grid.
  bool on_edge(std::uint32_t p) const {
    const std::uint32_t r = p / cols_, c = p % cols_;
    return r == 0 || c == 0 || r + 1 == static_cast<std::uint32_t>(rows_) ||
           c + 1 == static_cast<std::uint32_t>(cols_);
  }

  // Settles the unknown neighbours of closed cell `p` at level `level`: lower or equal ones are
  // raised into the depression queue (draining to p), higher ones are traced.
  void settle(std::uint32_t p, float level, bool edge) {
    for (int k = 0; k < 8; ++k) {
      if (edge) {
        const int r2 = static_cast<int>(p / cols_) + kRowStep[k];
        const int c2 = static_cast<int>(p % cols_) + kColStep[k];
        if (r2 < 0 || c2 < 0 || r2 >= rows_ || c2 >= cols_) continue;
      }
      const std::uint32_t q = static_cast<std::uint32_t>(p + off_[k]);
      if (state_[q] != kUnresolved) continue;
      if (z_[q] <= level) {
        if (z_[q] < level) {
          st_.max_raise = std::max(st_.max_raise, static_cast<double>(level - z_[q]));
          z_[q] = level;
          ++st_.raised;
        }
        state_[q] = static_cast<std::uint8_t>(7 - k);
        pit_.push_back(q);
      } else {
        state_[q] = kClosed;
        trace_.push_back(q);
      }
    }
  }

  // A traced cell: if every unknown neighbour is higher, settle them now (one pass: they are
  // collected, and closed only when none is at or below the cell); otherwise wait in the
  // priority queue until the flood reaches its height.
  void trace(std::uint32_t p) {
    const float zp = z_[p];
    std::uint32_t up[8];
    int m = 0;
    for (int k = 0; k < 8; ++k) {
      const std::uint32_t q = static_cast<std::uint32_t>(p + off_[k]);
      if (state_[q] != kUnresolved) continue;
      if (z_[q] <= zp) {
        shore_.push(key_of(zp), p);
        ++st_.queue_pushes;
        st_.queue_peak = std::max(st_.queue_peak, shore_.size());
        return;
      }
      up[m++] = q;
    }
    for (int j = 0; j < m; ++j) {
      state_[up[j]] = kClosed;
      trace_.push_back(up[j]);
    }
  }

  float* z_;
  std::uint8_t* state_;
  const int rows_, cols_;
  const std::int64_t off_[8];
  FillStats st_;
  RadixHeap shore_;
  std::deque<std::uint32_t> pit_;
  std::vector<std::uint32_t> trace_;
};

}  // namespace

FillStats priority_flood(Raster& dem, std::uint8_t* dirs) {
  const std::size_t n = dem.grid.size();
  if (n >= 0xffffffffu)
    fail(
        "the elevation model has {} cells; casco's hydrology handles up to 4.29 billion: use a "
        "coarser cell size or a smaller area",
        n);
  std::vector<std::uint8_t> own_state;
  if (!dirs) {
    own_state.resize(n);
    dirs = own_state.data();
  }
  return Flood(dem, dirs).run();
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
