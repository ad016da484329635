// Kernen as places: each place's area, its inhabitants and facilities, and its class with reasons.
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
    int c = g.col_of(f.x), r = g.row_of(f.y);
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

}  // namespace

namespace {

// The places of the study area, then those of the surroundings; larger places first: they win ties
// and keep their start cell.
std::vector<Place> places_by_size(const KernenConfig& cfg, const OGRSpatialReference& srs,
                                  const Grid& g) {
  std::vector<Place> places = read_places(cfg, cfg.places, true, srs, g);
  if (places.empty())
    fail("{}: no place of {} lies in the study area", cfg.file.string(), cfg.places.path.string());
  if (!cfg.surrounding_places.empty()) {
    auto more = read_places(cfg, cfg.surrounding_places, false, srs, g);
    places.insert(places.end(), more.begin(), more.end());
  }
  std::stable_sort(places.begin(), places.end(), [](const Place& a, const Place& b) {
    double pa = std::isnan(a.source_population) ? -1 : a.source_population;
    double pb = std::isnan(b.source_population) ? -1 : b.source_population;
    return pa > pb;
  });
  return places;
}

// How fast each place's area grows (metres per step): from its expected extent, its inhabitants
// at the growth density; places without a figure get theirs from the fill zones when given.
std::vector<double> growth_speeds(const KernenConfig& cfg, const std::vector<Place>& places,
                                  const OGRSpatialReference& srs) {
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
  return speed;
}

// A place whose point lies within the expected extent of a larger place with its own figure is
// part of it (a town's neighbourhoods that the places file lists as places of their own).
// Facilities that name a place make it a place of its own (a village's school and station).
std::vector<int32_t> parts_of_larger(const KernenConfig& cfg, const std::vector<Place>& places,
                                     const std::vector<Facility>& facilities) {
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
  return part_of;
}

// Inhabitants, area and facilities (one per group) per study place, the study area's cells only.
// Returns the places that are kernen of their own (indices into res.places).
std::vector<std::size_t> count_places(const KernenConfig& cfg, const AccessConfig& acfg,
                                      const Store& store, const std::vector<Place>& places,
                                      const KernAreas& areas, const std::vector<uint8_t>& mask,
                                      const std::vector<Facility>& facilities, KernenResult& res) {
  const Grid& g = store.grid();
  const Raster pop = store.read(cfg.population);
  const std::vector<uint8_t> study = store.study_mask();
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
  std::vector<int> owner = facility_places(cfg, places, areas, facilities, g);
  std::map<std::string, std::vector<std::set<std::string>>> groups;  // kind → per place
  for (const auto& fk : acfg.facilities) groups[fk.kind].resize(places.size());
  for (std::size_t k = 0; k < facilities.size(); ++k)
    if (owner[k] >= 0) {
      const Facility& f = facilities[k];
      groups[f.kind][static_cast<std::size_t>(owner[k])].insert(f.group.empty() ? f.id : f.group);
    }

  std::vector<std::size_t> listed;
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
  for (std::size_t i = 0; i < g.size(); ++i)
    if (mask[i] && areas.label[i] < 0 && study[i] && !std::isnan(pop.values[i]))
      res.unnamed_people += pop.values[i];
  return listed;
}

// The variables the class conditions read, one column per variable over the listed places:
// inwoners, per facility kind the count and the distance to the nearest, and any model layer the
// conditions name (its value at the place's point).
struct Variables {
  std::vector<std::string> names;
  std::vector<std::vector<float>> columns;
  const std::vector<float>& column(const std::string& name) const {
    return columns[static_cast<std::size_t>(std::find(names.begin(), names.end(), name) -
                                            names.begin())];
  }
};

Variables place_variables(const AccessConfig& acfg, const std::vector<Facility>& facilities,
                          const KernenResult& res, const std::vector<std::size_t>& listed) {
  Variables v;
  v.names = {"inwoners"};
  v.columns.resize(1);
  for (std::size_t k : listed) v.columns[0].push_back(static_cast<float>(res.places[k].population));
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
    v.names.push_back(fk.kind);
    v.columns.push_back(std::move(count));
    v.names.push_back("afstand_" + fk.kind);
    v.columns.push_back(std::move(nearest));
  }
  return v;
}

// The class conditions, parsed; model layers they name are added to the variables.
std::vector<condition::Expression> class_conditions(const KernenConfig& cfg, const Store& store,
                                                    const KernenResult& res,
                                                    const std::vector<std::size_t>& listed,
                                                    Variables& v) {
  const Grid& g = store.grid();
  std::vector<condition::Expression> conditions;
  std::vector<std::string> all_names = v.names;
  for (const auto& L : store.manifest().layers)
    if (std::find(all_names.begin(), all_names.end(), L.id) == all_names.end())
      all_names.push_back(L.id);
  for (const auto& pc : cfg.classes) {
    conditions.push_back(condition::Expression::parse(pc.when, pc.origin));
    for (const auto& name : conditions.back().layers())
      if (std::find(v.names.begin(), v.names.end(), name) == v.names.end()) {
        if (!store.find(name)) conditions.back().bind(all_names, "");  // throws, listing all
        Raster r = store.read(name);
        std::vector<float> col;
        for (std::size_t k : listed)
          col.push_back(r.at(g.row_of(res.places[k].y), g.col_of(res.places[k].x)));
        v.names.push_back(name);
        v.columns.push_back(std::move(col));
      }
  }
  return conditions;
}

