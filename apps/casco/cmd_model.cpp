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

}  // namespace

void add_model_commands(CLI::App& app, Commands& commands) {
  struct Options {
    fs::path model, store, out;
    std::optional<double> cell;
    bool force = false, qgis = false;
    std::string layer, borders, by, format = "text";
  };
  auto o = std::make_shared<Options>();
  auto format_option = [&](CLI::App* cmd) {
    cmd->add_option("--format", o->format, "text, csv or json")
        ->check(CLI::IsMember({"text", "csv", "json"}));
  };

  auto* build =
      app.add_subcommand("build", "Build (or update) the model store from a model definition");
  build->add_option("MODEL", o->model, "Model definition (model.toml)")->required();
  build->add_option("-o,--output", o->store,
                    "Store to write (default: out/<folder of MODEL>.gpkg)");
  build->add_option("--cell-size", o->cell,
                    "Override the cell size in metres (e.g. 100 for a quick build)");
  build->add_flag("--force", o->force, "Rebuild every layer, even unchanged ones");
  commands.push_back({build, [o] {
                        ModelDef def = load_model_definition(o->model);
                        fs::path store = o->store.empty() ? default_store(o->model) : o->store;
                        check_writable_folder(store.parent_path(), "the store's folder");
                        check_writable_file(store, "the model store");
                        BuildReport r = build_model(def, BuildOptions{store, o->cell, o->force});
                        if (r.rebuilt() == 0) {
                          std::printf(
                              "%s is up to date: no layer definition or source changed (use "
                              "--force to rebuild)\n",
                              r.store.c_str());
                          return 0;
                        }
                        std::printf(
                            "built %s: %d x %d cells of %g m, %zu layer(s), %zu rebuilt, in %.1f "
                            "s\n",
                            r.store.c_str(), r.grid.cols, r.grid.rows, r.grid.cell, r.layers.size(),
                            r.rebuilt(), r.seconds);
                        for (const auto& l : r.layers)
                          std::printf("  %-28s %-20s %6.2f s\n", l.id.c_str(), l.reason.c_str(),
                                      l.seconds);
                        return 0;
                      }});

  auto* info_cmd = app.add_subcommand("info", "List the layers of a store with their statistics");
  info_cmd->add_option("STORE", o->store, "Model store (.gpkg)")->required();
  format_option(info_cmd);
  commands.push_back({info_cmd, [o] {
                        Store s = Store::open(o->store);
                        std::cout << format_info(s, parse_table_format(o->format));
                        return 0;
                      }});

  auto* check_cmd = app.add_subcommand(
      "check", "Read every layer of a store and check it against the checksum written with it");
  check_cmd->add_option("STORE", o->store, "Model store (.gpkg)")->required();
  commands.push_back({check_cmd, [o] {
                        Store s = Store::open(o->store);
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
                        std::printf("%zu layers read, %zu damaged%s\n", checks.size(), damaged,
                                    unchecked ? fmt::format(", {} without a checksum (written "
                                                            "before checksums; rebuild to add)",
                                                            unchecked)
                                                    .c_str()
                                              : "");
                        return damaged ? 1 : 0;
                      }});

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
  commands.push_back({exp, [o] {
                        Store s = Store::open(o->store);
                        if (o->qgis || fs::path(o->layer).extension() == ".qgz") {
                          fs::path qgz = o->qgis && !o->layer.empty() ? fs::path(o->layer)
                                         : o->qgis                    ? fs::path()
                                                                      : fs::path(o->layer);
                          auto e = present::write_qgis_project(s, qgz);
                          std::printf("wrote %s (%zu layers in %zu groups)\n", e.path.c_str(),
                                      e.layers, e.groups);
                          return 0;
                        }
                        if (o->layer.empty() || o->out.empty())
                          fail(
                              "casco export STORE LAYER OUT.tif|OUT.png, or casco export STORE "
                              "--qgis [OUT.qgz]");
                        s.layer(o->layer);
                        std::string ext = o->out.extension().string();
                        for (auto& c : ext)
                          c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
                        if (ext == ".tif" || ext == ".tiff") {
                          Raster r = s.read(o->layer);
                          AtomicOutput out(o->out);
                          const std::string& credit = s.layer(o->layer).attribution;
                          const std::string& own = s.manifest().credit;
                          write_geotiff(r, out.temp_path(),
                                        credit.empty() ? own : fmt::format("{} · {}", credit, own));
                          out.commit();
                        } else if (ext == ".png") {
                          QuicklookOptions q;
                          q.borders = o->borders;
                          write_quicklook(s, o->layer, o->out, q);
                        } else {
                          fail(
                              "cannot tell the format of '{}': use a .tif (GeoTIFF) or .png (map) "
                              "file name",
                              o->out.string());
                        }
                        std::printf("wrote %s\n", o->out.c_str());
                        return 0;
                      }});

  auto* stats =
      app.add_subcommand("stats", "Zonal statistics of a layer per zone (gemeente, wijk, regio)");
  stats->add_option("STORE", o->store, "Model store (.gpkg)")->required();
  stats->add_option("LAYER", o->layer, "Layer id")->required();
  stats->add_option("--by", o->by, "Zones layer (e.g. gemeenten, wijken, regios)")->required();
  format_option(stats);
  commands.push_back({stats, [o] {
                        Store s = Store::open(o->store);
                        const LayerRecord& L = s.layer(o->layer);
                        auto rows = study_area_stats(s, o->layer, o->by);
                        std::cout << format_zonal(L, o->by, rows, parse_table_format(o->format));
                        return 0;
                      }});
}

}  // namespace casco::cli
