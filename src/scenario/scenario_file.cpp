// Reading a scenario file (TOML): claims, conversion table, preferences and variants.
#include <fmt/ranges.h>
#include <tbb/blocked_range.h>
#include <tbb/parallel_for.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <set>

#include "core/dutch.hpp"
#include "core/error.hpp"
#include "core/files.hpp"
#include "core/progress.hpp"
#include "core/toml_reader.hpp"
#include "model/raster_source.hpp"
#include "model/stats.hpp"
#include "rules/assess.hpp"
#include "rules/rules.hpp"
#include "scenario/scenario.hpp"

namespace casco::scenario {
namespace fs = std::filesystem;

namespace {

// Claims larger than this (hectares or homes) are a typo, not a plan: a billion hectares is 60
// times the land of the Earth.
constexpr double kMaxAmount = 1e9;

// [min, max] or one number (min = max).
std::pair<double, double> range_of(const TomlReader& r, const toml::node& n,
                                   const std::string& what) {
  double lo = 0, hi = 0;
  if (auto v = n.value<double>()) {
    lo = hi = *v;
  } else {
    const toml::array* a = n.as_array();
    if (!a || a->size() != 2 || !(*a)[0].value<double>() || !(*a)[1].value<double>())
      r.error_at(n,
                 fmt::format("{}: give [minimum, maximum] (e.g. [300, 360]) or one number", what));
    lo = *(*a)[0].value<double>(), hi = *(*a)[1].value<double>();
  }
  if (!(lo >= 0) || !(hi >= 0)) r.error_at(n, fmt::format("{}: amounts must be 0 or more", what));
  if (!(lo <= kMaxAmount) || !(hi <= kMaxAmount))
    r.error_at(n, fmt::format("{}: {} is not a plausible amount (at most {:.0e})", what,
                              std::max(lo, hi), kMaxAmount));
  if (lo > hi)
    r.error_at(n, fmt::format("{}: the minimum {} is larger than the maximum {}", what, lo, hi));
  return {lo, hi};
}

}  // namespace

// ------------------------------------------------------------------------------ scenario file

namespace {

// Reads the parts of one scenario file; every error names the file, line and column.
class ScenarioReader {
 public:
  explicit ScenarioReader(const fs::path& file) : file_(file), r_(file.string()) {}

  ScenarioDef read() {
    toml::table root = r_.parse(TomlReader::read_file(file_.string(), "scenario file"));
    r_.check_keys(root, "the scenario file",
                  {"scenario", "claim", "conversion", "prefer", "variant"});
    ScenarioDef d;
    d.file = file_;
    const toml::table* s = root["scenario"].as_table();
    if (!s) fail("{}: missing [scenario] (id, name, rules, regions)", file_.string());
    header(*s, d);
    claims(root, d);
    for (const toml::table* t : tables(root, "conversion", "the conversion table"))
      d.conversions.push_back(conversion(*t));
    if (const toml::node* pn = root.get("prefer")) preferences(*pn, d);
    for (const toml::table* t : tables(root, "variant", "a variant")) {
      Variant v = variant(*t);
      for (const auto& other : d.variants)
        if (other.id == v.id) r_.error_at(*t, fmt::format("variant '{}' is defined twice", v.id));
      d.variants.push_back(v);
    }
    for (const auto& a : d.active)
      if (std::none_of(d.variants.begin(), d.variants.end(),
                       [&](const Variant& v) { return v.id == a; }))
        r_.error_at(
            *s->get("variants"),
            fmt::format("variant '{}' is not defined: add a [[variant]] with id = \"{}\"", a, a));
    return d;
  }

