// casco allocate STORE SCENARIO and casco compare A B: the opgavenkaart (scenarios.hpp).
#include <cstdio>
#include <filesystem>
#include <iostream>

#include "commands.hpp"
#include "core/error.hpp"
#include "core/files.hpp"
#include "model/store.hpp"
#include "present/scenario_files.hpp"
#include "present/scenario_text.hpp"
#include "render/quicklook.hpp"
#include "scenario/scenario.hpp"

namespace casco::cli {
namespace fs = std::filesystem;

void add_allocate(CLI::App& app, Commands& commands) {
  struct Options {
    fs::path store, scenario, out;
    std::string variants, by = "gemeenten,regios", format = "text";
    bool no_store = false;
  };
  auto o = std::make_shared<Options>();
  auto* cmd = app.add_subcommand(
      "allocate", "Allocate the land claims of a scenario over the grid (opgavenkaart)");
  cmd->add_option("STORE", o->store, "Model store (.gpkg)")->required();
  cmd->add_option("SCENARIO", o->scenario, "Scenario file (scenario.toml)")->required();
  cmd->add_option(
      "-o,--out", o->out,
      "Output folder (default: out/scenario_<id>): allocatie.tif/.png, betwist.tif/.png, "
      "claims.csv, gebieden.csv, allocatie.json");
  cmd->add_option("--variant", o->variants,
                  "Apply these variants of the scenario file too, comma-separated");
  cmd->add_option("--by", o->by, "Zones layers for the tables (default gemeenten,regios)");
  cmd->add_option("--format", o->format, "text, csv or json")
      ->check(CLI::IsMember({"text", "csv", "json"}));
  cmd->add_flag("--no-store", o->no_store,
                "Do not add the allocation as layer toewijzing_<id> to the store");
  commands.push_back(
      {cmd, [o] {
         Store s = Store::open(o->store);
         scenario::ScenarioDef def = scenario::load_scenario(o->scenario);
         for (const auto& v : split_list(o->variants)) {
           if (std::none_of(def.variants.begin(), def.variants.end(),
                            [&](const scenario::Variant& x) { return x.id == v; }))
             fail("--variant {}: {} defines no variant '{}'", v, o->scenario.string(), v);
           if (std::find(def.active.begin(), def.active.end(), v) == def.active.end())
             def.active.push_back(v);
         }
         const fs::path out = o->out.empty() ? fs::path("out") / ("scenario_" + def.id) : o->out;
         check_writable_folder(out, "the output folder");  // before the work, not after
         if (!o->no_store) check_writable_file(o->store, "the model store");
         scenario::ScenarioResult r = scenario::run_scenario(s, def);
         auto zones = scenario::kind_areas(s, r, split_list(o->by));
         std::cout << present::format_scenario(r, zones, o->format);
         for (const auto& w : r.warnings) warn("{}", w);
         for (const auto& c : r.claims)
           if (c.shortfall_ha > 0) warn("{}", present::shortfall_text(c));
         present::write_scenario(s, r, zones, out);
         info("allocated {} claim(s) in {:.1f} s ({:.1f} s allocating); wrote {}", r.claims.size(),
              r.seconds, r.allocate_seconds, out.string());
         if (!o->no_store) {
           LayerRecord rec = scenario::allocation_record(r);
           std::vector<ZoneRecord> labels;
           for (std::size_t k = 0; k < r.kinds.size(); ++k)
             labels.push_back({static_cast<int>(k + 1), r.kinds[k], r.kind_titles[k]});
           s = Store();  // closed before add_layers rewrites the file
           add_layers(o->store, {{rec, &r.allocation}}, {{rec.id, labels}});
           info("added layer {} to {}", rec.id, o->store.string());
         }
         return 0;  // unmet claims are reported above, the rest is allocated
       }});
}

void add_compare(CLI::App& app, Commands& commands) {
  struct Options {
    fs::path a, b, store, out;
    std::string by = "gemeenten,regios", format = "text";
  };
  auto o = std::make_shared<Options>();
  auto* cmd = app.add_subcommand("compare", "Compare two allocations (folders of casco allocate)");
  cmd->add_option("A", o->a, "First allocation folder")->required();
  cmd->add_option("B", o->b, "Second allocation folder")->required();
  cmd->add_option("--store", o->store, "Model store (default: the one A was made on)");
  cmd->add_option("-o,--out", o->out, "Change map to write (.png; default: B/verschil.png)");
  cmd->add_option("--by", o->by, "Zones layers for the table (default gemeenten,regios)");
  cmd->add_option("--format", o->format, "text, csv or json")
      ->check(CLI::IsMember({"text", "csv", "json"}));
  commands.push_back({cmd, [o] {
                        fs::path store_path =
                            o->store.empty() ? scenario::allocation_store(o->a) : o->store;
                        Store s = Store::open(store_path);
                        auto c = scenario::compare(s, o->a, o->b, split_list(o->by));
                        std::cout << present::format_comparison(c, o->format);
                        fs::path png = o->out.empty() ? o->b / "verschil.png" : o->out;
                        QuicklookOptions with_areas;
                        with_areas.class_areas = true;
                        with_areas.note = present::change_note(c);
                        write_map(s, c.change, scenario::change_record(c), png, with_areas);
                        info("wrote the change map {}", png.string());
                        return 0;
                      }});
}

}  // namespace casco::cli
