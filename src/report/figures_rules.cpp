// Suitability figures: per kind of development the hectares per verdict in each area, the rules
// that decide those verdicts (so the text names the rules and parties that really apply), and the
// rules that wait for data.
#include <tbb/blocked_range.h>
#include <tbb/parallel_for.h>

#include <algorithm>
#include <cmath>

#include "report/figures_context.hpp"

namespace casco::report {
namespace {

// Per cell, 1 + the index of the rule that decides its verdict (the strictest verdict rule that
// holds; of equally strict ones the first), or 0 where none holds. The verdict then is that
// rule's: the same as rules::suitability.
Raster deciding_rules(const rules::CompiledRules& compiled, const std::vector<Raster>& layers,
                      const Grid& grid) {
  Raster decide(grid, Raster::Uninitialized{});
  tbb::parallel_for(tbb::blocked_range<std::size_t>(0, grid.size(), 1 << 15), [&](const auto& rg) {
    const std::size_t off = rg.begin(), len = rg.size();
    std::vector<const float*> ptrs(layers.size());
    for (std::size_t i = 0; i < layers.size(); ++i) ptrs[i] = layers[i].values.data() + off;
    float* out = decide.values.data() + off;
    std::vector<float> verdict(len, 0.0f), hit(len);
    std::fill(out, out + len, 0.0f);
    for (std::size_t r = 0; r < compiled.rules().size(); ++r) {
      const rules::Rule& rule = *compiled.rules()[r];
      if (rule.is_score) continue;
      compiled.condition(r).evaluate(ptrs.data(), len, hit.data());
      const auto v = static_cast<float>(rule.verdict);
      for (std::size_t k = 0; k < len; ++k)
        if (hit[k] != 0.0f && hit[k] == hit[k] && v > verdict[k])
          verdict[k] = v, out[k] = static_cast<float>(r + 1);
    }
  });
  return decide;
}

std::vector<WaitingRule> waiting_rules(const rules::RuleSet& set, const std::string& kind,
                                       const Store& store) {
  std::vector<WaitingRule> out;
  for (const rules::Rule& r : set.rules) {
    if (!r.waiting() || !r.applies_to(kind)) continue;
    WaitingRule w{r.id, r.title, r.is_score, r.verdict, r.needs, {}};
    for (const auto& n : r.needs)
      if (!store.find(n)) w.missing.push_back(n);
    out.push_back(std::move(w));
  }
  return out;
}

KindFigures kind_figures(const Context& c, const rules::RuleSet& set, const std::string& kind) {
  const Store& s = c.store();
  std::vector<std::string> ids;
  for (const auto& L : s.manifest().layers) ids.push_back(L.id);
  const rules::CompiledRules compiled(set, kind, ids);
  const rules::Kind& kd = set.kind(kind);
  KindFigures f;
  f.kind = kind, f.title = kd.title, f.description = kd.description;
  f.waiting = waiting_rules(set, kind, s);
  f.map = "geschiktheid-" + kind;
  Raster decide;
  {
    const std::vector<Raster> layers = s.read_all(compiled.layers());
    decide = deciding_rules(compiled, layers, c.grid());
  }
  const int n = static_cast<int>(compiled.rules().size());
  const auto ha = c.class_hectares(decide, n);
  f.verdict_ha.assign(c.size(), {0, 0, 0, 0, 0});
  for (std::size_t k = 0; k < c.size(); ++k) f.verdict_ha[k][0] = ha[k][0];
  for (int r = 0; r < n; ++r) {
    const rules::Rule& rule = *compiled.rules()[std::size_t(r)];
    DecidingRule d{rule.id, rule.title, rule.party, rule.verdict, {}};
    for (std::size_t k = 0; k < c.size(); ++k) {
      d.hectares.push_back(ha[k][std::size_t(r) + 1]);
      f.verdict_ha[k][static_cast<std::size_t>(rule.verdict)] += ha[k][std::size_t(r) + 1];
    }
    if (d.hectares[0] > 0) f.rules.push_back(std::move(d));
  }
  std::stable_sort(f.rules.begin(), f.rules.end(), [](const auto& a, const auto& b) {
    return a.verdict != b.verdict ? a.verdict > b.verdict : a.hectares[0] > b.hectares[0];
  });
  if (c.drawing()) {
    for (float& v : decide.values)
      v = v > 0 ? static_cast<float>(compiled.rules()[std::size_t(v) - 1]->verdict) : 0.0f;
    c.draw(f.map, rules::verdict_record(set, kind), decide);
  }
  return f;
}

}  // namespace

std::optional<SuitabilityFigures> suitability_figures(const Context& c) {
  const rules::RuleSet* set = c.inputs().rules;
  if (!set) return std::nullopt;
  SuitabilityFigures f;
  f.name = set->name, f.version = set->version, f.file = set->file.filename().string();
  f.rules = set->rules.size();
  f.enabled = static_cast<std::size_t>(std::count_if(
      set->rules.begin(), set->rules.end(), [](const rules::Rule& r) { return r.enabled; }));
  std::vector<std::string> kinds = c.inputs().kinds;
  if (kinds.empty()) kinds = c.config().kinds;
  if (kinds.empty())
    for (const auto& k : set->kinds) kinds.push_back(k.id);
  for (const auto& kind : kinds) f.kinds.push_back(kind_figures(c, *set, kind));
  return f;
}

}  // namespace casco::report
