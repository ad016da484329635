// Running a scenario: the claims' suitability per kind, the allocation, and back onto the grid.
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

std::string lower(std::string s) {
  for (auto& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
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

// ------------------------------------------------------------------------------ run

namespace {

// Why a cell cannot take a kind of development.
enum Reason : std::uint8_t { Ok, Verboden, NeeTenzij, ConversionTable, VariantRule, kReasons };

// Every kind a claim names must be a kind of the rules.
void check_kinds(const ScenarioDef& def, const rules::RuleSet& set) {
  for (const auto& c : def.claims)
    if (std::none_of(set.kinds.begin(), set.kinds.end(),
                     [&](const rules::Kind& k) { return k.id == c.kind; })) {
      std::string kinds;
      for (const auto& k : set.kinds) kinds += (kinds.empty() ? "" : ", ") + k.id;
      fail("{}:{}: unknown kind '{}' (kinds of {}: {})", def.file.string(), c.line, c.kind,
           def.rules_file.string(), kinds);
    }
  for (const auto& k : def.allow_nee_tenzij) set.kind(k);  // throws listing the kinds
}

// The zone of every claim (-1: the whole area) and the name the tables show.
struct ClaimRegions {
  std::vector<int> zone;
  std::vector<std::string> name;
};

ClaimRegions claim_regions(const Store& store, const ScenarioDef& def) {
  const std::string& file = def.file.string();
  if (!store.find(def.regions))
    fail("{}: regions = \"{}\" is not a layer of {}", file, def.regions, store.path().string());
  const auto& zones = store.zones(def.regions);
  ClaimRegions out;
  for (const auto& c : def.claims) {
    if (c.region.empty()) {
      out.zone.push_back(-1);
      out.name.push_back("heel het gebied");
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
    out.zone.push_back(it->zone);
    out.name.push_back(it->name);
  }
  return out;
}

// A change with if_layers applies only when the store has all of them.
bool present(const Store& store, const std::vector<std::string>& ids) {
  return std::all_of(ids.begin(), ids.end(), [&](const std::string& id) { return store.find(id); });
}

// The scenario's expressions compiled against the model, and every layer they and the rules read.
struct Compiled {
  std::vector<std::string> model_layers;
  std::vector<rules::CompiledRules> kinds;  // per kind of def.kinds
  std::vector<const Variant*> variants;     // the active ones, in order
  std::vector<std::pair<std::size_t, condition::Expression>> preferences;  // kind index, value
  std::vector<condition::Expression> conversions;
  std::vector<std::string> needed;
};

void check_variant_layers(const Store& store, const ScenarioDef& def, const Variant& v) {
  for (const auto& c : v.layers)
    if (!store.find(c.layer) && present(store, c.if_layers))
      fail("{}: variant '{}' changes layer '{}', which {} does not have", def.file.string(), v.id,
           c.layer, store.path().string());
}

Compiled compile_scenario(const Store& store, const ScenarioDef& def, const rules::RuleSet& set) {
  Compiled out;
  for (const auto& L : store.manifest().layers) out.model_layers.push_back(L.id);
  for (const auto& k : def.kinds) out.kinds.emplace_back(set, k, out.model_layers);
  for (const auto& id : def.active)
    for (const auto& v : def.variants)
      if (v.id == id) out.variants.push_back(&v);
  std::set<std::string> needed{def.regions};
  auto need = [&](const std::string& text, const condition::TextOrigin& o) {
    condition::Expression e = compile(text, o, out.model_layers);
    for (const auto& n : e.layers()) needed.insert(n);
    return e;
  };
  for (const auto& c : out.kinds) needed.insert(c.layers().begin(), c.layers().end());
  for (const auto& p : def.preferences) {
    set.kind(p.kind);
    auto k = std::find(def.kinds.begin(), def.kinds.end(), p.kind);
    if (k == def.kinds.end()) continue;  // a kind without claims here
    out.preferences.emplace_back(static_cast<std::size_t>(k - def.kinds.begin()),
                                 need(p.value, p.origin));
  }
  for (const auto& c : def.conversions) {
    out.conversions.push_back(need(c.when, c.origin));
    for (const auto& k : c.to) set.kind(k);
  }
  // Every variant, applied or not, is checked: a typo shows at once.
  for (const Variant& v : def.variants) check_variant_layers(store, def, v);
  for (const Variant* v : out.variants) {
    for (const auto& c : v->layers) {
      if (!present(store, c.if_layers)) continue;
      needed.insert(c.layer);
      need(c.value, c.origin);
    }
    for (const auto& c : v->unsuitable) {
      for (const auto& k : c.kinds) set.kind(k);
      if (present(store, c.if_layers)) need(c.when, c.origin);
    }
  }
  out.needed.assign(needed.begin(), needed.end());
  return out;
}

void warn_skipped(ScenarioResult& res, const Variant& v, const std::vector<std::string>& ids) {
  res.warnings.push_back(fmt::format(
      "variant '{}': a change that needs layer(s) {} was skipped: the store does not have them "
      "(casco water stresstest makes the water layers)",
      v.id, fmt::join(ids, ", ")));
}

// The layers as the scenario sees them: read from the store, then changed by the variants in order
// (a later change sees the earlier ones).
struct Layers {
  std::vector<Raster> read;
  std::vector<std::unique_ptr<Raster>> changed;
  std::map<std::string, const Raster*> by_id;
};

void read_layers(const Store& store, const Compiled& cs, Layers& L, ScenarioResult& res) {
  L.read = store.read_all(cs.needed);
  for (std::size_t i = 0; i < cs.needed.size(); ++i) L.by_id[cs.needed[i]] = &L.read[i];
  for (const Variant* v : cs.variants) {
    res.variants.push_back(v->title);
    for (const auto& c : v->layers) {
      if (!present(store, c.if_layers)) {
        warn_skipped(res, *v, c.if_layers);
        continue;
      }
      condition::Expression e = compile(c.value, c.origin, cs.model_layers);
      L.changed.push_back(std::make_unique<Raster>(evaluate(e, L.by_id, store.grid())));
      L.by_id[c.layer] = L.changed.back().get();
    }
  }
}

// The cells that take part (those in a region) and their region.
struct Cells {
  std::vector<std::uint32_t> index;
  std::vector<std::int32_t> region;
};

Cells cells_in_regions(const ScenarioDef& def, const Raster& regions) {
  Cells c;
  for (std::size_t i = 0; i < regions.values.size(); ++i)
    if (regions.values[i] >= 1) {
      c.index.push_back(static_cast<std::uint32_t>(i));
      c.region.push_back(static_cast<std::int32_t>(regions.values[i]));
    }
  if (c.index.empty())
    fail("{}: the regions layer '{}' has no cells", def.file.string(), def.regions);
  return c;
}

// The conversion table and the variants' restrictions as masks over the whole grid.
struct Masks {
  std::vector<Raster> conversion;  // per conversion: where its condition holds
  struct Blocked {
    const Restriction* r;
    Raster hit;
  };
  std::vector<Blocked> restrictions;
};

Masks masks(const Store& store, const Compiled& cs, const Layers& L, ScenarioResult& res) {
  Masks m;
  for (const auto& e : cs.conversions) m.conversion.push_back(evaluate(e, L.by_id, store.grid()));
  for (const Variant* v : cs.variants)
    for (const auto& c : v->unsuitable) {
      if (!present(store, c.if_layers)) {
        warn_skipped(res, *v, c.if_layers);
        continue;
      }
      condition::Expression e = compile(c.when, c.origin, cs.model_layers);
      m.restrictions.push_back({&c, evaluate(e, L.by_id, store.grid())});
    }
  return m;
}

// One kind over the cells that take part: its suitability (NaN where it may not go) and why not.
struct Judged {
  std::vector<float> suit;
  std::vector<std::uint8_t> reason;
};

Judged judge_kind(const ScenarioDef& def, const Compiled& cs, std::size_t k, const Layers& L,
                  const Masks& m, const Cells& cells, const Grid& g) {
  const std::string& kind = def.kinds[k];
  std::vector<const Raster*> in;
  for (const auto& name : cs.kinds[k].layers()) in.push_back(L.by_id.at(name));
  // (Rules that read no layer still count: a constant condition holds everywhere.)
  const rules::Suitability s = rules::evaluate_suitability(cs.kinds[k], in, g);
  const bool nee_ok = std::find(def.allow_nee_tenzij.begin(), def.allow_nee_tenzij.end(), kind) !=
                      def.allow_nee_tenzij.end();
  std::vector<const Raster*> conversion_blocks;  // conversions that do not lead to this kind
  for (std::size_t c = 0; c < def.conversions.size(); ++c)
    if (std::find(def.conversions[c].to.begin(), def.conversions[c].to.end(), kind) ==
        def.conversions[c].to.end())
      conversion_blocks.push_back(&m.conversion[c]);
  std::vector<const Raster*> variant_blocks;
  for (const auto& b : m.restrictions)
    if (std::find(b.r->kinds.begin(), b.r->kinds.end(), kind) != b.r->kinds.end())
      variant_blocks.push_back(&b.hit);
  Raster prefer;
  for (const auto& [pk, e] : cs.preferences)
    if (pk == k) prefer = evaluate(e, L.by_id, g);
  const float* pref = prefer.values.empty() ? nullptr : prefer.values.data();
  const std::size_t n = cells.index.size();
  Judged out{std::vector<float>(n), std::vector<std::uint8_t>(n)};
  tbb::parallel_for(tbb::blocked_range<std::size_t>(0, n, 1 << 14), [&](const auto& range) {
    for (std::size_t j = range.begin(); j != range.end(); ++j) {
      const std::size_t i = cells.index[j];
      const int v = static_cast<int>(s.verdict.values[i]);
      std::uint8_t why = v >= 4 ? Verboden : v == 3 && !nee_ok ? NeeTenzij : Ok;
      for (const Raster* b : conversion_blocks)
        if (why == Ok && holds(b->values[i])) why = ConversionTable;
      for (const Raster* b : variant_blocks)
        if (why == Ok && holds(b->values[i])) why = VariantRule;
      out.reason[j] = why;
      // A preference without data (NaN) adds nothing.
      const float p = pref && pref[i] == pref[i] ? pref[i] : 0.0f;
      out.suit[j] = why == Ok
                        ? static_cast<float>(s.score.values[i] + def.weights[std::min(v, 3)] + p)
                        : std::numeric_limits<float>::quiet_NaN();
    }
  });
  return out;
}

// The allocation problem: claims in whole cells.
AllocationInput allocation_input(const ScenarioDef& def, const ClaimRegions& regions,
                                 const Cells& cells, const std::vector<Judged>& judged,
                                 double cell_ha) {
  AllocationInput in;
  in.cells = cells.index.size();
  for (const auto& s : judged) in.suitability.push_back(s.suit.data());
  in.region_of = cells.region.data();
  for (std::size_t c = 0; c < def.claims.size(); ++c) {
    const ClaimDef& cd = def.claims[c];
    Claim cl;
    cl.id = fmt::format("{}{}{}", cd.kind, cd.region.empty() ? "" : " ", cd.region);
    cl.kind = static_cast<int>(std::find(def.kinds.begin(), def.kinds.end(), cd.kind) -
                               def.kinds.begin());
    cl.region = regions.zone[c];
    cl.min_cells = std::llround(cd.min_ha / cell_ha);
    cl.max_cells = std::llround(cd.max_ha / cell_ha);
    in.claims.push_back(cl);
  }
  return in;
}

// Back onto the grid. A cell is contested when another claim that may go there comes within
// `contested` of its own claim at the shadow prices (the competition between claims; staying as it
// is, value 0, does not count here).
void place_on_grid(const ScenarioDef& def, const AllocationInput& in, const Allocation& a,
                   const Cells& cells, const std::vector<Judged>& judged, const Grid& g,
                   ScenarioResult& res) {
  res.allocation = Raster(g, kNoData);
  res.claim = Raster(g, kNoData);
  res.margin = Raster(g, kNoData);
  const std::size_t nclaims = in.claims.size();
  for (std::size_t j = 0; j < cells.index.size(); ++j) {
    const std::size_t i = cells.index[j];
    const int c = a.claim_of[j];
    res.claim.values[i] = static_cast<float>(c + 1);
    res.allocation.values[i] = c < 0 ? 0.0f : static_cast<float>(in.claims[c].kind + 1);
    if (c < 0) continue;
    const double own = judged[in.claims[c].kind].suit[j] - a.claims[c].shadow_price;
    double second = -std::numeric_limits<double>::infinity();
    for (std::size_t o = 0; o < nclaims; ++o) {
      if (static_cast<int>(o) == c) continue;
      if (in.claims[o].region >= 0 && in.claims[o].region != cells.region[j]) continue;
      const float v = judged[in.claims[o].kind].suit[j];
      if (v == v) second = std::max(second, v - a.claims[o].shadow_price);
    }
    const float margin = std::isfinite(second) ? static_cast<float>(own - second)
                                               : std::numeric_limits<float>::infinity();
    res.margin.values[i] = margin;
    res.contested_cells += margin < def.contested;
  }
}

// Per claim: the area, and where it could go at all.
ClaimReport claim_report(const ScenarioDef& def, std::size_t c, const ClaimRegions& regions,
                         const AllocationInput& in, const Allocation& a, const Cells& cells,
                         const std::vector<Judged>& judged, double cell_ha) {
  const ClaimDef& cd = def.claims[c];
  const ClaimResult& cr = a.claims[c];
  ClaimReport rep;
  rep.id = in.claims[c].id;
  rep.kind = cd.kind;
  rep.region = regions.name[c];
  rep.min_ha = cd.min_ha;
  rep.max_ha = cd.max_ha;
  rep.ha = static_cast<double>(cr.cells) * cell_ha;
  rep.shortfall_ha = static_cast<double>(cr.shortfall) * cell_ha;
  rep.shadow_price = cr.shadow_price;
  rep.suitability = cr.total_suitability;
  rep.min_homes = cd.min_homes;
  rep.max_homes = cd.max_homes;
  if (cd.density > 0) rep.homes = rep.ha * cd.density;
  const auto& reason = judged[in.claims[c].kind].reason;
  double counts[kReasons] = {};
  for (std::size_t j = 0; j < cells.index.size(); ++j)
    if (regions.zone[c] < 0 || cells.region[j] == regions.zone[c]) counts[reason[j]] += 1;
  for (double n : counts) rep.region_ha += n * cell_ha;
  rep.eligible_ha = counts[Ok] * cell_ha;
  rep.verboden_ha = counts[Verboden] * cell_ha;
  rep.nee_tenzij_ha = counts[NeeTenzij] * cell_ha;
  rep.conversion_ha = counts[ConversionTable] * cell_ha;
  rep.variant_ha = counts[VariantRule] * cell_ha;
  return rep;
}

}  // namespace

ScenarioResult run_scenario(const Store& store, const ScenarioDef& def) {
  auto t0 = std::chrono::steady_clock::now();
  const Grid& g = store.grid();
  std::vector<std::string> ids;
  for (const auto& L : store.manifest().layers) ids.push_back(L.id);
  const rules::RuleSet set = rules::load_rules(def.rules_file, ids);
  check_kinds(def, set);
  const ClaimRegions regions = claim_regions(store, def);
  const Compiled cs = compile_scenario(store, def, set);

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

  Progress progress("scenario " + def.id, 3 + def.kinds.size());
  Layers layers;
  read_layers(store, cs, layers, res);
  progress.advance();
  const Cells cells = cells_in_regions(def, *layers.by_id.at(def.regions));
  const Masks m = masks(store, cs, layers, res);
  progress.advance();
  std::vector<Judged> judged;
  for (std::size_t k = 0; k < def.kinds.size(); ++k) {
    check_interrupted();
    judged.push_back(judge_kind(def, cs, k, layers, m, cells, g));
    progress.advance();
  }

  const AllocationInput in = allocation_input(def, regions, cells, judged, res.cell_ha);
  auto ta = std::chrono::steady_clock::now();
  AllocateOptions options;
  options.progress = false;  // one bar: the scenario's
  const Allocation a = allocate(in, options);
  res.allocate_seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - ta).count();
  progress.advance();

  place_on_grid(def, in, a, cells, judged, g, res);
  res.objective = a.objective;
  res.feasible = a.feasible;
  for (std::size_t c = 0; c < def.claims.size(); ++c) {
    res.claims.push_back(claim_report(def, c, regions, in, a, cells, judged, res.cell_ha));
  }
  res.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  return res;
}

}  // namespace casco::scenario
