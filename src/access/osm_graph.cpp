// Road graph of one mode from an OpenStreetMap extract (libosmium): usable ways are split at every
// node shared with another usable way, so graph nodes are way end points and junctions only; an
// edge carries the summed segment lengths in the model CRS and the travel time at the way's speed.
// See docs/access_network.md.
#include <algorithm>
#include <cmath>
#include <cstring>
#include <numeric>
#include <optional>
#include <osmium/handler.hpp>
#include <osmium/handler/node_locations_for_ways.hpp>
#include <osmium/index/map/flex_mem.hpp>
#include <osmium/io/any_input.hpp>
#include <osmium/visitor.hpp>
#include <string_view>

#include "access/network.hpp"
#include "core/crs.hpp"
#include "core/error.hpp"

namespace casco::access {

namespace {

using osmium::object_id_type;

// One usable way (or the part of a way between nodes without a location).
struct WayRun {
  std::size_t first = 0, count = 0;  // into Collector::refs / locs
  double speed_ms = 0;
  bool forward = true, backward = true;
};

bool is_one_of(const char* v, std::initializer_list<const char*> values) {
  if (!v) return false;
  for (const char* x : values)
    if (std::strcmp(v, x) == 0) return true;
  return false;
}

// OSMnx writes merged attributes as a Python list: "['unclassified', 'residential']".
std::vector<std::string> osmnx_list(std::string_view v) {
  std::vector<std::string> out;
  if (v.size() < 2 || v.front() != '[' || v.back() != ']') {
    out.emplace_back(v);
    return out;
  }
  v = v.substr(1, v.size() - 2);
  while (!v.empty()) {
    std::size_t comma = v.find(',');
    std::string_view item = v.substr(0, comma);
    while (!item.empty() && (item.front() == ' ' || item.front() == '\'' || item.front() == '"'))
      item.remove_prefix(1);
    while (!item.empty() && (item.back() == ' ' || item.back() == '\'' || item.back() == '"'))
      item.remove_suffix(1);
    if (!item.empty()) out.emplace_back(item);
    if (comma == std::string_view::npos) break;
    v.remove_prefix(comma + 1);
  }
  return out;
}

// maxspeed in km/h: "50", "30 mph", "NL:urban"/"NL:rural"; nullopt when not understood.
std::optional<double> parse_maxspeed(const std::string& s) {
  if (s == "NL:urban" || s == "DE:urban") return 50.0;
  if (s == "NL:rural") return 80.0;
  if (s == "DE:rural") return 100.0;
  if (s == "walk" || s == "NL:walk") return 15.0;
  char* end = nullptr;
  double v = std::strtod(s.c_str(), &end);
  if (end == s.c_str() || !(v > 0) || !std::isfinite(v)) return std::nullopt;
  std::string_view rest(end);
  while (!rest.empty() && rest.front() == ' ') rest.remove_prefix(1);
  if (rest == "mph") return v * 1.609344;
  if (rest.empty() || rest == "km/h" || rest == "kmh") return v;
  return std::nullopt;
}

class Collector : public osmium::handler::Handler {
 public:
  Collector(Mode mode, const Profile& profile)
      : mode_(mode), speeds_(profile.speed_kmh[static_cast<int>(mode)]) {}

  std::vector<object_id_type> refs;
  std::vector<osmium::Location> locs;
  std::vector<WayRun> runs;
  std::size_t highway_ways = 0;

  void way(const osmium::Way& w) {
    const auto& tags = w.tags();
    const char* highway = tags["highway"];
    if (!highway) return;
    ++highway_ways;
    std::optional<double> kmh = class_speed(highway, tags);
    if (!kmh || !allowed(tags)) return;
    WayRun run;
    run.speed_ms = *kmh / 3.6;
    direction(tags, highway, run.forward, run.backward);
    if (!run.forward && !run.backward) return;
    // Nodes missing from the extract break the way into runs.
    run.first = refs.size();
    for (const auto& nr : w.nodes()) {
      if (!nr.location().valid()) {
        finish(run);
        continue;
      }
      refs.push_back(nr.ref());
      locs.push_back(nr.location());
    }
    finish(run);
  }

 private:
  void finish(WayRun& run) {
    run.count = refs.size() - run.first;
    if (run.count >= 2) {
      runs.push_back(run);
    } else {
      refs.resize(run.first);
      locs.resize(run.first);
    }
    run.first = refs.size();
  }

