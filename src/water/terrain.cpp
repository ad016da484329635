// D-infinity, slope, wetness index, drainage network and height above the nearest drainage.
#include <tbb/blocked_range.h>
#include <tbb/parallel_for.h>

#include <algorithm>
#include <cmath>
#include <numbers>
#include <vector>

#include "core/error.hpp"
#include "water/hydrology.hpp"

namespace casco::water {
namespace {

template <typename F>
void for_rows(int rows, F&& f) {
  tbb::parallel_for(tbb::blocked_range<int>(0, rows, 16), [&](const tbb::blocked_range<int>& b) {
    for (int r = b.begin(); r != b.end(); ++r) f(r);
  });
}

// The D8 code of the neighbour at (dr, dc).
std::uint8_t code_of(int dr, int dc) {
  for (int k = 0; k < 8; ++k)
    if (kRowStep[k] == dr && kColStep[k] == dc) return static_cast<std::uint8_t>(k);
  return kNoFlow;
}

// Tarboton's eight facets, counter-clockwise from east: the cardinal neighbour e1, the diagonal
// neighbour e2 (row, column steps) and the facet's base angle and orientation.
struct Facet {
  int r1, c1, r2, c2;
  double ac, af;
};
constexpr Facet kFacets[8] = {{0, 1, -1, 1, 0, 1},    {-1, 0, -1, 1, 1, -1}, {-1, 0, -1, -1, 1, 1},
                              {0, -1, -1, -1, 2, -1}, {0, -1, 1, -1, 2, 1},  {1, 0, 1, -1, 3, -1},
                              {1, 0, 1, 1, 3, 1},     {0, 1, 1, 1, 4, -1}};

}  // namespace

DInfinity dinf_directions(const Raster& surface, const std::vector<std::uint8_t>& d8) {
  const Grid& g = surface.grid;
  const float* z = surface.values.data();
  DInfinity f;
  f.angle.assign(g.size(), kNoData);
  f.first.assign(g.size(), kNoFlow);
  f.second.assign(g.size(), kNoFlow);
  f.share.assign(g.size(), 1.0f);
  const double quarter = std::numbers::pi / 4;
  for_rows(g.rows, [&](int r) {
    for (int c = 0; c < g.cols; ++c) {
      const std::size_t i = static_cast<std::size_t>(r) * g.cols + c;
      if (d8[i] == kNoFlow) continue;
      auto height = [&](int dr, int dc) {
        const int r2 = r + dr, c2 = c + dc;
        if (r2 < 0 || c2 < 0 || r2 >= g.rows || c2 >= g.cols) return std::nan("");
        return static_cast<double>(z[static_cast<std::size_t>(r2) * g.cols + c2]);
      };
      double best_s = 0, best_r = 0;
      int best = -1;
      for (int k = 0; k < 8; ++k) {
        const Facet& fc = kFacets[k];
        const double e0 = z[i], e1 = height(fc.r1, fc.c1), e2 = height(fc.r2, fc.c2);
        if (std::isnan(e1) || std::isnan(e2)) continue;
        const double s1 = (e0 - e1) / g.cell, s2 = (e1 - e2) / g.cell;
        double rr = std::atan2(s2, s1), s = std::hypot(s1, s2);
        if (rr < 0) {
          rr = 0;
          s = s1;
        } else if (rr > quarter) {
          rr = quarter;
          s = (e0 - e2) / (g.cell * std::numbers::sqrt2);
        }
        if (s > best_s) {
          best_s = s;
          best_r = rr;
          best = k;
        }
      }
      if (best < 0) {  // flat or outlet: the D8 direction, whole
        f.first[i] = d8[i];
        continue;
      }
      const Facet& fc = kFacets[best];
      f.angle[i] = static_cast<float>(fc.af * best_r + fc.ac * std::numbers::pi / 2);
      const double share = 1.0 - best_r / quarter;
      f.first[i] = code_of(fc.r1, fc.c1);
      if (share < 1.0 - 1e-9) {
        f.second[i] = code_of(fc.r2, fc.c2);
        f.share[i] = static_cast<float>(share);
      }
      if (share <= 1e-9) {  // all to the diagonal
        f.first[i] = code_of(fc.r2, fc.c2);
        f.second[i] = kNoFlow;
        f.share[i] = 1.0f;
      }
    }
  });
  return f;
}

std::vector<float> dinf_accumulation(const Grid& grid, const DInfinity& flow) {
  const std::size_t n = grid.size();
  std::vector<float> acc(n, 0.0f);
  std::vector<std::uint8_t> donors(n, 0);
  auto receivers = [&](std::size_t i, std::int64_t out[2]) {
    out[0] = d8_receiver(grid, i, flow.first[i]);
    out[1] = flow.second[i] == kNoFlow ? -1 : d8_receiver(grid, i, flow.second[i]);
  };
  for (std::size_t i = 0; i < n; ++i) {
    if (flow.first[i] == kNoFlow) continue;
    acc[i] = 1.0f;
    std::int64_t out[2];
    receivers(i, out);
    for (auto r : out)
      if (r >= 0) ++donors[static_cast<std::size_t>(r)];
  }
  std::vector<std::size_t> stack;
  std::vector<std::uint8_t> done(n, 0);
  for (std::size_t i = 0; i < n; ++i) {
    if (flow.first[i] == kNoFlow || donors[i] != 0 || done[i]) continue;
    stack.push_back(i);
    while (!stack.empty()) {
      const std::size_t c = stack.back();
      stack.pop_back();
      done[c] = 1;
      std::int64_t out[2];
      receivers(c, out);
      const float shares[2] = {flow.share[c], 1.0f - flow.share[c]};
      for (int k = 0; k < 2; ++k) {
        if (out[k] < 0) continue;
        const auto r = static_cast<std::size_t>(out[k]);
        acc[r] += acc[c] * shares[k];
        if (--donors[r] == 0) stack.push_back(r);
      }
    }
  }
  return acc;
}

Raster slope(const Raster& dem) {
  const Grid& g = dem.grid;
  Raster out(g, kNoData);
  for_rows(g.rows, [&](int r) {
    for (int c = 0; c < g.cols; ++c) {
      const float zc = dem.at(r, c);
      if (std::isnan(zc)) continue;
      auto h = [&](int dr, int dc) {
        const int r2 = r + dr, c2 = c + dc;
        if (r2 < 0 || c2 < 0 || r2 >= g.rows || c2 >= g.cols) return static_cast<double>(zc);
        const float v = dem.at(r2, c2);
        return std::isnan(v) ? static_cast<double>(zc) : static_cast<double>(v);
      };
      const double dzdx =
          ((h(-1, 1) + 2 * h(0, 1) + h(1, 1)) - (h(-1, -1) + 2 * h(0, -1) + h(1, -1))) /
          (8 * g.cell);
      const double dzdy =
          ((h(1, -1) + 2 * h(1, 0) + h(1, 1)) - (h(-1, -1) + 2 * h(-1, 0) + h(-1, 1))) /
          (8 * g.cell);
      out.at(r, c) = static_cast<float>(std::hypot(dzdx, dzdy));
    }
  });
  return out;
}

Raster wetness_index(const Raster& slope_r, const std::vector<float>& accumulation,
                     double min_slope) {
  const Grid& g = slope_r.grid;
  Raster out(g, kNoData);
  for (std::size_t i = 0; i < g.size(); ++i) {
    const float s = slope_r.values[i];
    if (std::isnan(s) || accumulation[i] <= 0) continue;
    const double a = accumulation[i] * g.cell;  // upslope area per unit contour width (m)
    out.values[i] = static_cast<float>(std::log(a / std::max<double>(s, min_slope)));
  }
  return out;
}

Raster drainage_network(const Grid& grid, const std::vector<std::uint32_t>& accumulation,
                        double min_area_m2) {
  Raster out(grid, kNoData);
  const double cells = min_area_m2 / grid.cell_area();
  for (std::size_t i = 0; i < grid.size(); ++i)
    if (accumulation[i] > 0) out.values[i] = accumulation[i] >= cells ? 1.0f : 0.0f;
  return out;
}

Hand height_above_drainage(const Raster& filled, const std::vector<std::uint8_t>& dirs,
                           const std::vector<std::uint32_t>& accumulation, double min_area_m2) {
  const Grid& g = filled.grid;
  const std::size_t n = g.size();
  const double min_cells = min_area_m2 / g.cell_area();
  Hand h{Raster(g, kNoData), Raster(g, kNoData), Raster(g, kNoData)};
  // Per cell: the drainage cell it reaches (or the last cell before the edge), found once and
  // shared by every cell upstream: walk down to a known cell, then assign on the way back.
  std::vector<std::int64_t> target(n, -1);
  std::vector<float> length(n, 0.0f);
  std::vector<std::size_t> path;
  const double step[8] = {std::numbers::sqrt2, 1, std::numbers::sqrt2, 1, 1,
                          std::numbers::sqrt2, 1, std::numbers::sqrt2};
  for (std::size_t i = 0; i < n; ++i) {
    if (dirs[i] == kNoFlow || target[i] >= 0) continue;
    std::size_t c = i;
    path.clear();
    for (;;) {
      if (target[c] >= 0) break;
      if (accumulation[c] >= min_cells) {
        target[c] = static_cast<std::int64_t>(c);
        length[c] = 0;
        break;
      }
      const std::int64_t r = d8_receiver(g, c, dirs[c]);
      if (r < 0) {  // leaves the grid without meeting the network
        target[c] = static_cast<std::int64_t>(c);
        length[c] = 0;
        break;
      }
      path.push_back(c);
      c = static_cast<std::size_t>(r);
    }
    for (auto it = path.rbegin(); it != path.rend(); ++it) {
      const std::size_t p = *it;
      const std::size_t next = static_cast<std::size_t>(d8_receiver(g, p, dirs[p]));
      target[p] = target[next];
      length[p] = static_cast<float>(length[next] + step[dirs[p]] * g.cell);
    }
  }
  for (std::size_t i = 0; i < n; ++i) {
    if (target[i] < 0) continue;
    const auto t = static_cast<std::size_t>(target[i]);
    h.height.values[i] = filled.values[i] - filled.values[t];
    h.catchment.values[i] = static_cast<float>(accumulation[t] * g.cell_area() / 1e6);
    h.distance.values[i] = length[i];
  }
  return h;
}

}  // namespace casco::water
