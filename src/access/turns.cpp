// Turn restrictions: relations resolved into node sequences, and the graph expanded with an
// Aho-Corasick automaton over those sequences. A trip's state is the longest tail of its node
// sequence that begins some restriction; each state deeper than one node gets its own copy of
// the node, whose edges leave out the forbidden continuations. Without restrictions nothing
// changes. See docs/access_network.md ("Turn restrictions").
#include "access/turns.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <deque>
#include <optional>
#include <unordered_map>

namespace casco::access::detail {

namespace {

constexpr uint32_t kNone = UINT32_MAX;

// The graph node next to `k` on the way and the node at `k`, when the way starts or ends at k.
std::optional<std::pair<uint32_t, uint32_t>> end_at(const WayPath& p, uint32_t k) {
  const bool front = p.osm.front() == k, back = p.osm.back() == k;
  if (front == back) return std::nullopt;  // not at an end, or a closed way: ambiguous
  if (front) return std::pair{p.node[1], p.node[0]};
  const std::size_t n = p.node.size();
  return std::pair{p.node[n - 2], p.node[n - 1]};
}

using Result = std::variant<std::vector<TurnPattern>, std::string>;

Result via_node_pattern(int64_t from, int64_t to, uint32_t k, bool only,
                        const std::function<const WayPath*(int64_t)>& way) {
  const WayPath* a = way(from);
  const WayPath* b = way(to);
  if (!a) return fmt::format("from way {} is not in the graph", from);
  if (!b) return fmt::format("to way {} is not in the graph", to);
  auto ea = end_at(*a, k), eb = end_at(*b, k);
  if (!ea) return fmt::format("from way {} does not start or end at the via node", from);
  if (!eb) return fmt::format("to way {} does not start or end at the via node", to);
  if (ea->second != eb->second) return std::string("the via node is closed (barrier)");
  return std::vector<TurnPattern>{{{ea->first, ea->second}, eb->first, only}};
}

Result via_way_pattern(const RestrictionRelation& r, bool only,
                       const std::function<const WayPath*(int64_t)>& way) {
  const WayPath* a = way(r.from[0]);
  const WayPath* b = way(r.to[0]);
  if (!a) return fmt::format("from way {} is not in the graph", r.from[0]);
  if (!b) return fmt::format("to way {} is not in the graph", r.to[0]);
  std::vector<const WayPath*> via;
  for (int64_t id : r.via_ways) {
    const WayPath* w = way(id);
    if (!w) return fmt::format("via way {} is not in the graph", id);
    via.push_back(w);
  }
  auto touches = [&](uint32_t k) {
    return std::any_of(via.begin(), via.end(),
                       [&](const WayPath* w) { return w->osm.front() == k || w->osm.back() == k; });
  };
  const bool f = touches(a->osm.front()), l = touches(a->osm.back());
  if (f == l || a->osm.front() == a->osm.back())
    return fmt::format("from way {} does not meet the via way(s) at exactly one end", r.from[0]);
  uint32_t cur = f ? a->osm.front() : a->osm.back();
  std::vector<uint32_t> prefix = {end_at(*a, cur)->first, end_at(*a, cur)->second};
  std::vector<bool> used(via.size(), false);
  for (std::size_t step = 0; step < via.size(); ++step) {
    std::size_t pick = via.size();
    for (std::size_t i = 0; i < via.size(); ++i) {
      if (used[i] || (via[i]->osm.front() != cur && via[i]->osm.back() != cur)) continue;
      if (pick != via.size()) return std::string("the via ways branch: ambiguous");
      pick = i;
    }
    if (pick == via.size()) return std::string("the via ways do not form a chain");
    used[pick] = true;
    const WayPath& w = *via[pick];
    std::vector<uint32_t> nodes = w.node, osm = w.osm;
    if (osm.front() != cur) {
      std::reverse(nodes.begin(), nodes.end());
      std::reverse(osm.begin(), osm.end());
    }
    if (osm.front() == osm.back()) return std::string("a via way is closed: ambiguous");
    if (nodes.front() != prefix.back()) return std::string("a via node is closed (barrier)");
    prefix.insert(prefix.end(), nodes.begin() + 1, nodes.end());
    cur = osm.back();
  }
  auto eb = end_at(*b, cur);
  if (!eb) return fmt::format("to way {} does not start or end at the via way(s)", r.to[0]);
  if (eb->second != prefix.back()) return std::string("the last via node is closed (barrier)");
  return std::vector<TurnPattern>{{prefix, eb->first, only}};
}

}  // namespace

Result resolve_restriction(const RestrictionRelation& r,
                           const std::function<const WayPath*(int64_t)>& way,
                           const std::function<uint32_t(int64_t)>& via_node) {
  const bool only = r.value.rfind("only_", 0) == 0, no = r.value.rfind("no_", 0) == 0;
  if (!only && !no) return fmt::format("unknown restriction value '{}'", r.value);
  if (r.from.empty() || r.to.empty()) return std::string("a from or to way is missing");
  if (r.via_nodes.size() + (r.via_ways.empty() ? 0 : 1) != 1)
    return std::string("needs exactly one via node, or via way(s)");
  if ((only || !r.via_ways.empty()) && (r.from.size() != 1 || r.to.size() != 1))
    return std::string("needs exactly one from and one to way");
  if (!r.via_ways.empty()) return via_way_pattern(r, only, way);
  const uint32_t k = via_node(r.via_nodes[0]);
  if (k == kNone) return std::string("the via node is not on a usable way");
  std::vector<TurnPattern> out;
  for (int64_t a : r.from)
    for (int64_t b : r.to) {
      Result one = via_node_pattern(a, b, k, only, way);
      if (auto* msg = std::get_if<std::string>(&one)) return *msg;
      for (auto& p : std::get<std::vector<TurnPattern>>(one)) out.push_back(std::move(p));
    }
  return out;
}

namespace {

// The automaton over node sequences (Aho-Corasick): state 0 is the empty sequence.
class Automaton {
 public:
  explicit Automaton(const std::vector<TurnPattern>& patterns) {
    states_.push_back({});
    for (const TurnPattern& p : patterns) {
      uint32_t s = 0;
      for (uint32_t x : p.prefix) s = add(s, x);
      State& st = states_[s];
      (p.only ? st.only : st.forbid).push_back(p.next);
    }
    link();
  }

