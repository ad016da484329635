// Reading OSM way and node tags for one mode, as the profile says. See docs/access_network.md
// ("From tags to edges"): the rules here are documented there one by one.
#include "access/osm_tags.hpp"

#include <cmath>
#include <cstdlib>
#include <cstring>
#include <optional>
#include <string_view>
#include <vector>

namespace casco::access {

namespace {

// The tag values taken as they are; others are not understood (-1) and the defaults stand.
constexpr double kMinMaxspeedKmh = 1, kMaxMaxspeedKmh = 300;
constexpr double kMaxDurationS = 7 * 24 * 3600.0;  // a ferry crossing of at most a week

bool equals(const char* v, const char* x) {
  return v && std::strcmp(v, x) == 0;
}

bool matches(const osmium::TagList& tags, const TagMatch& m) {
  const char* v = tags[m.key.c_str()];
  if (!v) return false;
  return m.value == "*" ? std::strcmp(v, "no") != 0 : m.value == v;
}

bool any_match(const osmium::TagList& tags, const std::vector<TagMatch>& list) {
  for (const auto& m : list)
    if (matches(tags, m)) return true;
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

// The access value that decides for the mode in one direction (0 none, +1 forward, -1
// backward): the most specific key first, and for each key its direction-specific form
// (motor_vehicle:forward) before the plain one. Values the profile does not list are ignored.
// `generic` tells whether the deciding key was the last, most general one (access).
struct Decision {
  std::optional<Access> access;
  bool generic = false;
};

// The meaning of an access value for the mode. A list ("agricultural;forestry",
// "destination;delivery") names every group that may use the way, so the most permissive value
// the profile knows decides (allow before destination before dismount before forbid); values it
// does not know are ignored, and a list of only unknown values is not understood.
std::optional<Access> access_value(std::string_view v, const ModeProfile& mode) {
  std::optional<Access> best;
  while (true) {
    std::size_t semi = v.find(';');
    std::string_view item = v.substr(0, semi);
    while (!item.empty() && item.front() == ' ') item.remove_prefix(1);
    while (!item.empty() && item.back() == ' ') item.remove_suffix(1);
    auto it = mode.access_values.find(std::string(item));
    if (it != mode.access_values.end() && (!best || it->second < *best)) best = it->second;
    if (semi == std::string_view::npos) return best;
    v.remove_prefix(semi + 1);
  }
}

Decision decide_access(const osmium::TagList& tags, const ModeProfile& mode, int dir) {
  const char* suffix = dir > 0 ? ":forward" : ":backward";
  for (std::size_t i = 0; i < mode.access_keys.size(); ++i) {
    const std::string& key = mode.access_keys[i];
    for (int pass = dir == 0 ? 1 : 0; pass < 2; ++pass) {
      std::string k = pass == 0 ? key + suffix : key;
      const char* v = tags[k.c_str()];
      if (!v) continue;
      std::optional<Access> a = access_value(v, mode);
      if (!a) continue;
      return {a, i + 1 == mode.access_keys.size() && mode.access_keys.size() > 1};
    }
  }
  return {};
}

bool has_contraflow(const osmium::TagList& tags) {
  for (const char* k : {"cycleway", "cycleway:left", "cycleway:right", "cycleway:both"}) {
    const char* v = tags[k];
    if (v && std::strncmp(v, "opposite", 8) == 0) return true;
  }
  for (const char* k : {"cycleway:left:oneway", "cycleway:right:oneway", "cycleway:both:oneway"}) {
    const char* v = tags[k];
    if (equals(v, "no") || equals(v, "-1")) return true;
  }
  return false;
}

// One-way rule for the mode: sets fwd/bwd to false where travel is not allowed.
void direction(const osmium::TagList& tags, const ModeProfile& mode, bool& fwd, bool& bwd) {
  for (const std::string& key : mode.oneway_keys) {
    if (key == "oneway" && mode.contraflow && has_contraflow(tags)) return;
    const char* v = tags[key.c_str()];
    if (!v) continue;
    if (equals(v, "yes") || equals(v, "true") || equals(v, "1")) {
      bwd = false;
      return;
    }
    if (equals(v, "-1") || equals(v, "reverse")) {
      fwd = false;
      return;
    }
    if (equals(v, "reversible")) {
      if (mode.reversible_closed) fwd = bwd = false;
      return;
    }
    if (equals(v, "no") || equals(v, "false") || equals(v, "0") || equals(v, "alternating")) return;
    // any other value: not understood, the next key decides
  }
  if (any_match(tags, mode.implied_oneway)) bwd = false;
}

// The class speed of a highway value (an OSMnx list takes the first class the mode knows);
// `explicit_only` when the class needs a mode key that allows it.
std::optional<double> class_speed(const char* highway, const ModeProfile& mode,
                                  bool& explicit_only) {
  std::vector<std::string> classes = osmnx_list(highway);
  for (const std::string& c : classes) {
    auto it = mode.speed_kmh.find(c);
    if (it != mode.speed_kmh.end()) return it->second;
  }
  for (const std::string& c : classes) {
    auto it = mode.if_allowed_kmh.find(c);
    if (it != mode.if_allowed_kmh.end()) {
      explicit_only = true;
      return it->second;
    }
  }
  return std::nullopt;
}

double capped_by_maxspeed(const osmium::TagList& tags, double kmh) {
  const char* ms = tags["maxspeed"];
  if (!ms) return kmh;
  double sum = 0;
  int n = 0;
  for (const std::string& item : osmnx_list(ms)) {
    double v = parse_maxspeed(item);
    if (v > 0) {
      sum += v;
      ++n;
    }
  }
  return n > 0 ? std::min(kmh, sum / n) : kmh;
}

}  // namespace

double parse_maxspeed(const std::string& s) {
  if (s == "NL:urban" || s == "DE:urban") return 50.0;
  if (s == "NL:rural") return 80.0;
  if (s == "DE:rural") return 100.0;
  if (s == "walk" || s == "NL:walk") return 15.0;
  char* end = nullptr;
  double v = std::strtod(s.c_str(), &end);
  if (end == s.c_str() || !(v > 0) || !std::isfinite(v)) return -1;
  std::string_view rest(end);
  while (!rest.empty() && rest.front() == ' ') rest.remove_prefix(1);
  if (rest == "mph")
    v *= 1.609344;
  else if (!rest.empty() && rest != "km/h" && rest != "kmh")
    return -1;
  // A limit below walking pace or above any road's ("0.0001", "1e300") is a tagging error: the
  // class speed stands (a tiny speed would make an edge take longer than a float can hold).
  return v >= kMinMaxspeedKmh && v <= kMaxMaxspeedKmh ? v : -1;
}

double parse_duration(const std::string& s) {
  if (s.empty()) return -1;
  if (s.size() > 2 && s[0] == 'P' && s[1] == 'T') {  // ISO 8601: PT1H30M, PT45M, PT90S
    double total = 0;
    const char* p = s.c_str() + 2;
    while (*p) {
      char* end = nullptr;
      double v = std::strtod(p, &end);
      if (end == p || !(v >= 0)) return -1;
      if (*end == 'H')
        total += v * 3600;
      else if (*end == 'M')
        total += v * 60;
      else if (*end == 'S')
        total += v;
      else
        return -1;
      p = end + 1;
    }
    return total > 0 && total <= kMaxDurationS ? total : -1;
  }
  double parts[3] = {0, 0, 0};
  int n = 0;
  const char* p = s.c_str();
  for (;;) {
    char* end = nullptr;
    long v = std::strtol(p, &end, 10);
    if (end == p || v < 0 || n == 3) return -1;
    parts[n++] = static_cast<double>(v);
    if (*end == '\0') break;
    if (*end != ':') return -1;
    p = end + 1;
  }
  double total = n == 1   ? parts[0] * 60
                 : n == 2 ? parts[0] * 3600 + parts[1] * 60
                          : parts[0] * 3600 + parts[1] * 60 + parts[2];
  return total > 0 && total <= kMaxDurationS ? total : -1;
}

WayRule way_rule(const osmium::TagList& tags, const ModeProfile& mode, double ferry_kmh) {
  WayRule r;
  const char* highway = tags["highway"];
  r.ferry = equals(tags["route"], "ferry");
  if (!highway && !r.ferry) return r;
  bool explicit_only = false;
  std::optional<double> kmh;
  if (r.ferry) {
    kmh = ferry_kmh;
    explicit_only = !mode.ferry;
    if (const char* d = tags["duration"]) r.ferry_seconds = parse_duration(d);
  } else {
    kmh = class_speed(highway, mode, explicit_only);
    if (!kmh) return r;
    if (mode.maxspeed) kmh = capped_by_maxspeed(tags, *kmh);
  }
  // Closed ways (construction, motorroad for bikes, …) stay open only where a mode key says so.
  const bool closed = any_match(tags, mode.closed);
  bool ok[2] = {true, true};
  direction(tags, mode, ok[0], ok[1]);
  for (int i = 0; i < 2; ++i) {
    Decision d = decide_access(tags, mode, i == 0 ? 1 : -1);
    Access a = Access::Allow;
    if (d.access) a = *d.access;
    if ((explicit_only || closed) && (!d.access || d.generic)) a = Access::Forbid;
    double speed = *kmh;
    if (a == Access::Dismount) speed = std::min(speed, mode.dismount_kmh);
    const bool usable = ok[i] && a != Access::Forbid;
    (i == 0 ? r.fwd_kmh : r.bwd_kmh) = usable ? speed : 0;
    (i == 0 ? r.fwd_destination : r.bwd_destination) = usable && a == Access::Destination;
  }
  r.usable = r.fwd_kmh > 0 || r.bwd_kmh > 0;
  r.no_snap = any_match(tags, mode.no_snap);
  return r;
}

bool node_blocks(const osmium::TagList& tags, const ModeProfile& mode) {
  Decision d = decide_access(tags, mode, 0);
  const char* barrier = tags["barrier"];
  if (!barrier) return d.access && *d.access == Access::Forbid;
  auto it = mode.barriers.find(barrier);
  Barrier b = it == mode.barriers.end() ? mode.other_barriers : it->second;
  if (b == Barrier::Never) return true;
  if (d.access) return *d.access == Access::Forbid;  // access tags trump the barrier type
  if (equals(tags["locked"], "yes")) return true;
  return b == Barrier::Block;
}

}  // namespace casco::access
