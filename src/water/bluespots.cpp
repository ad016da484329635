// Bluespots (depressions of the DEM, filled - dem > 0) and a design storm spread over them by
// fill and spill. Method: docs/water.md, "Bluespots and the stress test".
#include <algorithm>
#include <cmath>
#include <numeric>
#include <vector>

#include "core/progress.hpp"
#include "water/hydrology.hpp"

namespace casco::water {
namespace {

// Per cell the first value of `own` met along the D8 path (own[c] != 0 stops the walk), or 0
// when the path leaves the grid first. Walks once per cell: the answer is shared upstream.
std::vector<std::uint32_t> first_downstream(const Grid& g, const std::vector<std::uint8_t>& dirs,
                                            const std::vector<std::uint32_t>& own) {
  const std::size_t n = g.size();
  constexpr std::uint32_t kUnknown = 0xffffffffu;
  std::vector<std::uint32_t> first(n, kUnknown);
  std::vector<std::size_t> path;
  for (std::size_t i = 0; i < n; ++i) {
    if (first[i] != kUnknown) continue;
    if (dirs[i] == kNoFlow) {
      first[i] = 0;
      continue;
    }
    std::size_t c = i;
    path.clear();
    std::uint32_t answer = 0;
    for (;;) {
      if (first[c] != kUnknown) {
        answer = first[c];
        break;
      }
      if (own[c] != 0) {
        answer = own[c];
        break;
      }
      path.push_back(c);
      const std::int64_t r = d8_receiver(g, c, dirs[c]);
      if (r < 0) break;
      c = static_cast<std::size_t>(r);
    }
    for (std::size_t p : path) first[p] = answer;
    if (own[c] != 0) first[c] = own[c];
  }
  return first;
}

}  // namespace

namespace {
void keep_and_renumber(Bluespots& b, const std::vector<Bluespot>& found,
                       const std::vector<std::size_t>& deepest, const BluespotOptions& options,
                       const Grid& g);
void link_downstream(Bluespots& b, const Raster& filled, const std::vector<std::uint8_t>& dirs);
}  // namespace

Bluespots find_bluespots(const Raster& dem, const Raster& filled,
                         const std::vector<std::uint8_t>& dirs, const BluespotOptions& options) {
  const Grid& g = dem.grid;
  const std::size_t n = g.size();
  Bluespots b;
  b.depth = Raster(g, kNoData);
  for (std::size_t i = 0; i < n; ++i)
    if (!std::isnan(dem.values[i]))
      b.depth.values[i] = std::max(0.0f, filled.values[i] - dem.values[i]);
  b.label.assign(n, 0);

  // 8-connected regions of depth > 0, breadth-first.
  std::vector<std::uint32_t> queue;
  std::vector<Bluespot> found;
  std::vector<std::size_t> deepest;
  for (std::size_t seed = 0; seed < n; ++seed) {
    if (!(b.depth.values[seed] > 0) || b.label[seed] != 0) continue;
    const auto id = static_cast<std::uint32_t>(found.size() + 1);
    Bluespot s;
    s.id = id;
    s.spill_height = filled.values[seed];
    std::size_t deep = seed;
    queue.assign(1, static_cast<std::uint32_t>(seed));
    b.label[seed] = id;
    for (std::size_t head = 0; head < queue.size(); ++head) {
      const std::size_t p = queue[head];
      const float d = b.depth.values[p];
      s.volume_m3 += d * g.cell_area();
      if (d > b.depth.values[deep]) deep = p;
      const int r = static_cast<int>(p / g.cols), c = static_cast<int>(p % g.cols);
      for (int k = 0; k < 8; ++k) {
        const int r2 = r + kRowStep[k], c2 = c + kColStep[k];
        if (r2 < 0 || c2 < 0 || r2 >= g.rows || c2 >= g.cols) continue;
        const std::size_t q = static_cast<std::size_t>(r2) * g.cols + c2;
        if (b.depth.values[q] > 0 && b.label[q] == 0) {
          b.label[q] = id;
          queue.push_back(static_cast<std::uint32_t>(q));
        }
      }
    }
    s.cells = queue.size();
    s.max_depth_m = b.depth.values[deep];
    found.push_back(s);
    deepest.push_back(deep);
    check_interrupted();
  }

  keep_and_renumber(b, found, deepest, options, g);
  link_downstream(b, filled, dirs);
  return b;
}

namespace {

// Keeps the regions deep and large enough as bluespots, numbered 1..n; the others are dropped
// (label 0, depth 0).
void keep_and_renumber(Bluespots& b, const std::vector<Bluespot>& found,
                       const std::vector<std::size_t>& deepest, const BluespotOptions& options,
                       const Grid& g) {
  std::vector<std::uint32_t> renumber(found.size() + 1, 0);
  for (std::size_t k = 0; k < found.size(); ++k) {
    const Bluespot& s = found[k];
    if (s.max_depth_m < options.min_depth_m || s.volume_m3 < options.min_volume_m3) {
      ++b.dropped_shallow;
      continue;
    }
    Bluespot kept = s;
    kept.id = static_cast<std::uint32_t>(b.spots.size() + 1);
    const std::size_t deep = deepest[k];
    kept.x = g.cx(static_cast<int>(deep % g.cols));
    kept.y = g.cy(static_cast<int>(deep / g.cols));
    kept.outlet_cell = static_cast<std::int64_t>(deep);
    renumber[s.id] = kept.id;
    b.spots.push_back(kept);
  }
  for (std::size_t i = 0; i < b.label.size(); ++i) {
    if (b.label[i] == 0) continue;
    b.label[i] = renumber[b.label[i]];
    if (b.label[i] == 0) b.depth.values[i] = 0.0f;
  }
}

// Spill points, the bluespot each spills into, own catchments and the rain that fills them.
void link_downstream(Bluespots& b, const Raster& filled, const std::vector<std::uint8_t>& dirs) {
  const Grid& g = filled.grid;
  // Spill point: from the deepest cell along the directions, the last cell at the spill height
  // (past it the path only descends, so it never comes back). Downstream: the first other bluespot
  // on the way on.
  for (Bluespot& s : b.spots) {
    std::size_t c = static_cast<std::size_t>(s.outlet_cell);
    for (;;) {
      const std::int64_t r = d8_receiver(g, c, dirs[c]);
      if (r < 0 || filled.values[static_cast<std::size_t>(r)] < s.spill_height) break;
      c = static_cast<std::size_t>(r);
    }
    s.outlet_cell = static_cast<std::int64_t>(c);
  }
  b.reaches = first_downstream(g, dirs, b.label);
  for (Bluespot& s : b.spots) {
    const std::int64_t r = d8_receiver(g, static_cast<std::size_t>(s.outlet_cell),
                                       dirs[static_cast<std::size_t>(s.outlet_cell)]);
    s.downstream = r < 0 ? 0 : b.reaches[static_cast<std::size_t>(r)];
    if (s.downstream == s.id) s.downstream = 0;  // cannot happen on a filled surface; be safe
  }
  for (std::size_t i = 0; i < b.reaches.size(); ++i)
    if (b.reaches[i] != 0) ++b.spots[b.reaches[i] - 1].catchment_cells;
  for (Bluespot& s : b.spots)
    s.fill_rain_mm =
        s.catchment_cells == 0 ? 0 : 1000.0 * s.volume_m3 / (s.catchment_cells * g.cell_area());
}

}  // namespace

StormResult design_storm(const Raster& dem, const Bluespots& spots,
                         const std::vector<std::uint8_t>& dirs,
                         const std::vector<float>& effective_rain_m) {
  const Grid& g = dem.grid;
  const std::size_t n = g.size(), m = spots.spots.size();
  StormResult res;
  res.water_depth = Raster(g, kNoData);
  res.stored_m3.assign(m, 0);
  res.inflow_m3.assign(m, 0);
  for (std::size_t i = 0; i < n; ++i) {
    if (dirs[i] == kNoFlow) continue;
    res.water_depth.values[i] = 0.0f;
    const float rain = effective_rain_m[i];
    if (!(rain > 0)) continue;
    const double v = rain * g.cell_area();
    res.rain_m3 += v;
    if (spots.reaches[i] != 0)
      res.inflow_m3[spots.reaches[i] - 1] += v;
    else
      res.runoff_m3 += v;
  }
  // Upstream first: a bluespot is handled once all bluespots spilling into it are.
  std::vector<std::uint32_t> waiting(m, 0);
  for (const Bluespot& s : spots.spots)
    if (s.downstream != 0) ++waiting[s.downstream - 1];
  std::vector<std::uint32_t> ready;
  for (std::size_t k = 0; k < m; ++k)
    if (waiting[k] == 0) ready.push_back(static_cast<std::uint32_t>(k));
  while (!ready.empty()) {
    const std::uint32_t k = ready.back();
    ready.pop_back();
    const Bluespot& s = spots.spots[k];
    res.stored_m3[k] = std::min(s.volume_m3, res.inflow_m3[k]);
    const double over = res.inflow_m3[k] - res.stored_m3[k];
    if (over > 0) ++res.full_spots;
    if (s.downstream == 0) {
      res.runoff_m3 += over;
    } else {
      res.inflow_m3[s.downstream - 1] += over;
      if (--waiting[s.downstream - 1] == 0) ready.push_back(s.downstream - 1);
    }
  }
  for (double v : res.stored_m3) res.stored_total_m3 += v;

  // The level in each bluespot: its cells from low to high; the pool rises until it holds what
  // was stored.
  std::vector<std::size_t> start(m + 1, 0);
  for (std::size_t i = 0; i < n; ++i)
    if (spots.label[i] != 0) ++start[spots.label[i]];
  std::partial_sum(start.begin(), start.end(), start.begin());
  std::vector<std::uint32_t> cells(start[m]);
  {
    std::vector<std::size_t> next(start.begin(), start.end() - 1);
    for (std::size_t i = 0; i < n; ++i)
      if (spots.label[i] != 0) cells[next[spots.label[i] - 1]++] = static_cast<std::uint32_t>(i);
  }
  const double area = g.cell_area();
  std::vector<float> z;
  for (std::size_t k = 0; k < m; ++k) {
    const double stored = res.stored_m3[k];
    if (stored <= 0) continue;
    const Bluespot& s = spots.spots[k];
    z.clear();
    for (std::size_t j = start[k]; j < start[k + 1]; ++j) z.push_back(dem.values[cells[j]]);
    std::sort(z.begin(), z.end());
    double level = s.spill_height;
    if (stored < s.volume_m3) {
      // Volume below level h over the lowest j cells: (j * h - sum z) * area.
      double sum = 0;
      for (std::size_t j = 0; j < z.size(); ++j) {
        sum += z[j];
        const double top =
            j + 1 < z.size() ? std::min<double>(z[j + 1], s.spill_height) : s.spill_height;
        const double h = (stored / area + sum) / static_cast<double>(j + 1);
        if (h <= top) {
          level = h;
          break;
        }
      }
    }
    for (std::size_t j = start[k]; j < start[k + 1]; ++j) {
      const std::size_t c = cells[j];
      const double d = level - dem.values[c];
      if (d > 0) res.water_depth.values[c] = static_cast<float>(d);
    }
  }
  for (float d : res.water_depth.values)
    if (d > 0) ++res.wet_cells;
  return res;
}

}  // namespace casco::water
