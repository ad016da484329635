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

// [min, max] or one number (min = max).
std::pair<double, double> range_of(const TomlReader& r, const toml::node& n,
                                   const std::string& what) {
  if (auto v = n.value<double>()) return {*v, *v};
  const toml::array* a = n.as_array();
  if (!a || a->size() != 2 || !(*a)[0].value<double>() || !(*a)[1].value<double>())
    r.error_at(n, fmt::format("{}: give [minimum, maximum] (e.g. [300, 360]) or one number", what));
  double lo = *(*a)[0].value<double>(), hi = *(*a)[1].value<double>();
  if (lo < 0 || hi < 0) r.error_at(n, fmt::format("{}: amounts must be 0 or more", what));
  if (lo > hi)
    r.error_at(n, fmt::format("{}: the minimum {} is larger than the maximum {}", what, lo, hi));
  return {lo, hi};
}

}  // namespace

// ------------------------------------------------------------------------------ scenario file

ScenarioDef load_scenario(const fs::path& file) {
  TomlReader r(file.string());
  toml::table root = r.parse(TomlReader::read_file(file.string(), "scenario file"));
  r.check_keys(root, "the scenario file", {"scenario", "claim", "conversion", "prefer", "variant"});
  ScenarioDef d;
  d.file = file;
  const toml::table* s = root["scenario"].as_table();
  if (!s) fail("{}: missing [scenario] (id, name, rules, regions)", file.string());
  r.check_keys(*s, "[scenario]",
               {"id", "name", "period", "description", "rules", "regions", "group",
                "allow_nee_tenzij", "variants", "contested", "weights"});
  d.id = r.text(*s, "id", true, "[scenario]");
  for (char c : d.id)
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '_' && c != '-')
      r.error_at(*s->get("id"), fmt::format("id '{}': use letters, digits, _ and -", d.id));
  d.name = r.text(*s, "name", false, "[scenario]", d.id);
  d.period = r.text(*s, "period", false, "[scenario]");
  d.description = r.text(*s, "description", false, "[scenario]");
  d.rules_file = file.parent_path() / r.text(*s, "rules", true, "[scenario]");
  d.regions = r.text(*s, "regions", false, "[scenario]", "gemeenten");
  d.group = r.text(*s, "group", false, "[scenario]", d.group);
  d.allow_nee_tenzij = r.texts(*s, "allow_nee_tenzij", "[scenario]");
  d.active = r.texts(*s, "variants", "[scenario]");
  d.contested = r.number(*s, "contested", 0.25, "[scenario]");
  if (const toml::node* w = s->get("weights")) {
    const toml::table* t = w->as_table();
    if (!t)
      r.error_at(*w, "weights = { vrij = 1, voorwaarde = 0.5, afstemming = 0, nee_tenzij = -2 }");
    r.check_keys(*t, "[scenario.weights]", {"vrij", "voorwaarde", "afstemming", "nee_tenzij"});
    const char* names[4] = {"vrij", "voorwaarde", "afstemming", "nee_tenzij"};
    for (int k = 0; k < 4; ++k) d.weights[k] = r.number(*t, names[k], d.weights[k], "weights");
  }

  // An expression field: its text, where it starts (for errors), its syntax checked now.
  auto expression = [&](const toml::table& t, const char* key, const std::string& where,
                        std::string& text, condition::TextOrigin& origin) {
    text = r.text(t, key, true, where);
    origin = rules::origin_of(file.string(), *t.get(key));
    condition::Expression::parse(text, origin);
  };

  // The tables of an array of tables ([[claim]], [[variant.layer]], …); anything else is an error.
  auto tables = [&](const toml::table& parent, const char* key, const std::string& what) {
    std::vector<const toml::table*> out;
    const toml::node* n = parent.get(key);
    if (!n) return out;
    const toml::array* arr = n->as_array();
    if (!arr) r.error_at(*n, fmt::format("{} must be [[{}]] tables", what, key));
    for (const auto& e : *arr) {
      if (!e.as_table()) r.error_at(e, fmt::format("each {} is a [[{}]] table", what, key));
      out.push_back(e.as_table());
    }
    return out;
  };

  const toml::array* claims = root["claim"].as_array();
  if (!claims || claims->empty())
    fail("{}: no [[claim]]: give at least one claim (kind, region, hectares or homes)",
         file.string());
  for (const auto& node : *claims) {
    const toml::table* t = node.as_table();
    if (!t) r.error_at(node, "each claim is a [[claim]] table");
    ClaimDef c;
    c.line = static_cast<int>(node.source().begin.line);
    c.kind = r.text(*t, "kind", true, "a [[claim]]");
    std::string where = fmt::format("claim '{}' (line {})", c.kind, c.line);
    r.check_keys(*t, where, {"kind", "region", "title", "hectares", "homes", "density"});
    c.region = r.text(*t, "region", false, where);
    if (c.region == "*") c.region.clear();
    c.title = r.text(*t, "title", false, where);
    const toml::node* ha = t->get("hectares");
    const toml::node* homes = t->get("homes");
    if (!ha == !homes)
      r.error_at(*t, where + ": give either hectares = [min, max] or homes = [min, max]");
    if (ha) {
      std::tie(c.min_ha, c.max_ha) = range_of(r, *ha, where + ".hectares");
    } else {
      std::tie(c.min_homes, c.max_homes) = range_of(r, *homes, where + ".homes");
      c.density = r.number(*t, "density", 0, where);
      if (!(c.density > 0))
        r.error_at(*t, where + ": homes need a density = homes per hectare (e.g. 25)");
      c.min_ha = c.min_homes / c.density;
      c.max_ha = c.max_homes / c.density;
    }
    if (std::find(d.kinds.begin(), d.kinds.end(), c.kind) == d.kinds.end())
      d.kinds.push_back(c.kind);
    d.claims.push_back(c);
  }

  for (const toml::table* t : tables(root, "conversion", "the conversion table")) {
    Conversion c;
    c.title = r.text(*t, "title", false, "a [[conversion]]");
    std::string where = fmt::format("conversion '{}'", c.title);
    r.check_keys(*t, where, {"title", "when", "to"});
    expression(*t, "when", where, c.when, c.origin);
    c.to = r.texts(*t, "to", where);
    d.conversions.push_back(c);
  }

  if (const toml::node* pn = root.get("prefer")) {
    const toml::table* t = pn->as_table();
    if (!t)
      r.error_at(
          *pn, "[prefer]: one expression per kind, e.g. woningbouw = \"-afstand_station / 5000\"");
    for (auto&& [kind, node] : *t) {
      Preference p;
      p.kind = std::string(kind.str());
      auto text = node.value<std::string>();
      if (!text) r.error_at(node, fmt::format("[prefer] {}: give an expression in quotes", p.kind));
      p.value = *text;
      p.origin = rules::origin_of(file.string(), node);
      condition::Expression::parse(p.value, p.origin);
      d.preferences.push_back(p);
    }
  }

  for (const toml::table* t : tables(root, "variant", "a variant")) {
    Variant v;
    v.id = r.text(*t, "id", true, "a [[variant]]");
    std::string where = fmt::format("variant '{}'", v.id);
    r.check_keys(*t, where, {"id", "title", "layer", "unsuitable", "climate"});
    v.title = r.text(*t, "title", false, where, v.id);
    for (const toml::table* lt : tables(*t, "layer", where + ".layer")) {
      r.check_keys(*lt, where + ".layer", {"layer", "value", "if_layers"});
      LayerChange c;
      c.layer = r.text(*lt, "layer", true, where + ".layer");
      expression(*lt, "value", where + ".layer", c.value, c.origin);
      c.if_layers = r.texts(*lt, "if_layers", where + ".layer");
      v.layers.push_back(c);
    }
    for (const toml::table* ut : tables(*t, "unsuitable", where + ".unsuitable")) {
      r.check_keys(*ut, where + ".unsuitable", {"kinds", "when", "if_layers"});
      Restriction c;
      c.kinds = r.texts(*ut, "kinds", where + ".unsuitable");
      expression(*ut, "when", where + ".unsuitable", c.when, c.origin);
      c.if_layers = r.texts(*ut, "if_layers", where + ".unsuitable");
      v.unsuitable.push_back(c);
    }
    if (const toml::node* cn = t->get("climate")) {
      const toml::table* ct = cn->as_table();
      if (!ct) r.error_at(*cn, where + ".climate must be a table of numbers (and knmi = \"...\")");
      for (auto&& [key, node] : *ct) {
        if (key.str() == "knmi") {
          v.knmi = r.text(*ct, "knmi", false, where + ".climate");
        } else if (auto num = node.value<double>()) {
          v.climate[std::string(key.str())] = *num;
        } else {
          r.error_at(node, fmt::format("{}.climate: '{}' must be a number", where, key.str()));
        }
      }
    }
    for (const auto& other : d.variants)
      if (other.id == v.id) r.error_at(*t, fmt::format("variant '{}' is defined twice", v.id));
    d.variants.push_back(v);
  }
  for (const auto& a : d.active)
    if (std::none_of(d.variants.begin(), d.variants.end(),
                     [&](const Variant& v) { return v.id == a; }))
      r.error_at(
          *s->get("variants"),
          fmt::format("variant '{}' is not defined: add a [[variant]] with id = \"{}\"", a, a));
  return d;
}

}  // namespace casco::scenario
