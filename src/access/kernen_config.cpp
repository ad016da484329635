// The kernen configuration (kernen.toml) and the store record of the kern areas.
#include <algorithm>
#include <cmath>
#include <map>
#include <set>

#include "access/access.hpp"
#include "access/kernen.hpp"
#include "core/crs.hpp"
#include "core/error.hpp"
#include "core/toml_reader.hpp"
#include "model/dasymetric.hpp"
#include "model/vector_source.hpp"

namespace casco::access {
namespace {

condition::TextOrigin origin_at(const std::string& file, const toml::node& n) {
  const auto& b = n.source().begin;
  return {file, static_cast<int>(b.line), static_cast<int>(b.column) + 1};
}

void load_areas(const TomlReader& r, const toml::table& k, KernenConfig& c) {
  const toml::node* an = k.get("areas");
  if (!an) return;
  const toml::table* a = an->as_table();
  if (!a) r.error_at(*an, "[kernen.areas] must be a table");
  r.check_keys(*a, "[kernen.areas]",
               {"cells", "outlines", "search_m", "gap_m", "hamlet_radius_m", "place_match_m",
                "growth_density", "growth_default"});
  KernAreaSettings& s = c.areas;
  if (const toml::node* cells = a->get("cells")) {
    s.cells = r.text(*a, "cells", true, "[kernen.areas]");
    s.cells_origin = origin_at(c.file.string(), *cells);
    condition::Expression::parse(s.cells, s.cells_origin);
  } else {
    s.cells_origin = origin_at(c.file.string(), *an);
  }
  if (a->get("outlines")) s.outlines = r.text(*a, "outlines", true, "[kernen.areas]");
  s.search_m = r.number(*a, "search_m", s.search_m, "[kernen.areas]");
  s.gap_m = r.number(*a, "gap_m", s.gap_m, "[kernen.areas]");
  s.hamlet_radius_m = r.number(*a, "hamlet_radius_m", s.hamlet_radius_m, "[kernen.areas]");
  s.place_match_m = r.number(*a, "place_match_m", s.place_match_m, "[kernen.areas]");
  s.growth_density = r.number(*a, "growth_density", s.growth_density, "[kernen.areas]");
  s.growth_default = r.number(*a, "growth_default", s.growth_default, "[kernen.areas]");
  if (!(s.growth_density > 0) || !(s.growth_default > 0))
    r.error_at(*an, "[kernen.areas]: growth_density and growth_default must be above 0");
  if (!(s.search_m >= 0) || !(s.gap_m >= 0) || !(s.hamlet_radius_m >= 0) || !(s.place_match_m >= 0))
    r.error_at(*an, "[kernen.areas]: distances are metres, 0 or more");
}

}  // namespace

KernenConfig load_kernen_config(const std::filesystem::path& file) {
  TomlReader r(file.string());
  toml::table root = r.parse(TomlReader::read_file(file.string(), "kernen file"));
  r.check_keys(root, "the kernen file", {"kernen", "class"});
  const toml::table* k = root["kernen"].as_table();
  if (!k) fail("{}: missing [kernen] (places, access, radius_m)", file.string());
  r.check_keys(*k, "[kernen]",
               {"name", "group", "places", "surrounding_places", "id_field", "name_field",
                "population_field", "population", "fill_from", "access", "radius_m", "areas"});
  KernenConfig c;
  c.file = file;
  const auto base = file.parent_path();
  c.name = r.text(*k, "name", false, "[kernen]", "Kernenstructuur");
  const toml::node* p = k->get("places");
  if (!p) r.error_at(*k, "[kernen] needs places = { path = \"...\", ... }");
  c.places = parse_source(r, *p, base, "[kernen].places");
  if (const toml::node* sp = k->get("surrounding_places"))
    c.surrounding_places = parse_source(r, *sp, base, "[kernen].surrounding_places");
  c.id_field = r.text(*k, "id_field", false, "[kernen]");
  c.name_field = r.text(*k, "name_field", true, "[kernen]");
  c.population_field = r.text(*k, "population_field", true, "[kernen]");
  c.population = r.text(*k, "population", false, "[kernen]", "inwoners");
  c.group = r.text(*k, "group", false, "[kernen]", c.group);
  if (const toml::node* fn = k->get("fill_from")) {
    const toml::table* ft = fn->as_table();
    if (!ft) r.error_at(*fn, "fill_from = { source = \"zones.geojson\", field = \"count\" }");
    r.check_keys(*ft, "[kernen].fill_from", {"source", "field"});
    const toml::node* fs = ft->get("source");
    if (!fs) r.error_at(*fn, "[kernen].fill_from needs a 'source' (polygons with a count)");
    c.fill_source = parse_source(r, *fs, base, "[kernen].fill_from.source");
    c.fill_field = r.text(*ft, "field", true, "[kernen].fill_from");
  }
  c.access_file = base / r.text(*k, "access", true, "[kernen]");
  c.radius_m = r.number(*k, "radius_m", 1500, "[kernen]");
  if (!(c.radius_m > 0))
    r.error_at(
        *k->get("radius_m"),
        fmt::format("[kernen] radius_m is a distance in metres above 0, not {}", c.radius_m));
  load_areas(r, *k, c);
  if (!k->get("areas")) c.areas.cells_origin = origin_at(file.string(), *k);
  const toml::array* classes = root["class"].as_array();
  if (!classes || classes->empty())
    fail("{}: no [[class]] (e.g. stad, kerndorp, dorp, buurtschap)", file.string());
  for (const auto& node : *classes) {
    const toml::table* t = node.as_table();
    if (!t) r.error_at(node, "each [[class]] is a table");
    PlaceClass pc;
    pc.id = r.text(*t, "id", true, "a [[class]]");
    for (const auto& other : c.classes)
      if (other.id == pc.id)
        r.error_at(*t->get("id"), fmt::format("class '{}' is defined twice: give each class its "
                                              "own id",
                                              pc.id));
    std::string where = fmt::format("class '{}'", pc.id);
    r.check_keys(*t, where, {"id", "title", "when", "description"});
    pc.title = r.text(*t, "title", false, where, pc.id);
    pc.when = r.text(*t, "when", true, where);
    pc.description = r.text(*t, "description", false, where);
    pc.origin = origin_at(file.string(), *t->get("when"));
    condition::Expression::parse(pc.when, pc.origin);  // syntax errors now, with position
    c.classes.push_back(pc);
  }
  return c;
}

LayerRecord kernen_record(const KernenConfig& cfg, const KernenResult& r, const Store& store) {
  LayerRecord rec;
  rec.id = "kernen";
  rec.title = "Kernen (gebied van elke kern)";
  rec.group = cfg.group;
  rec.unit = "kern";
  rec.derivation = "zones";
  // The kern areas follow the cells of [kernen.areas] cells: an estimate when those are.
  auto expr = condition::Expression::parse(cfg.areas.cells, cfg.areas.cells_origin);
  for (const auto& id : expr.layers())
    if (const LayerRecord* L = store.find(id); L && !L->estimate.empty())
      rec.estimate = r.outline_layer.empty()
                         ? fmt::format("de kernen volgen '{}' ({}), en die laag is een schatting",
                                       id, L->title)
                         : fmt::format(
                               "de kernen buiten de gebieden van '{}' volgen '{}' ({}), "
                               "en die laag is een schatting",
                               r.outline_layer, id, L->title);
  rec.description = fmt::format(
      "Aaneengesloten cellen waar {} geldt, rond het punt van elke plaats, gedeeld met "
      "buurkernen ({} kernen; inwoners uit '{}').",
      cfg.areas.cells, r.zones.size(), r.population_layer);
  rec.source = cfg.file.filename().string();
  if (!r.outline_layer.empty()) {
    rec.description += fmt::format(
        " Een plaats binnen een gebied van '{}' ({}) krijgt dat hele gebied ({} van de {}).",
        r.outline_layer, r.outline_title, r.outlines_used,
        r.outlines_used + r.outlines_without_place);
    if (const LayerRecord* L = store.find(r.outline_layer); L && !L->source.empty())
      rec.source += ", " + L->source;
  }
  rec.describe.role = role::kKernen;
  // Maps name the kernen with the most inhabitants first (render/places.hpp).
  if (!r.population_layer.empty()) rec.describe.params["population"] = r.population_layer;
  rec.describe.style.kind = LayerStyle::Kind::Zones;
  return rec;
}

}  // namespace casco::access
