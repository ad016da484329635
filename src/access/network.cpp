// Searches over a road graph: the reversed graph, snapping points to the nearest node (uniform grid
// of buckets) and multi-source Dijkstra (radix heap over the seconds).
#include "access/network.hpp"

#include <tbb/blocked_range.h>
#include <tbb/parallel_for.h>

#include <algorithm>
#include <array>
#include <bit>
#include <cmath>

#include "core/error.hpp"

namespace casco::access {

Graph Graph::reversed() const {
  Graph r;
  r.x = x;
  r.y = y;
  const std::size_t n = nodes(), m = edges();
  r.offsets.assign(n + 1, 0);
  for (uint32_t t : targets) ++r.offsets[t + 1];
  for (std::size_t v = 0; v < n; ++v) r.offsets[v + 1] += r.offsets[v];
  r.targets.resize(m);
  r.seconds.resize(m);
  r.metres.resize(m);
  std::vector<uint32_t> next(r.offsets.begin(), r.offsets.end() - 1);
  for (uint32_t u = 0; u < n; ++u) {
    for (uint32_t e = offsets[u]; e < offsets[u + 1]; ++e) {
      uint32_t k = next[targets[e]]++;
      r.targets[k] = u;
      r.seconds[k] = seconds[e];
      r.metres[k] = metres[e];
    }
  }
  return r;
}

namespace {

// Nodes bucketed in a uniform grid over their bounding box, ~2 nodes per cell on average.
struct Buckets {
  double x0 = 0, y0 = 0, cell = 1;
  long cols = 1, rows = 1;
  std::vector<uint32_t> start, ids;

  explicit Buckets(const Graph& g) {
    const std::size_t n = g.nodes();
    double x1 = x0, y1 = y0;
    if (n > 0) {
      auto [xmin, xmax] = std::minmax_element(g.x.begin(), g.x.end());
      auto [ymin, ymax] = std::minmax_element(g.y.begin(), g.y.end());
      x0 = *xmin;
      y0 = *ymin;
      x1 = *xmax;
      y1 = *ymax;
    }
    double w = std::max(x1 - x0, 1.0), h = std::max(y1 - y0, 1.0);
    cell = std::max(std::sqrt(w * h * 2.0 / static_cast<double>(std::max<std::size_t>(n, 1))), 1.0);
    cols = std::max(1L, static_cast<long>(std::ceil(w / cell)));
    rows = std::max(1L, static_cast<long>(std::ceil(h / cell)));
    start.assign(static_cast<std::size_t>(cols * rows) + 1, 0);
    std::vector<uint32_t> cell_of(n);
    for (std::size_t i = 0; i < n; ++i) {
      cell_of[i] = static_cast<uint32_t>(row(g.y[i]) * cols + col(g.x[i]));
      ++start[cell_of[i] + 1];
    }
    for (std::size_t c = 0; c + 1 < start.size(); ++c) start[c + 1] += start[c];
    ids.resize(n);
    std::vector<uint32_t> next(start.begin(), start.end() - 1);
    for (std::size_t i = 0; i < n; ++i) ids[next[cell_of[i]]++] = static_cast<uint32_t>(i);
  }
  long col(double x) const {
    return std::clamp(static_cast<long>(std::floor((x - x0) / cell)), 0L, cols - 1);
  }
  long row(double y) const {
    return std::clamp(static_cast<long>(std::floor((y - y0) / cell)), 0L, rows - 1);
  }