  // The mode's speed for the way's class, or nullopt when the mode may not use it. An OSMnx list
  // of classes takes the first class the mode knows.
  std::optional<double> class_speed(const char* highway, const osmium::TagList& tags) const {
    std::optional<double> kmh;
    std::string cls;
    for (const std::string& c : osmnx_list(highway)) {
      auto it = speeds_.find(c);
      if (it != speeds_.end()) {
        kmh = it->second;
        cls = c;
        break;
      }
    }
    if (!kmh && mode_ == Mode::Bike && is_one_of(highway, {"footway", "pedestrian", "bridleway"}) &&
        is_one_of(tags["bicycle"], {"yes", "designated", "permissive"})) {
      auto it = speeds_.find("cycleway");
      if (it != speeds_.end()) kmh = it->second;
    }
    if (!kmh) return std::nullopt;
    if (mode_ == Mode::Car) {
      // A posted limit below the class speed caps it (OSMnx lists: their mean).
      if (const char* ms = tags["maxspeed"]) {
        double sum = 0;
        int n = 0;
        for (const std::string& item : osmnx_list(ms)) {
          if (auto v = parse_maxspeed(item)) {
            sum += *v;
            ++n;
          }
        }
        if (n > 0) kmh = std::min(*kmh, sum / n);
      }
    }
    return kmh;
  }

  // Access tags: access=no/private forbids unless the mode's own tag permits.
  bool allowed(const osmium::TagList& tags) const {
    static const std::initializer_list<const char*> kYes = {"yes", "designated", "permissive",
                                                            "destination"};
    static const std::initializer_list<const char*> kNo = {"no", "private"};
    std::vector<const char*> keys;
    switch (mode_) {
      case Mode::Walk:
        keys = {"foot"};
        break;
      case Mode::Bike:
        keys = {"bicycle", "vehicle"};
        break;
      case Mode::Car:
        keys = {"motorcar", "motor_vehicle", "vehicle"};
        break;
    }
    for (const char* k : keys) {  // most specific first
      const char* v = tags[k];
      if (is_one_of(v, kYes)) return true;
      if (is_one_of(v, kNo)) return false;
    }
    return !is_one_of(tags["access"], kNo);
  }

  void direction(const osmium::TagList& tags, const char* highway, bool& fwd, bool& bwd) const {
    fwd = bwd = true;
    if (mode_ == Mode::Walk) return;
    const char* oneway = tags["oneway"];
    bool implied = is_one_of(tags["junction"], {"roundabout", "circular"}) ||
                   (mode_ == Mode::Car && is_one_of(highway, {"motorway"}));
    if (mode_ == Mode::Bike) {
      if (is_one_of(tags["oneway:bicycle"], {"no"})) return;
      const char* cw = tags["cycleway"];
      if (cw && std::strncmp(cw, "opposite", 8) == 0) return;
      if (const char* ob = tags["oneway:bicycle"]) oneway = ob;
    }
    if (is_one_of(oneway, {"yes", "true", "1"})) {
      bwd = false;
    } else if (is_one_of(oneway, {"-1", "reverse"})) {
      fwd = false;
    } else if (is_one_of(oneway, {"no", "false", "0", "reversible", "alternating"})) {
      return;
    } else if (implied) {
      bwd = false;
    }
  }

