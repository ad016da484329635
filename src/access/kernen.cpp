#include "access/kernen.hpp"

#include <gdal_priv.h>
#include <ogrsf_frmts.h>

#include <algorithm>
#include <cmath>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <sstream>

#include "access/access.hpp"
#include "core/crs.hpp"
#include "core/error.hpp"
#include "core/files.hpp"
#include "core/toml_reader.hpp"
#include "model/vector_source.hpp"
#include "condition/expression.hpp"

namespace casco::access {

KernenConfig load_kernen_config(const std::filesystem::path& file) {
  TomlReader r(file.string());
  toml::table root = r.parse(TomlReader::read_file(file.string(), "kernen file"));
  r.check_keys(root, "the kernen file", {"kernen", "class"});
  const toml::table* k = root["kernen"].as_table();
  if (!k) fail("{}: missing [kernen] (places, access, radius_m)", file.string());
  r.check_keys(*k, "[kernen]",
               {"name", "places", "name_field", "population_field", "access", "radius_m"});
  KernenConfig c;
  c.file = file;
  const auto base = file.parent_path();
  c.name = r.text(*k, "name", false, "[kernen]", "Kernenstructuur");
  const toml::node* p = k->get("places");
  if (!p) r.error_at(*k, "[kernen] needs places = { path = \"...\", ... }");
  c.places = parse_source(r, *p, base, "[kernen].places");
  c.name_field = r.text(*k, "name_field", true, "[kernen]");
  c.population_field = r.text(*k, "population_field", true, "[kernen]");
  c.access_file = base / r.text(*k, "access", true, "[kernen]");
  c.radius_m = r.number(*k, "radius_m", 1500, "[kernen]");
  const toml::array* classes = root["class"].as_array();
  if (!classes || classes->empty())
    fail("{}: no [[class]] (e.g. stad, kerndorp, dorp, buurtschap)", file.string());
  for (const auto& node : *classes) {
    const toml::table* t = node.as_table();
    PlaceClass pc;
    pc.id = r.text(*t, "id", true, "a [[class]]");
    std::string where = fmt::format("class '{}'", pc.id);
    r.check_keys(*t, where, {"id", "title", "when", "description"});
    pc.title = r.text(*t, "title", false, where, pc.id);
    pc.when = r.text(*t, "when", true, where);
    pc.description = r.text(*t, "description", false, where);
    const auto& b = t->get("when")->source().begin;
    pc.origin = {file.string(), static_cast<int>(b.line), static_cast<int>(b.column) + 1};
    condition::Expression::parse(pc.when, pc.origin);  // syntax errors now, with line and column
    c.classes.push_back(pc);
  }
  return c;
}

std::vector<PlaceResult> classify_places(const KernenConfig& cfg, const Store& store) {
  const Grid& g = store.grid();
  OGRSpatialReference srs = make_srs(g.crs_wkt.empty() ? g.crs : g.crs_wkt, "store CRS");
  AccessConfig acfg = load_access_config(cfg.access_file);
  auto facilities = load_facilities(acfg, store);
  VectorData v = read_vector(cfg.places, srs);
  std::vector<PlaceResult> places;
  for (const auto& f : v.features) {
    OGRPoint c;
    if (f->GetGeometryRef()->Centroid(&c) != OGRERR_NONE) continue;
    if (c.getX() < g.x0 || c.getX() >= g.x1() || c.getY() > g.y0 || c.getY() <= g.y1()) continue;
    PlaceResult p;
    int ni = f->GetDefnRef()->GetFieldIndex(cfg.name_field.c_str());
    int pi = f->GetDefnRef()->GetFieldIndex(cfg.population_field.c_str());
    if (ni < 0 || pi < 0)
      fail("{}: {} has no field '{}' or '{}'", cfg.file.string(), v.source_name, cfg.name_field,
           cfg.population_field);
    p.name = f->GetFieldAsString(ni);
    double pop = f->IsFieldSetAndNotNull(pi) ? f->GetFieldAsDouble(pi) : 0;
    p.population =
        pop > 0 ? pop : std::numeric_limits<double>::quiet_NaN();  // 0 in GeoNames means unknown
    p.x = c.getX();
    p.y = c.getY();
    places.push_back(p);
  }
  if (places.empty())
    fail("{}: no place of {} lies in the study area", cfg.file.string(), v.source_name);

  // Variables, one column per name, one value per place.
  std::vector<std::string> names = {"inwoners"};
  std::vector<std::vector<float>> columns(1);
  for (const auto& p : places) columns[0].push_back(static_cast<float>(p.population));
  for (const auto& fk : acfg.facilities) {
    std::vector<float> count, nearest;
    for (const auto& p : places) {
      int n = 0;
      double best = std::numeric_limits<double>::infinity();
      for (const auto& f : facilities) {
        if (f.kind != fk.kind) continue;
        double d = std::hypot(f.x - p.x, f.y - p.y);
        n += d <= cfg.radius_m;
        best = std::min(best, d);
      }
      count.push_back(static_cast<float>(n));
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
        if (!store.find(name))
          conditions.back().bind(all_names, "");  // throws: unknown variable, listing all
        Raster r = store.read(name);
        std::vector<float> col;
        for (const auto& p : places)
          col.push_back(r.at(static_cast<int>(std::floor(g.py(p.y))),
                             static_cast<int>(std::floor(g.px(p.x)))));
        names.push_back(name);
        columns.push_back(std::move(col));
      }
  }
  std::vector<const float*> ptrs;
  for (const auto& col : columns) ptrs.push_back(col.data());
  std::vector<float> hit(places.size());
  std::vector<bool> done(places.size(), false);
  for (std::size_t k = 0; k < cfg.classes.size(); ++k) {
    conditions[k].bind(names, "");
    conditions[k].evaluate(ptrs.data(), places.size(), hit.data());
    for (std::size_t i = 0; i < places.size(); ++i) {
      if (done[i] || !(hit[i] != 0 && hit[i] == hit[i])) continue;
      done[i] = true;
      PlaceResult& p = places[i];
      p.class_id = cfg.classes[k].id;
      p.class_title = cfg.classes[k].title;
      std::string values;
      for (const auto& name : conditions[k].layers()) {
        auto it = std::find(names.begin(), names.end(), name);
        float v = columns[static_cast<std::size_t>(it - names.begin())][i];
        values += fmt::format("{}{} = {}", values.empty() ? "" : ", ", name,
                              std::isnan(v) ? std::string("onbekend") : fmt::format("{:.0f}", v));
      }
      p.reason = fmt::format("{} want {} (regel: {})", p.class_title,
                             values.empty() ? "altijd" : values, cfg.classes[k].when);
    }
  }
  for (auto& p : places)
    if (p.class_id.empty()) {
      p.class_id = "-";
      p.class_title = "niet ingedeeld";
      p.reason = "geen klasse is van toepassing";
    }
  // By class order, then population.
  std::map<std::string, std::size_t> rank;
  for (std::size_t k = 0; k < cfg.classes.size(); ++k) rank[cfg.classes[k].id] = k;
  std::stable_sort(places.begin(), places.end(), [&](const PlaceResult& a, const PlaceResult& b) {
    std::size_t ra = rank.count(a.class_id) ? rank[a.class_id] : 999,
                rb = rank.count(b.class_id) ? rank[b.class_id] : 999;
    if (ra != rb) return ra < rb;
    double pa = std::isnan(a.population) ? -1 : a.population,
           pb = std::isnan(b.population) ? -1 : b.population;
    return pa > pb;
  });
  return places;
}

std::string format_kernen(const KernenConfig& cfg, const std::vector<PlaceResult>& places,
                          const std::string& format) {
  if (format == "json") {
    nlohmann::json j;
    j["name"] = cfg.name;
    for (const auto& p : places)
      j["places"].push_back({{"name", p.name},
                             {"class", p.class_id},
                             {"title", p.class_title},
                             {"inwoners", std::isnan(p.population) ? nlohmann::json(nullptr)
                                                                   : nlohmann::json(p.population)},
                             {"reason", p.reason},
                             {"x", p.x},
                             {"y", p.y}});
    return j.dump(2) + "\n";
  }
  if (format == "csv") {
    std::string o = "name,class,inwoners,reason\n";
    for (const auto& p : places)
      o += fmt::format("\"{}\",{},{},\"{}\"\n", p.name, p.class_id,
                       std::isnan(p.population) ? "" : fmt::format("{:.0f}", p.population),
                       p.reason);
    return o;
  }
  std::map<std::string, int> counts;
  for (const auto& p : places) counts[p.class_title]++;
  std::string o = fmt::format("{} — {} kernen\n", cfg.name, places.size());
  for (const auto& c : cfg.classes) o += fmt::format("  {:<28} {:>4}\n", c.title, counts[c.title]);
  std::string current;
  for (const auto& p : places) {
    if (p.class_title != current) {
      current = p.class_title;
      o += fmt::format("\n{}\n", current);
    }
    o +=
        fmt::format("  {:<28} {:>8}  {}\n", p.name,
                    std::isnan(p.population) ? "?" : fmt::format("{:.0f}", p.population), p.reason);
  }
  return o;
}

void write_places(const std::vector<PlaceResult>& places, const Store& store,
                  const std::filesystem::path& out) {
  std::string ext = out.extension().string();
  const char* drv_name = ext == ".gpkg"                          ? "GPKG"
                         : (ext == ".geojson" || ext == ".json") ? "GeoJSON"
                                                                 : nullptr;
  if (!drv_name) fail("cannot tell the format of '{}': use .geojson or .gpkg", out.string());
  ensure_gdal_registered();
  AtomicOutput file(out);
  GDALDatasetUniquePtr ds(GetGDALDriverManager()->GetDriverByName(drv_name)->Create(
      file.temp_path().c_str(), 0, 0, 0, GDT_Unknown, nullptr));
  if (!ds) fail("cannot write '{}': {}", out.string(), CPLGetLastErrorMsg());
  OGRSpatialReference srs =
      make_srs(store.grid().crs_wkt.empty() ? store.grid().crs : store.grid().crs_wkt, "store CRS");
  OGRLayer* l = ds->CreateLayer("kernen", &srs, wkbPoint, nullptr);
  for (auto [name, type] :
       std::initializer_list<std::pair<const char*, OGRFieldType>>{{"naam", OFTString},
                                                                   {"klasse", OFTString},
                                                                   {"titel", OFTString},
                                                                   {"inwoners", OFTReal},
                                                                   {"reden", OFTString}}) {
    OGRFieldDefn fd(name, type);
    l->CreateField(&fd);
  }
  for (const auto& p : places) {
    OGRFeature f(l->GetLayerDefn());
    f.SetField("naam", p.name.c_str());
    f.SetField("klasse", p.class_id.c_str());
    f.SetField("titel", p.class_title.c_str());
    if (!std::isnan(p.population)) f.SetField("inwoners", p.population);
    f.SetField("reden", p.reason.c_str());
    OGRPoint pt(p.x, p.y);
    f.SetGeometry(&pt);
    if (l->CreateFeature(&f) != OGRERR_NONE) fail("cannot write '{}'", out.string());
  }
  ds.reset();
  file.commit();
}

}  // namespace casco::access