// The first class whose condition holds, with the values that decided it.
void classify(const KernenConfig& cfg, const Store& store, const AccessConfig& acfg,
              const std::vector<Facility>& facilities, const std::vector<std::size_t>& listed,
              KernenResult& res) {
  Variables v = place_variables(acfg, facilities, res, listed);
  std::vector<condition::Expression> conditions = class_conditions(cfg, store, res, listed, v);
  std::vector<const float*> ptrs;
  for (const auto& col : v.columns) ptrs.push_back(col.data());
  std::vector<float> hit(listed.size());
  std::vector<bool> done(listed.size(), false);
  for (std::size_t c = 0; c < cfg.classes.size(); ++c) {
    conditions[c].bind(v.names, "");
    conditions[c].evaluate(ptrs.data(), listed.size(), hit.data());
    for (std::size_t i = 0; i < listed.size(); ++i) {
      if (done[i] || !(hit[i] != 0 && hit[i] == hit[i])) continue;
      done[i] = true;
      PlaceResult& p = res.places[listed[i]];
      p.class_id = cfg.classes[c].id;
      p.class_title = cfg.classes[c].title;
      for (const auto& name : conditions[c].layers())
        p.reason_values.push_back({name, v.column(name)[i]});
      p.reason_rule = cfg.classes[c].when;
    }
  }
  for (auto& p : res.places) {
    if (!p.inside.empty()) {
      p.class_id = "-";
      p.class_title = "deel van een andere kern";
    } else if (p.class_id.empty()) {
      p.class_id = "-";
      p.class_title = "niet ingedeeld";
    }
  }
}

// By class order, then inhabitants; kernen get their zone numbers in this order, and the kern
// areas are written with them.
void number_kernen(const KernenConfig& cfg, const Store& store, const std::vector<Place>& places,
                   const KernAreas& areas, KernenResult& res) {
  const Grid& g = store.grid();
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
  const std::vector<uint8_t> study = store.study_mask();
  res.areas = Raster(g, 0.0f);
  for (std::size_t i = 0; i < g.size(); ++i)
    if (areas.label[i] >= 0 && study[i])
      res.areas.values[i] =
          static_cast<float>(zone_of_place[static_cast<std::size_t>(areas.label[i])]);
}

}  // namespace

KernenResult classify_places(const KernenConfig& cfg, const Store& store) {
  const Grid& g = store.grid();
  OGRSpatialReference srs = make_srs(g.crs_wkt.empty() ? g.crs : g.crs_wkt, "store CRS");
  AccessConfig acfg = load_access_config(cfg.access_file);
  const auto facilities = load_facilities(acfg, store);
  const LayerRecord& pop_layer = store.layer(cfg.population);

  const std::vector<Place> places = places_by_size(cfg, srs, g);
  std::vector<double> xs, ys;
  for (const auto& p : places) xs.push_back(p.x), ys.push_back(p.y);
  std::vector<uint8_t> mask = kern_cells(cfg, store);
  const std::vector<double> speeds = growth_speeds(cfg, places, srs);
  const std::vector<int32_t> part_of = parts_of_larger(cfg, places, facilities);
  KernenResult res;
  KernAreas areas;
  const LayerRecord* outlines =
      cfg.areas.outlines.empty() ? nullptr : store.find(cfg.areas.outlines);
  if (outlines && outlines->derivation != "zones")
    fail(
        "{}: [kernen.areas] outlines = '{}' is a layer of {} values, not a zones layer of kern "
        "outlines: name one whose cells carry an outline's number (e.g. bevolkingskernen)",
        cfg.file.string(), outlines->id, outlines->derivation);
  if (outlines) {
    const Raster o = store.read(outlines->id);
    std::vector<int32_t> outline(g.size(), 0);
    for (std::size_t i = 0; i < g.size(); ++i)
      if (o.values[i] > 0) {
        outline[i] = static_cast<int32_t>(o.values[i]);
        mask[i] = 1;  // an outline's cells are kern cells, built-up or not
      }
    areas = delineate_with_outlines(g, outline, mask, xs, ys, speeds, cfg.areas.search_m,
                                    cfg.areas.hamlet_radius_m, cfg.areas.gap_m, part_of);
    res.outline_layer = outlines->id;
    res.outline_title = outlines->title;
    res.outlines_used = areas.outlines_used;
    res.outlines_without_place = areas.outlines_without_place;
  } else {
    if (!cfg.areas.outlines.empty())
      info(
          "{}: the store has no layer '{}' (kern outlines); every kern is grown from the cells "
          "where {} holds",
          cfg.file.string(), cfg.areas.outlines, cfg.areas.cells);
    areas = delineate_kernen(g, mask, xs, ys, speeds, cfg.areas.search_m, cfg.areas.hamlet_radius_m,
                             cfg.areas.gap_m, part_of);
  }

  res.population_layer = pop_layer.id;
  res.population_title = pop_layer.title;
  res.cell_ha = g.cell_area_ha();
  const std::vector<std::size_t> listed =
      count_places(cfg, acfg, store, places, areas, mask, facilities, res);
  classify(cfg, store, acfg, facilities, listed, res);
  number_kernen(cfg, store, places, areas, res);
  return res;
}

}  // namespace casco::access
