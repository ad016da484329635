// Points onto roads: the nearest point of the nearest road (a uniform grid of road segments), and
// the travel from snapped points to snapped targets with the road split virtually at both (the
// partial costs on both sides, one-way and turn restrictions respected). See
// docs/access_network.md ("Snapping").
#include <tbb/blocked_range.h>
#include <tbb/parallel_for.h>

#include <algorithm>
#include <atomic>
#include <cmath>
#include <limits>

#include "access/network.hpp"
#include "core/error.hpp"

namespace casco::access {

namespace {

// Road segments in a uniform grid of cells, about one segment piece per cell; each segment (cut
// to at most one cell long) is listed in every cell its box touches, with its geometry copied
// into the cell's run of the arrays below, so a query reads memory in order. A query tests the
// segments of the point's cell and of the rings of cells around it, skipping cells farther than
// the best so far, until no unseen segment can be nearer.
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
    cell_ =
        static_cast<float>(std::clamp(std::sqrt(w * h / static_cast<double>(pieces)), 5.0, 5000.0));
    cols_ = std::max(1, static_cast<int>(std::ceil(w / cell_)));
    rows_ = std::max(1, static_cast<int>(std::ceil(h / cell_)));
    build(g);
  }

  bool empty() const { return id_.empty(); }

  // `hint`: the position (in the cell arrays) of a segment near the point, e.g. the previous
  // point's nearest, or UINT32_MAX; it bounds the search from the start, so that cells farther
  // than it are skipped. Set to this point's nearest.
  RoadSnap nearest(double px, double py, double max_m, uint32_t& hint) const {
    constexpr float inf = std::numeric_limits<float>::infinity();
    RoadSnap out;
    const float qx = static_cast<float>(px - x0_), qy = static_cast<float>(py - y0_);
    const float width = static_cast<float>(cols_) * cell_,
                height = static_cast<float>(rows_) * cell_;
    // A point outside the grid: its distance to the grid adds to every distance inside.
    const float cx = std::clamp(qx, 0.0f, width), cy = std::clamp(qy, 0.0f, height);
    const float out2 = (qx - cx) * (qx - cx) + (qy - cy) * (qy - cy);
    const float max2 = static_cast<float>(max_m * max_m) * 1.0001f + 1e-6f;
    if (out2 > max2) return out;
    const int c0 = std::min(static_cast<int>(cx / cell_), cols_ - 1);
    const int r0 = std::min(static_cast<int>(cy / cell_), rows_ - 1);
    float best2 = max2, best_t = 0;
    uint32_t best = UINT32_MAX;
    auto test = [&](uint32_t i) {
      const float ux = qx - ax_[i], uy = qy - ay_[i];
      const float t = std::min(std::max((ux * dx_[i] + uy * dy_[i]) * il2_[i], 0.0f), 1.0f);
      const float ex = ux - t * dx_[i], ey = uy - t * dy_[i];
      const float d2 = ex * ex + ey * ey;
      if (d2 < best2 || (d2 == best2 && best != UINT32_MAX && id_[i] < id_[best])) {
        best2 = d2;
        best = i;
        best_t = t;
      }
    };
    auto scan = [&](int c, int r) {
      const std::size_t k = static_cast<std::size_t>(r) * static_cast<std::size_t>(cols_) + c;
      for (uint32_t i = start_[k], e = start_[k + 1]; i < e; ++i) test(i);
    };
    auto visit = [&](int c, int r) {
      if (c < 0 || r < 0 || c >= cols_ || r >= rows_) return;
      const float bx = static_cast<float>(c) * cell_, by = static_cast<float>(r) * cell_;
      const float dx = std::max(0.0f, std::max(bx - qx, qx - bx - cell_));
      const float dy = std::max(0.0f, std::max(by - qy, qy - by - cell_));
      if (dx * dx + dy * dy <= best2) scan(c, r);
    };
    if (hint < id_.size()) test(hint);
    scan(c0, r0);
    for (int r = 0;; ++r) {
      if (r > 0) {
        for (int c = c0 - r; c <= c0 + r; ++c) {
          visit(c, r0 - r);
          visit(c, r0 + r);
        }
        for (int rr = r0 - r + 1; rr <= r0 + r - 1; ++rr) {
          visit(c0 - r, rr);
          visit(c0 + r, rr);
        }
      }
      // Every segment not seen lies wholly outside the block of rings 0..r.
      const float left = c0 - r <= 0 ? inf : cx - static_cast<float>(c0 - r) * cell_;
      const float right = c0 + r >= cols_ - 1 ? inf : static_cast<float>(c0 + r + 1) * cell_ - cx;
      const float down = r0 - r <= 0 ? inf : cy - static_cast<float>(r0 - r) * cell_;
      const float up = r0 + r >= rows_ - 1 ? inf : static_cast<float>(r0 + r + 1) * cell_ - cy;
      const float reach = std::min(std::min(left, right), std::min(down, up));
      if (reach == inf) break;
      const float bound = out2 + reach * reach;
      if (best2 <= bound || bound > max2) break;
    }
    if (best == UINT32_MAX) return out;
    hint = best;
    const SegInfo& s = info_[id_[best]];
    out.road = s.road;
    out.along_m = (s.along0 + best_t * s.len) * scale_[s.road];
    out.distance_m = std::sqrt(best2);
    return out;
  }

