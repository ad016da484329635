// Road graph of one mode from an OpenStreetMap extract (libosmium). Usable ways (osm_tags.cpp) are
// split at every node shared with another usable way and at nodes closed to the mode (barriers),
// so graph nodes are way end points and junctions only; each piece is a Road (its shape, for
// snapping) and one edge per usable direction, with its length in the model CRS and its time at
// the way's speed. Turn restrictions expand the graph (turns.cpp). See docs/access_network.md.
#include <algorithm>
#include <cmath>
#include <numeric>
#include <unordered_map>

#include "access/network.hpp"
#include "access/osm_collect.hpp"
#include "core/crs.hpp"
#include "core/error.hpp"

namespace casco::access {

namespace {

using detail::BaseEdge;
using detail::Collector;
using detail::WayRun;
using osmium::object_id_type;

// Morton (Z-order) code of 16-bit cell coordinates: nearby nodes get nearby ids.
uint32_t morton(uint32_t x, uint32_t y) {
  auto spread = [](uint32_t v) {
    v &= 0xFFFF;
    v = (v | (v << 8)) & 0x00FF00FF;
    v = (v | (v << 4)) & 0x0F0F0F0F;
    v = (v | (v << 2)) & 0x33333333;
    v = (v | (v << 1)) & 0x55555555;
    return v;
  };
  return spread(x) | (spread(y) << 1);
}

// The OSM nodes of the usable ways, reprojected, and which of them split ways.
struct Nodes {
  std::vector<object_id_type> ids;  // sorted unique
  std::vector<uint32_t> ref_idx;    // per ref of the collector
  std::vector<double> xs, ys;
  std::vector<uint8_t> split, blocked;

