#pragma once
// A random road-like graph for search and snapping invariants: a perturbed grid of `side` x
// `side` nodes 100 m apart with random speeds, most streets two-way, some missing; with
// `destination_share` > 0 that share of the streets is destination-only.
#include <cmath>
#include <random>
#include <vector>

#include "access/network.hpp"

namespace casco::test {

inline access::Graph random_graph(int side, unsigned seed, double destination_share = 0) {
  std::mt19937 rng(seed);
  std::uniform_real_distribution<double> jitter(-20, 20), speed(15, 70), u01(0, 1);
  std::uniform_int_distribution<int> pct(0, 99);
  access::Graph g;
  const int n = side * side;
  for (int i = 0; i < n; ++i) {
    g.x.push_back((i % side) * 100.0 + jitter(rng));
    g.y.push_back((i / side) * 100.0 + jitter(rng));
  }
  struct E {
    uint32_t v;
    float s, m;
  };
  std::vector<std::vector<E>> adj(n), dest(n);
  auto link = [&](int a, int b) {
    int r = pct(rng);
    if (r < 10) return;  // missing street
    double m = std::hypot(g.x[b] - g.x[a], g.y[b] - g.y[a]);
    float s = static_cast<float>(m / (speed(rng) / 3.6));
    auto& list = u01(rng) < destination_share ? dest : adj;
    if (r < 85 || r % 2 == 0) list[a].push_back({static_cast<uint32_t>(b), s, float(m)});
    if (r < 85 || r % 2 == 1) list[b].push_back({static_cast<uint32_t>(a), s, float(m)});
  };
  for (int i = 0; i < n; ++i) {
    if (i % side + 1 < side) link(i, i + 1);
    if (i + side < n) link(i, i + side);
  }
  auto fill = [&](const std::vector<std::vector<E>>& lists, std::vector<uint32_t>& off,
                  std::vector<uint32_t>& tgt, std::vector<float>& sec, std::vector<float>& met) {
    off.assign(1, 0);
    for (int u = 0; u < n; ++u) {
      for (const E& e : lists[u]) {
        tgt.push_back(e.v);
        sec.push_back(e.s);
        met.push_back(e.m);
      }
      off.push_back(static_cast<uint32_t>(tgt.size()));
    }
  };
  fill(adj, g.offsets, g.targets, g.seconds, g.metres);
  if (destination_share > 0)
    fill(dest, g.dest_offsets, g.dest_targets, g.dest_seconds, g.dest_metres);
  g.junctions = static_cast<uint32_t>(n);
  return g;
}

}  // namespace casco::test