 private:
  struct SegGeo {
    float ax, ay, dx, dy;
  };
  struct SegInfo {
    float along0, len;
    uint32_t road;
  };

  int col(float x) const { return std::clamp(static_cast<int>(x / cell_), 0, cols_ - 1); }
  int row(float y) const { return std::clamp(static_cast<int>(y / cell_), 0, rows_ - 1); }

  // The shapes cut into segments of at most one cell (`scale_` turns shape metres into the
  // road's own metres, equal for OSM roads), then listed per cell; in parallel (TBB): pieces per
  // road, then their cells counted and filled with atomic counters. The order within a cell does
  // not matter (ties go to the lower segment).
  void build(const Graph& g) {
    const std::size_t nr = g.roads.size();
    auto pieces_of = [&](uint32_t i) {
      const double len =
          std::hypot(g.shape_x[i + 1] - g.shape_x[i], g.shape_y[i + 1] - g.shape_y[i]);
      return std::max(1, static_cast<int>(std::ceil(len / cell_)));
    };
    std::vector<uint32_t> first(nr + 1, 0);
    tbb::parallel_for(tbb::blocked_range<std::size_t>(0, nr, 1024), [&](const auto& range) {
      for (std::size_t ri = range.begin(); ri != range.end(); ++ri) {
        const Road& r = g.roads[ri];
        if (r.flags & Road::kNoSnap) continue;
        uint32_t n = 0;
        for (uint32_t i = r.shape; i + 1 < r.shape + r.points; ++i) n += pieces_of(i);
        first[ri + 1] = n;
      }
    });
    for (std::size_t ri = 0; ri < nr; ++ri) first[ri + 1] += first[ri];
    std::vector<SegGeo> geo(first[nr]);
    info_.resize(first[nr]);
    tbb::parallel_for(tbb::blocked_range<std::size_t>(0, nr, 1024), [&](const auto& range) {
      for (std::size_t ri = range.begin(); ri != range.end(); ++ri) {
        const Road& r = g.roads[ri];
        if (r.flags & Road::kNoSnap) continue;
        double along = 0;
        uint32_t at = first[ri];
        for (uint32_t i = r.shape; i + 1 < r.shape + r.points; ++i) {
          const double ax = g.shape_x[i] - x0_, ay = g.shape_y[i] - y0_;
          const double dx = g.shape_x[i + 1] - g.shape_x[i], dy = g.shape_y[i + 1] - g.shape_y[i];
          const double len = std::hypot(dx, dy);
          const int m = pieces_of(i);
          for (int j = 0; j < m; ++j, ++at) {
            const double t0 = static_cast<double>(j) / m;
            geo[at] = {static_cast<float>(ax + dx * t0), static_cast<float>(ay + dy * t0),
                       static_cast<float>(dx / m), static_cast<float>(dy / m)};
            info_[at] = {static_cast<float>(along + len * t0), static_cast<float>(len / m),
                         static_cast<uint32_t>(ri)};
          }
          along += len;
        }
        if (along > 0) scale_[ri] = static_cast<float>(r.metres / along);
      }
    });
    auto cells = [&](const SegGeo& s, auto&& f) {
      const int ca = col(std::min(s.ax, s.ax + s.dx)), cb = col(std::max(s.ax, s.ax + s.dx));
      const int ra = row(std::min(s.ay, s.ay + s.dy)), rb = row(std::max(s.ay, s.ay + s.dy));
      for (int r = ra; r <= rb; ++r)
        for (int c = ca; c <= cb; ++c)
          f(static_cast<std::size_t>(r) * static_cast<std::size_t>(cols_) + c);
    };
    start_.assign(static_cast<std::size_t>(cols_) * rows_ + 1, 0);
    tbb::parallel_for(tbb::blocked_range<std::size_t>(0, geo.size(), 4096), [&](const auto& range) {
      for (std::size_t i = range.begin(); i != range.end(); ++i)
        cells(geo[i], [&](std::size_t k) {
          std::atomic_ref<uint32_t>(start_[k + 1]).fetch_add(1, std::memory_order_relaxed);
        });
    });
    for (std::size_t k = 0; k + 1 < start_.size(); ++k) start_[k + 1] += start_[k];
    const std::size_t n = start_.back();
    ax_.resize(n);
    ay_.resize(n);
    dx_.resize(n);
    dy_.resize(n);
    il2_.resize(n);
    id_.resize(n);
    std::vector<uint32_t> next(start_.begin(), start_.end() - 1);
    tbb::parallel_for(tbb::blocked_range<std::size_t>(0, geo.size(), 4096), [&](const auto& range) {
      for (std::size_t i = range.begin(); i != range.end(); ++i) {
        const SegGeo& s = geo[i];
        const float l2 = s.dx * s.dx + s.dy * s.dy;
        cells(s, [&](std::size_t k) {
          const uint32_t at =
              std::atomic_ref<uint32_t>(next[k]).fetch_add(1, std::memory_order_relaxed);
          ax_[at] = s.ax;
          ay_[at] = s.ay;
          dx_[at] = s.dx;
          dy_[at] = s.dy;
          il2_[at] = l2 > 0 ? 1.0f / l2 : 0.0f;
          id_[at] = static_cast<uint32_t>(i);
        });
      }
    });
  }

