#include "access/kernen.hpp"

#include <algorithm>
#include <cmath>
#include <map>
#include <set>

#include "access/access.hpp"
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
               {"cells", "search_m", "gap_m", "hamlet_radius_m", "place_match_m", "growth_density",
                "growth_default"});
  KernAreaSettings& s = c.areas;
  if (const toml::node* cells = a->get("cells")) {
    s.cells = r.text(*a, "cells", true, "[kernen.areas]");
    s.cells_origin = origin_at(c.file.string(), *cells);
    condition::Expression::parse(s.cells, s.cells_origin);
  } else {
    s.cells_origin = origin_at(c.file.string(), *an);
  }
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

namespace {

// A place name as facilities write it and as the places file writes it, made comparable: lower
// case, accents off, "ALTEVEER GEM NOORDENVELD" → "alteveer", hyphens and spaces alike.
std::string normal_name(const std::string& s) {
  std::string out;
  for (std::size_t i = 0; i < s.size(); ++i) {
    auto ch = static_cast<unsigned char>(s[i]);
    if (ch == 0xC3 && i + 1 < s.size()) {  // Latin-1 letters with accents in UTF-8
      // U+00C0..U+00FF are C3 80..BF; | 0x20 folds upper to lower case (À C3 80 → à C3 A0).
      auto n = static_cast<unsigned char>(s[++i]) | 0x20;
      const char* base = "aaaaaaaceeeeiiiidnooooo/ouuuuypy";
      out += n >= 0xA0 && n <= 0xBF ? base[n - 0xA0] : '?';
      continue;
    }
    if (ch == '-' || ch == '\'' || ch == '.') ch = ' ';
    if (ch == ' ' && (out.empty() || out.back() == ' ')) continue;
    out += static_cast<char>(std::tolower(ch));
  }
  while (!out.empty() && out.back() == ' ') out.pop_back();
  if (auto gem = out.find(" gem "); gem != std::string::npos) out.resize(gem);
  return out;
}

struct Place {
  std::string id, name, key;
  double x = 0, y = 0, source_population = 0;
  bool study = true;
};

std::vector<Place> read_places(const KernenConfig& cfg, const SourceDef& src, bool study,
                               const OGRSpatialReference& srs, const Grid& g) {
  std::vector<Place> out;
  VectorData v = read_vector(src, srs);
  for (const auto& f : v.features) {
    OGRPoint c;
    if (f->GetGeometryRef()->Centroid(&c) != OGRERR_NONE) continue;
    if (study && (c.getX() < g.x0 || c.getX() >= g.x1() || c.getY() > g.y0 || c.getY() <= g.y1()))
      continue;
    int ni = f->GetDefnRef()->GetFieldIndex(cfg.name_field.c_str());
    int pi = f->GetDefnRef()->GetFieldIndex(cfg.population_field.c_str());
    int ii = cfg.id_field.empty() ? -1 : f->GetDefnRef()->GetFieldIndex(cfg.id_field.c_str());
    if (ni < 0 || pi < 0 || (!cfg.id_field.empty() && ii < 0))
      fail("{}: {} has no field '{}', '{}'{}", cfg.file.string(), v.source_name, cfg.name_field,
           cfg.population_field, cfg.id_field.empty() ? "" : " or '" + cfg.id_field + "'");
    Place p;
    p.name = f->GetFieldAsString(ni);
    p.key = normal_name(p.name);
    p.id = ii >= 0 ? f->GetFieldAsString(ii) : std::to_string(f->GetFID());
    double pop = f->IsFieldSetAndNotNull(pi) ? f->GetFieldAsDouble(pi) : 0;
    p.source_population = pop > 0 ? pop : std::numeric_limits<double>::quiet_NaN();
    p.x = c.getX();
    p.y = c.getY();
    p.study = study;
    out.push_back(p);
  }
  return out;
}

// The cells kern areas are made of: the [kernen.areas] cells condition over the store's layers.
std::vector<uint8_t> kern_cells(const KernenConfig& cfg, const Store& store) {
  auto expr = condition::Expression::parse(cfg.areas.cells, cfg.areas.cells_origin);
  std::vector<std::string> available;
  for (const auto& L : store.manifest().layers) available.push_back(L.id);
  expr.bind(available, "");
  std::vector<Raster> inputs;
  std::vector<const float*> ptrs(available.size(), nullptr);
  for (std::size_t k = 0; k < expr.layers().size(); ++k) {
    inputs.push_back(store.read(expr.layers()[k]));
    ptrs[static_cast<std::size_t>(expr.slots()[k])] = inputs.back().values.data();
  }
  std::vector<float> v(store.grid().size());
  expr.evaluate(ptrs.data(), v.size(), v.data());
  std::vector<uint8_t> mask(v.size());
  for (std::size_t i = 0; i < v.size(); ++i) mask[i] = v[i] != 0 && !std::isnan(v[i]);
  return mask;
}

// The place each facility names (its place field matches the place's name, the nearest such place
// within place_match_m), or -1.
std::vector<int> named_places(const KernenConfig& cfg, const std::vector<Place>& places,
                              const std::vector<Facility>& facilities) {
  std::multimap<std::string, std::size_t> by_key;
  for (std::size_t p = 0; p < places.size(); ++p) by_key.insert({places[p].key, p});
  std::vector<int> out(facilities.size(), -1);
  for (std::size_t k = 0; k < facilities.size(); ++k) {
    const Facility& f = facilities[k];
    if (f.place.empty()) continue;
    double best = std::numeric_limits<double>::infinity();
    auto [lo, hi] = by_key.equal_range(normal_name(f.place));
    for (auto it = lo; it != hi; ++it)
      if (double d = std::hypot(places[it->second].x - f.x, places[it->second].y - f.y);
          d <= cfg.areas.place_match_m && d < best) {
        best = d;
        out[k] = static_cast<int>(it->second);
      }
  }
  return out;
}

// Which place each facility belongs to: the place it names (within place_match_m), else the kern
// area its point lies in, else the nearest place within radius_m. -1: none.
std::vector<int> facility_places(const KernenConfig& cfg, const std::vector<Place>& places,
                                 const KernAreas& areas, const std::vector<Facility>& facilities,
                                 const Grid& g) {
  std::vector<int> out = named_places(cfg, places, facilities);
  for (std::size_t k = 0; k < facilities.size(); ++k) {
    const Facility& f = facilities[k];
    auto dist = [&](std::size_t p) { return std::hypot(places[p].x - f.x, places[p].y - f.y); };
    double best = std::numeric_limits<double>::infinity();
    if (out[k] >= 0) continue;
    int c = static_cast<int>(std::floor(g.px(f.x))), r = static_cast<int>(std::floor(g.py(f.y)));
    if (c >= 0 && r >= 0 && c < g.cols && r < g.rows) {
      int32_t l = areas.label[static_cast<std::size_t>(r) * g.cols + c];
      if (l >= 0) {
        out[k] = l;
        continue;
      }
    }
    for (std::size_t p = 0; p < places.size(); ++p)
      if (double d = dist(p); d <= cfg.radius_m && d < best) {
        best = d;
        out[k] = static_cast<int>(p);
      }
  }
  // A place inside another kern hands its facilities to that kern.
  for (int& p : out)
    if (p >= 0 && areas.inside[static_cast<std::size_t>(p)] >= 0)
      p = areas.inside[static_cast<std::size_t>(p)];
  return out;
}

std::string nl0(double v) {
  if (std::isnan(v)) return "onbekend";
  std::string s = fmt::format("{:.0f}", v), out;
  int n = 0;
  for (auto it = s.rbegin(); it != s.rend(); ++it) {
    if (n && n % 3 == 0 && *it != '-') out.insert(out.begin(), '.');
    out.insert(out.begin(), *it);
    ++n;
  }
  return out;
}

}  // namespace

