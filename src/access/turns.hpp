#pragma once
// Turn restrictions in a node-based graph (internal to the access module): each restriction
// becomes a forbidden (no_*) or mandatory (only_*) continuation after a sequence of graph nodes,
// and the graph is expanded with copies of the nodes on those sequences, so that a plain search
// obeys them. See docs/access_network.md ("Turn restrictions").
#include <cstdint>
#include <functional>
#include <string>
#include <variant>
#include <vector>

#include "access/network.hpp"

namespace casco::access::detail {

struct BaseEdge {
  uint32_t u, v;
  float seconds, metres;
  bool destination;
};

// After travelling the graph nodes `prefix` (at least two: the last edge of the from way, then
// the via node or the nodes of the via way(s)), the next node may not be `next` (no_*), or must
// be `next` (only_*).
struct TurnPattern {
  std::vector<uint32_t> prefix;
  uint32_t next = 0;
  bool only = false;
};

// A restriction relation as read from OSM (ids of its members).
struct RestrictionRelation {
  int64_t id = 0;
  std::string value;  // no_left_turn, only_straight_on, …
  std::vector<int64_t> from, to, via_ways;
  std::vector<int64_t> via_nodes;
};

// A way in graph terms: its split points in order, as OSM node indices and graph nodes. Empty
// when the way is not usable or broken (a missing node, a closed node inside it).
struct WayPath {
  std::vector<uint32_t> osm, node;
};

// The patterns of one relation, or why it does not fit the graph. `way` finds a way's path
// (nullptr when the way is not in the graph); `via_node` the OSM node index of an OSM id (or
// UINT32_MAX).
std::variant<std::vector<TurnPattern>, std::string> resolve_restriction(
    const RestrictionRelation& r, const std::function<const WayPath*(int64_t)>& way,
    const std::function<uint32_t(int64_t)>& via_node);

// Expands the graph of `n` nodes and `edges` so that every pattern holds: nodes keep their ids,
// copies are appended (copy_of), edges are rewritten; the heads of the roads are set. Without
// patterns the edges are returned as they are.
struct Expanded {
  std::vector<BaseEdge> edges;
  std::vector<uint32_t> copy_of;
};
Expanded expand_turns(uint32_t n, const std::vector<BaseEdge>& edges,
                      const std::vector<TurnPattern>& patterns, std::vector<Road>& roads);

}  // namespace casco::access::detail