  double x0_ = 0, y0_ = 0;
  float cell_ = 1;
  int cols_ = 1, rows_ = 1;
  std::vector<uint32_t> start_;                 // per cell, into the arrays below
  std::vector<float> ax_, ay_, dx_, dy_, il2_;  // per listing: segment start, direction, 1/len²
  std::vector<uint32_t> id_;                    // per listing: the segment (into info_)
  std::vector<SegInfo> info_;
  std::vector<float> scale_;
};

}  // namespace

struct RoadSnapper::Index {
  explicit Index(const Graph& g) : grid(g) {}
  SegmentGrid grid;
};

RoadSnapper::RoadSnapper(const Graph& g) {
  if (g.roads.empty() && g.nodes() > 0)
    fail("snap: the graph has no road geometry (a reversed graph? snap onto the forward one)");
  index_ = std::make_unique<Index>(g);
}

RoadSnapper::~RoadSnapper() = default;

std::vector<RoadSnap> RoadSnapper::snap(const std::vector<double>& xs,
                                        const std::vector<double>& ys,
                                        double max_distance_m) const {
  if (xs.size() != ys.size())
    fail("snap: {} x coordinates but {} y coordinates", xs.size(), ys.size());
  if (!(max_distance_m >= 0)) fail("snap: the maximum distance must be 0 m or more");
  std::vector<RoadSnap> out(xs.size());
  const SegmentGrid& grid = index_->grid;
  if (grid.empty()) return out;
  tbb::parallel_for(tbb::blocked_range<std::size_t>(0, xs.size(), 4096),
                    [&](const tbb::blocked_range<std::size_t>& range) {
                      uint32_t hint = UINT32_MAX;  // neighbouring points: nearby roads
                      for (std::size_t i = range.begin(); i != range.end(); ++i)
                        out[i] = grid.nearest(xs[i], ys[i], max_distance_m, hint);
                    });
  return out;
}

