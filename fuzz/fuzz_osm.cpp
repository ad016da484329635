// OSM XML read by the routing graph builder (src/access/osm_graph.cpp via libosmium: build_graph,
// which reads a path), for each mode, then snapped to and searched from its first node.
// Oracles: the CSR arrays are consistent, every edge takes a finite, non-negative time and
// length (destination-only edges too); no travel time is negative, from a node or from points
// joined onto the roads.
#include <cmath>

#include "access/network.hpp"
#include "fuzz_util.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace casco;
  using access::Mode;
  fuzz::quiet();
  if (size > 64 * 1024) return 0;  // tiny extracts: the XML parser is libosmium's
  const std::string text = fuzz::text_of(data, size);
  const auto file = fuzz::write_input("osm/map.osm", text);
  static const access::Profile profile = access::Profile::defaults();
  for (Mode mode : {Mode::Walk, Mode::Bike, Mode::Car}) {
    fuzz::expect_clean(file.string(), text, [&] {
      access::Graph g = access::build_graph(file, mode, profile, "EPSG:28992");
      const std::size_t n = g.nodes();
      if (g.offsets.size() != n + 1 || g.offsets.back() != g.targets.size() ||
          g.seconds.size() != g.targets.size())
        fuzz::finding("inconsistent CSR arrays");
      for (std::size_t v = 0; v < n; ++v)
        if (g.offsets[v] > g.offsets[v + 1]) fuzz::finding("decreasing CSR offsets");
      for (std::size_t e = 0; e < g.targets.size(); ++e)
        if (g.targets[e] >= n || !(g.seconds[e] >= 0) || !std::isfinite(g.seconds[e]))
          fuzz::finding("an edge to nowhere or with an undefined time");
      if (g.has_destination_edges()) {
        if (g.dest_offsets.size() != n + 1 || g.dest_offsets.back() != g.dest_targets.size() ||
            g.dest_seconds.size() != g.dest_targets.size())
          fuzz::finding("inconsistent destination-only CSR arrays");
        for (std::size_t e = 0; e < g.dest_targets.size(); ++e)
          if (g.dest_targets[e] >= n || !(g.dest_seconds[e] >= 0) ||
              !std::isfinite(g.dest_seconds[e]))
            fuzz::finding("a destination-only edge to nowhere or with an undefined time");
      }
      if (n == 0) return;
      auto snapped = access::snap(g, {g.x[0]}, {g.y[0]});
      auto t = access::multi_source(g, {{snapped[0].node, 0.0f}});
      for (float s : t)
        if (s < 0 || std::isnan(s)) fuzz::finding("a negative or undefined travel time");
      // Points joined onto the roads and timed to the nearest of them (casco access).
      const std::vector<double> xs = {g.x[0], g.x[0] + 30}, ys = {g.y[0], g.y[0] - 40};
      auto roads = access::snap_to_roads(g, xs, ys, profile.mode(mode).snap_max_m);
      const access::Graph back = g.reversed();
      auto near = access::times_to_nearest(g, back, {roads[0]}, {0.0f}, {0.0f}, roads);
      for (float s : near.seconds)
        if (s < 0 || std::isnan(s)) fuzz::finding("a negative or undefined time to the nearest");
    });
  }
  return 0;
}