 private:
  void header(const toml::table& s, ScenarioDef& d) {
    r_.check_keys(s, "[scenario]",
                  {"id", "name", "period", "description", "rules", "regions", "group",
                   "allow_nee_tenzij", "variants", "contested", "weights"});
    d.id = r_.text(s, "id", true, "[scenario]");
    for (char c : d.id)
      if (!std::isalnum(static_cast<unsigned char>(c)) && c != '_' && c != '-')
        r_.error_at(*s.get("id"), fmt::format("id '{}': use letters, digits, _ and -", d.id));
    d.name = r_.text(s, "name", false, "[scenario]", d.id);
    d.period = r_.text(s, "period", false, "[scenario]");
    d.description = r_.text(s, "description", false, "[scenario]");
    d.rules_file = file_.parent_path() / r_.text(s, "rules", true, "[scenario]");
    d.regions = r_.text(s, "regions", false, "[scenario]", "gemeenten");
    d.group = r_.text(s, "group", false, "[scenario]", d.group);
    d.allow_nee_tenzij = r_.texts(s, "allow_nee_tenzij", "[scenario]");
    d.active = r_.texts(s, "variants", "[scenario]");
    d.contested = r_.number(s, "contested", 0.25, "[scenario]");
    if (const toml::node* w = s.get("weights")) {
      const toml::table* t = w->as_table();
      if (!t)
        r_.error_at(*w,
                    "weights = { vrij = 1, voorwaarde = 0.5, afstemming = 0, nee_tenzij = -2 }");
      r_.check_keys(*t, "[scenario.weights]", {"vrij", "voorwaarde", "afstemming", "nee_tenzij"});
      const char* names[4] = {"vrij", "voorwaarde", "afstemming", "nee_tenzij"};
      for (int k = 0; k < 4; ++k) d.weights[k] = r_.number(*t, names[k], d.weights[k], "weights");
    }
  }

  void claims(const toml::table& root, ScenarioDef& d) {
    const toml::array* claims = root["claim"].as_array();
    if (!claims || claims->empty())
      fail("{}: no [[claim]]: give at least one claim (kind, region, hectares or homes)",
           file_.string());
    for (const auto& node : *claims) {
      const toml::table* t = node.as_table();
      if (!t) r_.error_at(node, "each claim is a [[claim]] table");
      ClaimDef c = claim(*t, static_cast<int>(node.source().begin.line));
      if (std::find(d.kinds.begin(), d.kinds.end(), c.kind) == d.kinds.end())
        d.kinds.push_back(c.kind);
      d.claims.push_back(c);
    }
  }

  ClaimDef claim(const toml::table& t, int line) {
    ClaimDef c;
    c.line = line;
    c.kind = r_.text(t, "kind", true, "a [[claim]]");
    std::string where = fmt::format("claim '{}' (line {})", c.kind, c.line);
    r_.check_keys(t, where, {"kind", "region", "title", "hectares", "homes", "density"});
    c.region = r_.text(t, "region", false, where);
    if (c.region == "*") c.region.clear();
    c.title = r_.text(t, "title", false, where);
    const toml::node* ha = t.get("hectares");
    const toml::node* homes = t.get("homes");
    if (!ha == !homes)
      r_.error_at(t, where + ": give either hectares = [min, max] or homes = [min, max]");
    if (ha) {
      std::tie(c.min_ha, c.max_ha) = range_of(r_, *ha, where + ".hectares");
    } else {
      std::tie(c.min_homes, c.max_homes) = range_of(r_, *homes, where + ".homes");
      c.density = r_.number(t, "density", 0, where);
      if (!(c.density > 0))
        r_.error_at(t, where + ": homes need a density = homes per hectare (e.g. 25)");
      c.min_ha = c.min_homes / c.density;
      c.max_ha = c.max_homes / c.density;
    }
    return c;
  }

  Conversion conversion(const toml::table& t) {
    Conversion c;
    c.title = r_.text(t, "title", false, "a [[conversion]]");
    std::string where = fmt::format("conversion '{}'", c.title);
    r_.check_keys(t, where, {"title", "when", "to"});
    expression(t, "when", where, c.when, c.origin);
    c.to = r_.texts(t, "to", where);
    return c;
  }

