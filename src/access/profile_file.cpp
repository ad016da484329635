// Reading a routing profile file (TOML) over the defaults. Every table replaces the default it
// names; every key its setting. The old speeds files ([car] residential = 30) still load: numbers
// directly in a mode's table are highway speeds. Errors name file:line:column. See
// docs/access_network.md ("Profile file").
#include <algorithm>
#include <cmath>

#include "access/profile.hpp"
#include "core/error.hpp"
#include "core/toml_reader.hpp"

namespace casco::access {

namespace {

constexpr double kMaxSpeedKmh = 200.0;

// Highway values an old speeds file may list directly in [walk]/[bike]/[car]; any other number
// there is most likely a misspelt setting, which must not pass silently as a highway class.
const char* const kHighwayClasses[] = {
    "motorway",     "motorway_link", "trunk",          "trunk_link", "primary",
    "primary_link", "secondary",     "secondary_link", "tertiary",   "tertiary_link",
    "unclassified", "residential",   "living_street",  "service",    "road",
    "track",        "path",          "footway",        "cycleway",   "bridleway",
    "pedestrian",   "steps",         "corridor",       "busway",     "bus_guideway",
    "escape",       "raceway",       "platform",       "elevator",   "construction",
    "proposed",     "via_ferrata",   "ladder",         "crossing",   "rest_area",
    "services",     "emergency_bay", "traffic_island"};

const char* const kSettings[] = {
    "speeds",         "speeds_if_allowed", "access_keys", "access",   "oneway_keys",
    "implied_oneway", "reversible",        "contraflow",  "barriers", "other_barriers",
    "closed",         "no_snap",           "ferry",       "maxspeed", "turn_restrictions",
    "dismount_kmh",   "snap_max_m"};

bool is_setting(std::string_view k) {
  return std::any_of(std::begin(kSettings), std::end(kSettings),
                     [&](const char* s) { return k == s; });
}
bool is_highway_class(std::string_view k) {
  return std::any_of(std::begin(kHighwayClasses), std::end(kHighwayClasses),
                     [&](const char* s) { return k == s; });
}

class Reader {
 public:
  explicit Reader(const TomlReader& r) : r_(r) {}

  double number(const toml::node& n, const std::string& what, double lo, double hi) const {
    std::optional<double> v = n.value<double>();
    if (!v) r_.error_at(n, fmt::format("{} must be a number", what));
    if (!(*v > lo && *v <= hi) || !std::isfinite(*v))
      r_.error_at(n, fmt::format("{} must be above {} and at most {}", what, lo, hi));
    return *v;
  }

  bool boolean(const toml::node& n, const std::string& what) const {
    if (!n.is_boolean()) r_.error_at(n, fmt::format("{} must be true or false", what));
    return n.as_boolean()->get();
  }

  std::string text(const toml::node& n, const std::string& what) const {
    if (!n.is_string()) r_.error_at(n, fmt::format("{} must be a text in quotes", what));
    return n.as_string()->get();
  }

  template <typename T>
  T choice(const toml::node& n, const std::string& what,
           std::initializer_list<std::pair<const char*, T>> options) const {
    std::string v = text(n, what);
    std::string list;
    for (const auto& [name, value] : options) {
      if (v == name) return value;
      list += fmt::format("{}{}", list.empty() ? "" : ", ", name);
    }
    r_.error_at(n, fmt::format("{} is '{}': use one of {}", what, v, list));
  }

  std::vector<std::string> texts(const toml::node& n, const std::string& what) const {
    const toml::array* a = n.as_array();
    if (!a) r_.error_at(n, fmt::format("{} must be a list of texts, e.g. [\"a\", \"b\"]", what));
    std::vector<std::string> out;
    for (const auto& item : *a) {
      std::string s = text(item, what + " entries");
      if (s.empty()) r_.error_at(item, fmt::format("{} holds an empty text", what));
      out.push_back(std::move(s));
    }
    return out;
  }

