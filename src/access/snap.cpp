// Points onto roads: the nearest point of the nearest road (a uniform grid of road segments), and
// the travel from snapped points to snapped targets with the road split virtually at both (the
// partial costs on both sides, one-way and turn restrictions respected). See
// docs/access_network.md ("Snapping").
#include <tbb/blocked_range.h>
#include <tbb/parallel_for.h>

#include <algorithm>
#include <cmath>
#include <limits>

#include "access/network.hpp"
#include "core/error.hpp"

namespace casco::access {

namespace {

// A straight piece of a road's shape, no longer than a grid cell, relative to the grid origin.
struct Seg {
  float ax, ay, dx, dy, inv_len2, along0, len;
  uint32_t road;
};

class SegmentGrid {
 public:
  explicit SegmentGrid(const Graph& g) : scale_(g.roads.size(), 1.0f) {
    double x1 = -std::numeric_limits<double>::infinity(), y1 = x1;
    x0_ = y0_ = std::numeric_limits<double>::infinity();
    std::size_t pieces = 0;
    for (const Road& r : g.roads) {
      if (r.flags & Road::kNoSnap) continue;
      for (uint32_t i = r.shape; i < r.shape + r.points; ++i) {
        x0_ = std::min(x0_, g.shape_x[i]);
        y0_ = std::min(y0_, g.shape_y[i]);
        x1 = std::max(x1, g.shape_x[i]);
        y1 = std::max(y1, g.shape_y[i]);
      }
      pieces += r.points - 1;
    }
    if (pieces == 0) return;
    const double w = std::max(x1 - x0_, 1.0), h = std::max(y1 - y0_, 1.0);
    cell_ = std::clamp(std::sqrt(w * h / static_cast<double>(pieces)), 5.0, 5000.0);
    cols_ = std::max(1L, static_cast<long>(std::ceil(w / cell_)));
    rows_ = std::max(1L, static_cast<long>(std::ceil(h / cell_)));
    cut(g);
    bucket();
  }

  bool empty() const { return segs_.empty(); }

  RoadSnap nearest(double px, double py, double max_m) const {
    RoadSnap out;
    const double cx = std::clamp(px, x0_, x0_ + static_cast<double>(cols_) * cell_);
    const double cy = std::clamp(py, y0_, y0_ + static_cast<double>(rows_) * cell_);
    const double out2 = (px - cx) * (px - cx) + (py - cy) * (py - cy);
    const double max2 = max_m * max_m;
    if (out2 > max2) return out;
    const float qx = static_cast<float>(px - x0_), qy = static_cast<float>(py - y0_);
    const long c0 = col(cx), r0 = row(cy);
    float best2 = static_cast<float>(max2) * 1.0001f + 1e-6f;
    uint32_t best = UINT32_MAX;
    float best_t = 0;
    auto visit = [&](long c, long r) {
      if (c < 0 || r < 0 || c >= cols_ || r >= rows_) return;
      const std::size_t k = static_cast<std::size_t>(r * cols_ + c);
      for (uint32_t i = start_[k]; i < start_[k + 1]; ++i) {
        const Seg& s = segs_[ids_[i]];
        const float ux = qx - s.ax, uy = qy - s.ay;
        const float t = std::clamp((ux * s.dx + uy * s.dy) * s.inv_len2, 0.0f, 1.0f);
        const float ex = ux - t * s.dx, ey = uy - t * s.dy;
        const float d2 = ex * ex + ey * ey;
        if (d2 < best2 || (d2 == best2 && best != UINT32_MAX && ids_[i] < best)) {
          best2 = d2;
          best = ids_[i];
          best_t = t;
        }
      }
    };
    for (long r = 0;; ++r) {
      if (r == 0) {
        visit(c0, r0);
      } else {
        for (long c = c0 - r; c <= c0 + r; ++c) {
          visit(c, r0 - r);
          visit(c, r0 + r);
        }
        for (long rr = r0 - r + 1; rr <= r0 + r - 1; ++rr) {
          visit(c0 - r, rr);
          visit(c0 + r, rr);
        }
      }
      // Every segment not seen lies wholly outside the block of rings 0..r.
      constexpr double inf = std::numeric_limits<double>::infinity();
      const double left = c0 - r <= 0 ? inf : cx - (x0_ + static_cast<double>(c0 - r) * cell_);
      const double right =
          c0 + r >= cols_ - 1 ? inf : x0_ + static_cast<double>(c0 + r + 1) * cell_ - cx;
      const double down = r0 - r <= 0 ? inf : cy - (y0_ + static_cast<double>(r0 - r) * cell_);
      const double up =
          r0 + r >= rows_ - 1 ? inf : y0_ + static_cast<double>(r0 + r + 1) * cell_ - cy;
      const double reach = std::min(std::min(left, right), std::min(down, up));
      if (reach == inf) break;
      const double bound = out2 + reach * reach;
      if (best2 <= bound || bound > max2) break;
    }
    if (best == UINT32_MAX) return out;
    const Seg& s = segs_[best];
    out.road = s.road;
    out.along_m = (s.along0 + best_t * s.len) * scale_[s.road];
    out.distance_m = std::sqrt(best2);
    return out;
  }