  void preferences(const toml::node& pn, ScenarioDef& d) {
    const toml::table* t = pn.as_table();
    if (!t)
      r_.error_at(
          pn, "[prefer]: one expression per kind, e.g. woningbouw = \"-afstand_station / 5000\"");
    for (auto&& [kind, node] : *t) {
      Preference p;
      p.kind = std::string(kind.str());
      auto text = node.value<std::string>();
      if (!text)
        r_.error_at(node, fmt::format("[prefer] {}: give an expression in quotes", p.kind));
      p.value = *text;
      p.origin = rules::origin_of(file_.string(), node);
      condition::Expression::parse(p.value, p.origin);
      d.preferences.push_back(p);
    }
  }

  Variant variant(const toml::table& t) {
    Variant v;
    v.id = r_.text(t, "id", true, "a [[variant]]");
    std::string where = fmt::format("variant '{}'", v.id);
    r_.check_keys(t, where, {"id", "title", "layer", "unsuitable", "climate"});
    v.title = r_.text(t, "title", false, where, v.id);
    for (const toml::table* lt : tables(t, "layer", where + ".layer")) {
      r_.check_keys(*lt, where + ".layer", {"layer", "value", "if_layers"});
      LayerChange c;
      c.layer = r_.text(*lt, "layer", true, where + ".layer");
      expression(*lt, "value", where + ".layer", c.value, c.origin);
      c.if_layers = r_.texts(*lt, "if_layers", where + ".layer");
      v.layers.push_back(c);
    }
    for (const toml::table* ut : tables(t, "unsuitable", where + ".unsuitable")) {
      r_.check_keys(*ut, where + ".unsuitable", {"kinds", "when", "if_layers"});
      Restriction c;
      c.kinds = r_.texts(*ut, "kinds", where + ".unsuitable");
      expression(*ut, "when", where + ".unsuitable", c.when, c.origin);
      c.if_layers = r_.texts(*ut, "if_layers", where + ".unsuitable");
      v.unsuitable.push_back(c);
    }
    if (const toml::node* cn = t.get("climate")) climate(*cn, where, v);
    return v;
  }

  void climate(const toml::node& cn, const std::string& where, Variant& v) {
    const toml::table* ct = cn.as_table();
    if (!ct) r_.error_at(cn, where + ".climate must be a table of numbers (and knmi = \"...\")");
    for (auto&& [key, node] : *ct) {
      if (key.str() == "knmi") {
        v.knmi = r_.text(*ct, "knmi", false, where + ".climate");
      } else if (auto num = node.value<double>(); num && std::isfinite(*num)) {
        v.climate[std::string(key.str())] = *num;
      } else {
        r_.error_at(node,
                    fmt::format("{}.climate: '{}' must be a finite number", where, key.str()));
      }
    }
  }

  // An expression field: its text, where it starts (for errors), its syntax checked now.
  void expression(const toml::table& t, const char* key, const std::string& where,
                  std::string& text, condition::TextOrigin& origin) {
    text = r_.text(t, key, true, where);
    origin = rules::origin_of(file_.string(), *t.get(key));
    condition::Expression::parse(text, origin);
  }

  // The tables of an array of tables ([[claim]], [[variant.layer]], …); anything else is an error.
  std::vector<const toml::table*> tables(const toml::table& parent, const char* key,
                                         const std::string& what) {
    std::vector<const toml::table*> out;
    const toml::node* n = parent.get(key);
    if (!n) return out;
    const toml::array* arr = n->as_array();
    if (!arr) r_.error_at(*n, fmt::format("{} must be [[{}]] tables", what, key));
    for (const auto& e : *arr) {
      if (!e.as_table()) r_.error_at(e, fmt::format("each {} is a [[{}]] table", what, key));
      out.push_back(e.as_table());
    }
    return out;
  }

  fs::path file_;
  TomlReader r_;
};

}  // namespace

ScenarioDef load_scenario(const fs::path& file) {
  return ScenarioReader(file).read();
}

}  // namespace casco::scenario