KernenResult classify_places(const KernenConfig& cfg, const Store& store) {
  const Grid& g = store.grid();
  OGRSpatialReference srs = make_srs(g.crs_wkt.empty() ? g.crs : g.crs_wkt, "store CRS");
  AccessConfig acfg = load_access_config(cfg.access_file);
  auto facilities = load_facilities(acfg, store);
  const LayerRecord& pop_layer = store.layer(cfg.population);

  std::vector<Place> places = read_places(cfg, cfg.places, true, srs, g);
  if (places.empty())
    fail("{}: no place of {} lies in the study area", cfg.file.string(), cfg.places.path.string());
  if (!cfg.surrounding_places.empty()) {
    auto more = read_places(cfg, cfg.surrounding_places, false, srs, g);
    places.insert(places.end(), more.begin(), more.end());
  }
  // Larger places first: they win ties and keep their start cell.
  std::vector<std::size_t> order(places.size());
  for (std::size_t i = 0; i < order.size(); ++i) order[i] = i;
  std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
    double pa = std::isnan(places[a].source_population) ? -1 : places[a].source_population;
    double pb = std::isnan(places[b].source_population) ? -1 : places[b].source_population;
    return pa > pb;
  });
  {
    std::vector<Place> sorted;
    for (std::size_t i : order) sorted.push_back(places[i]);
    places = std::move(sorted);
  }
  std::vector<double> xs, ys, sizes, speed;
  for (const auto& p : places) {
    xs.push_back(p.x), ys.push_back(p.y);
    sizes.push_back(p.source_population);
  }
  if (!cfg.fill_source.empty()) {
    VectorData zones = read_vector(cfg.fill_source, srs);
    std::vector<const OGRGeometry*> polys;
    std::vector<double> counts;
    int fi = zones.features.empty()
                 ? -1
                 : zones.features.front()->GetDefnRef()->GetFieldIndex(cfg.fill_field.c_str());
    if (!zones.features.empty() && fi < 0)
      fail("{}: fill_from: {} has no field '{}'", cfg.file.string(), zones.source_name,
           cfg.fill_field);
    for (const auto& f : zones.features) {
      polys.push_back(f->GetGeometryRef());
      counts.push_back(f->IsFieldSetAndNotNull(fi) ? f->GetFieldAsDouble(fi) : 0.0);
    }
    auto explained = explained_by_discs(polys, xs, ys, sizes, cfg.areas.growth_density, 0.0);
    sizes = fill_point_values(sizes, zone_of_points(polys, xs, ys), counts, explained,
                              cfg.areas.growth_default);
  }
  for (double n : sizes) {
    if (std::isnan(n)) n = cfg.areas.growth_default;
    speed.push_back(std::sqrt(std::max(n, 1.0) / cfg.areas.growth_density * 10000 / M_PI));
  }
  // A place whose point lies within the expected extent of a larger place with its own figure
  // is part of it (a town's neighbourhoods that the places file lists as places of their own).
  // Facilities that name a place make it a place of its own (a village's school and station).
  std::vector<int> named(places.size(), 0);
  for (int p : named_places(cfg, places, facilities))
    if (p >= 0) ++named[static_cast<std::size_t>(p)];
  std::vector<int32_t> part_of(places.size(), -1);
  for (std::size_t q = 0; q < places.size(); ++q)
    for (std::size_t p = 0; p < q && part_of[q] < 0 && !named[q]; ++p) {  // sorted by size
      const double own = places[p].source_population;
      if (std::isnan(own) || part_of[p] >= 0) continue;
      if (!std::isnan(places[q].source_population) && places[q].source_population >= own) continue;
      const double r = std::sqrt(own / cfg.areas.growth_density * 10000 / M_PI);
      if (std::hypot(places[p].x - places[q].x, places[p].y - places[q].y) <= r)
        part_of[q] = static_cast<int32_t>(p);
    }
  KernAreas areas = delineate_kernen(g, kern_cells(cfg, store), xs, ys, speed, cfg.areas.search_m,
                                     cfg.areas.hamlet_radius_m, cfg.areas.gap_m, part_of);

  // Inhabitants and area per place, the study area's cells only.
  Raster pop = store.read(cfg.population);
  const std::vector<uint8_t> study = store.study_mask();
  KernenResult res;
  res.population_layer = pop_layer.id;
  res.population_title = pop_layer.title;
  res.cell_ha = g.cell_area_ha();
  std::vector<double> people(places.size(), 0.0), cells(places.size(), 0.0);
  for (std::size_t i = 0; i < g.size(); ++i) {
    if (!study[i]) continue;
    double p = std::isnan(pop.values[i]) ? 0.0 : pop.values[i];
    int32_t l = areas.label[i];
    if (l >= 0) {
      people[static_cast<std::size_t>(l)] += p;
      cells[static_cast<std::size_t>(l)] += 1;
    }
  }

  // Facilities per place and kind, one per group.
  std::vector<int> owner = facility_places(cfg, places, areas, facilities, g);
  std::map<std::string, std::vector<std::set<std::string>>> groups;  // kind → per place
  for (const auto& fk : acfg.facilities) groups[fk.kind].resize(places.size());
  for (std::size_t k = 0; k < facilities.size(); ++k)
    if (owner[k] >= 0) {
      const Facility& f = facilities[k];
      groups[f.kind][static_cast<std::size_t>(owner[k])].insert(f.group.empty() ? f.id : f.group);
    }

  std::vector<std::size_t> listed;  // study places that are kernen of their own
  for (std::size_t p = 0; p < places.size(); ++p) {
    if (!places[p].study) continue;
    PlaceResult r;
    r.id = places[p].id;
    r.name = places[p].name;
    r.x = places[p].x;
    r.y = places[p].y;
    r.source_population = places[p].source_population;
    r.population = people[p];
    r.area_ha = cells[p] * g.cell_area_ha();
    r.hamlet = areas.hamlet[p];
    if (areas.inside[p] >= 0) r.inside = places[static_cast<std::size_t>(areas.inside[p])].name;
    for (const auto& fk : acfg.facilities)
      r.facilities[fk.kind] = static_cast<int>(groups[fk.kind][p].size());
    res.places.push_back(r);
    if (r.inside.empty()) listed.push_back(res.places.size() - 1);
  }
  res.unnamed_cells = areas.unnamed_cells;
  {
    std::vector<uint8_t> mask = kern_cells(cfg, store);
    for (std::size_t i = 0; i < g.size(); ++i)
      if (mask[i] && areas.label[i] < 0 && study[i] && !std::isnan(pop.values[i]))
        res.unnamed_people += pop.values[i];
  }

  // Variables per listed place: inwoners, per kind the count and the distance to the nearest.
  std::vector<std::string> names = {"inwoners"};
  std::vector<std::vector<float>> columns(1);
  for (std::size_t k : listed) columns[0].push_back(static_cast<float>(res.places[k].population));
  for (const auto& fk : acfg.facilities) {
    std::vector<float> count, nearest;
    for (std::size_t k : listed) {
      const PlaceResult& pr = res.places[k];
      double best = std::numeric_limits<double>::infinity();
      for (const auto& f : facilities)
        if (f.kind == fk.kind) best = std::min(best, std::hypot(f.x - pr.x, f.y - pr.y));
      count.push_back(static_cast<float>(pr.facilities.at(fk.kind)));
      nearest.push_back(std::isfinite(best) ? static_cast<float>(best)
                                            : std::numeric_limits<float>::quiet_NaN());
    }
    names.push_back(fk.kind);
    columns.push_back(std::move(count));
    names.push_back("afstand_" + fk.kind);
    columns.push_back(std::move(nearest));
  }
  std::vector<condition::Expression> conditions;
  std::vector<std::string> all_names = names;
  for (const auto& L : store.manifest().layers)
    if (std::find(all_names.begin(), all_names.end(), L.id) == all_names.end())
      all_names.push_back(L.id);
  for (const auto& pc : cfg.classes) {
    conditions.push_back(condition::Expression::parse(pc.when, pc.origin));
    for (const auto& name : conditions.back().layers())
      if (std::find(names.begin(), names.end(), name) == names.end()) {
        if (!store.find(name)) conditions.back().bind(all_names, "");  // throws, listing all
        Raster r = store.read(name);
        std::vector<float> col;
        for (std::size_t k : listed)
          col.push_back(r.at(static_cast<int>(std::floor(g.py(res.places[k].y))),
                             static_cast<int>(std::floor(g.px(res.places[k].x)))));
        names.push_back(name);
        columns.push_back(std::move(col));
      }
  }
  std::vector<const float*> ptrs;
  for (const auto& col : columns) ptrs.push_back(col.data());
  std::vector<float> hit(listed.size());
  std::vector<bool> done(listed.size(), false);
  for (std::size_t c = 0; c < cfg.classes.size(); ++c) {
    conditions[c].bind(names, "");
    conditions[c].evaluate(ptrs.data(), listed.size(), hit.data());
    for (std::size_t i = 0; i < listed.size(); ++i) {
      if (done[i] || !(hit[i] != 0 && hit[i] == hit[i])) continue;
      done[i] = true;
      PlaceResult& p = res.places[listed[i]];
      p.class_id = cfg.classes[c].id;
      p.class_title = cfg.classes[c].title;
      std::string values;
      for (const auto& name : conditions[c].layers()) {
        auto it = std::find(names.begin(), names.end(), name);
        float v = columns[static_cast<std::size_t>(it - names.begin())][i];
        values += fmt::format("{}{} = {}", values.empty() ? "" : ", ", name, nl0(v));
      }
      p.reason = fmt::format("{} want {} (regel: {})", p.class_title,
                             values.empty() ? "altijd" : values, cfg.classes[c].when);
    }
  }
  for (auto& p : res.places) {
    if (!p.inside.empty()) {
      p.class_id = "-";
      p.class_title = "deel van een andere kern";
      p.reason = "ligt binnen de kern " + p.inside;
    } else if (p.class_id.empty()) {
      p.class_id = "-";
      p.class_title = "niet ingedeeld";
      p.reason = "geen klasse is van toepassing";
    }
  }

  // By class order, then inhabitants; kernen get their zone numbers in this order.
  std::map<std::string, std::size_t> rank;
  for (std::size_t c = 0; c < cfg.classes.size(); ++c) rank[cfg.classes[c].id] = c;
  std::vector<std::size_t> place_of(res.places.size());  // result index → place index
  {
    std::size_t k = 0;
    for (std::size_t p = 0; p < places.size(); ++p)
      if (places[p].study) place_of[k++] = p;
  }
  std::vector<std::size_t> idx(res.places.size());
  for (std::size_t i = 0; i < idx.size(); ++i) idx[i] = i;
  std::stable_sort(idx.begin(), idx.end(), [&](std::size_t a, std::size_t b) {
    const PlaceResult &pa = res.places[a], &pb = res.places[b];
    std::size_t ra = rank.count(pa.class_id) ? rank[pa.class_id] : 999,
                rb = rank.count(pb.class_id) ? rank[pb.class_id] : 999;
    if (ra != rb) return ra < rb;
    return pa.population > pb.population;
  });
  std::vector<int> zone_of_place(places.size(), 0);
  std::vector<PlaceResult> sorted;
  for (std::size_t i : idx) {
    PlaceResult p = res.places[i];
    if (p.inside.empty() && p.area_ha > 0) {
      p.zone = static_cast<int>(res.zones.size()) + 1;
      zone_of_place[place_of[i]] = p.zone;
      res.zones.push_back({p.zone, p.id, p.name});
    }
    sorted.push_back(std::move(p));
  }
  res.places = std::move(sorted);
  res.areas = Raster(g, 0.0f);
  for (std::size_t i = 0; i < g.size(); ++i)
    if (areas.label[i] >= 0 && study[i])
      res.areas.values[i] =
          static_cast<float>(zone_of_place[static_cast<std::size_t>(areas.label[i])]);
  return res;
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
      rec.estimate =
          fmt::format("de kernen volgen '{}' ({}), en die laag is een schatting", id, L->title);
  rec.description = fmt::format(
      "Aaneengesloten cellen waar {} geldt, rond het punt van elke plaats, gedeeld met "
      "buurkernen ({} kernen; inwoners uit '{}').",
      cfg.areas.cells, r.zones.size(), r.population_layer);
  rec.source = cfg.file.filename().string();
  rec.describe.role = role::kKernen;
  rec.describe.style.kind = LayerStyle::Kind::Zones;
  return rec;
}

}  // namespace casco::access