std::vector<RoadSnap> snap_to_roads(const Graph& g, const std::vector<double>& xs,
                                    const std::vector<double>& ys, double max_distance_m) {
  return RoadSnapper(g).snap(xs, ys, max_distance_m);
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

PointJoins join_points(const Graph& g, const std::vector<RoadSnap>& points) {
  const std::size_t n = points.size();
  PointJoins j;
  j.node.assign(2 * n, kNoNode);
  j.seconds.assign(2 * n, kUnreachable);
  j.metres.assign(2 * n, kUnreachable);
  j.destination.assign(n, 0);
  j.road_start.assign(g.roads.size() + 1, 0);
  for (std::size_t k = 0; k < n; ++k) {
    if (points[k].road == kNoRoad) continue;
    if (points[k].road >= g.roads.size()) fail("join_points: point {} on an unknown road", k);
    ++j.road_start[points[k].road + 1];
  }
  for (std::size_t r = 0; r < g.roads.size(); ++r) j.road_start[r + 1] += j.road_start[r];
  j.road_points.resize(j.road_start.back());
  j.road_along.resize(j.road_start.back());
  std::vector<uint32_t> next(j.road_start.begin(), j.road_start.end() - 1);
  for (std::size_t k = 0; k < n; ++k) {
    const RoadSnap& p = points[k];
    if (p.road == kNoRoad) continue;
    const uint32_t at = next[p.road]++;
    j.road_points[at] = static_cast<uint32_t>(k);
    j.road_along[at] = p.along_m;
  }
  tbb::parallel_for(tbb::blocked_range<std::size_t>(0, n, 4096), [&](const auto& range) {
    for (std::size_t k = range.begin(); k != range.end(); ++k) {
      const RoadSnap& p = points[k];
      if (p.road == kNoRoad) continue;
      const Road& r = g.roads[p.road];
      if (p.along_m <= kAtNode || p.along_m >= r.metres - kAtNode) {  // at a node: any way on
        j.node[2 * k] = p.along_m <= kAtNode ? r.from : r.to;
        j.seconds[2 * k] = j.metres[2 * k] = 0;
        j.destination[k] = 1;
        continue;
      }
      const float f = fraction(r, p.along_m);
      if (r.fwd_seconds != kUnreachable) {
        j.node[2 * k] = r.fwd_head;
        j.seconds[2 * k] = (1 - f) * r.fwd_seconds;
        j.metres[2 * k] = (1 - f) * r.metres;
      }
      if (r.bwd_seconds != kUnreachable) {
        j.node[2 * k + 1] = r.bwd_head;
        j.seconds[2 * k + 1] = f * r.bwd_seconds;
        j.metres[2 * k + 1] = f * r.metres;
      }
      j.destination[k] = static_cast<uint8_t>(r.destination(true) | (r.destination(false) << 1));
    }
  });
  return j;
}

PointTimes times_to_nearest(const Graph& g, const Graph& back, const std::vector<RoadSnap>& targets,
                            const std::vector<float>& target_seconds,
                            const std::vector<float>& target_metres,
                            const std::vector<RoadSnap>& points, bool with_metres) {
  return times_to_nearest(g, back, targets, target_seconds, target_metres, join_points(g, points),
                          with_metres);
}

PointTimes times_to_nearest(const Graph& g, const Graph& back, const std::vector<RoadSnap>& targets,
                            const std::vector<float>& target_seconds,
                            const std::vector<float>& target_metres, const PointJoins& points,
                            bool with_metres) {
  if (back.nodes() != g.nodes() || back.edges() != g.edges())
    fail("times_to_nearest: the reversed graph does not belong to the graph");
  if (target_seconds.size() != targets.size() || target_metres.size() != targets.size())
    fail("times_to_nearest: {} targets but {} start times and {} start lengths", targets.size(),
         target_seconds.size(), target_metres.size());
  if (points.road_start.size() != g.roads.size() + 1)
    fail("times_to_nearest: the points were joined to another graph");
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
  for (std::size_t i = 0; i < targets.size(); ++i) {
    const RoadSnap& t = targets[i];
    if (t.road == kNoRoad) continue;
    if (t.road >= g.roads.size()) fail("times_to_nearest: target {} on an unknown road", i);
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
  const SearchResult s = search(back, sources, kUnreachable, with_metres);

  // Each point: into the graph at the node it lies on or at the end it leaves towards; its own
  // stretch (destination-only or not) decides which labels apply.
  const std::size_t n = points.size();
  PointTimes out;
  out.seconds.resize(n);
  if (with_metres) out.metres.resize(n);
  const float* sec = s.seconds.data();
  const float* sec_normal = s.then_normal.empty() ? sec : s.then_normal.data();
  const float* met = with_metres ? s.metres.data() : nullptr;
  const float* met_normal = !with_metres                   ? nullptr
                            : s.then_normal_metres.empty() ? met
                                                           : s.then_normal_metres.data();
  tbb::parallel_for(tbb::blocked_range<std::size_t>(0, n, 4096), [&](const auto& range) {
    for (std::size_t k = range.begin(); k != range.end(); ++k) {
      float best = kUnreachable, best_m = kUnreachable;
      for (int e = 0; e < 2; ++e) {
        const uint32_t v = points.node[2 * k + e];
        if (v == kNoNode) continue;
        const bool d = points.destination[k] >> e & 1;
        const float t = points.seconds[2 * k + e] + (d ? sec : sec_normal)[v];
        if (t < best) {
          best = t;
          if (met) best_m = points.metres[2 * k + e] + (d ? met : met_normal)[v];
        }
      }
      out.seconds[k] = best;
      if (met) out.metres[k] = best_m;
    }
  });
  // Points on a target's road also go straight along it.
  for (std::size_t i = 0; i < targets.size(); ++i) {
    const RoadSnap& t = targets[i];
    if (t.road == kNoRoad) continue;
    const Road& r = g.roads[t.road];
    const float ft = fraction(r, t.along_m);
    for (uint32_t q = points.road_start[t.road]; q < points.road_start[t.road + 1]; ++q) {
      const uint32_t k = points.road_points[q];
      const float f = fraction(r, points.road_along[q]);
      auto take = [&](float part, float sec_per, float len) {
        const float tt = part * sec_per + target_seconds[i];
        if (tt < out.seconds[k]) {
          out.seconds[k] = tt;
          if (with_metres) out.metres[k] = part * len + target_metres[i];
        }
      };
      if (ft >= f && r.fwd_seconds != kUnreachable) take(ft - f, r.fwd_seconds, r.metres);
      if (ft <= f && r.bwd_seconds != kUnreachable) take(f - ft, r.bwd_seconds, r.metres);
    }
  }
  return out;
}

}  // namespace casco::access