  Mode mode_;
  const std::map<std::string, double>& speeds_;
};

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

struct Edge {
  uint32_t u, v;
  float seconds, metres;
};

}  // namespace

Graph build_graph(const std::filesystem::path& osm, Mode mode, const Profile& profile,
                  const std::string& crs) {
  namespace fs = std::filesystem;
  std::error_code ec;
  if (!fs::is_regular_file(osm, ec))
    fail("OSM extract {} not found: give an .osm.pbf or .osm file", osm.string());
  OGRSpatialReference model = make_srs(crs, "road network CRS");
  OGRSpatialReference wgs84 = make_srs("EPSG:4326", "OSM");
  Transform ct = make_transform(wgs84, model);

  Collector col(mode, profile);
  try {
    osmium::io::Reader reader(osmium::io::File(osm.string()),
                              osmium::osm_entity_bits::node | osmium::osm_entity_bits::way);
    using Index = osmium::index::map::FlexMem<osmium::unsigned_object_id_type, osmium::Location>;
    Index index;
    osmium::handler::NodeLocationsForWays<Index> locations(index);
    locations.ignore_errors();  // nodes missing from the extract: the way is split there
    osmium::apply(reader, locations, col);
    reader.close();
  } catch (const casco::Error&) {
    throw;
  } catch (const std::exception& e) {
    fail("cannot read OSM extract {}: {}", osm.string(), e.what());
  }
  if (col.runs.empty())
    fail("OSM extract {} has no ways usable by {} ({} ways with a highway tag)", osm.string(),
         to_string(mode), col.highway_ways);

  // Unique OSM nodes of the usable ways, their use count and whether they end a way.
  std::vector<object_id_type> ids(col.refs);
  std::sort(ids.begin(), ids.end());
  ids.erase(std::unique(ids.begin(), ids.end()), ids.end());
  const std::size_t n_osm = ids.size();
  auto index_of = [&](object_id_type id) {
    return static_cast<uint32_t>(std::lower_bound(ids.begin(), ids.end(), id) - ids.begin());
  };
  std::vector<uint32_t> ref_idx(col.refs.size());
  std::vector<uint32_t> uses(n_osm, 0);
  std::vector<double> xs(n_osm), ys(n_osm);
  for (std::size_t i = 0; i < col.refs.size(); ++i) {
    uint32_t k = index_of(col.refs[i]);
    ref_idx[i] = k;
    ++uses[k];
    xs[k] = col.locs[i].lon();
    ys[k] = col.locs[i].lat();
  }
  std::vector<uint8_t> split(n_osm, 0);
  for (std::size_t k = 0; k < n_osm; ++k) split[k] = uses[k] >= 2;
  for (const WayRun& r : col.runs) {
    split[ref_idx[r.first]] = 1;
    split[ref_idx[r.first + r.count - 1]] = 1;
  }
  if (ct) {
    std::vector<int> ok(n_osm, 0);
    ct->Transform(n_osm, xs.data(), ys.data(), nullptr, ok.data());
    for (std::size_t k = 0; k < n_osm; ++k)
      if (!ok[k]) fail("PROJ cannot transform OSM node {} to {}", ids[k], crs);
  }

  // Graph node ids in Morton order of their position (locality for the searches).
  std::vector<uint32_t> nodes;
  for (std::size_t k = 0; k < n_osm; ++k)
    if (split[k]) nodes.push_back(static_cast<uint32_t>(k));
  {
    double x0 = *std::min_element(xs.begin(), xs.end()),
           x1 = *std::max_element(xs.begin(), xs.end());
    double y0 = *std::min_element(ys.begin(), ys.end()),
           y1 = *std::max_element(ys.begin(), ys.end());
    double sx = 65535.0 / std::max(x1 - x0, 1e-9), sy = 65535.0 / std::max(y1 - y0, 1e-9);
    std::vector<uint32_t> code(n_osm, 0);
    for (uint32_t k : nodes)
      code[k] = morton(static_cast<uint32_t>((xs[k] - x0) * sx),
                       static_cast<uint32_t>((ys[k] - y0) * sy));
    std::stable_sort(nodes.begin(), nodes.end(),
                     [&](uint32_t a, uint32_t b) { return code[a] < code[b]; });
  }
  std::vector<uint32_t> graph_id(n_osm, UINT32_MAX);
  for (std::size_t i = 0; i < nodes.size(); ++i) graph_id[nodes[i]] = static_cast<uint32_t>(i);

  // One edge per piece of a way between split nodes, in the allowed directions.
  std::vector<Edge> edges;
  for (const WayRun& r : col.runs) {
    uint32_t from = ref_idx[r.first];
    double length = 0;
    for (std::size_t i = r.first + 1; i < r.first + r.count; ++i) {
      uint32_t a = ref_idx[i - 1], b = ref_idx[i];
      length += std::hypot(xs[b] - xs[a], ys[b] - ys[a]);
      if (!split[b]) continue;
      if (b != from) {  // a closed piece back to its start is useless for routing
        float m = static_cast<float>(length);
        float s = static_cast<float>(length / r.speed_ms);
        if (r.forward) edges.push_back({graph_id[from], graph_id[b], s, m});
        if (r.backward) edges.push_back({graph_id[b], graph_id[from], s, m});
      }
      from = b;
      length = 0;
    }
  }
  // Parallel edges: keep the fastest.
  std::sort(edges.begin(), edges.end(), [](const Edge& a, const Edge& b) {
    if (a.u != b.u) return a.u < b.u;
    if (a.v != b.v) return a.v < b.v;
    return a.seconds < b.seconds;
  });
  edges.erase(std::unique(edges.begin(), edges.end(),
                          [](const Edge& a, const Edge& b) { return a.u == b.u && a.v == b.v; }),
              edges.end());

  Graph g;
  g.x.resize(nodes.size());
  g.y.resize(nodes.size());
  for (std::size_t i = 0; i < nodes.size(); ++i) {
    g.x[i] = xs[nodes[i]];
    g.y[i] = ys[nodes[i]];
  }
  g.offsets.assign(nodes.size() + 1, 0);
  g.targets.reserve(edges.size());
  g.seconds.reserve(edges.size());
  g.metres.reserve(edges.size());
  for (const Edge& e : edges) {
    ++g.offsets[e.u + 1];
    g.targets.push_back(e.v);
    g.seconds.push_back(e.seconds);
    g.metres.push_back(e.metres);
  }
  std::partial_sum(g.offsets.begin(), g.offsets.end(), g.offsets.begin());
  if (g.edges() == 0)
    fail("OSM extract {} has no ways usable by {} (no connected way pieces)", osm.string(),
         to_string(mode));
  return g;
}

}  // namespace casco::access
