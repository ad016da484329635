// casco water grondwater | hydrologie | stresstest: water en bodem (src/water, src/waterview,
// docs/water.md).
#include <algorithm>
#include <iostream>

#include "commands.hpp"
#include "core/error.hpp"
#include "core/files.hpp"
#include "scenario/scenario.hpp"
#include "waterview/jobs.hpp"

namespace casco::cli {
namespace fs = std::filesystem;

namespace {
// Before the work: the output folder, and the store unless --no-store.
void check_outputs(const waterview::JobOptions& job) {
  check_writable_folder(job.out, "the output folder");
  if (!job.no_store) check_writable_file(job.store, "the model store");
}
}  // namespace

void add_water(CLI::App& app, Commands& commands) {
  struct Options {
    waterview::JobOptions job;
    fs::path scenario;
    std::string variant;
  };
  auto o = std::make_shared<Options>();
  auto* water = app.add_subcommand(
      "water",
      "Water en bodem: groundwater from wells, hydrology on an elevation model, the "
      "climate stress test");
  water->require_subcommand(1);
  auto common = [&](CLI::App* cmd) {
    cmd->add_option("STORE", o->job.store, "Model store (.gpkg)")->required();
    cmd->add_option("WATER", o->job.config, "Water configuration (water.toml)")->required();
    cmd->add_option("-o,--out", o->job.out, "Folder for maps and tables (default out/water)");
    cmd->add_flag("--no-store", o->job.no_store, "Do not add the layers to the store");
  };
  auto* gw = water->add_subcommand(
      "grondwater", "Wells: GHG, GLG, trend per filter; maps where wells are dense enough");
  common(gw);
  gw->add_option("--wells", o->job.wells,
                 "Well data (table, DINO CSV, BRO GLD XML, or a folder of DINO/BRO files)");
  gw->add_option("--format", o->job.format, "text or csv")->check(CLI::IsMember({"text", "csv"}));
  commands.push_back({gw, [o] {
                        check_outputs(o->job);
                        waterview::groundwater_job(o->job, std::cout);
                        return 0;
                      }});

  auto* hy = water->add_subcommand(
      "hydrologie", "Elevation model: bluespots, design storm, drainage, HAND, stream valleys");
  common(hy);
  hy->add_option("--dem", o->job.dem, "Elevation model (GeoTIFF; default: [dem] path)");
  commands.push_back({hy, [o] {
                        check_outputs(o->job);
                        waterview::hydrology_job(o->job, std::cout);
                        return 0;
                      }});

  auto* st = water->add_subcommand(
      "stresstest", "Now against a climate variant of a scenario file ([variant.climate])");
  common(st);
  st->add_option("--scenario", o->scenario, "Scenario file with the variant")->required();
  st->add_option("--variant", o->variant, "Variant id")->required();
  st->add_option("--dem", o->job.dem, "Elevation model (default: [dem] path)");
  st->add_option("--wells", o->job.wells, "Well data (default: [groundwater] path)");
  commands.push_back(
      {st, [o] {
         check_outputs(o->job);
         const scenario::ScenarioDef def = scenario::load_scenario(o->scenario);
         auto v = std::find_if(def.variants.begin(), def.variants.end(),
                               [&](const scenario::Variant& x) { return x.id == o->variant; });
         if (v == def.variants.end())
           fail("--variant {}: {} defines no variant '{}'", o->variant, o->scenario.string(),
                o->variant);
         if (v->climate.empty())
           fail(
               "{}: variant '{}' has no [variant.climate] (storm_rain_mm, storm_hours, "
               "ghg_change_m, glg_change_m): nothing to test",
               o->scenario.string(), v->id);
         const water::Climate climate =
             water::climate_from(v->id, v->title, v->knmi, v->climate,
                                 fmt::format("{}, variant '{}'", o->scenario.string(), v->id));
         waterview::stress_job(o->job, climate, std::cout);
         return 0;
       }});
}

}  // namespace casco::cli
