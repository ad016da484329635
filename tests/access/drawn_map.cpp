// Drawn maps for the routing tests: see drawn_map.hpp.
#include "drawn_map.hpp"

#include <cmath>
#include <cstdio>
#include <sstream>
#include <stdexcept>

#include "core/crs.hpp"
#include "core/error.hpp"

namespace casco::test {

using namespace casco::access;

namespace {

const std::string kRd = "EPSG:28992";
constexpr double kX0 = 230000, kY0 = 560000;  // RD New, somewhere in Drenthe

std::string trim(const std::string& s) {
  std::size_t a = s.find_first_not_of(" \t\r"), b = s.find_last_not_of(" \t\r");
  return a == std::string::npos ? std::string() : s.substr(a, b - a + 1);
}

// A cucumber-style table: the first row names the columns.
std::vector<std::map<std::string, std::string>> parse_table(const std::string& text) {
  std::vector<std::vector<std::string>> rows;
  std::istringstream in(text);
  std::string line;
  while (std::getline(in, line)) {
    line = trim(line);
    if (line.empty()) continue;
    if (line.front() != '|') throw std::runtime_error("drawn map: table row without '|': " + line);
    std::vector<std::string> cells;
    std::size_t p = 1;
    while (p < line.size()) {
      std::size_t q = line.find('|', p);
      if (q == std::string::npos) q = line.size();
      cells.push_back(trim(line.substr(p, q - p)));
      p = q + 1;
    }
    rows.push_back(cells);
  }
  std::vector<std::map<std::string, std::string>> out;
  for (std::size_t r = 1; r < rows.size(); ++r) {
    std::map<std::string, std::string> row;
    for (std::size_t c = 0; c < rows[0].size() && c < rows[r].size(); ++c)
      row[rows[0][c]] = rows[r][c];
    out.push_back(row);
  }
  return out;
}

long node_id(char c) {
  if (c >= 'A' && c <= 'Z') return 1 + (c - 'A');
  if (c >= 'a' && c <= 'z') return 27 + (c - 'a');
  throw std::runtime_error(std::string("drawn map: '") + c + "' is not a node letter");
}

std::string xml(const std::string& s) {
  std::string out;
  for (char c : s) {
    if (c == '&')
      out += "&amp;";
    else if (c == '<')
      out += "&lt;";
    else if (c == '>')
      out += "&gt;";
    else if (c == '"')
      out += "&quot;";
    else
      out += c;
  }
  return out;
}

std::string tags_xml(const std::vector<std::pair<std::string, std::string>>& tags) {
  std::string s;
  for (const auto& [k, v] : tags) s += "    <tag k=\"" + xml(k) + "\" v=\"" + xml(v) + "\"/>\n";
  return s;
}

// Seconds from "72" or "1:12".
double parse_time(const std::string& s) {
  auto colon = s.find(':');
  if (colon == std::string::npos) return std::stod(s);
  return std::stod(s.substr(0, colon)) * 60 + std::stod(s.substr(colon + 1));
}

}  // namespace

DrawnMap::DrawnMap(std::string drawing, double grid_m)
    : drawing_(std::move(drawing)), grid_m_(grid_m) {
  std::istringstream in(drawing_);
  std::string line;
  int row = 0;
  while (std::getline(in, line)) {
    for (std::size_t c = 0; c < line.size(); ++c) {
      char ch = line[c];
      if (!std::isalnum(static_cast<unsigned char>(ch))) continue;
      if (pos_.count(ch)) throw std::runtime_error(std::string("drawn map: '") + ch + "' twice");
      // Positions as the loader will see them: WGS84 rounded to 1e-7 degree, as OSM stores it.
      double x = kX0 + static_cast<double>(c) * grid_m_, y = kY0 - row * grid_m_;
      transform_point(kRd, "EPSG:4326", x, y);
      x = std::round(x * 1e7) / 1e7;
      y = std::round(y * 1e7) / 1e7;
      transform_point("EPSG:4326", kRd, x, y);
      pos_[ch] = {x, y};
    }
    ++row;
  }
}

DrawnMap& DrawnMap::ways(const std::string& table) {
  for (auto& row : parse_table(table)) {
    Way w;
    w.nodes = row.at("nodes");
    for (char c : w.nodes) at(c);
    for (const auto& [k, v] : row)
      if (k != "nodes" && !v.empty()) w.tags.push_back({k, v});
    ways_.push_back(std::move(w));
  }
  changed();
  return *this;
}

DrawnMap& DrawnMap::nodes(const std::string& table) {
  for (auto& row : parse_table(table)) {
    const std::string& n = row.at("node");
    if (n.size() != 1) throw std::runtime_error("drawn map: node '" + n + "' is not one letter");
    for (const auto& [k, v] : row)
      if (k != "node" && !v.empty()) node_tags_[n[0]].push_back({k, v});
  }
  changed();
  return *this;
}

DrawnMap& DrawnMap::relations(const std::string& table) {
  for (auto& row : parse_table(table)) {
    Relation r;
    r.tags.push_back(
        {"type", row.count("type") && !row["type"].empty() ? row["type"] : "restriction"});
    for (const auto& [k, v] : row) {
      if (k == "type" || v.empty()) continue;
      if (k == "from" || k == "via" || k == "to") {
        std::stringstream ss(v);
        std::string item;
        while (std::getline(ss, item, ',')) r.members.push_back({k, trim(item)});
      } else {
        r.tags.push_back({k, v});
      }
    }
    relations_.push_back(std::move(r));
  }
  changed();
  return *this;
}

DrawnMap& DrawnMap::profile(const Profile& p) {
  profile_ = p;
  changed();
  return *this;
}

std::pair<double, double> DrawnMap::at(char c) const {
  auto it = pos_.find(c);
  if (it == pos_.end())
    throw std::runtime_error(std::string("drawn map: '") + c + "' is not drawn on the map");
  return it->second;
}

std::filesystem::path DrawnMap::osm_file() {
  const auto file = dir_ / ("map" + std::to_string(version_) + ".osm");
  if (std::filesystem::exists(file)) return file;
  std::string s =
      "<?xml version='1.0' encoding='UTF-8'?>\n<osm version=\"0.6\" generator=\"drawn\">\n";
  char buf[256];
  for (const auto& [c, p] : pos_) {
    if (!std::isalpha(static_cast<unsigned char>(c))) continue;
    double lon = p.first, lat = p.second;
    transform_point(kRd, "EPSG:4326", lon, lat);
    std::snprintf(buf, sizeof buf, "  <node id=\"%ld\" version=\"1\" lat=\"%.7f\" lon=\"%.7f\"",
                  node_id(c), lat, lon);
    s += buf;
    auto t = node_tags_.find(c);
    s += t == node_tags_.end() ? "/>\n" : ">\n" + tags_xml(t->second) + "  </node>\n";
  }
  auto way_id = [&](const std::string& name) {
    for (std::size_t i = 0; i < ways_.size(); ++i)
      if (ways_[i].nodes == name) return static_cast<long>(100 + i);
    throw std::runtime_error("drawn map: no way " + name + " for a relation");
  };
  for (std::size_t i = 0; i < ways_.size(); ++i) {
    s += "  <way id=\"" + std::to_string(100 + i) + "\" version=\"1\">\n";
    for (char c : ways_[i].nodes) s += "    <nd ref=\"" + std::to_string(node_id(c)) + "\"/>\n";
    s += tags_xml(ways_[i].tags) + "  </way>\n";
  }
  for (std::size_t i = 0; i < relations_.size(); ++i) {
    s += "  <relation id=\"" + std::to_string(1000 + i) + "\" version=\"1\">\n";
    for (const auto& [role, name] : relations_[i].members) {
      const bool node =
          name.size() == 1 && std::isalpha(static_cast<unsigned char>(name[0])) && role == "via";
      s += "    <member type=\"" + std::string(node ? "node" : "way") + "\" ref=\"" +
           std::to_string(node ? node_id(name[0]) : way_id(name)) + "\" role=\"" + role + "\"/>\n";
    }
    s += tags_xml(relations_[i].tags) + "  </relation>\n";
  }
  s += "</osm>\n";
  write_file(file, s);
  return file;
}

const Graph& DrawnMap::graph(Mode m) {
  const int k = static_cast<int>(m);
  if (!graphs_.count(k)) {
    graphs_[k] = std::make_unique<Graph>(build_graph(osm_file(), m, profile_, kRd));
    backs_[k] = std::make_unique<Graph>(graphs_[k]->reversed());
  }
  return *graphs_[k];
}

DrawnMap::Trip DrawnMap::trip(const std::string& from, const std::string& to, Mode m) {
  if (from.size() != 1 || to.size() != 1)
    throw std::runtime_error("drawn map: trips go from one letter or digit to another");
  const Graph& g = graph(m);
  const Graph& back = *backs_.at(static_cast<int>(m));
  const double max = profile_.mode(m).snap_max_m;
  auto a = snap_to_roads(g, {x(from[0])}, {y(from[0])}, max);
  auto b = snap_to_roads(g, {x(to[0])}, {y(to[0])}, max);
  Trip t;
  if (a[0].road != kNoRoad) t.from_snap = a[0].distance_m;
  if (b[0].road != kNoRoad) t.to_snap = b[0].distance_m;
  PointTimes pt = times_to_nearest(g, back, b, {0.0f}, {0.0f}, a);
  t.seconds = pt.seconds[0];
  t.metres = pt.metres[0];
  return t;
}

double DrawnMap::length(const std::string& route) const {
  double len = 0;
  for (std::size_t i = 1; i < route.size(); ++i)
    len += std::hypot(x(route[i]) - x(route[i - 1]), y(route[i]) - y(route[i - 1]));
  return len;
}

std::string DrawnMap::picture() const {
  std::string s = drawing_ + "\n  ways:";
  for (const auto& w : ways_) {
    s += "\n    " + w.nodes + ":";
    for (const auto& [k, v] : w.tags) s += " " + k + "=" + v;
  }
  for (const auto& [c, tags] : node_tags_) {
    s += "\n  node " + std::string(1, c) + ":";
    for (const auto& [k, v] : tags) s += " " + k + "=" + v;
  }
  for (const auto& r : relations_) {
    s += "\n  relation:";
    for (const auto& [k, v] : r.tags) s += " " + k + "=" + v;
    for (const auto& [role, name] : r.members) s += " " + role + ":" + name;
  }
  return s + "\n  (one character = " + fmt::format("{:g}", grid_m_) + " m)\n";
}

::testing::AssertionResult DrawnMap::check(const std::string& table) {
  std::string failures;
  int n = 0;
  for (auto& row : parse_table(table)) {
    ++n;
    const std::string from = row.at("from"), to = row.at("to"), mode = row.at("mode");
    Trip t;
    try {
      t = trip(from, to, parse_mode(mode));
    } catch (const std::exception& e) {
      failures += fmt::format("  row {}: {} -> {} by {}: {}\n", n, from, to, mode, e.what());
      continue;
    }
    const bool reached = t.seconds != kUnreachable;
    const std::string got = reached ? fmt::format("{:.1f} m in {:.1f} s", t.metres, t.seconds)
                                    : std::string("unreachable");
    auto bad = [&](const std::string& what) {
      failures += fmt::format("  row {}: {} -> {} by {}: expected {}, got {}\n", n, from, to, mode,
                              what, got);
    };
    const std::string route = row["route"], time = row["time"], metres = row["metres"],
                      snap = row["snap"];
    if (route == "-") {
      if (reached) bad("no route");
    } else if (route == "*") {
      if (!reached) bad("a route");
    } else if (!route.empty()) {
      double len = length(route);
      if (!reached || std::fabs(t.metres - len) > 1.0)
        bad(fmt::format("route {} ({:.1f} m)", route, len));
    }
    if (!time.empty() && !(reached && std::fabs(t.seconds - parse_time(time)) <= 0.5))
      bad(fmt::format("{} s", parse_time(time)));
    if (!metres.empty() && !(reached && std::fabs(t.metres - std::stod(metres)) <= 1.0))
      bad(fmt::format("{} m", metres));
    if (!snap.empty()) {
      if (snap == "-" ? t.from_snap >= 0 : std::fabs(t.from_snap - std::stod(snap)) > 0.5)
        failures += fmt::format(
            "  row {}: {} by {}: expected a snap of {} m, got {}\n", n, from, mode, snap,
            t.from_snap < 0 ? std::string("none") : fmt::format("{:.1f} m", t.from_snap));
    }
  }
  if (failures.empty()) return ::testing::AssertionSuccess();
  return ::testing::AssertionFailure() << "\n" << failures << "on the map\n" << picture();
}

::testing::AssertionResult routability(const std::string& table, const Profile& profile) {
  std::string failures;
  int n = 0;
  for (auto& row : parse_table(table)) {
    ++n;
    std::string way = "| nodes |", way_row = "| ABC |", node = "| node |", node_row = "| B |";
    std::string tags;
    for (const auto& [k, v] : row) {
      if (k == "walk" || k == "bike" || k == "car") continue;
      tags += fmt::format(" {}={}", k, v);
      if (k.rfind("node/", 0) == 0) {
        node += " " + k.substr(5) + " |";
        node_row += " " + v + " |";
      } else {
        way += " " + k + " |";
        way_row += " " + v + " |";
      }
    }
    DrawnMap map("A---B---C");
    Profile p = profile;  // here points may join any way, motorways and ferries too
    for (Mode m : {Mode::Walk, Mode::Bike, Mode::Car}) p.mode(m).no_snap.clear();
    map.ways(way + "\n" + way_row).nodes(node + "\n" + node_row).profile(p);
    for (const char* mode : {"walk", "bike", "car"}) {
      if (!row.count(mode)) continue;
      const std::string want = row[mode];
      std::string got;
      try {
        bool fwd = map.trip("A", "C", parse_mode(mode)).seconds != kUnreachable;
        bool bwd = map.trip("C", "A", parse_mode(mode)).seconds != kUnreachable;
        got = fwd && bwd ? "<>" : fwd ? ">" : bwd ? "<" : "";
      } catch (const Error& e) {
        got = "";  // no usable way at all for the mode
      }
      if (got != want)
        failures +=
            fmt::format("  row {} ({} ): {} expected '{}', got '{}'\n", n, tags, mode, want, got);
    }
  }
  if (failures.empty()) return ::testing::AssertionSuccess();
  return ::testing::AssertionFailure() << "\n"
                                       << failures << "on the map A---B---C (way ABC, node B)\n";
}

}  // namespace casco::test
