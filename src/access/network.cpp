// Searches over a road graph: the reversed graph, snapping points to the nearest node (uniform grid
// of buckets) and multi-source Dijkstra (radix heap over the seconds), staged where the graph has
// destination-only edges.
#include "access/network.hpp"

#include <tbb/blocked_range.h>
#include <tbb/parallel_for.h>

#include <algorithm>
#include <array>
#include <bit>
#include <cmath>
#include <map>

#include "core/error.hpp"

namespace casco::access {

namespace {

void reverse_csr(std::size_t n, const std::vector<uint32_t>& offsets,
                 const std::vector<uint32_t>& targets, const std::vector<float>& seconds,
                 const std::vector<float>& metres, std::vector<uint32_t>& r_offsets,
                 std::vector<uint32_t>& r_targets, std::vector<float>& r_seconds,
                 std::vector<float>& r_metres) {
  const std::size_t m = targets.size();
  r_offsets.assign(n + 1, 0);
  for (uint32_t t : targets) ++r_offsets[t + 1];
  for (std::size_t v = 0; v < n; ++v) r_offsets[v + 1] += r_offsets[v];
  r_targets.resize(m);
  r_seconds.resize(m);
  r_metres.resize(m);
  std::vector<uint32_t> next(r_offsets.begin(), r_offsets.end() - 1);
  for (uint32_t u = 0; u < n; ++u) {
    for (uint32_t e = offsets[u]; e < offsets[u + 1]; ++e) {
      uint32_t k = next[targets[e]]++;
      r_targets[k] = u;
      r_seconds[k] = seconds[e];
      r_metres[k] = metres[e];
    }
  }
}

}  // namespace

Graph Graph::reversed() const {
  Graph r;
  r.x = x;
  r.y = y;
  r.junctions = junctions;
  r.copy_of = copy_of;
  r.stats = stats;
  reverse_csr(nodes(), offsets, targets, seconds, metres, r.offsets, r.targets, r.seconds,
              r.metres);
  if (has_destination_edges())
    reverse_csr(nodes(), dest_offsets, dest_targets, dest_seconds, dest_metres, r.dest_offsets,
                r.dest_targets, r.dest_seconds, r.dest_metres);
  return r;
}

void Graph::add_straight_roads() {
  if (junctions == 0) junctions = static_cast<uint32_t>(nodes());
  roads.clear();
  shape_x.clear();
  shape_y.clear();
  struct Pair {
    float fwd = kUnreachable, bwd = kUnreachable, metres = 0;
    uint8_t flags = 0;
  };
  std::map<std::pair<uint32_t, uint32_t>, Pair> pairs;
  auto add = [&](const std::vector<uint32_t>& off, const std::vector<uint32_t>& tgt,
                 const std::vector<float>& sec, const std::vector<float>& met, bool dest) {
    if (off.empty()) return;
    for (uint32_t u = 0; u < nodes(); ++u)
      for (uint32_t e = off[u]; e < off[u + 1]; ++e) {
        const uint32_t v = tgt[e];
        if (u == v) continue;
        const bool fwd = u < v;
        Pair& p = pairs[{std::min(u, v), std::max(u, v)}];
        float& s = fwd ? p.fwd : p.bwd;
        if (sec[e] < s) {
          s = sec[e];
          p.flags = static_cast<uint8_t>(
              (p.flags & ~(fwd ? Road::kFwdDestination : Road::kBwdDestination)) |
              (dest ? (fwd ? Road::kFwdDestination : Road::kBwdDestination) : 0));
        }
        p.metres = std::max(p.metres, met[e]);
      }
  };
  add(offsets, targets, seconds, metres, false);
  add(dest_offsets, dest_targets, dest_seconds, dest_metres, true);
  for (const auto& [k, p] : pairs) {
    Road r;
    r.from = r.bwd_head = k.first;
    r.to = r.fwd_head = k.second;
    r.shape = static_cast<uint32_t>(shape_x.size());
    r.points = 2;
    shape_x.insert(shape_x.end(), {x[k.first], x[k.second]});
    shape_y.insert(shape_y.end(), {y[k.first], y[k.second]});
    r.metres =
        p.metres > 0
            ? p.metres
            : static_cast<float>(std::hypot(x[k.second] - x[k.first], y[k.second] - y[k.first]));
    r.fwd_seconds = p.fwd;
    r.bwd_seconds = p.bwd;
    r.flags = p.flags;
    roads.push_back(r);
  }
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

// Non-negative floats order like their bit patterns, so the queue works on 32-bit keys.
uint32_t key(float s) {
  return std::bit_cast<uint32_t>(s);
}

struct Csr {
  const uint32_t *off, *tgt;
  const float *sec, *met;
};

// Dijkstra over one CSR from the labels already pushed into `heap` (d, pm hold their values).
template <bool kMetres>
void dijkstra(const Csr& g, float* d, float* pm, RadixHeap& heap, float max_seconds) {
  while (!heap.empty()) {
    auto [k, u] = heap.pop();
    float du = std::bit_cast<float>(k);
    if (du > d[u]) continue;  // stale
    for (uint32_t e = g.off[u], end = g.off[u + 1]; e < end; ++e) {
      uint32_t v = g.tgt[e];
      float dv = du + g.sec[e];
      if (dv < d[v] && dv <= max_seconds) {
        d[v] = dv;
        if constexpr (kMetres) pm[v] = pm[u] + g.met[e];
        heap.push(key(dv), v);
      }
    }
  }
}

void run(const Csr& g, std::vector<float>& d, std::vector<float>& m, RadixHeap& heap,
         float max_seconds) {
  if (m.empty())
    dijkstra<false>(g, d.data(), nullptr, heap, max_seconds);
  else
    dijkstra<true>(g, d.data(), m.data(), heap, max_seconds);
}

// Seeds a label: true when it improved.
bool seed(std::vector<float>& d, std::vector<float>& m, uint32_t v, float s, float metres,
          float max_seconds, RadixHeap& heap) {
  if (s > max_seconds || s >= d[v]) return false;
  d[v] = s;
  if (!m.empty()) m[v] = metres;
  heap.push(key(s), v);
  return true;
}

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

SearchResult search(const Graph& g, const std::vector<Source>& sources, float max_seconds,
                    bool with_metres) {
  const std::size_t n = g.nodes();
  for (const Source& s : sources) {
    if (s.node >= n)
      fail("multi_source: source node {} is not in the graph of {} nodes", s.node, n);
    if (!(s.seconds >= 0))
      fail("multi_source: source node {} starts at {} s: use 0 or more seconds", s.node, s.seconds);
  }
  SearchResult r;
  r.seconds.assign(n, kUnreachable);
  if (with_metres) r.metres.assign(n, kUnreachable);
  const Csr normal{g.offsets.data(), g.targets.data(), g.seconds.data(), g.metres.data()};
  if (!g.has_destination_edges()) {
    RadixHeap heap;
    for (const Source& s : sources)
      seed(r.seconds, r.metres, s.node, s.seconds + 0.0f, s.metres, max_seconds, heap);
    run(normal, r.seconds, r.metres, heap, max_seconds);
    return r;
  }
  // D* N* D*: destination-only edges from the sources that start on one, then normal edges from
  // everything reached, then destination-only edges again. A fresh heap per stage (monotone).
  const Csr dest{g.dest_offsets.data(), g.dest_targets.data(), g.dest_seconds.data(),
                 g.dest_metres.data()};
  {
    RadixHeap heap;
    for (const Source& s : sources)
      if (s.destination)
        seed(r.seconds, r.metres, s.node, s.seconds + 0.0f, s.metres, max_seconds, heap);
    run(dest, r.seconds, r.metres, heap, max_seconds);
  }
  {
    RadixHeap heap;
    for (uint32_t v = 0; v < n; ++v)
      if (r.seconds[v] != kUnreachable) heap.push(key(r.seconds[v]), v);
    for (const Source& s : sources)
      if (!s.destination)
        seed(r.seconds, r.metres, s.node, s.seconds + 0.0f, s.metres, max_seconds, heap);
    run(normal, r.seconds, r.metres, heap, max_seconds);
  }
  r.then_normal = r.seconds;
  r.then_normal_metres = r.metres;
  {
    RadixHeap heap;
    for (uint32_t v = 0; v < n; ++v)
      if (r.seconds[v] != kUnreachable && g.dest_offsets[v] != g.dest_offsets[v + 1])
        heap.push(key(r.seconds[v]), v);
    run(dest, r.seconds, r.metres, heap, max_seconds);
  }
  return r;
}

std::vector<float> multi_source(const Graph& g,
                                const std::vector<std::pair<uint32_t, float>>& sources,
                                float max_seconds, std::vector<float>* path_metres,
                                const std::vector<float>* start_metres) {
  std::vector<Source> s(sources.size());
  for (std::size_t i = 0; i < sources.size(); ++i) {
    s[i].node = sources[i].first;
    s[i].seconds = sources[i].second;
    s[i].metres = start_metres && i < start_metres->size() ? (*start_metres)[i] : 0.0f;
    s[i].destination = true;  // at a node: the path may begin on a destination-only edge
  }
  SearchResult r = search(g, s, max_seconds, path_metres != nullptr);
  if (path_metres) *path_metres = std::move(r.metres);
  return std::move(r.seconds);
}

}  // namespace casco::access