 private:
  long col(double x) const {
    return std::clamp(static_cast<long>(std::floor((x - x0_) / cell_)), 0L, cols_ - 1);
  }
  long row(double y) const {
    return std::clamp(static_cast<long>(std::floor((y - y0_) / cell_)), 0L, rows_ - 1);
  }

  // The shapes cut into segments of at most one cell; `scale_` turns shape metres into the
  // road's own metres (equal for OSM roads).
  void cut(const Graph& g) {
    for (uint32_t ri = 0; ri < g.roads.size(); ++ri) {
      const Road& r = g.roads[ri];
      if (r.flags & Road::kNoSnap) continue;
      double along = 0;
      for (uint32_t i = r.shape; i + 1 < r.shape + r.points; ++i) {
        const double ax = g.shape_x[i] - x0_, ay = g.shape_y[i] - y0_;
        const double dx = g.shape_x[i + 1] - g.shape_x[i], dy = g.shape_y[i + 1] - g.shape_y[i];
        const double len = std::hypot(dx, dy);
        const int m = std::max(1, static_cast<int>(std::ceil(len / cell_)));
        for (int j = 0; j < m; ++j) {
          const double t0 = static_cast<double>(j) / m;
          Seg s;
          s.ax = static_cast<float>(ax + dx * t0);
          s.ay = static_cast<float>(ay + dy * t0);
          s.dx = static_cast<float>(dx / m);
          s.dy = static_cast<float>(dy / m);
          const float l2 = s.dx * s.dx + s.dy * s.dy;
          s.inv_len2 = l2 > 0 ? 1.0f / l2 : 0.0f;
          s.along0 = static_cast<float>(along + len * t0);
          s.len = static_cast<float>(len / m);
          s.road = ri;
          segs_.push_back(s);
        }
        along += len;
      }
      if (along > 0) scale_[ri] = static_cast<float>(r.metres / along);
    }
  }

  void bucket() {
    auto cells = [&](const Seg& s, auto&& f) {
      const double xa = x0_ + s.ax, xb = xa + s.dx, ya = y0_ + s.ay, yb = ya + s.dy;
      const long ca = col(std::min(xa, xb)), cb = col(std::max(xa, xb));
      const long ra = row(std::min(ya, yb)), rb = row(std::max(ya, yb));
      for (long r = ra; r <= rb; ++r)
        for (long c = ca; c <= cb; ++c) f(static_cast<std::size_t>(r * cols_ + c));
    };
    start_.assign(static_cast<std::size_t>(cols_ * rows_) + 1, 0);
    for (const Seg& s : segs_) cells(s, [&](std::size_t k) { ++start_[k + 1]; });
    for (std::size_t k = 0; k + 1 < start_.size(); ++k) start_[k + 1] += start_[k];
    ids_.resize(start_.back());
    std::vector<uint32_t> next(start_.begin(), start_.end() - 1);
    for (uint32_t i = 0; i < segs_.size(); ++i)
      cells(segs_[i], [&](std::size_t k) { ids_[next[k]++] = i; });
  }

