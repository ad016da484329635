#include "scenario/scenario.hpp"

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

std::string lower(std::string s) {
  for (auto& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

std::string nl(double v, int decimals = 0) {
  return dutch_number(v, decimals);
}

// Evaluates an expression over whole rasters (all on one grid), in parallel blocks.
Raster evaluate(const condition::Expression& e, const std::map<std::string, const Raster*>& layers,
                const Grid& g) {
  std::vector<const Raster*> in;
  for (const auto& name : e.layers()) in.push_back(layers.at(name));
  Raster out(g, Raster::Uninitialized{});
  tbb::parallel_for(tbb::blocked_range<std::size_t>(0, g.size(), 1 << 15),
                    [&](const tbb::blocked_range<std::size_t>& r) {
                      std::vector<const float*> ptrs;
                      for (const Raster* L : in) ptrs.push_back(L->values.data() + r.begin());
                      e.evaluate(ptrs.data(), r.size(), out.values.data() + r.begin());
                    });
  return out;
}

// Parses, checks the layer names against the model (errors name file:line:column), and binds the
// expression to its own layer list, so slot i is e.layers()[i] (what evaluate() passes).
condition::Expression compile(const std::string& text, const condition::TextOrigin& origin,
                              const std::vector<std::string>& model_layers) {
  condition::Expression e = condition::Expression::parse(text, origin);
  e.bind(model_layers, "");
  const std::vector<std::string> own = e.layers();
  e.bind(own, "");
  return e;
}

bool holds(float v) {
  return v != 0.0f && v == v;
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

// ------------------------------------------------------------------------------ run

ScenarioResult run_scenario(const Store& store, const ScenarioDef& def) {
  auto t0 = std::chrono::steady_clock::now();
  const Grid& g = store.grid();
  const std::string& file = def.file.string();
  rules::RuleSet set = rules::load_rules(def.rules_file);
  for (const auto& c : def.claims)
    if (std::none_of(set.kinds.begin(), set.kinds.end(),
                     [&](const rules::Kind& k) { return k.id == c.kind; })) {
      std::string kinds;
      for (const auto& k : set.kinds) kinds += (kinds.empty() ? "" : ", ") + k.id;
      fail("{}:{}: unknown kind '{}' (kinds of {}: {})", file, c.line, c.kind,
           def.rules_file.string(), kinds);
    }
  for (const auto& k : def.allow_nee_tenzij) set.kind(k);  // throws listing the kinds

  // The regions layer and the zone of every claim.
  if (!store.find(def.regions))
    fail("{}: regions = \"{}\" is not a layer of {}", file, def.regions, store.path().string());
  const auto& zones = store.zones(def.regions);
  std::vector<int> claim_zone;
  std::vector<std::string> claim_region;
  for (const auto& c : def.claims) {
    if (c.region.empty()) {
      claim_zone.push_back(-1);
      claim_region.push_back("heel het gebied");
      continue;
    }
    auto it = std::find_if(zones.begin(), zones.end(), [&](const ZoneRecord& z) {
      return lower(z.name) == lower(c.region) || lower(z.code) == lower(c.region);
    });
    if (it == zones.end()) {
      std::string names;
      for (const auto& z : zones) names += (names.empty() ? "" : ", ") + z.name;
      fail("{}:{}: region '{}' is not a zone of '{}' (zones: {})", file, c.line, c.region,
           def.regions, names);
    }
    claim_zone.push_back(it->zone);
    claim_region.push_back(it->name);
  }

  // Every layer the rules, the conversion table and the variants read.
  std::vector<std::string> model_layers;
  for (const auto& L : store.manifest().layers) model_layers.push_back(L.id);
  std::vector<rules::CompiledRules> compiled;
  for (const auto& k : def.kinds) compiled.emplace_back(set, k, model_layers);
  std::vector<const Variant*> variants;
  for (const auto& id : def.active)
    for (const auto& v : def.variants)
      if (v.id == id) variants.push_back(&v);
  std::set<std::string> needed{def.regions};
  auto need = [&](const std::string& text, const condition::TextOrigin& o) {
    condition::Expression e = compile(text, o, model_layers);
    for (const auto& n : e.layers()) needed.insert(n);
    return e;
  };
  for (const auto& c : compiled) needed.insert(c.layers().begin(), c.layers().end());
  std::vector<std::pair<std::size_t, condition::Expression>> preference_exprs;  // kind index, value
  for (const auto& p : def.preferences) {
    set.kind(p.kind);
    auto k = std::find(def.kinds.begin(), def.kinds.end(), p.kind);
    if (k == def.kinds.end()) continue;  // a kind without claims here
    preference_exprs.emplace_back(static_cast<std::size_t>(k - def.kinds.begin()),
                                  need(p.value, p.origin));
  }
  std::vector<condition::Expression> conversion_exprs;
  for (const auto& c : def.conversions) {
    conversion_exprs.push_back(need(c.when, c.origin));
    for (const auto& k : c.to) set.kind(k);
  }
  // A change with if_layers applies only when the store has all of them.
  auto present = [&](const std::vector<std::string>& ids) {
    return std::all_of(ids.begin(), ids.end(),
                       [&](const std::string& id) { return store.find(id); });
  };
  for (const Variant& v : def.variants)  // every variant, applied or not: a typo shows at once
    for (const auto& c : v.layers)
      if (!store.find(c.layer) && present(c.if_layers))
        fail("{}: variant '{}' changes layer '{}', which {} does not have", file, v.id, c.layer,
             store.path().string());
  for (const Variant* v : variants) {
    for (const auto& c : v->layers) {
      if (!present(c.if_layers)) continue;
      if (!store.find(c.layer))
        fail("{}: variant '{}' changes layer '{}', which {} does not have", file, v->id, c.layer,
             store.path().string());
      needed.insert(c.layer);
      need(c.value, c.origin);
    }
    for (const auto& c : v->unsuitable) {
      for (const auto& k : c.kinds) set.kind(k);
      if (present(c.if_layers)) need(c.when, c.origin);
    }
  }
  std::vector<std::string> ids(needed.begin(), needed.end());
  Progress progress("scenario " + def.id, 3 + def.kinds.size());
  std::vector<Raster> read = store.read_all(ids);
  progress.advance();
  std::map<std::string, const Raster*> layers;
  for (std::size_t i = 0; i < ids.size(); ++i) layers[ids[i]] = &read[i];

  ScenarioResult res;
  res.id = def.id;
  res.name = def.name;
  res.period = def.period;
  res.kinds = def.kinds;
  for (const auto& k : def.kinds) {
    res.kind_titles.push_back(set.kind(k).title);
    res.kind_colours.push_back(set.kind(k).colour);
  }
  res.group = def.group;
  res.cell_ha = g.cell_area_ha();
  res.contested = def.contested;

  // Variants: layers changed in order (a later change sees the earlier ones).
  std::vector<std::unique_ptr<Raster>> changed;
  auto skipped = [&](const Variant* v, const std::vector<std::string>& ids) {
    res.warnings.push_back(fmt::format(
        "variant '{}': a change that needs layer(s) {} was skipped: the store does not have them "
        "(casco water stresstest makes the water layers)",
        v->id, fmt::join(ids, ", ")));
  };
  for (const Variant* v : variants) {
    res.variants.push_back(v->title);
    for (const auto& c : v->layers) {
      if (!present(c.if_layers)) {
        skipped(v, c.if_layers);
        continue;
      }
      condition::Expression e = compile(c.value, c.origin, model_layers);
      changed.push_back(std::make_unique<Raster>(evaluate(e, layers, g)));
      layers[c.layer] = changed.back().get();
    }
  }

  // The cells that take part: those in a region.
  const Raster& region = *layers.at(def.regions);
  std::vector<std::uint32_t> cells;
  std::vector<std::int32_t> region_of;
  for (std::size_t i = 0; i < g.size(); ++i)
    if (region.values[i] >= 1) {
      cells.push_back(static_cast<std::uint32_t>(i));
      region_of.push_back(static_cast<std::int32_t>(region.values[i]));
    }
  if (cells.empty()) fail("{}: the regions layer '{}' has no cells", file, def.regions);
  const std::size_t n = cells.size();

  // Conversion table and variant restrictions as masks over the whole grid.
  std::vector<Raster> conversion_hits;
  for (auto& e : conversion_exprs) conversion_hits.push_back(evaluate(e, layers, g));
  struct Blocked {
    const Restriction* r;
    Raster hit;
  };
  std::vector<Blocked> restrictions;
  for (const Variant* v : variants)
    for (const auto& c : v->unsuitable) {
      if (!present(c.if_layers)) {
        skipped(v, c.if_layers);
        continue;
      }
      condition::Expression e = compile(c.when, c.origin, model_layers);
      restrictions.push_back({&c, evaluate(e, layers, g)});
    }
  progress.advance();

  // Suitability per kind over the cells that take part; why a cell is excluded, per kind.
  enum Reason : std::uint8_t { Ok, Verboden, NeeTenzij, ConversionTable, VariantRule };
  std::vector<std::vector<float>> suit(def.kinds.size());
  std::vector<std::vector<std::uint8_t>> reason(def.kinds.size());
  for (std::size_t k = 0; k < def.kinds.size(); ++k) {
    check_interrupted();
    const std::string& kind = def.kinds[k];
    std::vector<const Raster*> in;
    for (const auto& name : compiled[k].layers()) in.push_back(layers.at(name));
    rules::Suitability s;
    if (in.empty()) {
      s.verdict = Raster(g, 0.0f);
      s.score = Raster(g, 0.0f);
    } else {
      s = rules::evaluate_suitability(compiled[k], in);
    }
    const bool nee_ok = std::find(def.allow_nee_tenzij.begin(), def.allow_nee_tenzij.end(), kind) !=
                        def.allow_nee_tenzij.end();
    std::vector<bool> conv_allows;
    for (const auto& c : def.conversions)
      conv_allows.push_back(std::find(c.to.begin(), c.to.end(), kind) != c.to.end());
    std::vector<const Raster*> blocks;
    for (const auto& b : restrictions)
      if (std::find(b.r->kinds.begin(), b.r->kinds.end(), kind) != b.r->kinds.end())
        blocks.push_back(&b.hit);
    Raster prefer;
    for (const auto& [pk, e] : preference_exprs)
      if (pk == k) prefer = evaluate(e, layers, g);
    const float* pref = prefer.values.empty() ? nullptr : prefer.values.data();
    suit[k].resize(n);
    reason[k].resize(n);
    tbb::parallel_for(tbb::blocked_range<std::size_t>(0, n, 1 << 14),
                      [&](const tbb::blocked_range<std::size_t>& range) {
                        for (std::size_t j = range.begin(); j != range.end(); ++j) {
                          const std::size_t i = cells[j];
                          const int v = static_cast<int>(s.verdict.values[i]);
                          std::uint8_t why = Ok;
                          if (v >= 4)
                            why = Verboden;
                          else if (v == 3 && !nee_ok)
                            why = NeeTenzij;
                          for (std::size_t c = 0; why == Ok && c < conv_allows.size(); ++c)
                            if (!conv_allows[c] && holds(conversion_hits[c].values[i]))
                              why = ConversionTable;
                          for (const Raster* b : blocks)
                            if (why == Ok && holds(b->values[i])) why = VariantRule;
                          reason[k][j] = why;
                          // A preference without data (NaN) adds nothing.
                          const float p = pref && pref[i] == pref[i] ? pref[i] : 0.0f;
                          suit[k][j] = why == Ok
                                           ? static_cast<float>(s.score.values[i] +
                                                                def.weights[std::min(v, 3)] + p)
                                           : std::numeric_limits<float>::quiet_NaN();
                        }
                      });
    progress.advance();
  }

  // The allocation problem: claims in whole cells.
  AllocationInput in;
  in.cells = n;
  for (const auto& s : suit) in.suitability.push_back(s.data());
  in.region_of = region_of.data();
  for (std::size_t c = 0; c < def.claims.size(); ++c) {
    const ClaimDef& cd = def.claims[c];
    Claim cl;
    cl.id = fmt::format("{}{}{}", cd.kind, cd.region.empty() ? "" : " ", cd.region);
    cl.kind = static_cast<int>(std::find(def.kinds.begin(), def.kinds.end(), cd.kind) -
                               def.kinds.begin());
    cl.region = claim_zone[c];
    cl.min_cells = std::llround(cd.min_ha / res.cell_ha);
    cl.max_cells = std::llround(cd.max_ha / res.cell_ha);
    in.claims.push_back(cl);
  }
  auto ta = std::chrono::steady_clock::now();
  AllocateOptions options;
  options.progress = false;  // one bar: the scenario's
  Allocation a = allocate(in, options);
  res.allocate_seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - ta).count();
  progress.advance();

  // Back onto the grid. A cell is contested when another claim that may go there comes within
  // `contested` of its own claim at the shadow prices (the competition between claims; staying
  // as it is, value 0, does not count here).
  res.allocation = Raster(g, kNoData);
  res.claim = Raster(g, kNoData);
  res.margin = Raster(g, kNoData);
  const std::size_t nclaims = in.claims.size();
  for (std::size_t j = 0; j < n; ++j) {
    const std::size_t i = cells[j];
    const int c = a.claim_of[j];
    res.claim.values[i] = static_cast<float>(c + 1);
    res.allocation.values[i] = c < 0 ? 0.0f : static_cast<float>(in.claims[c].kind + 1);
    if (c < 0) continue;
    const double own = suit[in.claims[c].kind][j] - a.claims[c].shadow_price;
    double second = -std::numeric_limits<double>::infinity();
    for (std::size_t o = 0; o < nclaims; ++o) {
      if (static_cast<int>(o) == c) continue;
      if (in.claims[o].region >= 0 && in.claims[o].region != region_of[j]) continue;
      const float v = suit[in.claims[o].kind][j];
      if (v == v) second = std::max(second, v - a.claims[o].shadow_price);
    }
    const float margin = std::isfinite(second) ? static_cast<float>(own - second)
                                               : std::numeric_limits<float>::infinity();
    res.margin.values[i] = margin;
    res.contested_cells += margin < def.contested;
  }
  res.objective = a.objective;
  res.feasible = a.feasible;

  // Per claim: the area, and where it could go at all.
  for (std::size_t c = 0; c < def.claims.size(); ++c) {
    const ClaimDef& cd = def.claims[c];
    const ClaimResult& cr = a.claims[c];
    ClaimReport rep;
    rep.id = in.claims[c].id;
    rep.kind = cd.kind;
    rep.region = claim_region[c];
    rep.min_ha = cd.min_ha;
    rep.max_ha = cd.max_ha;
    rep.ha = static_cast<double>(cr.cells) * res.cell_ha;
    rep.shortfall_ha = static_cast<double>(cr.shortfall) * res.cell_ha;
    rep.shadow_price = cr.shadow_price;
    rep.suitability = cr.total_suitability;
    rep.min_homes = cd.min_homes;
    rep.max_homes = cd.max_homes;
    if (cd.density > 0) rep.homes = rep.ha * cd.density;
    const int k = in.claims[c].kind;
    double counts[5] = {0, 0, 0, 0, 0};
    for (std::size_t j = 0; j < n; ++j)
      if (claim_zone[c] < 0 || region_of[j] == claim_zone[c]) counts[reason[k][j]] += 1;
    rep.region_ha = (counts[0] + counts[1] + counts[2] + counts[3] + counts[4]) * res.cell_ha;
    rep.eligible_ha = counts[Ok] * res.cell_ha;
    rep.verboden_ha = counts[Verboden] * res.cell_ha;
    rep.nee_tenzij_ha = counts[NeeTenzij] * res.cell_ha;
    rep.conversion_ha = counts[ConversionTable] * res.cell_ha;
    rep.variant_ha = counts[VariantRule] * res.cell_ha;
    if (cr.shortfall > 0) {
      std::string blocked;
      auto add = [&](double ha, const char* what) {
        if (ha > 0) blocked += fmt::format("{}{} ha {}", blocked.empty() ? "" : ", ", nl(ha), what);
      };
      add(rep.verboden_ha, "verboden");
      add(rep.nee_tenzij_ha, "'nee, tenzij' (niet toegestaan in dit scenario)");
      add(rep.conversion_ha, "uitgesloten door de conversietabel");
      add(rep.variant_ha, "ongeschikt in de variant");
      rep.why = fmt::format(
          "{}: minimaal {} ha nodig, {} ha toegewezen, {} ha tekort. Van de {} ha in {} is {} ha "
          "geschikt{}{}{}",
          rep.id, nl(rep.min_ha, 1), nl(rep.ha, 1), nl(rep.shortfall_ha, 1), nl(rep.region_ha),
          rep.region, nl(rep.eligible_ha), blocked.empty() ? "" : " (", blocked,
          blocked.empty() ? "" : ")");
      if (rep.eligible_ha >= rep.min_ha)
        rep.why += "; de geschikte grond is nodig voor andere claims in hetzelfde gebied";
      res.warnings.push_back(rep.why);
    }
    res.claims.push_back(rep);
  }
  res.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  return res;
}

// ------------------------------------------------------------------------------ tables

namespace {

// The allocation's hectares per kind (remapped to `kinds` when given) and its contested hectares,
// per zone of each zones layer.
struct RemapContext {
  const std::vector<int>* remap;
};
int remapped_kind(float a, const void* context) {
  const auto* c = static_cast<const RemapContext*>(context);
  if (!(a >= 1)) return -1;
  const auto i = static_cast<std::size_t>(a) - 1;
  return c->remap->empty() ? static_cast<int>(i) : i < c->remap->size() ? (*c->remap)[i] : -1;
}

std::vector<ZoneKindArea> areas_of(const Store& store, const Raster& allocation,
                                   const Raster* margin, double contested, std::size_t kinds,
                                   const std::vector<int>& remap,
                                   const std::vector<std::string>& zone_layers) {
  std::vector<ZoneKindArea> out;
  RemapContext ctx{&remap};
  Raster contested_cells;
  if (margin) {
    contested_cells = Raster(allocation.grid, kNoData);
    for (std::size_t i = 0; i < allocation.values.size(); ++i)
      if (allocation.values[i] >= 1) contested_cells.values[i] = margin->values[i] < contested;
  }
  for (const auto& zl : zone_layers) {
    const auto& zones = store.zones(zl);
    const Raster z = store.read(zl);
    const auto ha =
        zone_class_hectares(allocation, z, zones, static_cast<int>(kinds), remapped_kind, &ctx);
    const auto disputed =
        margin ? zone_class_hectares(contested_cells, z, zones, 2) : decltype(ha){};
    for (const auto& rec : zones) {
      const auto zi = static_cast<std::size_t>(rec.zone);
      out.push_back({zl, rec.code, rec.name, ha[zi], margin ? disputed[zi][1] : 0.0});
    }
  }
  return out;
}

std::string csv_text(const std::string& s) {
  if (s.find_first_of(",\"\n") == std::string::npos) return s;
  std::string q = "\"";
  for (char c : s) q += c == '"' ? std::string("\"\"") : std::string(1, c);
  return q + "\"";
}

}  // namespace

std::string zones_csv(const std::vector<std::string>& kinds, const std::vector<ZoneKindArea>& z) {
  std::string o = "zones,code,name";
  for (const auto& k : kinds) o += ",ha_" + k;
  o += ",ha_betwist\n";
  for (const auto& row : z) {
    o += fmt::format("{},{},{}", row.zone_layer, csv_text(row.code), csv_text(row.name));
    for (double h : row.ha) o += fmt::format(",{:.2f}", h);
    o += fmt::format(",{:.2f}\n", row.contested_ha);
  }
  return o;
}

std::string claims_csv(const ScenarioResult& r) {
  std::string o =
      "claim,kind,region,min_ha,max_ha,ha,shortfall_ha,shadow_price,suitability,homes,region_ha,"
      "eligible_ha,verboden_ha,nee_tenzij_ha,conversion_ha,variant_ha\n";
  for (const auto& c : r.claims)
    o += fmt::format(
        "{},{},{},{:.2f},{:.2f},{:.2f},{:.2f},{:.6g},{:.6g},{},{:.2f},{:.2f},{:.2f},{:.2f},{:.2f},{"
        ":.2f}\n",
        csv_text(c.id), c.kind, csv_text(c.region), c.min_ha, c.max_ha, c.ha, c.shortfall_ha,
        c.shadow_price, c.suitability,
        c.homes >= 0 ? fmt::format("{:.0f}", c.homes) : std::string(), c.region_ha, c.eligible_ha,
        c.verboden_ha, c.nee_tenzij_ha, c.conversion_ha, c.variant_ha);
  return o;
}

std::vector<ZoneKindArea> kind_areas(const Store& store, const ScenarioResult& r,
                                     const std::vector<std::string>& zone_layers) {
  return areas_of(store, r.allocation, &r.margin, r.contested, r.kinds.size(), {}, zone_layers);
}

std::string format_scenario(const ScenarioResult& r, const std::vector<ZoneKindArea>& zones,
                            const std::string& format) {
  if (format == "csv") return claims_csv(r) + "\n" + zones_csv(r.kinds, zones);
  if (format == "json") {
    nlohmann::json j = {{"scenario", r.id},         {"name", r.name},
                        {"period", r.period},       {"variants", r.variants},
                        {"kinds", r.kinds},         {"feasible", r.feasible},
                        {"objective", r.objective}, {"contested_cells", r.contested_cells},
                        {"seconds", r.seconds}};
    for (const auto& c : r.claims) {
      nlohmann::json jc = {{"claim", c.id},
                           {"kind", c.kind},
                           {"region", c.region},
                           {"min_ha", c.min_ha},
                           {"max_ha", c.max_ha},
                           {"ha", c.ha},
                           {"shortfall_ha", c.shortfall_ha},
                           {"shadow_price", c.shadow_price},
                           {"eligible_ha", c.eligible_ha},
                           {"region_ha", c.region_ha},
                           {"verboden_ha", c.verboden_ha},
                           {"nee_tenzij_ha", c.nee_tenzij_ha},
                           {"conversion_ha", c.conversion_ha},
                           {"variant_ha", c.variant_ha}};
      if (c.homes >= 0) jc["homes"] = c.homes;
      if (!c.why.empty()) jc["why"] = c.why;
      j["claims"].push_back(jc);
    }
    for (const auto& z : zones)
      j["zones"].push_back({{"zones", z.zone_layer},
                            {"code", z.code},
                            {"name", z.name},
                            {"ha", z.ha},
                            {"contested_ha", z.contested_ha}});
    return j.dump(2) + "\n";
  }
  std::string o =
      fmt::format("Scenario: {}{}\n", r.name, r.period.empty() ? "" : " (" + r.period + ")");
  for (const auto& v : r.variants) o += fmt::format("Variant: {}\n", v);
  o += fmt::format(
      "\nClaims ({} per cel; schaduwprijs = wat de laatste hectare de claim kost aan "
      "geschiktheid)\n",
      nl(r.cell_ha, 4) + " ha");
  o += fmt::format("  {:<36} {:>9} {:>9} {:>11} {:>9} {:>13}  {}\n", "claim", "min ha", "max ha",
                   "toegewezen", "woningen", "schaduwprijs", "");
  for (const auto& c : r.claims)
    o += fmt::format("  {:<36} {:>9} {:>9} {:>11} {:>9} {:>13}  {}\n", c.id.substr(0, 36),
                     nl(c.min_ha, 1), nl(c.max_ha, 1), nl(c.ha, 1), c.homes >= 0 ? nl(c.homes) : "",
                     nl(c.shadow_price, 3), c.shortfall_ha > 0 ? "NIET GEHAALD" : "");
  if (!r.feasible) {
    o += "\nNiet gehaalde claims:\n";
    for (const auto& c : r.claims)
      if (!c.why.empty()) o += "  " + c.why + "\n";
  }
  std::string current;
  for (const auto& z : zones) {
    if (z.zone_layer != current) {
      current = z.zone_layer;
      o += fmt::format("\nToegewezen hectares per zone van '{}'\n  {:<28}", current, "naam");
      for (const auto& k : r.kinds) o += fmt::format(" {:>14}", k.substr(0, 14));
      o += fmt::format(" {:>10}\n", "betwist");
    }
    o += fmt::format("  {:<28}", z.name.substr(0, 28));
    for (double h : z.ha) o += fmt::format(" {:>14}", nl(h, 1));
    o += fmt::format(" {:>10}\n", nl(z.contested_ha, 1));
  }
  o += fmt::format(
      "\n{} cellen ({} ha) zijn betwist: daar scheelde de tweede keus minder dan {} in "
      "geschiktheid.\n",
      nl(static_cast<double>(r.contested_cells)),
      nl(static_cast<double>(r.contested_cells) * r.cell_ha), nl(r.contested, 2));
  return o;
}

std::string allocation_json(const Store& store, const ScenarioResult& r) {
  nlohmann::json j = {{"scenario", r.id},
                      {"name", r.name},
                      {"period", r.period},
                      {"store", fs::absolute(store.path()).string()},
                      {"kinds", r.kinds},
                      {"kind_titles", r.kind_titles},
                      {"kind_colours", r.kind_colours},
                      {"variants", r.variants},
                      {"cell_ha", r.cell_ha},
                      {"contested", r.contested}};
  return j.dump(2) + "\n";
}

LayerRecord allocation_record(const ScenarioResult& r) {
  LayerRecord rec;
  rec.id = "toewijzing_" + r.id;
  for (auto& c : rec.id)
    if (c == '-') c = '_';
  rec.title = "Opgavenkaart: " + r.name;
  rec.group = r.group;
  rec.unit = "";
  rec.derivation = "allocate";
  rec.description = fmt::format("Toewijzing van de claims van {} ({}).", r.name, r.period);
  LayerDescription& d = rec.describe;
  d.role = role::kAllocation;
  d.params = {{"scenario", r.id}};
  d.style.kind = LayerStyle::Kind::Classes;
  d.style.classes.push_back({0, "geen claim (huidig gebruik)", ""});
  for (std::size_t k = 0; k < r.kinds.size(); ++k)
    d.style.classes.push_back({static_cast<double>(k + 1), r.kind_titles[k], r.kind_colours[k]});
  return rec;
}

Raster contested_raster(const Store& store, const ScenarioResult& r) {
  Raster contested(store.grid(), kNoData);
  for (std::size_t i = 0; i < contested.values.size(); ++i)
    if (r.allocation.values[i] >= 1)
      contested.values[i] = r.margin.values[i] < r.contested ? 2.0f : 1.0f;
  return contested;
}

LayerRecord contested_record(const ScenarioResult& r) {
  LayerRecord rec = allocation_record(r);
  rec.id = "betwist_" + rec.id.substr(std::string("toewijzing_").size());
  rec.title = "Betwiste grond: " + r.name;
  rec.description =
      fmt::format("Toegewezen cellen waar de tweede keus minder dan {} in geschiktheid scheelde.",
                  nl(r.contested, 2));
  rec.describe.role = role::kMeasure;
  rec.describe.style.classes = {{2, "betwist", "#d7191c"}, {1, "duidelijke keus", "#a6bddb"}};
  return rec;
}

// ------------------------------------------------------------------------------ compare

fs::path allocation_store(const fs::path& dir) {
  std::ifstream f(dir / "allocatie.json");
  if (!f)
    fail("{}: no allocatie.json: give a folder written by 'casco allocate -o DIR'", dir.string());
  nlohmann::json j;
  try {
    f >> j;
    return j.at("store").get<std::string>();
  } catch (const std::exception& e) {
    fail("{}: allocatie.json is not readable: {}", dir.string(), e.what());
  }
}

Comparison compare(const Store& store, const fs::path& a, const fs::path& b,
                   const std::vector<std::string>& zone_layers) {
  struct Side {
    std::string name;
    std::vector<std::string> kinds;
    Raster alloc;
  };
  auto load = [&](const fs::path& dir) {
    Side s;
    std::ifstream f(dir / "allocatie.json");
    if (!f)
      fail("{}: no allocatie.json: give a folder written by 'casco allocate -o DIR'", dir.string());
    nlohmann::json j;
    try {
      f >> j;
      s.name = j.at("name").get<std::string>();
      s.kinds = j.at("kinds").get<std::vector<std::string>>();
    } catch (const std::exception& e) {
      fail("{}: allocatie.json is not readable: {}", dir.string(), e.what());
    }
    SourceDef src;
    src.path = dir / "allocatie.tif";
    if (!fs::exists(src.path)) fail("{}: allocatie.tif is missing", dir.string());
    s.alloc = resample_raster(src, "nearest", 1, store.grid());
    return s;
  };
  Side A = load(a), B = load(b);
  Comparison c;
  c.a_name = A.name;
  c.b_name = B.name;
  c.kinds = A.kinds;
  for (const auto& k : B.kinds)
    if (std::find(c.kinds.begin(), c.kinds.end(), k) == c.kinds.end()) c.kinds.push_back(k);
  auto remap = [&](const Side& s) {
    std::vector<int> m;
    for (const auto& k : s.kinds)
      m.push_back(static_cast<int>(std::find(c.kinds.begin(), c.kinds.end(), k) - c.kinds.begin()));
    return m;
  };
  std::vector<int> ma = remap(A), mb = remap(B);
  const Grid& g = store.grid();
  c.change = Raster(g, kNoData);
  std::size_t changed = 0;
  for (std::size_t i = 0; i < g.size(); ++i) {
    float va = A.alloc.values[i], vb = B.alloc.values[i];
    if (std::isnan(va) && std::isnan(vb)) continue;
    int ka = va >= 1 ? ma[static_cast<std::size_t>(va) - 1] : -1;
    int kb = vb >= 1 ? mb[static_cast<std::size_t>(vb) - 1] : -1;
    float v = ka == kb ? 0.0f : kb < 0 ? 1.0f : ka < 0 ? 2.0f : 3.0f;
    c.change.values[i] = v;
    changed += v != 0;
  }
  c.changed_ha = static_cast<double>(changed) * g.cell_area_ha();
  c.a = areas_of(store, A.alloc, nullptr, 0, c.kinds.size(), ma, zone_layers);
  c.b = areas_of(store, B.alloc, nullptr, 0, c.kinds.size(), mb, zone_layers);
  return c;
}

std::string format_comparison(const Comparison& c, const std::string& format) {
  if (format == "csv") {
    std::string o = "zones,code,name,kind,ha_a,ha_b,difference_ha\n";
    for (std::size_t z = 0; z < c.a.size(); ++z)
      for (std::size_t k = 0; k < c.kinds.size(); ++k)
        o += fmt::format("{},{},{},{},{:.2f},{:.2f},{:.2f}\n", c.a[z].zone_layer,
                         csv_text(c.a[z].code), csv_text(c.a[z].name), c.kinds[k], c.a[z].ha[k],
                         c.b[z].ha[k], c.b[z].ha[k] - c.a[z].ha[k]);
    return o;
  }
  if (format == "json") {
    nlohmann::json j = {
        {"a", c.a_name}, {"b", c.b_name}, {"kinds", c.kinds}, {"changed_ha", c.changed_ha}};
    for (std::size_t z = 0; z < c.a.size(); ++z)
      j["zones"].push_back({{"zones", c.a[z].zone_layer},
                            {"code", c.a[z].code},
                            {"name", c.a[z].name},
                            {"ha_a", c.a[z].ha},
                            {"ha_b", c.b[z].ha}});
    return j.dump(2) + "\n";
  }
  std::string o = fmt::format("A: {}\nB: {}\n{} ha krijgt in B een andere bestemming dan in A.\n",
                              c.a_name, c.b_name, nl(c.changed_ha, 1));
  std::string current;
  for (std::size_t z = 0; z < c.a.size(); ++z) {
    if (c.a[z].zone_layer != current) {
      current = c.a[z].zone_layer;
      o += fmt::format("\nHectares per zone van '{}' (A → B)\n  {:<26}", current, "naam");
      for (const auto& k : c.kinds) o += fmt::format(" {:>22}", k.substr(0, 22));
      o += "\n";
    }
    o += fmt::format("  {:<26}", c.a[z].name.substr(0, 26));
    for (std::size_t k = 0; k < c.kinds.size(); ++k) {
      double d = c.b[z].ha[k] - c.a[z].ha[k];
      o += fmt::format(" {:>22}", fmt::format("{} → {} ({}{})", nl(c.a[z].ha[k]), nl(c.b[z].ha[k]),
                                              d > 0 ? "+" : "", nl(d)));
    }
    o += "\n";
  }
  return o;
}

LayerRecord change_record(const Comparison& c) {
  LayerRecord rec;
  rec.id = "verschil";
  rec.title = fmt::format("Verschil: A = {} → B = {}", c.a_name, c.b_name);
  rec.group = "opgaven";
  rec.derivation = "compare";
  rec.description = "Waar de twee opgavenkaarten verschillen.";
  LayerDescription& d = rec.describe;
  d.role = role::kMeasure;
  d.style.kind = LayerStyle::Kind::Classes;
  d.style.classes = {{0, "gelijk", ""},
                     {1, "alleen in A (" + c.a_name + ")", "#2c7bb6"},
                     {2, "alleen in B (" + c.b_name + ")", "#d7191c"},
                     {3, "in A en B een andere soort", "#fdae61"}};
  return rec;
}

}  // namespace casco::scenario