  std::vector<TagMatch> tag_matches(const toml::node& n, const std::string& what) const {
    std::vector<TagMatch> out;
    const toml::array* a = n.as_array();
    if (!a) r_.error_at(n, fmt::format("{} must be a list of \"key=value\" texts", what));
    for (const auto& item : *a) {
      std::string s = text(item, what + " entries");
      auto eq = s.find('=');
      if (eq == std::string::npos || eq == 0 || eq + 1 == s.size())
        r_.error_at(item, fmt::format("{}: '{}' is not \"key=value\" (value * for any value but "
                                      "no)",
                                      what, s));
      out.push_back({s.substr(0, eq), s.substr(eq + 1)});
    }
    return out;
  }

  const toml::table& table(const toml::node& n, const std::string& what) const {
    const toml::table* t = n.as_table();
    if (!t) r_.error_at(n, fmt::format("{} must be a table", what));
    return *t;
  }

  std::map<std::string, double> speeds(const toml::table& t, const std::string& mode) const {
    std::map<std::string, double> out;
    for (auto&& [k, v] : t) {
      if (!v.value<double>())
        r_.error_at(v, fmt::format("speed of '{}' for {} must be a number in km/h", k.str(), mode));
      out[std::string(k.str())] = number(
          v, fmt::format("speed of '{}' for {} (leave a class out to forbid it)", k.str(), mode), 0,
          kMaxSpeedKmh);
    }
    return out;
  }

  void old_speeds(const toml::table& t, const std::string& m, ModeProfile& p) const;
  void mode_table(const toml::table& t, const std::string& m, ModeProfile& p) const;

