// casco — planning-support engine for the province of Drenthe. A thin command line over the
// libraries in src/: every subcommand parses its options, calls one library function and prints.
#include <gdal_priv.h>

#include <CLI/CLI.hpp>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>

#include "access/access.hpp"
#include "access/kernen.hpp"
#include "casco/version.hpp"
#include "commands.hpp"
#include "core/error.hpp"
#include "core/files.hpp"
#include "core/progress.hpp"
#include "model/build.hpp"
#include "model/definition.hpp"
#include "model/stats.hpp"
#include "model/store.hpp"
#include "render/quicklook.hpp"
#include "rules/assess.hpp"
#include "rules/rules.hpp"

namespace fs = std::filesystem;
using namespace casco;

namespace {

// GDAL prints its own warnings to stderr; route them through casco's so they are labelled once.
void gdal_error_handler(CPLErr level, CPLErrorNum, const char* msg) {
  if (level == CE_Warning) warn("GDAL: {}", msg);
  // Errors are reported by the code that called GDAL (with file and layer names).
}

fs::path default_store(const fs::path& model) {
  return fs::path("out") / (model.parent_path().filename().string().empty()
                                ? std::string("model")
                                : model.parent_path().filename().string() + ".gpkg");
}

int run_build(const fs::path& model_file, fs::path store, std::optional<double> cell, bool force) {
  ModelDef def = load_model_definition(model_file);
  if (store.empty()) store = default_store(model_file);
  BuildOptions opt{store, cell, force};
  BuildReport r = build_model(def, opt);
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

}  // namespace

int main(int argc, char** argv) {
  GDALAllRegister();
  CPLSetErrorHandler(gdal_error_handler);
  install_interrupt_handler();

  CLI::App app{
      "casco — ruimtelijk casco: planning support for Drenthe.\n"
      "Builds the province model (aligned grid layers in RD New) from open data and answers\n"
      "questions about it. Run 'casco SUBCOMMAND --help' for details.",
      "casco"};
  app.set_version_flag("-V,--version", std::string("casco ") + kVersion);
  app.require_subcommand(1);
  bool quiet = false, no_progress = false;
  auto common_flags = [&](CLI::App* cmd) {
    cmd->add_flag("-q,--quiet", quiet, "Print no progress or informational messages");
    cmd->add_flag("--no-progress", no_progress, "Never draw a progress bar");
  };

  // build
  auto* build =
      app.add_subcommand("build", "Build (or update) the model store from a model definition");
  fs::path model_file, store_out;
  std::optional<double> cell;
  bool force = false;
  build->add_option("MODEL", model_file, "Model definition (model.toml)")->required();
  build->add_option("-o,--output", store_out,
                    "Store to write (default: out/<folder of MODEL>.gpkg)");
  build->add_option("--cell-size", cell,
                    "Override the cell size in metres (e.g. 100 for a quick build)");
  build->add_flag("--force", force, "Rebuild every layer, even unchanged ones");

  // info
  auto* info_cmd = app.add_subcommand("info", "List the layers of a store with their statistics");
  fs::path store_path;
  std::string format = "text";
  info_cmd->add_option("STORE", store_path, "Model store (.gpkg)")->required();
  info_cmd->add_option("--format", format, "text, csv or json")
      ->check(CLI::IsMember({"text", "csv", "json"}));

  // export
  auto* exp = app.add_subcommand("export", "Write a layer as GeoTIFF, or a quick-look PNG map");
  std::string layer_id;
  fs::path out_file;
  std::string borders;
  exp->add_option("STORE", store_path, "Model store (.gpkg)")->required();
  exp->add_option("LAYER", layer_id, "Layer id (see casco info)")->required();
  exp->add_option("OUT", out_file, "Output file: .tif/.tiff (GeoTIFF) or .png (map)")->required();
  exp->add_option("--borders", borders,
                  "Zones layer whose borders the PNG shows (default: the model's)");

  // stats
  auto* stats =
      app.add_subcommand("stats", "Zonal statistics of a layer per zone (gemeente, wijk, regio)");
  std::string by;
  stats->add_option("STORE", store_path, "Model store (.gpkg)")->required();
  stats->add_option("LAYER", layer_id, "Layer id")->required();
  stats->add_option("--by", by, "Zones layer (e.g. gemeenten, wijken, regios)")->required();
  stats->add_option("--format", format, "text, csv or json")
      ->check(CLI::IsMember({"text", "csv", "json"}));

  // assess
  auto* assess_cmd =
      app.add_subcommand("assess", "Judge plans against the afwegingskader, rule by rule");
  fs::path rules_file, plans_file, parts_file;
  std::string kind;
  assess_cmd->add_option("STORE", store_path, "Model store (.gpkg)")->required();
  assess_cmd->add_option("RULES", rules_file, "Rule file (rules.toml)")->required();
  assess_cmd
      ->add_option("PLANS", plans_file, "Plan polygons (GeoJSON, GeoPackage, ...); one or many")
      ->required();
  assess_cmd->add_option(
      "-k,--kind", kind,
      "Kind of development (e.g. woningbouw); plans may carry a 'kind' attribute");
  assess_cmd->add_option("--format", format, "text, json or markdown")
      ->check(CLI::IsMember({"text", "json", "markdown"}));
  assess_cmd->add_option("--parts", parts_file,
                         "Write the part of each plan that each rule hits (.geojson or .gpkg)");

  // suitability
  auto* suit = app.add_subcommand(
      "suitability", "Map where a kind of development fits: verdict class and score per cell");
  fs::path out_prefix;
  std::string zones_by = "gemeenten,regios";
  suit->add_option("STORE", store_path, "Model store (.gpkg)")->required();
  suit->add_option("RULES", rules_file, "Rule file (rules.toml)")->required();
  suit->add_option("-k,--kind", kind, "Kind of development (e.g. zonnepark)")->required();
  suit->add_option("-o,--out", out_prefix,
                   "Output prefix (default: out/geschiktheid_KIND): writes .tif, _score.tif, .png");
  suit->add_option(
      "--by", zones_by,
      "Zones layers for the hectare table, comma-separated (default gemeenten,regios)");
  suit->add_option("--format", format, "table format: text, csv or json")
      ->check(CLI::IsMember({"text", "csv", "json"}));

  // access
  auto* acc = app.add_subcommand(
      "access", "Travel times to facilities per mode, accessibility norms, what-if closures");
  fs::path access_file, maps_dir;
  std::string without;
  bool no_store = false;
  acc->add_option("STORE", store_path, "Model store (.gpkg)")->required();
  acc->add_option("ACCESS", access_file, "Accessibility definition (access.toml)")->required();
  acc->add_option("--without", without,
                  "What-if: facility ids to close, comma-separated (e.g. a school or a bus stop)");
  acc->add_option("--maps", maps_dir,
                  "Write PNG maps of the norms (and of a what-if) into this folder");
  acc->add_flag("--no-store", no_store, "Do not add the travel-time layers to the store");
  fs::path origins_dir;
  acc->add_option("--origins", origins_dir,
                  "Write the times of every [[origins]] set (e.g. PC4 centres) as <set>.csv into "
                  "this folder");
  acc->add_option("--format", format, "text, csv or json")
      ->check(CLI::IsMember({"text", "csv", "json"}));

  // kernen
  auto* kern = app.add_subcommand(
      "kernen", "Classify places into the settlement hierarchy (stad, kerndorp, dorp, ...)");
  fs::path kernen_file, places_out;
  kern->add_option("STORE", store_path, "Model store (.gpkg)")->required();
  kern->add_option("KERNEN", kernen_file, "Hierarchy definition (kernen.toml)")->required();
  kern->add_option("-o,--out", places_out, "Also write the classified places (.geojson or .gpkg)");
  kern->add_option("--format", format, "text, csv or json")
      ->check(CLI::IsMember({"text", "csv", "json"}));

  for (CLI::App* cmd : {build, info_cmd, exp, stats, assess_cmd, suit, acc, kern})
    common_flags(cmd);
  // Subcommands in their own files (apps/casco/cmd_*.cpp).
  cli::Commands commands;
  for (auto add : {&cli::add_allocate, &cli::add_compare, &cli::add_serve, &cli::add_report})
    add(app, commands);
  for (const auto& c : commands) common_flags(c.app);

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e);
  }
  set_quiet(quiet);
  if (quiet || no_progress) Progress::set_enabled(false);

  try {
    if (*build) return run_build(model_file, store_out, cell, force);
    if (*info_cmd) {
      Store s = Store::open(store_path);
      std::cout << format_info(s, parse_table_format(format));
      return 0;
    }
    if (*exp) {
      Store s = Store::open(store_path);
      s.layer(layer_id);
      std::string ext = out_file.extension().string();
      for (auto& c : ext) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      if (ext == ".tif" || ext == ".tiff") {
        Raster r = s.read(layer_id);
        AtomicOutput out(out_file);
        write_geotiff(r, out.temp_path());
        out.commit();
      } else if (ext == ".png") {
        QuicklookOptions o;
        o.borders = borders;
        write_quicklook(s, layer_id, out_file, o);
      } else {
        fail("cannot tell the format of '{}': use a .tif (GeoTIFF) or .png (map) file name",
             out_file.string());
      }
      std::printf("wrote %s\n", out_file.c_str());
      return 0;
    }
    if (*stats) {
      Store s = Store::open(store_path);
      const LayerRecord& L = s.layer(layer_id);
      const auto& zones = s.zones(by);
      auto rows = zonal_stats(s.read(layer_id), s.read(by), zones);
      std::cout << format_zonal(L, by, rows, parse_table_format(format));
      return 0;
    }
    if (*assess_cmd) {
      Store s = Store::open(store_path);
      rules::RuleSet set = rules::load_rules(rules_file);
      if (!kind.empty()) set.kind(kind);
      auto plans = rules::read_plans(plans_file, s, kind);
      std::vector<std::string> layer_ids;
      for (const auto& L : s.manifest().layers) layer_ids.push_back(L.id);
      std::map<std::string, rules::CompiledRules> compiled;  // one per kind in the file
      std::vector<rules::Assessment> results;
      for (const auto& p : plans) {
        auto it = compiled.find(p.kind);
        if (it == compiled.end())
          it = compiled.emplace(p.kind, rules::CompiledRules(set, p.kind, layer_ids)).first;
        results.push_back(rules::assess(s, it->second, p, !parts_file.empty()));
      }
      std::cout << rules::format_assessments(results, set, rules::parse_report_format(format));
      if (!parts_file.empty()) {
        rules::write_parts(results, s, parts_file);
        info("wrote the parts each rule hits to {}", parts_file.string());
      }
      return 0;
    }
    if (*suit) {
      Store s = Store::open(store_path);
      rules::RuleSet set = rules::load_rules(rules_file);
      std::vector<std::string> layer_ids;
      for (const auto& L : s.manifest().layers) layer_ids.push_back(L.id);
      rules::CompiledRules compiled(set, kind, layer_ids);
      for (const auto& n : compiled.notes()) warn("{}", n);
      rules::Suitability result = rules::suitability(s, compiled);
      if (result.contradictory_cells)
        warn(
            "{} cell(s) are verboden for {} yet get a positive score from another rule "
            "(contradictory rules)",
            result.contradictory_cells, kind);
      if (out_prefix.empty()) out_prefix = fs::path("out") / ("geschiktheid_" + kind);
      auto with_suffix = [&](const std::string& suffix) {
        return fs::path(out_prefix.string() + suffix);
      };
      for (auto& [raster, suffix] :
           {std::pair<const Raster*, std::string>{&result.verdict, "_verdict.tif"},
            {&result.score, "_score.tif"}}) {
        AtomicOutput out(with_suffix(suffix));
        write_geotiff(*raster, out.temp_path());
        out.commit();
      }
      std::vector<std::string> zone_layers;
      for (std::size_t a = 0, b; a < zones_by.size(); a = b + 1) {
        b = zones_by.find(',', a);
        if (b == std::string::npos) b = zones_by.size();
        if (b > a) zone_layers.push_back(zones_by.substr(a, b - a));
      }
      auto rows = rules::class_areas(s, result.verdict, zone_layers);
      std::cout << rules::format_class_areas(rows, kind, format);
      {
        AtomicOutput csv(with_suffix("_hectares.csv"));
        std::ofstream(csv.temp_path()) << rules::format_class_areas(rows, kind, "csv");
        csv.commit();
      }
      // Maps: the class per cell with its hectares (over the first zones layer), and the score.
      const auto& kd = set.kind(kind);
      MapSpec classes;
      classes.title = fmt::format("Waar past {}? Oordeel van het afwegingskader per cel", kd.title);
      classes.subtitle = fmt::format("{} · {}", set.name, set.version);
      static const unsigned colours[5] = {0x1a9641, 0xa6d96a, 0xfdae61, 0xf46d43, 0xd7191c};
      for (int k = 4; k >= 0; --k) {
        double ha = 0;
        for (const auto& r : rows)
          if (r.zone_layer == zone_layers.front()) ha += r.ha[k];
        classes.classes.push_back({static_cast<float>(k),
                                   rules::dutch_label(static_cast<rules::Verdict>(k)), colours[k],
                                   ha});
      }
      write_map(s, result.verdict, classes, with_suffix("_verdict.png"));
      MapSpec score;
      score.title = fmt::format("Geschiktheid voor {}: som van de scoreregels", kd.title);
      score.unit = "score";
      score.diverging = true;
      write_map(s, result.score, score, with_suffix("_score.png"));
      info(
          "wrote {0}_verdict.tif/.png (0 vrij, 1 voorwaarde, 2 afstemming, 3 nee_tenzij, 4 "
          "verboden), "
          "{0}_score.tif/.png and {0}_hectares.csv",
          out_prefix.string());
      std::size_t waiting = 0;
      for (const auto& r : set.rules) waiting += !r.enabled && r.applies_to(kind);
      if (waiting)
        info("{} rule(s) for {} not checked: the model lacks their layer (see 'needs' in {})",
             waiting, kind, rules_file.string());
      return 0;
    }
    if (*acc) {
      Store s = Store::open(store_path);
      access::AccessConfig cfg = access::load_access_config(access_file);
      s.layer(cfg.population);
      for (const auto& z : cfg.zones) s.zones(z);
      auto facilities = access::load_facilities(cfg, s);
      auto origins = access::load_origins(cfg, s);
      access::AccessResult before = access::compute_access(cfg, s, facilities, {}, origins);
      auto norms = access::evaluate_norms(cfg, s, before, origins);
      if (!origins_dir.empty()) {
        fs::create_directories(origins_dir);
        for (std::size_t set = 0; set < origins.size(); ++set) {
          AtomicOutput csv(origins_dir / (cfg.origins[set].id + ".csv"));
          std::ofstream(csv.temp_path()) << access::format_origins(cfg, before, set, origins[set]);
          csv.commit();
          info("wrote the times of {} origins of '{}' to {}", origins[set].size(),
               cfg.origins[set].id, (origins_dir / (cfg.origins[set].id + ".csv")).string());
        }
      }
      auto norm_map = [&](const access::NormTable& n, const Raster& r, const std::string& title,
                          const std::vector<MapClass>& classes, const fs::path& png) {
        MapSpec spec;
        spec.title = title;
        spec.subtitle = before.estimate ? "schatting hemelsbreed (geen wegennet)" : before.method;
        spec.classes = classes;
        (void)n;
        write_map(s, r, spec, png);
      };
      if (without.empty()) {
        std::cout << access::format_access(cfg, s, before, norms, format);
        if (!maps_dir.empty())
          for (const auto& n : norms)
            norm_map(n, n.meets, n.norm->title,
                     {{1, "haalt de norm", 0x1a9641, -1}, {0, "onder de norm", 0xd7191c, -1}},
                     maps_dir / ("norm_" + n.norm->id + ".png"));
        if (!no_store) {
          std::vector<std::pair<LayerRecord, const Raster*>> layers;
          for (const auto& L : before.layers) {
            LayerRecord rec;
            rec.id = access::layer_id(L.kind, L.mode);
            std::string mode_title = cfg.mode_title(L.mode);
            rec.title = fmt::format("Reistijd naar {} ({}){}", L.kind, mode_title,
                                    before.estimate ? ", schatting hemelsbreed" : "");
            rec.group = "sociaal-economisch";
            rec.unit = "minuten";
            rec.derivation = "access";
            rec.description = before.method;
            rec.source = access_file.string();
            layers.push_back({rec, &L.minutes});
          }
          for (const auto& n : norms) {
            LayerRecord rec;
            rec.id = "norm_" + n.norm->id;
            rec.title = n.norm->title + " (1 = haalt de norm)";
            rec.group = "sociaal-economisch";
            rec.unit = "0/1";
            rec.derivation = "access";
            rec.description = before.method;
            rec.source = access_file.string();
            layers.push_back({rec, &n.meets});
          }
          add_layers(store_path, layers);
          info("added {} layer(s) to {} (tijd_<voorziening>_<wijze> in minutes, norm_<id>)",
               layers.size(), store_path.string());
        }
        return 0;
      }
      std::vector<std::string> closed;
      for (std::size_t a = 0, b; a < without.size(); a = b + 1) {
        b = without.find(',', a);
        if (b == std::string::npos) b = without.size();
        if (b > a) closed.push_back(without.substr(a, b - a));
      }
      // Each id closes a facility (any kind, e.g. a school or a bus stop) or cuts a GTFS line.
      std::vector<std::string> routes = access::transit_routes(cfg, s), cut_routes;
      std::vector<access::Facility> remaining;
      for (const auto& f : facilities)
        if (std::find(closed.begin(), closed.end(), f.id) == closed.end()) remaining.push_back(f);
      for (const auto& id : closed) {
        bool facility = std::any_of(facilities.begin(), facilities.end(),
                                    [&](const access::Facility& f) { return f.id == id; });
        bool route = std::find(routes.begin(), routes.end(), id) != routes.end();
        if (route) cut_routes.push_back(id);
        if (!facility && !route)
          fail(
              "--without: '{}' is neither a facility id (the id_field of a [[facility]] in {}) nor "
              "a route_id of the "
              "GTFS feed",
              id, access_file.string());
      }
      access::AccessResult after = access::compute_access(cfg, s, remaining, cut_routes, origins);
      auto norms_after = access::evaluate_norms(cfg, s, after, origins);
      std::cout << access::format_what_if(cfg, norms, norms_after, closed, format);
      if (!maps_dir.empty())
        for (std::size_t i = 0; i < norms.size(); ++i) {
          Raster change(s.grid(), kNoData);
          for (std::size_t k = 0; k < change.values.size(); ++k) {
            float b = norms[i].meets.values[k], a = norms_after[i].meets.values[k];
            if (!std::isnan(b) && !std::isnan(a))
              change.values[k] = b == 1 && a == 0 ? 2.0f : a == 1 ? 1.0f : 0.0f;
          }
          norm_map(norms[i], change, norms[i].norm->title + " — wat als " + without + " sluit?",
                   {{2, "nieuw onder de norm", 0xd7191c, -1},
                    {1, "haalt de norm nog", 0x1a9641, -1},
                    {0, "was al onder de norm", 0xfdae61, -1}},
                   maps_dir / ("wat_als_" + norms[i].norm->id + ".png"));
        }
      return 0;
    }
    for (const auto& c : commands)
      if (*c.app) return c.run();
    if (*kern) {
      Store s = Store::open(store_path);
      access::KernenConfig cfg = access::load_kernen_config(kernen_file);
      auto places = access::classify_places(cfg, s);
      std::cout << access::format_kernen(cfg, places, format);
      if (!places_out.empty()) {
        access::write_places(places, s, places_out);
        info("wrote {} places to {}", places.size(), places_out.string());
      }
      return 0;
    }
  } catch (const Error& e) {
    std::fprintf(stderr, "casco: error: %s\n", e.what());
    return 1;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "casco: internal error: %s\n", e.what());
    return 3;
  }
  return 0;
}
