// The access configuration file (TOML): modes, facilities, origins, windows and norms.
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <sstream>

#include "access/access.hpp"
#include "access/network.hpp"
#include "access/transit.hpp"
#include "core/crs.hpp"
#include "core/dutch.hpp"
#include "core/error.hpp"
#include "core/progress.hpp"
#include "core/toml_reader.hpp"
#include "model/dasymetric.hpp"
#include "model/rasterize.hpp"
#include "model/vector_source.hpp"

namespace casco::access {
namespace {

int parse_clock(const TomlReader& r, const toml::node& n, const std::string& text) {
  int h = 0, m = 0;
  if (std::sscanf(text.c_str(), "%d:%d", &h, &m) != 2 || h < 0 || h > 47 || m < 0 || m > 59)
    r.error_at(n, fmt::format("'{}' is not a time of day: write \"07:30\"", text));
  return h * 3600 + m * 60;
}

}  // namespace

const ModeSettings& AccessConfig::mode(const std::string& id) const {
  for (const auto& m : modes)
    if (m.id == id) return m;
  std::string names;
  for (const auto& m : modes) names += (names.empty() ? "" : ", ") + m.id;
  fail("{}: unknown mode '{}' (modes: {})", file.string(), id, names);
}

std::string DepartureWindow::mode() const {
  return first ? "pt" : "pt_" + id;
}

std::string AccessConfig::mode_title(const std::string& layer_mode) const {
  if (layer_mode.rfind("pt", 0) != 0) return mode(layer_mode).title;
  std::string title = "ov";
  std::string rest = layer_mode.substr(2);  // "", "_p90", "_dal", "_dal_p90"
  std::string pct = fmt::format("_p{:.0f}", percentile);
  bool pessimistic = rest.size() >= pct.size() && rest.ends_with(pct);
  if (pessimistic) rest.resize(rest.size() - pct.size());
  if (!rest.empty()) title += ", " + rest.substr(1);
  if (pessimistic) title += fmt::format(", {:.0f}e percentiel", percentile);
  return title;
}

std::string layer_id(const std::string& kind, const std::string& mode) {
  return "tijd_" + kind + "_" + mode;
}

namespace {

// Reads one { id, from, to } of windows = [...]; `earlier` holds the windows before it.
DepartureWindow read_window(const TomlReader& r, const toml::node& node,
                            const std::vector<DepartureWindow>& earlier) {
  const toml::table* t = node.as_table();
  if (!t) r.error_at(node, "each window is a table { id, from, to }");
  r.check_keys(*t, "a window", {"id", "from", "to"});
  DepartureWindow w;
  w.id = r.text(*t, "id", true, "a window");
  w.first = earlier.empty();
  w.from_s = parse_clock(r, *t->get("from"), r.text(*t, "from", true, "window " + w.id));
  w.to_s = parse_clock(r, *t->get("to"), r.text(*t, "to", true, "window " + w.id));
  for (char ch : w.id)
    if (!std::isalnum(static_cast<unsigned char>(ch)) && ch != '_')
      r.error_at(node, fmt::format("window id '{}': use letters, digits and _", w.id));
  for (const auto& other : earlier)
    if (other.id == w.id) r.error_at(node, fmt::format("window '{}' is given twice", w.id));
  return w;
}

// Reads the departure windows of [access]: window = [from, to], or windows = [{ id, from, to }].
void read_windows(const TomlReader& r, const toml::table& a, AccessConfig& c) {
  if (a.get("window") && a.get("windows"))
    r.error_at(*a.get("windows"), "give either window = [from, to] or windows = [{...}], not both");
  if (const toml::node* w = a.get("window")) {
    auto times = r.texts(a, "window", "[access]");
    if (times.size() != 2)
      r.error_at(*w, "window = [\"07:00\", \"09:00\"]: a start and an end time");
    c.windows.front().from_s = parse_clock(r, *w, times[0]);
    c.windows.front().to_s = parse_clock(r, *w, times[1]);
  }
  if (const toml::node* ws = a.get("windows")) {
    const toml::array* arr = ws->as_array();
    if (!arr || arr->empty())
      r.error_at(*ws,
                 "windows = [{ id = \"spits\", from = \"07:00\", to = \"09:00\" }, { id = "
                 "\"dal\", from = \"10:00\", to = \"15:00\" }]");
    c.windows.clear();
    for (const auto& node : *arr) c.windows.push_back(read_window(r, node, c.windows));
  }
  for (const auto& w : c.windows)
    if (w.to_s <= w.from_s)
      r.error_at(*(a.get("windows") ? a.get("windows") : a.get("window")),
                 fmt::format("window '{}' must end after it starts", w.id));
}

// Reads [access]: name, population, zones, network, GTFS feed and date, windows, percentile.
void read_access(const TomlReader& r, const toml::table& root, const std::filesystem::path& file,
                 AccessConfig& c) {
  const auto base = file.parent_path();
  const toml::table* a = root["access"].as_table();
  if (!a) fail("{}: missing [access] (name, population, zones)", file.string());
  r.check_keys(*a, "[access]",
               {"name", "group", "population", "zones", "network", "profile", "gtfs", "date",
                "window", "windows", "percentile"});
  c.name = r.text(*a, "name", false, "[access]", "Bereikbaarheid");
  c.group = r.text(*a, "group", false, "[access]", c.group);
  c.population = r.text(*a, "population", false, "[access]", "inwoners");
  c.zones = r.texts(*a, "zones", "[access]");
  if (auto p = r.text(*a, "network", false, "[access]"); !p.empty()) c.network = base / p;
  if (auto p = r.text(*a, "profile", false, "[access]"); !p.empty()) c.profile = base / p;
  if (auto p = r.text(*a, "gtfs", false, "[access]"); !p.empty()) c.gtfs = base / p;
  c.date = r.text(*a, "date", false, "[access]");
  read_windows(r, *a, c);
  c.percentile = r.number(*a, "percentile", 90, "[access]");
  if (!c.gtfs.empty() && c.date.empty())
    r.error_at(*a, "[access]: with a gtfs feed, give the service date = \"YYYYMMDD\"");
}

// Reads [modes.*]: walk, bike, car and pt, with their speeds, detours and extra minutes.
void read_modes(const TomlReader& r, const toml::table& root, const std::filesystem::path& file,
                AccessConfig& c) {
  const toml::table* modes = root["modes"].as_table();
  if (!modes || modes->empty()) fail("{}: no [modes.*] (walk, bike, car, pt)", file.string());
  for (auto&& [id, node] : *modes) {
    const toml::table* t = node.as_table();
    std::string where = fmt::format("[modes.{}]", id.str());
    if (!t) r.error_at(node, where + " must be a table");
    r.check_keys(*t, where, {"title", "speed_kmh", "detour", "extra_minutes"});
    ModeSettings m;
    m.id = std::string(id.str());
    if (m.id != "walk" && m.id != "bike" && m.id != "car" && m.id != "pt")
      r.error_at(node, fmt::format("unknown mode '{}': use walk, bike, car or pt", m.id));
    m.title = r.text(*t, "title", false, where, m.id);
    m.speed_kmh = r.number(*t, "speed_kmh",
                           m.id == "walk"   ? 4.5
                           : m.id == "bike" ? 15
                           : m.id == "car"  ? 50
                                            : 30,
                           where);
    m.detour = r.number(*t, "detour", 1.3, where);
    m.extra_minutes = r.number(*t, "extra_minutes", 0, where);
    if (!(m.speed_kmh > 0) || !(m.detour >= 1))
      r.error_at(node, where + ": speed_kmh must be > 0 and detour >= 1");
    c.modes.push_back(m);
  }
}

// Reads the [[facility]] tables: the kinds of facility, each with its source and fields.
void read_facilities(const TomlReader& r, const toml::table& root,
                     const std::filesystem::path& base, AccessConfig& c) {
  const toml::node* fac = root.get("facility");
  if (!fac) return;
  const toml::array* arr = fac->as_array();
  if (!arr) r.error_at(*fac, "facilities are [[facility]] tables");
  for (const auto& node : *arr) {
    const toml::table* t = node.as_table();
    if (!t) r.error_at(node, "each facility is a [[facility]] table");
    FacilityKind f;
    f.kind = r.text(*t, "kind", true, "a [[facility]]");
    std::string where = fmt::format("facility '{}'", f.kind);
    r.check_keys(*t, where,
                 {"kind", "title", "source", "id_field", "name_field", "capacity_field",
                  "place_field", "place_separator", "group_field"});
    f.title = r.text(*t, "title", false, where, f.kind);
    const toml::node* src = t->get("source");
    if (!src) r.error_at(*t, where + " needs a 'source'");
    f.source = parse_source(r, *src, base, where + ".source");
    f.id_field = r.text(*t, "id_field", false, where);
    f.name_field = r.text(*t, "name_field", false, where);
    f.capacity_field = r.text(*t, "capacity_field", false, where);
    f.place_field = r.text(*t, "place_field", false, where);
    f.place_separator = r.text(*t, "place_separator", false, where);
    f.group_field = r.text(*t, "group_field", false, where);
    if (!f.place_separator.empty() && f.place_field.empty())
      r.error_at(*t->get("place_separator"),
                 where + ": place_separator cuts the place_field; give place_field too");
    for (const auto& other : c.facilities)
      if (other.kind == f.kind)
        r.error_at(*t, fmt::format("facility kind '{}' is defined twice", f.kind));
    c.facilities.push_back(f);
  }
}

// Reads the [[origins]] tables: the sets of places trips start from (points or polygons).
void read_origins(const TomlReader& r, const toml::table& root, const std::filesystem::path& base,
                  AccessConfig& c) {
  const toml::node* on = root.get("origins");
  if (!on) return;
  const toml::array* arr = on->as_array();
  if (!arr) r.error_at(*on, "origin sets are [[origins]] tables");
  for (const auto& node : *arr) {
    const toml::table* t = node.as_table();
    if (!t) r.error_at(node, "each origin set is an [[origins]] table");
    OriginSet o;
    o.id = r.text(*t, "id", true, "an [[origins]]");
    std::string where = fmt::format("origins '{}'", o.id);
    r.check_keys(*t, where, {"id", "title", "source", "id_field", "weight_field"});
    o.title = r.text(*t, "title", false, where, o.id);
    const toml::node* src = t->get("source");
    if (!src) r.error_at(*t, where + " needs a 'source' (points or polygons)");
    o.source = parse_source(r, *src, base, where + ".source");
    o.id_field = r.text(*t, "id_field", false, where);
    o.weight_field = r.text(*t, "weight_field", false, where);
    for (const auto& other : c.origins)
      if (other.id == o.id) r.error_at(*t, fmt::format("origins '{}' is defined twice", o.id));
    c.origins.push_back(o);
  }
}

// Checks a norm's modes: each is a [modes.*] table or, with pt, pt_<window id> of a window.
void check_norm_modes(const TomlReader& r, const toml::table& t, const std::string& where,
                      const Norm& n, const AccessConfig& c) {
  const bool has_pt = std::any_of(c.modes.begin(), c.modes.end(),
                                  [](const ModeSettings& s) { return s.id == "pt"; });
  for (const auto& m : n.modes) {
    bool known = std::any_of(c.modes.begin(), c.modes.end(),
                             [&](const ModeSettings& s) { return s.id == m; });
    for (const auto& w : c.windows) known = known || (has_pt && w.mode() == m);
    if (!known)
      r.error_at(*t.get("modes"),
                 fmt::format("{}: unknown mode '{}' (modes: the [modes.*] tables, and "
                             "pt_<window id> for a further departure window)",
                             where, m));
  }
}

// Reads the [[norm]] tables: a facility kind to reach within max_minutes by the given modes.
void read_norms(const TomlReader& r, const toml::table& root, AccessConfig& c) {
  const toml::node* nn = root.get("norm");
  if (!nn) return;
  const toml::array* arr = nn->as_array();
  if (!arr) r.error_at(*nn, "norms are [[norm]] tables");
  for (const auto& node : *arr) {
    const toml::table* t = node.as_table();
    if (!t) r.error_at(node, "each norm is a [[norm]] table");
    Norm n;
    n.id = r.text(*t, "id", true, "a [[norm]]");
    std::string where = fmt::format("norm '{}'", n.id);
    r.check_keys(*t, where, {"id", "kind", "title", "modes", "max_minutes"});
    n.kind = r.text(*t, "kind", true, where);
    n.title = r.text(*t, "title", false, where, n.id);
    n.modes = r.texts(*t, "modes", where);
    n.max_minutes = r.number(*t, "max_minutes", 15, where);
    if (std::none_of(c.facilities.begin(), c.facilities.end(),
                     [&](const FacilityKind& f) { return f.kind == n.kind; }))
      r.error_at(*t->get("kind"), fmt::format("{}: unknown facility kind '{}'", where, n.kind));
    if (n.modes.empty()) r.error_at(*t, where + " needs 'modes' (e.g. [\"bike\"])");
    check_norm_modes(r, *t, where, n, c);
    c.norms.push_back(n);
  }
}

}  // namespace

AccessConfig load_access_config(const std::filesystem::path& file) {
  TomlReader r(file.string());
  toml::table root = r.parse(TomlReader::read_file(file.string(), "access file"));
  r.check_keys(root, "the access file", {"access", "modes", "facility", "origins", "norm"});
  AccessConfig c;
  c.file = file;
  const auto base = file.parent_path();
  read_access(r, root, file, c);
  read_modes(r, root, file, c);
  read_facilities(r, root, base, c);
  if (c.facilities.empty()) fail("{}: no [[facility]] kinds", file.string());
  read_origins(r, root, base, c);
  read_norms(r, root, c);
  return c;
}

}  // namespace casco::access