  uint32_t size() const { return static_cast<uint32_t>(states_.size()); }
  uint32_t depth(uint32_t s) const { return states_[s].depth; }
  uint32_t last(uint32_t s) const { return states_[s].last; }

  uint32_t step(uint32_t s, uint32_t x) const {
    for (;;) {
      auto it = child_.find(key(s, x));
      if (it != child_.end()) return it->second;
      if (s == 0) return 0;
      s = states_[s].fail;
    }
  }
  uint32_t start(uint32_t v) const { return step(0, v); }

  // May a trip in state s go on to node w? Checks s and every shorter tail of it.
  bool allowed(uint32_t s, uint32_t w) const {
    for (; s != 0 && states_[s].depth >= 2; s = states_[s].fail) {
      const State& st = states_[s];
      if (std::find(st.forbid.begin(), st.forbid.end(), w) != st.forbid.end()) return false;
      if (!st.only.empty() && std::find(st.only.begin(), st.only.end(), w) == st.only.end())
        return false;
    }
    return true;
  }

 private:
  struct State {
    uint32_t last = 0, depth = 0, fail = 0;
    std::vector<uint32_t> forbid, only, kids;
  };
  static uint64_t key(uint32_t s, uint32_t x) { return (static_cast<uint64_t>(s) << 32) | x; }

  uint32_t add(uint32_t s, uint32_t x) {
    auto [it, fresh] = child_.try_emplace(key(s, x), size());
    if (fresh) {
      State st;
      st.last = x;
      st.depth = states_[s].depth + 1;
      states_.push_back(std::move(st));
      states_[s].kids.push_back(it->second);
    }
    return it->second;
  }

  void link() {
    std::deque<uint32_t> queue(states_[0].kids.begin(), states_[0].kids.end());
    while (!queue.empty()) {
      uint32_t t = queue.front();
      queue.pop_front();
      for (uint32_t c : states_[t].kids) {
        const uint32_t x = states_[c].last;
        uint32_t f = states_[t].fail;
        while (f != 0 && !child_.count(key(f, x))) f = states_[f].fail;
        auto it = child_.find(key(f, x));
        states_[c].fail = it != child_.end() && it->second != c ? it->second : 0;
        queue.push_back(c);
      }
    }
  }

  std::vector<State> states_;
  std::unordered_map<uint64_t, uint32_t> child_;
};

}  // namespace

Expanded expand_turns(uint32_t n, const std::vector<BaseEdge>& edges,
                      const std::vector<TurnPattern>& patterns, std::vector<Road>& roads) {
  Expanded out;
  if (patterns.empty()) {
    out.edges = edges;
    for (Road& r : roads) {
      r.fwd_head = r.to;
      r.bwd_head = r.from;
    }
    return out;
  }
  Automaton a(patterns);
  // Copies: one per state of two nodes or more.
  std::vector<uint32_t> copy(a.size(), kNone);
  for (uint32_t s = 1; s < a.size(); ++s)
    if (a.depth(s) >= 2) {
      copy[s] = n + static_cast<uint32_t>(out.copy_of.size());
      out.copy_of.push_back(a.last(s));
    }
  auto node_of = [&](uint32_t s, uint32_t x) { return a.depth(s) >= 2 ? copy[s] : x; };
  // Edges by tail node.
  std::vector<uint32_t> first(n + 1, 0);
  for (const BaseEdge& e : edges) ++first[e.u + 1];
  for (uint32_t v = 0; v < n; ++v) first[v + 1] += first[v];
  std::vector<uint32_t> order(edges.size());
  {
    std::vector<uint32_t> fill(first.begin(), first.end() - 1);
    for (uint32_t i = 0; i < edges.size(); ++i) order[fill[edges[i].u]++] = i;
  }
  auto emit = [&](uint32_t from, uint32_t state, uint32_t v) {
    for (uint32_t i = first[v]; i < first[v + 1]; ++i) {
      const BaseEdge& e = edges[order[i]];
      if (!a.allowed(state, e.v)) continue;
      BaseEdge x = e;
      x.u = from;
      x.v = node_of(a.step(state, e.v), e.v);
      out.edges.push_back(x);
    }
  };
  for (uint32_t v = 0; v < n; ++v) emit(v, a.start(v), v);
  for (uint32_t s = 1; s < a.size(); ++s)
    if (copy[s] != kNone) emit(copy[s], s, a.last(s));
  for (Road& r : roads) {
    r.fwd_head = node_of(a.step(a.start(r.from), r.to), r.to);
    r.bwd_head = node_of(a.step(a.start(r.to), r.from), r.from);
  }
  return out;
}

}  // namespace casco::access::detail