  double x0_ = 0, y0_ = 0, cell_ = 1;
  long cols_ = 1, rows_ = 1;
  std::vector<Seg> segs_;
  std::vector<uint32_t> start_, ids_;
  std::vector<float> scale_;
};

}  // namespace

std::vector<RoadSnap> snap_to_roads(const Graph& g, const std::vector<double>& xs,
                                    const std::vector<double>& ys, double max_distance_m) {
  if (xs.size() != ys.size())
    fail("snap: {} x coordinates but {} y coordinates", xs.size(), ys.size());
  if (!(max_distance_m >= 0)) fail("snap: the maximum distance must be 0 m or more");
  if (g.roads.empty() && g.nodes() > 0)
    fail("snap: the graph has no road geometry (a reversed graph? snap onto the forward one)");
  std::vector<RoadSnap> out(xs.size());
  SegmentGrid grid(g);
  if (grid.empty()) return out;
  tbb::parallel_for(tbb::blocked_range<std::size_t>(0, xs.size(), 4096),
                    [&](const tbb::blocked_range<std::size_t>& range) {
                      for (std::size_t i = range.begin(); i != range.end(); ++i)
                        out[i] = grid.nearest(xs[i], ys[i], max_distance_m);
                    });
  return out;
}

namespace {

float fraction(const Road& r, float along) {
  return r.metres > 0 ? std::clamp(along / r.metres, 0.0f, 1.0f) : 0.0f;
}

// A point this close to a road's end is at its node: it may leave (or be reached) in every
// direction there, whatever the one-way rules of this road.
constexpr float kAtNode = 0.05f;

// The nodes a trip can be at when it enters `road` at its `from` end going to `to`: the junction
// and those of its turn-restriction copies that may go on to `to`.
template <typename F>
void entries(const Graph& g, const std::vector<uint32_t>& copy_start,
             const std::vector<uint32_t>& copies, uint32_t from, uint32_t to, F&& f) {
  f(from);
  if (copies.empty()) return;
  for (uint32_t i = copy_start[from]; i < copy_start[from + 1]; ++i) {
    const uint32_t c = copies[i];
    bool ok = false;
    for (uint32_t e = g.offsets[c]; e < g.offsets[c + 1] && !ok; ++e)
      ok = g.junction_of(g.targets[e]) == to;
    if (g.has_destination_edges())
      for (uint32_t e = g.dest_offsets[c]; e < g.dest_offsets[c + 1] && !ok; ++e)
        ok = g.junction_of(g.dest_targets[e]) == to;
    if (ok) f(c);
  }
}

}  // namespace

PointTimes times_to_nearest(const Graph& g, const Graph& back, const std::vector<RoadSnap>& targets,
                            const std::vector<float>& target_seconds,
                            const std::vector<float>& target_metres,
                            const std::vector<RoadSnap>& points) {
  if (back.nodes() != g.nodes() || back.edges() != g.edges())
    fail("times_to_nearest: the reversed graph does not belong to the graph");
  if (target_seconds.size() != targets.size() || target_metres.size() != targets.size())
    fail("times_to_nearest: {} targets but {} start times and {} start lengths", targets.size(),
         target_seconds.size(), target_metres.size());
  // Turn-restriction copies per junction.
  std::vector<uint32_t> copy_start, copies;
  if (!g.copy_of.empty()) {
    copy_start.assign(g.junctions + 1, 0);
    for (uint32_t j : g.copy_of) ++copy_start[j + 1];
    for (uint32_t j = 0; j < g.junctions; ++j) copy_start[j + 1] += copy_start[j];
    copies.resize(g.copy_of.size());
    std::vector<uint32_t> next(copy_start.begin(), copy_start.end() - 1);
    for (uint32_t i = 0; i < g.copy_of.size(); ++i) copies[next[g.copy_of[i]]++] = g.junctions + i;
  }
  // Sources: a target is reached over its road from either end, as far as one-way rules allow.
  std::vector<Source> sources;
  std::vector<uint32_t> by_road_start(g.roads.size() + 1, 0), by_road;
  for (std::size_t i = 0; i < targets.size(); ++i) {
    const RoadSnap& t = targets[i];
    if (t.road == kNoRoad) continue;
    if (t.road >= g.roads.size()) fail("times_to_nearest: target {} on an unknown road", i);
    ++by_road_start[t.road + 1];
    const Road& r = g.roads[t.road];
    const float f = fraction(r, t.along_m);
    if (t.along_m <= kAtNode || t.along_m >= r.metres - kAtNode) {
      const uint32_t v = t.along_m <= kAtNode ? r.from : r.to;
      sources.push_back({v, target_seconds[i], target_metres[i], true});
      if (!copies.empty())
        for (uint32_t c = copy_start[v]; c < copy_start[v + 1]; ++c)
          sources.push_back({copies[c], target_seconds[i], target_metres[i], true});
      continue;
    }
    if (r.fwd_seconds != kUnreachable)
      entries(g, copy_start, copies, r.from, r.to, [&](uint32_t v) {
        sources.push_back({v, target_seconds[i] + f * r.fwd_seconds,
                           target_metres[i] + f * r.metres, r.destination(true)});
      });
    if (r.bwd_seconds != kUnreachable)
      entries(g, copy_start, copies, r.to, r.from, [&](uint32_t v) {
        sources.push_back({v, target_seconds[i] + (1 - f) * r.bwd_seconds,
                           target_metres[i] + (1 - f) * r.metres, r.destination(false)});
      });
  }
  for (std::size_t k = 0; k < g.roads.size(); ++k) by_road_start[k + 1] += by_road_start[k];
  by_road.resize(by_road_start.back());
  {
    std::vector<uint32_t> next(by_road_start.begin(), by_road_start.end() - 1);
    for (uint32_t i = 0; i < targets.size(); ++i)
      if (targets[i].road != kNoRoad) by_road[next[targets[i].road]++] = i;
  }
  const SearchResult s = search(back, sources);

  PointTimes out;
  out.seconds.assign(points.size(), kUnreachable);
  out.metres.assign(points.size(), kUnreachable);
  tbb::parallel_for(
      tbb::blocked_range<std::size_t>(0, points.size(), 4096), [&](const auto& range) {
        for (std::size_t k = range.begin(); k != range.end(); ++k) {
          const RoadSnap& p = points[k];
          if (p.road == kNoRoad) continue;
          const Road& r = g.roads[p.road];
          const float f = fraction(r, p.along_m);
          float best = kUnreachable, best_m = kUnreachable;
          auto take = [&](float t, float m) {
            if (t < best) {
              best = t;
              best_m = m;
            }
          };
          if (p.along_m <= kAtNode || p.along_m >= r.metres - kAtNode) {
            const uint32_t v = p.along_m <= kAtNode ? r.from : r.to;
            take(s.seconds[v], s.metres[v]);
          } else if (r.fwd_seconds != kUnreachable) {
            take((1 - f) * r.fwd_seconds + s.at(r.fwd_head, r.destination(true)),
                 (1 - f) * r.metres + s.metres_at(r.fwd_head, r.destination(true)));
          }
          if (p.along_m > kAtNode && p.along_m < r.metres - kAtNode &&
              r.bwd_seconds != kUnreachable)
            take(f * r.bwd_seconds + s.at(r.bwd_head, r.destination(false)),
                 f * r.metres + s.metres_at(r.bwd_head, r.destination(false)));
          // A target on the same road: straight along it.
          for (uint32_t i = by_road_start[p.road]; i < by_road_start[p.road + 1]; ++i) {
            const uint32_t j = by_road[i];
            const float ft = fraction(r, targets[j].along_m);
            if (ft >= f && r.fwd_seconds != kUnreachable)
              take((ft - f) * r.fwd_seconds + target_seconds[j],
                   (ft - f) * r.metres + target_metres[j]);
            if (ft <= f && r.bwd_seconds != kUnreachable)
              take((f - ft) * r.bwd_seconds + target_seconds[j],
                   (f - ft) * r.metres + target_metres[j]);
          }
          out.seconds[k] = best;
          out.metres[k] = best_m;
        }
      });
  return out;
}

}  // namespace casco::access