  Snap nearest(const Graph& g, double px, double py) const {
    // Distance of the point to the bucket box: any node q satisfies |pq|² ≥ out² + |p'q|² where p'
    // is p clamped into the box (projection onto a convex set), and after rings 0..r around the
    // cell of p' every unvisited node has |p'q| ≥ r·cell.
    double cx = std::clamp(px, x0, x0 + static_cast<double>(cols) * cell);
    double cy = std::clamp(py, y0, y0 + static_cast<double>(rows) * cell);
    double out2 = (px - cx) * (px - cx) + (py - cy) * (py - cy);
    const long c0 = col(px), r0 = row(py);
    double best2 = std::numeric_limits<double>::infinity();
    uint32_t best = 0;
    auto visit = [&](long c, long r) {
      if (c < 0 || r < 0 || c >= cols || r >= rows) return;
      std::size_t k = static_cast<std::size_t>(r * cols + c);
      for (uint32_t i = start[k]; i < start[k + 1]; ++i) {
        uint32_t v = ids[i];
        double dx = g.x[v] - px, dy = g.y[v] - py;
        double d2 = dx * dx + dy * dy;
        if (d2 < best2 || (d2 == best2 && v < best)) {
          best2 = d2;
          best = v;
        }
      }
    };
    const long max_r = std::max(cols, rows);
    for (long r = 0; r <= max_r; ++r) {
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
      double reach = static_cast<double>(r) * cell;
      if (best2 <= out2 + reach * reach) break;
    }
    return {best, static_cast<float>(std::sqrt(best2))};
  }
};

// Monotone priority queue for Dijkstra (Ahuja et al.'s radix heap): popped keys never decrease, so
// an item lives in the bucket of the highest bit in which its key differs from the last popped
// key, and each item moves down at most 32 times. About twice as fast as a binary heap here.
class RadixHeap {
 public:
  bool empty() const { return size_ == 0; }
  void push(uint32_t key, uint32_t node) {
    buckets_[bucket(key)].push_back({key, node});
    ++size_;
  }
  std::pair<uint32_t, uint32_t> pop() {
    if (buckets_[0].empty()) {
      std::size_t i = 1;
      while (buckets_[i].empty()) ++i;
      auto& b = buckets_[i];
      last_ = std::min_element(b.begin(), b.end())->first;
      for (const auto& item : b) buckets_[bucket(item.first)].push_back(item);
      b.clear();
    }
    auto item = buckets_[0].back();
    buckets_[0].pop_back();
    --size_;
    return item;
  }

 private:
  std::size_t bucket(uint32_t key) const {
    return key == last_ ? 0 : 32 - static_cast<std::size_t>(std::countl_zero(key ^ last_));
  }
  std::array<std::vector<std::pair<uint32_t, uint32_t>>, 33> buckets_;
  uint32_t last_ = 0;
  std::size_t size_ = 0;
};

}  // namespace

std::vector<Snap> snap(const Graph& g, const std::vector<double>& xs,
                       const std::vector<double>& ys) {
  if (xs.size() != ys.size())
    fail("snap: {} x coordinates but {} y coordinates", xs.size(), ys.size());
  if (g.nodes() == 0) fail("snap: the road graph has no nodes");
  Buckets b(g);
  std::vector<Snap> out(xs.size());
  tbb::parallel_for(tbb::blocked_range<std::size_t>(0, xs.size(), 4096),
                    [&](const tbb::blocked_range<std::size_t>& range) {
                      for (std::size_t i = range.begin(); i != range.end(); ++i)
                        out[i] = b.nearest(g, xs[i], ys[i]);
                    });
  return out;
}

std::vector<float> multi_source(const Graph& g,
                                const std::vector<std::pair<uint32_t, float>>& sources,
                                float max_seconds, std::vector<float>* path_metres,
                                const std::vector<float>* start_metres) {
  const std::size_t n = g.nodes();
  std::vector<float> dist(n, kUnreachable);
  float* pm = nullptr;
  if (path_metres) {
    path_metres->assign(n, kUnreachable);
    pm = path_metres->data();
  }
  // Non-negative floats order like their bit patterns, so the queue works on 32-bit keys.
  auto key = [](float s) { return std::bit_cast<uint32_t>(s); };
  RadixHeap heap;
  for (std::size_t i = 0; i < sources.size(); ++i) {
    const auto [v, s] = sources[i];
    if (v >= n) fail("multi_source: source node {} is not in the graph of {} nodes", v, n);
    if (!(s >= 0)) fail("multi_source: source node {} starts at {} s: use 0 or more seconds", v, s);
    float s0 = s + 0.0f;  // -0 → +0
    if (s0 > max_seconds || s0 >= dist[v]) continue;
    dist[v] = s0;
    if (pm) pm[v] = start_metres && i < start_metres->size() ? (*start_metres)[i] : 0.0f;
    heap.push(key(s0), v);
  }
  const uint32_t* off = g.offsets.data();
  const uint32_t* tgt = g.targets.data();
  const float* sec = g.seconds.data();
  float* d = dist.data();
  while (!heap.empty()) {
    auto [k, u] = heap.pop();
    float du = std::bit_cast<float>(k);
    if (du > d[u]) continue;  // stale
    for (uint32_t e = off[u], end = off[u + 1]; e < end; ++e) {
      uint32_t v = tgt[e];
      float dv = du + sec[e];
      if (dv < d[v] && dv <= max_seconds) {
        d[v] = dv;
        if (pm) pm[v] = pm[u] + g.metres[e];
        heap.push(key(dv), v);
      }
    }
  }
  return dist;
}

}  // namespace casco::access