  uint32_t index_of(object_id_type id) const {
    auto it = std::lower_bound(ids.begin(), ids.end(), id);
    return it != ids.end() && *it == id ? static_cast<uint32_t>(it - ids.begin()) : UINT32_MAX;
  }
};

Nodes collect_nodes(Collector& col, const Transform& ct, const std::string& crs) {
  Nodes nd;
  nd.ids = col.refs;
  std::sort(nd.ids.begin(), nd.ids.end());
  nd.ids.erase(std::unique(nd.ids.begin(), nd.ids.end()), nd.ids.end());
  const std::size_t n = nd.ids.size();
  nd.ref_idx.resize(col.refs.size());
  std::vector<uint32_t> uses(n, 0);
  nd.xs.resize(n);
  nd.ys.resize(n);
  for (std::size_t i = 0; i < col.refs.size(); ++i) {
    uint32_t k = nd.index_of(col.refs[i]);
    nd.ref_idx[i] = k;
    ++uses[k];
    nd.xs[k] = col.locs[i].lon();
    nd.ys[k] = col.locs[i].lat();
  }
  nd.split.assign(n, 0);
  nd.blocked.assign(n, 0);
  for (std::size_t k = 0; k < n; ++k) nd.split[k] = uses[k] >= 2;
  for (const WayRun& r : col.runs) {
    nd.split[nd.ref_idx[r.first]] = 1;
    nd.split[nd.ref_idx[r.first + r.count - 1]] = 1;
  }
  for (object_id_type id : col.blocked) {
    uint32_t k = nd.index_of(id);
    if (k != UINT32_MAX) nd.blocked[k] = nd.split[k] = 1;
  }
  if (ct) {
    std::vector<int> ok(n, 0);
    ct->Transform(n, nd.xs.data(), nd.ys.data(), nullptr, ok.data());
    for (std::size_t k = 0; k < n; ++k)
      if (!ok[k]) fail("PROJ cannot transform OSM node {} to {}", nd.ids[k], crs);
  }
  return nd;
}

// Graph ids in Morton order of position for the splitting nodes that are not closed.
std::vector<uint32_t> number_nodes(const Nodes& nd, Graph& g) {
  std::vector<uint32_t> nodes;
  for (std::size_t k = 0; k < nd.ids.size(); ++k)
    if (nd.split[k] && !nd.blocked[k]) nodes.push_back(static_cast<uint32_t>(k));
  const auto [x0, x1] = std::minmax_element(nd.xs.begin(), nd.xs.end());
  const auto [y0, y1] = std::minmax_element(nd.ys.begin(), nd.ys.end());
  const double sx = 65535.0 / std::max(*x1 - *x0, 1e-9), sy = 65535.0 / std::max(*y1 - *y0, 1e-9);
  std::vector<uint32_t> code(nd.ids.size(), 0);
  for (uint32_t k : nodes)
    code[k] = morton(static_cast<uint32_t>((nd.xs[k] - *x0) * sx),
                     static_cast<uint32_t>((nd.ys[k] - *y0) * sy));
  std::stable_sort(nodes.begin(), nodes.end(),
                   [&](uint32_t a, uint32_t b) { return code[a] < code[b]; });
  std::vector<uint32_t> graph_id(nd.ids.size(), UINT32_MAX);
  for (std::size_t i = 0; i < nodes.size(); ++i) {
    graph_id[nodes[i]] = static_cast<uint32_t>(i);
    g.x.push_back(nd.xs[nodes[i]]);
    g.y.push_back(nd.ys[nodes[i]]);
  }
  return graph_id;
}

// Cuts the runs into roads between splitting nodes. A node closed to the mode ends the roads
// that meet there, each at its own dead-end node (so it can be reached but not passed).
// `paths` gets each way's splitting points in order, for the turn restrictions.
void make_roads(const Collector& col, const Nodes& nd, const std::vector<uint32_t>& graph_id,
                Graph& g, std::unordered_map<object_id_type, detail::WayPath>& paths) {
  auto node_at = [&](uint32_t k) {
    if (!nd.blocked[k]) return graph_id[k];
    g.x.push_back(nd.xs[k]);  // a dead end at the closed node
    g.y.push_back(nd.ys[k]);
    return static_cast<uint32_t>(g.x.size() - 1);
  };
  // Ferries with a duration: seconds per metre over the whole way (all its runs).
  std::unordered_map<object_id_type, double> way_length;
  for (const WayRun& r : col.runs)
    if (r.rule.ferry_seconds > 0)
      for (std::size_t i = r.first + 1; i < r.first + r.count; ++i) {
        uint32_t a = nd.ref_idx[i - 1], b = nd.ref_idx[i];
        way_length[r.way] += std::hypot(nd.xs[b] - nd.xs[a], nd.ys[b] - nd.ys[a]);
      }
  std::unordered_map<object_id_type, int> runs_of_way;
  for (const WayRun& r : col.runs) ++runs_of_way[r.way];

  for (const WayRun& r : col.runs) {
    const WayRule& w = r.rule;
    g.stats.ferries += w.ferry;
    const double ferry_s_per_m =
        w.ferry_seconds > 0 ? w.ferry_seconds / std::max(way_length[r.way], 1e-3) : -1;
    detail::WayPath path;
    bool broken = runs_of_way[r.way] > 1;
    uint32_t from_k = nd.ref_idx[r.first];
    uint32_t from = node_at(from_k);
    path.osm.push_back(from_k);
    path.node.push_back(from);
    std::size_t shape_first = g.shape_x.size();
    g.shape_x.push_back(nd.xs[from_k]);
    g.shape_y.push_back(nd.ys[from_k]);
    double length = 0;
    for (std::size_t i = r.first + 1; i < r.first + r.count; ++i) {
      uint32_t a = nd.ref_idx[i - 1], b = nd.ref_idx[i];
      length += std::hypot(nd.xs[b] - nd.xs[a], nd.ys[b] - nd.ys[a]);
      g.shape_x.push_back(nd.xs[b]);
      g.shape_y.push_back(nd.ys[b]);
      if (!nd.split[b]) continue;
      const uint32_t to = node_at(b);
      Road road;
      road.from = from;
      road.to = to;
      road.shape = static_cast<uint32_t>(shape_first);
      road.points = static_cast<uint32_t>(g.shape_x.size() - shape_first);
      road.metres = static_cast<float>(length);
      auto secs = [&](double kmh) {
        if (!(kmh > 0)) return kUnreachable;
        return static_cast<float>(ferry_s_per_m > 0 ? length * ferry_s_per_m
                                                    : length / (kmh / 3.6));
      };
      road.fwd_seconds = secs(w.fwd_kmh);
      road.bwd_seconds = secs(w.bwd_kmh);
      road.flags = (w.fwd_destination ? Road::kFwdDestination : 0) |
                   (w.bwd_destination ? Road::kBwdDestination : 0) |
                   (w.no_snap ? Road::kNoSnap : 0);
      g.roads.push_back(road);
      if (nd.blocked[b] && i + 1 < r.first + r.count) broken = true;  // a closed node inside
      path.osm.push_back(b);
      path.node.push_back(to);
      from = nd.blocked[b] && i + 1 < r.first + r.count ? node_at(b) : to;
      shape_first = g.shape_x.size();
      g.shape_x.push_back(nd.xs[b]);
      g.shape_y.push_back(nd.ys[b]);
      length = 0;
    }
    g.shape_x.resize(shape_first);  // the last point started no road
    g.shape_y.resize(shape_first);
    if (!broken) paths.emplace(r.way, std::move(path));
  }
}

// One edge per road and usable direction; parallel edges keep the fastest, and a
// destination-only edge goes where a normal one is as fast.
std::vector<BaseEdge> base_edges(const Graph& g) {
  std::vector<BaseEdge> edges;
  for (const Road& r : g.roads) {
    if (r.from == r.to) continue;  // a loop back to its start: only for snapping
    if (r.fwd_seconds != kUnreachable)
      edges.push_back({r.from, r.to, r.fwd_seconds, r.metres, r.destination(true)});
    if (r.bwd_seconds != kUnreachable)
      edges.push_back({r.to, r.from, r.bwd_seconds, r.metres, r.destination(false)});
  }
  std::sort(edges.begin(), edges.end(), [](const BaseEdge& a, const BaseEdge& b) {
    return std::tie(a.u, a.v, a.destination, a.seconds) <
           std::tie(b.u, b.v, b.destination, b.seconds);
  });
  std::vector<BaseEdge> out;
  for (const BaseEdge& e : edges) {
    if (!out.empty() && out.back().u == e.u && out.back().v == e.v) {
      // same pair: a second normal or destination edge, or a destination edge after a normal one
      if (out.back().destination == e.destination || out.back().seconds <= e.seconds) continue;
    }
    out.push_back(e);
  }
  return out;
}

std::vector<detail::TurnPattern> turn_patterns(
    const Collector& col, const Nodes& nd,
    const std::unordered_map<object_id_type, detail::WayPath>& paths, GraphStats& stats) {
  std::vector<detail::TurnPattern> out;
  auto way = [&](int64_t id) -> const detail::WayPath* {
    auto it = paths.find(id);
    return it == paths.end() ? nullptr : &it->second;
  };
  auto via = [&](int64_t id) {
    uint32_t k = nd.index_of(id);
    return k != UINT32_MAX && nd.split[k] ? k : UINT32_MAX;
  };
  for (const auto& r : col.restrictions) {
    auto res = detail::resolve_restriction(r, way, via);
    if (auto* msg = std::get_if<std::string>(&res)) {
      ++stats.restrictions_skipped;
      if (stats.skipped_examples.size() < 10)
        stats.skipped_examples.push_back(fmt::format("relation {} ({}): {}", r.id, r.value, *msg));
      continue;
    }
    ++stats.restrictions_applied;
    for (auto& p : std::get<std::vector<detail::TurnPattern>>(res)) out.push_back(std::move(p));
  }
  return out;
}

void fill_csr(const std::vector<BaseEdge>& edges, bool destination, std::size_t n,
              std::vector<uint32_t>& offsets, std::vector<uint32_t>& targets,
              std::vector<float>& seconds, std::vector<float>& metres) {
  offsets.assign(n + 1, 0);
  for (const BaseEdge& e : edges)
    if (e.destination == destination) ++offsets[e.u + 1];
  std::partial_sum(offsets.begin(), offsets.end(), offsets.begin());
  targets.resize(offsets[n]);
  seconds.resize(offsets[n]);
  metres.resize(offsets[n]);
  std::vector<uint32_t> next(offsets.begin(), offsets.end() - 1);
  for (const BaseEdge& e : edges) {
    if (e.destination != destination) continue;
    uint32_t k = next[e.u]++;
    targets[k] = e.v;
    seconds[k] = e.seconds;
    metres[k] = e.metres;
  }
}

}  // namespace

Graph build_graph(const std::filesystem::path& osm, Mode mode, const Profile& profile,
                  const std::string& crs) {
  std::error_code ec;
  if (!std::filesystem::is_regular_file(osm, ec))
    fail("OSM extract {} not found: give an .osm.pbf or .osm file", osm.string());
  OGRSpatialReference model = make_srs(crs, "road network CRS");
  OGRSpatialReference wgs84 = make_srs("EPSG:4326", "OSM");
  Transform ct = make_transform(wgs84, model);

  Collector col(mode, profile);
  detail::read_extract(osm, col);
  if (col.runs.empty())
    fail("OSM extract {} has no ways usable by {} ({} ways with a highway or route tag)",
         osm.string(), to_string(mode), col.highway_ways);

  Nodes nd = collect_nodes(col, ct, crs);
  Graph g;
  const std::vector<uint32_t> graph_id = number_nodes(nd, g);
  std::unordered_map<object_id_type, detail::WayPath> paths;
  make_roads(col, nd, graph_id, g, paths);
  for (uint8_t b : nd.blocked) g.stats.blocked_nodes += b;
  g.junctions = static_cast<uint32_t>(g.nodes());

  std::vector<BaseEdge> edges = base_edges(g);
  auto patterns = turn_patterns(col, nd, paths, g.stats);
  detail::Expanded ex = detail::expand_turns(g.junctions, edges, patterns, g.roads);
  g.copy_of = std::move(ex.copy_of);
  for (uint32_t c : g.copy_of) {
    g.x.push_back(g.x[c]);
    g.y.push_back(g.y[c]);
  }
  fill_csr(ex.edges, false, g.nodes(), g.offsets, g.targets, g.seconds, g.metres);
  bool any_dest = std::any_of(ex.edges.begin(), ex.edges.end(),
                              [](const BaseEdge& e) { return e.destination; });
  if (any_dest)
    fill_csr(ex.edges, true, g.nodes(), g.dest_offsets, g.dest_targets, g.dest_seconds,
             g.dest_metres);
  for (const BaseEdge& e : edges) g.stats.destination_edges += e.destination;
  if (g.edges() == 0)
    fail("OSM extract {} has no ways usable by {} (no connected way pieces)", osm.string(),
         to_string(mode));
  return g;
}

}  // namespace casco::access
