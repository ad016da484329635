// The province model: casco build, info, export and stats (src/model, docs/model.md).
#include <cstdio>
#include <filesystem>
#include <iostream>

#include "commands.hpp"
#include "core/error.hpp"
#include "core/files.hpp"
#include "model/build.hpp"
#include "model/definition.hpp"
#include "model/stats.hpp"
#include "model/store.hpp"
#include "present/qgis_project.hpp"
#include "render/quicklook.hpp"

namespace casco::cli {
namespace fs = std::filesystem;

namespace {

fs::path default_store(const fs::path& model) {
  return fs::path("out") / (model.parent_path().filename().string().empty()
                                ? std::string("model")
                                : model.parent_path().filename().string() + ".gpkg");
}

// The options of the model subcommands; casco runs one subcommand, so they share one set.
struct ModelOptions {
  fs::path model, store, out;
  std::optional<double> cell;
  bool force = false, qgis = false;
  std::string layer, borders, by, format = "text";
};
using OptionsPtr = std::shared_ptr<ModelOptions>;

// Adds --format (text, csv or json) to a subcommand that prints a table.
void add_format_option(CLI::App* cmd, std::string& format) {
  cmd->add_option("--format", format, "text, csv or json")
      ->check(CLI::IsMember({"text", "csv", "json"}));
}

// casco build: builds or updates the store, then prints what was rebuilt and how long it took.
int run_build(const ModelOptions& o) {
  ModelDef def = load_model_definition(o.model);
  fs::path store = o.store.empty() ? default_store(o.model) : o.store;
  check_writable_folder(store.parent_path(), "the store's folder");
  check_writable_file(store, "the model store");
  BuildReport r = build_model(def, BuildOptions{store, o.cell, o.force});
  if (r.rebuilt() == 0) {
    std::printf(
        "%s is up to date: no layer definition or source changed (use --force to rebuild)\n",
        r.store.c_str());
    return 0;
  }
  std::printf("built %s: %d x %d cells of %g m, %zu layer(s), %zu rebuilt, in %.1f s\n",
              r.store.c_str(), r.grid.cols, r.grid.rows, r.grid.cell, r.layers.size(), r.rebuilt(),
              r.seconds);
  for (const auto& l : r.layers)
    std::printf("  %-28s %-20s %6.2f s\n", l.id.c_str(), l.reason.c_str(), l.seconds);
  return 0;
}

// Registers casco build MODEL [-o STORE] [--cell-size M] [--force].
void add_build_command(CLI::App& app, Commands& commands, const OptionsPtr& o) {
  auto* build =
      app.add_subcommand("build", "Build (or update) the model store from a model definition");
  build->add_option("MODEL", o->model, "Model definition (model.toml)")->required();
  build->add_option("-o,--output", o->store,
                    "Store to write (default: out/<folder of MODEL>.gpkg)");
  build->add_option("--cell-size", o->cell,
                    "Override the cell size in metres (e.g. 100 for a quick build)");
  build->add_flag("--force", o->force, "Rebuild every layer, even unchanged ones");
  commands.push_back({build, [o] { return run_build(*o); }});
}

// Registers casco info STORE [--format F]: the store's layers with their statistics.
void add_info_command(CLI::App& app, Commands& commands, const OptionsPtr& o) {
  auto* info_cmd = app.add_subcommand("info", "List the layers of a store with their statistics");
  info_cmd->add_option("STORE", o->store, "Model store (.gpkg)")->required();
  add_format_option(info_cmd, o->format);
  commands.push_back({info_cmd, [o] {
                        Store s = Store::open(o->store);
                        std::cout << format_info(s, parse_table_format(o->format));
                        return 0;
                      }});
}

// casco check: reads every layer, prints the damaged ones and a summary; 1 when any is damaged.
int run_check(const ModelOptions& o) {
  Store s = Store::open(o.store);
  std::size_t damaged = 0, unchecked = 0;
  const auto checks = check_store(s);
  for (const auto& c : checks) {
    if (!c.ok) {
      ++damaged;
      std::printf("BESCHADIGD %s: %s\n", c.id.c_str(), c.problem.c_str());
    } else if (c.unchecked) {
      ++unchecked;
    }
  }
  std::printf(
      "%zu layers read, %zu damaged%s\n", checks.size(), damaged,
      unchecked ? fmt::format(", {} without a checksum (written before checksums; rebuild to add)",
                              unchecked)
                      .c_str()
                : "");
  return damaged ? 1 : 0;
}

// Registers casco check STORE.
void add_check_command(CLI::App& app, Commands& commands, const OptionsPtr& o) {
  auto* check_cmd = app.add_subcommand(
      "check", "Read every layer of a store and check it against the checksum written with it");
  check_cmd->add_option("STORE", o->store, "Model store (.gpkg)")->required();
  commands.push_back({check_cmd, [o] { return run_check(*o); }});
}

// casco export --qgis [OUT.qgz] (or LAYER named *.qgz): writes the store as a QGIS project.
int export_qgis_project(const Store& s, const ModelOptions& o) {
  fs::path qgz = o.qgis && !o.layer.empty() ? fs::path(o.layer)
                 : o.qgis                   ? fs::path()
                                            : fs::path(o.layer);
  auto e = present::write_qgis_project(s, qgz);
  std::printf("wrote %s (%zu layers in %zu groups)\n", e.path.c_str(), e.layers, e.groups);
  return 0;
}

// Writes the layer as GeoTIFF, credited to the layer's source and the model.
void export_geotiff(const Store& s, const ModelOptions& o) {
  Raster r = s.read(o.layer);
  AtomicOutput out(o.out);
  const std::string& credit = s.layer(o.layer).attribution;
  const std::string& own = s.manifest().credit;
  write_geotiff(r, out.temp_path(), credit.empty() ? own : fmt::format("{} · {}", credit, own));
  out.commit();
}

// casco export: a QGIS project, or one layer as GeoTIFF or PNG map (told by OUT's extension).
int run_export(const ModelOptions& o) {
  Store s = Store::open(o.store);
  if (o.qgis || fs::path(o.layer).extension() == ".qgz") return export_qgis_project(s, o);
  if (o.layer.empty() || o.out.empty())
    fail("casco export STORE LAYER OUT.tif|OUT.png, or casco export STORE --qgis [OUT.qgz]");
  s.layer(o.layer);
  std::string ext = o.out.extension().string();
  for (auto& c : ext) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  if (ext == ".tif" || ext == ".tiff") {
    export_geotiff(s, o);
  } else if (ext == ".png") {
    QuicklookOptions q;
    q.borders = o.borders;
    write_quicklook(s, o.layer, o.out, q);
  } else {
    fail("cannot tell the format of '{}': use a .tif (GeoTIFF) or .png (map) file name",
         o.out.string());
  }
  std::printf("wrote %s\n", o.out.c_str());
  return 0;
}

// Registers casco export STORE [LAYER] [OUT] [--qgis] [--borders ZONES].
void add_export_command(CLI::App& app, Commands& commands, const OptionsPtr& o) {
  auto* exp = app.add_subcommand(
      "export", "Write a layer as GeoTIFF or a quick-look PNG map, or the store as a QGIS project");
  exp->add_option("STORE", o->store, "Model store (.gpkg)")->required();
  exp->add_option("LAYER", o->layer, "Layer id (see casco info), or a project file (.qgz)");
  exp->add_option("OUT", o->out, "Output file: .tif/.tiff (GeoTIFF) or .png (map)");
  exp->add_flag("--qgis", o->qgis,
                "Write a QGIS project (.qgz) beside the store: every layer grouped and styled as "
                "in the viewer");
  exp->add_option("--borders", o->borders,
                  "Zones layer whose borders the PNG shows (default: the model's)");
  commands.push_back({exp, [o] { return run_export(*o); }});
}

// Registers casco stats STORE LAYER --by ZONES [--format F]: a layer's statistics per zone.
void add_stats_command(CLI::App& app, Commands& commands, const OptionsPtr& o) {
  auto* stats =
      app.add_subcommand("stats", "Zonal statistics of a layer per zone (gemeente, wijk, regio)");
  stats->add_option("STORE", o->store, "Model store (.gpkg)")->required();
  stats->add_option("LAYER", o->layer, "Layer id")->required();
  stats->add_option("--by", o->by, "Zones layer (e.g. gemeenten, wijken, regios)")->required();
  add_format_option(stats, o->format);
  commands.push_back({stats, [o] {
                        Store s = Store::open(o->store);
                        const LayerRecord& L = s.layer(o->layer);
                        auto rows = study_area_stats(s, o->layer, o->by);
                        std::cout << format_zonal(L, o->by, rows, parse_table_format(o->format));
                        return 0;
                      }});
}

}  // namespace

void add_model_commands(CLI::App& app, Commands& commands) {
  auto o = std::make_shared<ModelOptions>();
  add_build_command(app, commands, o);
  add_info_command(app, commands, o);
  add_check_command(app, commands, o);
  add_export_command(app, commands, o);
  add_stats_command(app, commands, o);
}

}  // namespace casco::cli
