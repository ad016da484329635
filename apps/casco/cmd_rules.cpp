// The afwegingskader: casco assess and casco suitability (src/rules, docs/rules.md).
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>

#include "commands.hpp"
#include "core/error.hpp"
#include "core/files.hpp"
#include "model/store.hpp"
#include "present/assessment_text.hpp"
#include "render/quicklook.hpp"
#include "rules/assess.hpp"
#include "rules/rules.hpp"

namespace casco::cli {
namespace fs = std::filesystem;

namespace {

std::vector<std::string> layer_ids(const Store& s) {
  std::vector<std::string> ids;
  for (const auto& L : s.manifest().layers) ids.push_back(L.id);
  return ids;
}

struct SuitabilityOptions {
  fs::path store, rules, out_prefix;
  std::string kind, zones_by = "gemeenten,regios", format = "text";
  bool no_store = false;
};

int run_suitability(const SuitabilityOptions& o) {
  Store s = Store::open(o.store);
  if (!o.no_store) check_writable_file(o.store, "the model store");
  rules::RuleSet set = rules::load_rules(o.rules, layer_ids(s));
  rules::CompiledRules compiled(set, o.kind, layer_ids(s));
  for (const auto& n : set.switches) info("{}", n);
  for (const auto& n : compiled.notes()) warn("{}", n);
  rules::Suitability result = rules::suitability(s, compiled);
  if (result.contradictory_cells)
    warn(
        "{} cell(s) are verboden for {} yet get a positive score from another rule "
        "(contradictory rules)",
        result.contradictory_cells, o.kind);
  fs::path prefix =
      o.out_prefix.empty() ? fs::path("out") / ("geschiktheid_" + o.kind) : o.out_prefix;
  auto with_suffix = [&](const std::string& suffix) { return fs::path(prefix.string() + suffix); };
  for (auto& [raster, suffix] :
       {std::pair<const Raster*, std::string>{&result.verdict, "_verdict.tif"},
        {&result.score, "_score.tif"}}) {
    AtomicOutput out(with_suffix(suffix));
    write_geotiff(*raster, out.temp_path());
    out.commit();
  }
  std::vector<std::string> zone_layers = split_list(o.zones_by);
  auto rows = rules::class_areas(s, result.verdict, zone_layers);
  std::cout << rules::format_class_areas(rows, o.kind, o.format);
  {
    AtomicOutput csv(with_suffix("_hectares.csv"));
    std::ofstream(csv.temp_path()) << rules::format_class_areas(rows, o.kind, "csv");
    csv.commit();
  }
  // Maps: the class per cell with its hectares, and the score; the same layers in the store.
  const LayerRecord verdict = rules::verdict_record(set, o.kind),
                    score = rules::score_record(set, o.kind);
  QuicklookOptions with_areas;
  with_areas.class_areas = true;
  with_areas.subtitle = fmt::format("{} · {}", set.name, set.version);
  write_map(s, result.verdict, verdict, with_suffix("_verdict.png"), with_areas);
  write_map(s, result.score, score, with_suffix("_score.png"));
  if (!o.no_store) {
    add_layers(o.store, {{verdict, &result.verdict}, {score, &result.score}});
    info("added {} and {} to {}", verdict.id, score.id, o.store.string());
  }
  info(
      "wrote {0}_verdict.tif/.png (0 vrij, 1 voorwaarde, 2 afstemming, 3 nee_tenzij, 4 "
      "verboden), {0}_score.tif/.png and {0}_hectares.csv",
      prefix.string());
  std::size_t waiting = 0;
  for (const auto& r : set.rules) waiting += r.waiting() && r.applies_to(o.kind);
  if (waiting)
    info("{} rule(s) for {} not checked: the model lacks their layer (see 'needs' in {})", waiting,
         o.kind, o.rules.string());
  return 0;
}

}  // namespace

void add_rules_commands(CLI::App& app, Commands& commands) {
  struct AssessOptions {
    fs::path store, rules, plans, parts;
    std::string kind, format = "text";
  };
  auto a = std::make_shared<AssessOptions>();
  auto* assess_cmd =
      app.add_subcommand("assess", "Judge plans against the afwegingskader, rule by rule");
  assess_cmd->add_option("STORE", a->store, "Model store (.gpkg)")->required();
  assess_cmd->add_option("RULES", a->rules, "Rule file (rules.toml)")->required();
  assess_cmd->add_option("PLANS", a->plans, "Plan polygons (GeoJSON, GeoPackage, ...); one or many")
      ->required();
  assess_cmd->add_option(
      "-k,--kind", a->kind,
      "Kind of development (e.g. woningbouw); plans may carry a 'kind' attribute");
  assess_cmd->add_option("--format", a->format, "text, json or markdown")
      ->check(CLI::IsMember({"text", "json", "markdown"}));
  assess_cmd->add_option("--parts", a->parts,
                         "Write the part of each plan that each rule hits (.geojson or .gpkg)");
  commands.push_back(
      {assess_cmd, [a] {
         Store s = Store::open(a->store);
         const auto ids = layer_ids(s);
         rules::RuleSet set = rules::load_rules(a->rules, ids);
         for (const auto& n : set.switches) info("{}", n);
         if (!a->kind.empty()) set.kind(a->kind);
         auto plans = rules::read_plans(a->plans, s, a->kind);
         std::map<std::string, rules::CompiledRules> compiled;  // one per kind
         std::vector<rules::Assessment> results;
         for (const auto& p : plans) {
           auto it = compiled.find(p.kind);
           if (it == compiled.end())
             it = compiled.emplace(p.kind, rules::CompiledRules(set, p.kind, ids)).first;
           results.push_back(rules::assess(s, it->second, p, !a->parts.empty()));
         }
         std::cout << present::format_assessments(results, set,
                                                  present::parse_report_format(a->format));
         if (!a->parts.empty()) {
           rules::write_parts(results, s, a->parts);
           info("wrote the parts each rule hits to {}", a->parts.string());
         }
         return 0;
       }});

  auto su = std::make_shared<SuitabilityOptions>();
  auto* suit = app.add_subcommand(
      "suitability", "Map where a kind of development fits: verdict class and score per cell");
  suit->add_option("STORE", su->store, "Model store (.gpkg)")->required();
  suit->add_option("RULES", su->rules, "Rule file (rules.toml)")->required();
  suit->add_option("-k,--kind", su->kind, "Kind of development (e.g. zonnepark)")->required();
  suit->add_option("-o,--out", su->out_prefix,
                   "Output prefix (default: out/geschiktheid_KIND): writes .tif, _score.tif, .png");
  suit->add_option(
      "--by", su->zones_by,
      "Zones layers for the hectare table, comma-separated (default gemeenten,regios)");
  suit->add_flag("--no-store", su->no_store,
                 "Do not add geschiktheid_<kind> and geschiktheid_<kind>_score to the store");
  suit->add_option("--format", su->format, "table format: text, csv or json")
      ->check(CLI::IsMember({"text", "csv", "json"}));
  commands.push_back({suit, [su] { return run_suitability(*su); }});
}

}  // namespace casco::cli