 private:
  const TomlReader& r_;
};

// Old format: highway class = km/h directly in [walk]/[bike]/[car]; those replace the speeds.
void Reader::old_speeds(const toml::table& t, const std::string& m, ModeProfile& p) const {
  std::map<std::string, double> speeds;
  for (auto&& [k, v] : t) {
    if (is_setting(k.str())) continue;
    if (is_highway_class(k.str()) && !v.value<double>())
      r_.error_at(v, fmt::format("speed of '{}' for {} must be a number in km/h", k.str(), m));
    if (!v.value<double>()) {
      std::string list;
      for (const char* s : kSettings) list += fmt::format("{}{}", list.empty() ? "" : ", ", s);
      r_.error_at(v, fmt::format("unknown key '{}' in [{}] (allowed: {}; or a highway class = "
                                 "speed in km/h)",
                                 k.str(), m, list));
    }
    if (!is_highway_class(k.str()))
      r_.error_at(v, fmt::format("unknown key '{}' in [{}]: not a setting nor a highway class; "
                                 "give unusual classes in [{}.speeds]",
                                 k.str(), m, m));
    speeds[std::string(k.str())] =
        number(v, fmt::format("speed of '{}' for {} (leave a class out to forbid it)", k.str(), m),
               0, kMaxSpeedKmh);
  }
  if (speeds.empty()) {
    if (t.empty())
      r_.error_at(t, fmt::format("[{}] lists no highway class: give at least one speed", m));
    return;
  }
  if (const toml::node* s = t.get("speeds"))
    r_.error_at(*s, fmt::format("[{}] lists highway speeds directly and in [{}.speeds]: give "
                                "them in one place",
                                m, m));
  p.speed_kmh = speeds;
  // As before the full profile: footways etc. allowed to bikes run at the cycleway speed.
  if (m == "bike" && speeds.count("cycleway"))
    for (auto& [c, v] : p.if_allowed_kmh) v = speeds.at("cycleway");
}

void Reader::mode_table(const toml::table& t, const std::string& m, ModeProfile& p) const {
  old_speeds(t, m, p);
  for (auto&& [key, v] : t) {
    const std::string k(key.str());
    const std::string what = fmt::format("'{}' in [{}]", k, m);
    if (k == "speeds") {
      p.speed_kmh = speeds(table(v, what), m);
      if (p.speed_kmh.empty())
        r_.error_at(v,
                    fmt::format("[{}.speeds] lists no highway class: give at least one speed", m));
    } else if (k == "speeds_if_allowed") {
      p.if_allowed_kmh = speeds(table(v, what), m);
    } else if (k == "access_keys") {
      p.access_keys = texts(v, what);
      if (p.access_keys.empty()) r_.error_at(v, what + " must name at least one key");
    } else if (k == "access") {
      p.access_values.clear();
      for (auto&& [value, meaning] : table(v, what))
        p.access_values[std::string(value.str())] =
            choice<Access>(meaning, fmt::format("access value '{}' for {}", value.str(), m),
                           {{"allow", Access::Allow},
                            {"destination", Access::Destination},
                            {"dismount", Access::Dismount},
                            {"forbid", Access::Forbid}});
    } else if (k == "oneway_keys") {
      p.oneway_keys = texts(v, what);
    } else if (k == "implied_oneway") {
      p.implied_oneway = tag_matches(v, what);
    } else if (k == "reversible") {
      p.reversible_closed = choice<bool>(v, what, {{"closed", true}, {"both", false}});
    } else if (k == "contraflow") {
      p.contraflow = boolean(v, what);
    } else if (k == "barriers") {
      p.barriers.clear();
      for (auto&& [value, meaning] : table(v, what))
        p.barriers[std::string(value.str())] = choice<Barrier>(
            meaning, fmt::format("barrier '{}' for {}", value.str(), m),
            {{"pass", Barrier::Pass}, {"block", Barrier::Block}, {"never", Barrier::Never}});
    } else if (k == "other_barriers") {
      p.other_barriers = choice<Barrier>(
          v, what, {{"pass", Barrier::Pass}, {"block", Barrier::Block}, {"never", Barrier::Never}});
    } else if (k == "closed") {
      p.closed = tag_matches(v, what);
    } else if (k == "no_snap") {
      p.no_snap = tag_matches(v, what);
    } else if (k == "ferry") {
      p.ferry = boolean(v, what);
    } else if (k == "maxspeed") {
      p.maxspeed = boolean(v, what);
    } else if (k == "turn_restrictions") {
      p.turn_restrictions = boolean(v, what);
    } else if (k == "dismount_kmh") {
      p.dismount_kmh = number(v, what, 0, kMaxSpeedKmh);
    } else if (k == "snap_max_m") {
      p.snap_max_m = number(v, what, 0, 100000);
    }
  }
}

}  // namespace

Profile Profile::load(const std::filesystem::path& file) {
  const std::string text = TomlReader::read_file(file.string(), "routing profile");
  TomlReader toml(file.string());
  toml::table root = toml.parse(text);
  toml.check_keys(root, "the routing profile", {"walk", "bike", "car", "ferry"});
  Reader r(toml);
  Profile p = defaults();
  for (Mode m : {Mode::Walk, Mode::Bike, Mode::Car}) {
    const toml::node* n = root.get(to_string(m));
    if (!n) continue;
    const toml::table* t = n->as_table();
    if (!t)
      toml.error_at(*n, fmt::format("'{}' must be a table of settings and highway speeds, e.g. "
                                    "[{}] residential = 30",
                                    to_string(m), to_string(m)));
    r.mode_table(*t, to_string(m), p.mode(m));
  }
  if (const toml::node* n = root.get("ferry")) {
    const toml::table& t = r.table(*n, "'ferry'");
    toml.check_keys(t, "[ferry]", {"speed_kmh"});
    if (const toml::node* s = t.get("speed_kmh"))
      p.ferry_kmh = r.number(*s, "'speed_kmh' in [ferry]", 0, kMaxSpeedKmh);
  }
  return p;
}

}  // namespace casco::access
