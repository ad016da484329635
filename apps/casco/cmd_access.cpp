// Bereikbaarheid and kernenstructuur: casco access and casco kernen (src/access, docs/access.md).
#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <iostream>

#include "access/access.hpp"
#include "access/kernen.hpp"
#include "commands.hpp"
#include "core/error.hpp"
#include "core/files.hpp"
#include "model/store.hpp"
#include "present/access_text.hpp"
#include "present/kernen_text.hpp"
#include "render/quicklook.hpp"

namespace casco::cli {
namespace fs = std::filesystem;

namespace {

struct AccessOptions {
  fs::path store, access, maps, origins;
  std::string without, format = "text";
  bool no_store = false;
};

int run_access(const AccessOptions& o) {
  Store s = Store::open(o.store);
  if (!o.no_store) check_writable_file(o.store, "the model store");
  access::AccessConfig cfg = access::load_access_config(o.access);
  s.layer(cfg.population);
  for (const auto& z : cfg.zones) s.zones(z);
  auto facilities = access::load_facilities(cfg, s);
  auto origins = access::load_origins(cfg, s);
  access::AccessResult before = access::compute_access(cfg, s, facilities, {}, origins);
  auto norms = access::evaluate_norms(cfg, s, before, origins);
  if (!o.origins.empty()) {
    fs::create_directories(o.origins);
    for (std::size_t set = 0; set < origins.size(); ++set) {
      AtomicOutput csv(o.origins / (cfg.origins[set].id + ".csv"));
      std::ofstream(csv.temp_path()) << present::format_origins(cfg, before, set, origins[set]);
      csv.commit();
      info("wrote the times of {} origins of '{}' to {}", origins[set].size(), cfg.origins[set].id,
           (o.origins / (cfg.origins[set].id + ".csv")).string());
    }
  }
  if (o.without.empty()) {
    std::cout << present::format_access(cfg, s, before, norms, o.format);
    if (!o.maps.empty())
      for (const auto& n : norms)
        write_map(s, n.meets, access::norm_record(cfg, before, n),
                  o.maps / ("norm_" + n.norm->id + ".png"));
    if (!o.no_store) {
      std::vector<std::pair<LayerRecord, const Raster*>> layers;
      for (const auto& L : before.layers)
        layers.push_back({access::travel_time_record(cfg, before, L), &L.minutes});
      for (const auto& n : norms) layers.push_back({access::norm_record(cfg, before, n), &n.meets});
      add_layers(o.store, layers);
      info("added {} layer(s) to {} (tijd_<voorziening>_<wijze> in minutes, norm_<id>)",
           layers.size(), o.store.string());
    }
    return 0;
  }
  std::vector<std::string> closed = split_list(o.without);
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
          id, o.access.string());
  }
  access::AccessResult after = access::compute_access(cfg, s, remaining, cut_routes, origins);
  auto norms_after = access::evaluate_norms(cfg, s, after, origins);
  std::cout << present::format_what_if(cfg, norms, norms_after, closed, o.format);
  // The maps name what closes as people know it: the facility's name, or the line.
  std::vector<std::string> names;
  for (const auto& id : closed) {
    auto f = std::find_if(facilities.begin(), facilities.end(),
                          [&](const access::Facility& x) { return x.id == id; });
    names.push_back(f == facilities.end() ? "lijn " + id
                    : f->name.empty()     ? f->kind + " " + id
                                          : f->name + " (" + f->kind + ")");
  }
  if (!o.maps.empty())
    for (std::size_t i = 0; i < norms.size(); ++i) {
      QuicklookOptions q;
      q.class_areas = true;
      const Raster change = access::what_if_change(norms[i], norms_after[i]);
      q.note = access::what_if_note(change, names);
      write_map(s, change, access::what_if_record(cfg, after, norms[i], names),
                o.maps / ("wat_als_" + norms[i].norm->id + ".png"), q);
    }
  return 0;
}

template <typename Options>
int run_kernen(const Options& k) {
  Store s = Store::open(k.store);
  if (!k.no_store) check_writable_file(k.store, "the model store");
  access::KernenConfig cfg = access::load_kernen_config(k.kernen);
  access::KernenResult r = access::classify_places(cfg, s);
  std::cout << present::format_kernen(cfg, r, k.format);
  if (!k.out.empty() || !k.areas.empty()) {
    present::write_places(
        r, s, k.out.empty() ? k.areas.parent_path() / "kernen_punten.geojson" : k.out, k.areas);
    if (!k.out.empty()) info("wrote {} places to {}", r.places.size(), k.out.string());
    if (!k.areas.empty()) info("wrote {} kern areas to {}", r.zones.size(), k.areas.string());
  }
  if (!k.no_store) {
    add_layers(k.store, {{access::kernen_record(cfg, r, s), &r.areas}}, {{"kernen", r.zones}});
    info("added the zones layer 'kernen' ({} kernen) to {}: casco stats {} LAYER --by kernen",
         r.zones.size(), k.store.string(), k.store.string());
  }
  return 0;
}

}  // namespace

void add_access_commands(CLI::App& app, Commands& commands) {
  auto o = std::make_shared<AccessOptions>();
  auto* acc = app.add_subcommand(
      "access", "Travel times to facilities per mode, accessibility norms, what-if closures");
  acc->add_option("STORE", o->store, "Model store (.gpkg)")->required();
  acc->add_option("ACCESS", o->access, "Accessibility definition (access.toml)")->required();
  acc->add_option("--without", o->without,
                  "What-if: facility ids to close, comma-separated (e.g. a school or a bus stop)");
  acc->add_option("--maps", o->maps,
                  "Write PNG maps of the norms (and of a what-if) into this folder");
  acc->add_flag("--no-store", o->no_store, "Do not add the travel-time layers to the store");
  acc->add_option("--origins", o->origins,
                  "Write the times of every [[origins]] set (e.g. PC4 centres) as <set>.csv into "
                  "this folder");
  acc->add_option("--format", o->format, "text, csv or json")
      ->check(CLI::IsMember({"text", "csv", "json"}));
  commands.push_back({acc, [o] { return run_access(*o); }});

  struct KernenOptions {
    fs::path store, kernen, out, areas;
    std::string format = "text";
    bool no_store = false;
  };
  auto k = std::make_shared<KernenOptions>();
  auto* kern = app.add_subcommand(
      "kernen",
      "Kernen as areas with their inhabitants and facilities, classified into the settlement "
      "hierarchy (stad, kerndorp, dorp, ...)");
  kern->add_option("STORE", k->store, "Model store (.gpkg)")->required();
  kern->add_option("KERNEN", k->kernen, "Hierarchy definition (kernen.toml)")->required();
  kern->add_option("-o,--out", k->out, "Also write the classified places (.geojson or .gpkg)");
  kern->add_option("--areas", k->areas,
                   "Also write the kern areas as polygons (.geojson or .gpkg)");
  kern->add_flag("--no-store", k->no_store,
                 "Do not add the kern areas to the store as the zones layer 'kernen'");
  kern->add_option("--format", k->format, "text, csv or json")
      ->check(CLI::IsMember({"text", "csv", "json"}));
  commands.push_back({kern, [k] { return run_kernen(*k); }});
}

}  // namespace casco::cli
