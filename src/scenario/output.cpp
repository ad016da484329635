// Scenario outputs: tables (CSV, text, JSON), layer records and the comparison of two scenarios.
#include <fmt/ranges.h>
#include <tbb/blocked_range.h>
#include <tbb/parallel_for.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <set>

#include "core/dutch.hpp"
#include "core/error.hpp"
#include "core/files.hpp"
#include "core/json_text.hpp"
#include "core/progress.hpp"
#include "core/toml_reader.hpp"
#include "model/raster_source.hpp"
#include "model/stats.hpp"
#include "rules/assess.hpp"
#include "rules/rules.hpp"
#include "scenario/scenario.hpp"

namespace casco::scenario {
namespace fs = std::filesystem;

namespace {

std::string nl(double v, int decimals = 0) {
  return dutch_number(v, decimals);
}

}  // namespace

// ------------------------------------------------------------------------------ tables

namespace {

// The allocation's hectares per kind (remapped to `kinds` when given) and its contested hectares,
// per zone of each zones layer.
struct RemapContext {
  const std::vector<int>* remap;
};
int remapped_kind(float a, const void* context) {
  const auto* c = static_cast<const RemapContext*>(context);
  if (!(a >= 1)) return -1;
  const auto i = static_cast<std::size_t>(a) - 1;
  return c->remap->empty() ? static_cast<int>(i) : i < c->remap->size() ? (*c->remap)[i] : -1;
}

std::vector<ZoneKindArea> areas_of(const Store& store, const Raster& allocation,
                                   const Raster* margin, double contested, std::size_t kinds,
                                   const std::vector<int>& remap,
                                   const std::vector<std::string>& zone_layers) {
  std::vector<ZoneKindArea> out;
  RemapContext ctx{&remap};
  Raster contested_cells;
  if (margin) {
    contested_cells = Raster(allocation.grid, kNoData);
    for (std::size_t i = 0; i < allocation.values.size(); ++i)
      if (allocation.values[i] >= 1) contested_cells.values[i] = margin->values[i] < contested;
  }
  for (const auto& zl : zone_layers) {
    const auto& zones = store.zones(zl);
    const Raster z = store.read(zl);
    const auto ha =
        zone_class_hectares(allocation, z, zones, static_cast<int>(kinds), remapped_kind, &ctx);
    const auto disputed =
        margin ? zone_class_hectares(contested_cells, z, zones, 2) : decltype(ha){};
    for (const auto& rec : zones) {
      const auto zi = static_cast<std::size_t>(rec.zone);
      out.push_back({zl, rec.code, rec.name, ha[zi], margin ? disputed[zi][1] : 0.0});
    }
  }
  return out;
}

std::string csv_text(const std::string& s) {
  if (s.find_first_of(",\"\n") == std::string::npos) return s;
  std::string q = "\"";
  for (char c : s) q += c == '"' ? std::string("\"\"") : std::string(1, c);
  return q + "\"";
}

}  // namespace

std::string zones_csv(const std::vector<std::string>& kinds, const std::vector<ZoneKindArea>& z) {
  std::string o = "zones,code,name";
  for (const auto& k : kinds) o += ",ha_" + k;
  o += ",ha_betwist\n";
  for (const auto& row : z) {
    o += fmt::format("{},{},{}", row.zone_layer, csv_text(row.code), csv_text(row.name));
    for (double h : row.ha) o += fmt::format(",{:.2f}", h);
    o += fmt::format(",{:.2f}\n", row.contested_ha);
  }
  return o;
}

std::string claims_csv(const ScenarioResult& r) {
  std::string o =
      "claim,kind,region,min_ha,max_ha,ha,shortfall_ha,shadow_price,suitability,homes,region_ha,"
      "eligible_ha,verboden_ha,nee_tenzij_ha,conversion_ha,variant_ha\n";
  for (const auto& c : r.claims)
    o += fmt::format(
        "{},{},{},{:.2f},{:.2f},{:.2f},{:.2f},{:.6g},{:.6g},{},{:.2f},{:.2f},{:.2f},{:.2f},{:.2f},{"
        ":.2f}\n",
        csv_text(c.id), c.kind, csv_text(c.region), c.min_ha, c.max_ha, c.ha, c.shortfall_ha,
        c.shadow_price, c.suitability,
        c.homes >= 0 ? fmt::format("{:.0f}", c.homes) : std::string(), c.region_ha, c.eligible_ha,
        c.verboden_ha, c.nee_tenzij_ha, c.conversion_ha, c.variant_ha);
  return o;
}

std::vector<ZoneKindArea> kind_areas(const Store& store, const ScenarioResult& r,
                                     const std::vector<std::string>& zone_layers) {
  return areas_of(store, r.allocation, &r.margin, r.contested, r.kinds.size(), {}, zone_layers);
}

std::string format_scenario(const ScenarioResult& r, const std::vector<ZoneKindArea>& zones,
                            const std::string& format) {
  if (format == "csv") return claims_csv(r) + "\n" + zones_csv(r.kinds, zones);
  if (format == "json") {
    nlohmann::json j = {{"scenario", r.id},         {"name", r.name},
                        {"period", r.period},       {"variants", r.variants},
                        {"kinds", r.kinds},         {"feasible", r.feasible},
                        {"objective", r.objective}, {"contested_cells", r.contested_cells},
                        {"seconds", r.seconds}};
    for (const auto& c : r.claims) {
      nlohmann::json jc = {{"claim", c.id},
                           {"kind", c.kind},
                           {"region", c.region},
                           {"min_ha", c.min_ha},
                           {"max_ha", c.max_ha},
                           {"ha", c.ha},
                           {"shortfall_ha", c.shortfall_ha},
                           {"shadow_price", c.shadow_price},
                           {"eligible_ha", c.eligible_ha},
                           {"region_ha", c.region_ha},
                           {"verboden_ha", c.verboden_ha},
                           {"nee_tenzij_ha", c.nee_tenzij_ha},
                           {"conversion_ha", c.conversion_ha},
                           {"variant_ha", c.variant_ha}};
      if (c.homes >= 0) jc["homes"] = c.homes;
      if (!c.why.empty()) jc["why"] = c.why;
      j["claims"].push_back(jc);
    }
    for (const auto& z : zones)
      j["zones"].push_back({{"zones", z.zone_layer},
                            {"code", z.code},
                            {"name", z.name},
                            {"ha", z.ha},
                            {"contested_ha", z.contested_ha}});
    return json_text(j, 2, "the scenario table") + "\n";
  }
  std::string o =
      fmt::format("Scenario: {}{}\n", r.name, r.period.empty() ? "" : " (" + r.period + ")");
  for (const auto& v : r.variants) o += fmt::format("Variant: {}\n", v);
  o += fmt::format(
      "\nClaims ({} per cel; schaduwprijs = wat de laatste hectare de claim kost aan "
      "geschiktheid)\n",
      nl(r.cell_ha, 4) + " ha");
  o += fmt::format("  {:<36} {:>9} {:>9} {:>11} {:>9} {:>13}  {}\n", "claim", "min ha", "max ha",
                   "toegewezen", "woningen", "schaduwprijs", "");
  for (const auto& c : r.claims)
    o += fmt::format("  {:<36} {:>9} {:>9} {:>11} {:>9} {:>13}  {}\n", c.id.substr(0, 36),
                     nl(c.min_ha, 1), nl(c.max_ha, 1), nl(c.ha, 1), c.homes >= 0 ? nl(c.homes) : "",
                     nl(c.shadow_price, 3), c.shortfall_ha > 0 ? "NIET GEHAALD" : "");
  if (!r.feasible) {
    o += "\nNiet gehaalde claims:\n";
    for (const auto& c : r.claims)
      if (!c.why.empty()) o += "  " + c.why + "\n";
  }
  std::string current;
  for (const auto& z : zones) {
    if (z.zone_layer != current) {
      current = z.zone_layer;
      o += fmt::format("\nToegewezen hectares per zone van '{}'\n  {:<28}", current, "naam");
      for (const auto& k : r.kinds) o += fmt::format(" {:>14}", k.substr(0, 14));
      o += fmt::format(" {:>10}\n", "betwist");
    }
    o += fmt::format("  {:<28}", z.name.substr(0, 28));
    for (double h : z.ha) o += fmt::format(" {:>14}", nl(h, 1));
    o += fmt::format(" {:>10}\n", nl(z.contested_ha, 1));
  }
  o += fmt::format(
      "\n{} cellen ({} ha) zijn betwist: daar scheelde de tweede keus minder dan {} in "
      "geschiktheid.\n",
      nl(static_cast<double>(r.contested_cells)),
      nl(static_cast<double>(r.contested_cells) * r.cell_ha), nl(r.contested, 2));
  return o;
}

std::string allocation_json(const Store& store, const ScenarioResult& r) {
  nlohmann::json j = {{"scenario", r.id},
                      {"name", r.name},
                      {"period", r.period},
                      {"store", fs::absolute(store.path()).string()},
                      {"kinds", r.kinds},
                      {"kind_titles", r.kind_titles},
                      {"kind_colours", r.kind_colours},
                      {"variants", r.variants},
                      {"cell_ha", r.cell_ha},
                      {"contested", r.contested}};
  return json_text(j, 2, "the scenario table") + "\n";
}

LayerRecord allocation_record(const ScenarioResult& r) {
  LayerRecord rec;
  rec.id = "toewijzing_" + r.id;
  for (auto& c : rec.id)
    if (c == '-') c = '_';
  rec.title = "Opgavenkaart: " + r.name;
  rec.group = r.group;
  rec.unit = "";
  rec.derivation = "allocate";
  rec.description = fmt::format("Toewijzing van de claims van {} ({}).", r.name, r.period);
  LayerDescription& d = rec.describe;
  d.role = role::kAllocation;
  d.params = {{"scenario", r.id}};
  d.style.kind = LayerStyle::Kind::Classes;
  d.style.classes.push_back({0, "geen claim (huidig gebruik)", ""});
  for (std::size_t k = 0; k < r.kinds.size(); ++k)
    d.style.classes.push_back({static_cast<double>(k + 1), r.kind_titles[k], r.kind_colours[k]});
  return rec;
}

Raster contested_raster(const Store& store, const ScenarioResult& r) {
  Raster contested(store.grid(), kNoData);
  for (std::size_t i = 0; i < contested.values.size(); ++i)
    if (r.allocation.values[i] >= 1)
      contested.values[i] = r.margin.values[i] < r.contested ? 2.0f : 1.0f;
  return contested;
}

LayerRecord contested_record(const ScenarioResult& r) {
  LayerRecord rec = allocation_record(r);
  rec.id = "betwist_" + rec.id.substr(std::string("toewijzing_").size());
  rec.title = "Betwiste grond: " + r.name;
  rec.description =
      fmt::format("Toegewezen cellen waar de tweede keus minder dan {} in geschiktheid scheelde.",
                  nl(r.contested, 2));
  rec.describe.role = role::kMeasure;
  rec.describe.style.classes = {{2, "betwist", "#d7191c"}, {1, "duidelijke keus", "#a6bddb"}};
  return rec;
}

// ------------------------------------------------------------------------------ compare

fs::path allocation_store(const fs::path& dir) {
  std::ifstream f(dir / "allocatie.json");
  if (!f)
    fail("{}: no allocatie.json: give a folder written by 'casco allocate -o DIR'", dir.string());
  nlohmann::json j;
  try {
    f >> j;
    return j.at("store").get<std::string>();
  } catch (const std::exception& e) {
    fail("{}: allocatie.json is not readable: {}", dir.string(), e.what());
  }
}

Comparison compare(const Store& store, const fs::path& a, const fs::path& b,
                   const std::vector<std::string>& zone_layers) {
  struct Side {
    std::string name;
    std::vector<std::string> kinds;
    Raster alloc;
  };
  auto load = [&](const fs::path& dir) {
    Side s;
    std::ifstream f(dir / "allocatie.json");
    if (!f)
      fail("{}: no allocatie.json: give a folder written by 'casco allocate -o DIR'", dir.string());
    nlohmann::json j;
    try {
      f >> j;
      s.name = j.at("name").get<std::string>();
      s.kinds = j.at("kinds").get<std::vector<std::string>>();
    } catch (const std::exception& e) {
      fail("{}: allocatie.json is not readable: {}", dir.string(), e.what());
    }
    SourceDef src;
    src.path = dir / "allocatie.tif";
    if (!fs::exists(src.path)) fail("{}: allocatie.tif is missing", dir.string());
    s.alloc = resample_raster(src, "nearest", 1, store.grid());
    return s;
  };
  Side A = load(a), B = load(b);
  Comparison c;
  c.a_name = A.name;
  c.b_name = B.name;
  c.kinds = A.kinds;
  for (const auto& k : B.kinds)
    if (std::find(c.kinds.begin(), c.kinds.end(), k) == c.kinds.end()) c.kinds.push_back(k);
  auto remap = [&](const Side& s) {
    std::vector<int> m;
    for (const auto& k : s.kinds)
      m.push_back(static_cast<int>(std::find(c.kinds.begin(), c.kinds.end(), k) - c.kinds.begin()));
    return m;
  };
  std::vector<int> ma = remap(A), mb = remap(B);
  const Grid& g = store.grid();
  c.change = Raster(g, kNoData);
  std::size_t changed = 0;
  for (std::size_t i = 0; i < g.size(); ++i) {
    float va = A.alloc.values[i], vb = B.alloc.values[i];
    if (std::isnan(va) && std::isnan(vb)) continue;
    int ka = va >= 1 ? ma[static_cast<std::size_t>(va) - 1] : -1;
    int kb = vb >= 1 ? mb[static_cast<std::size_t>(vb) - 1] : -1;
    float v = ka == kb ? 0.0f : kb < 0 ? 1.0f : ka < 0 ? 2.0f : 3.0f;
    c.change.values[i] = v;
    changed += v != 0;
  }
  c.changed_ha = static_cast<double>(changed) * g.cell_area_ha();
  c.a = areas_of(store, A.alloc, nullptr, 0, c.kinds.size(), ma, zone_layers);
  c.b = areas_of(store, B.alloc, nullptr, 0, c.kinds.size(), mb, zone_layers);
  return c;
}

std::string format_comparison(const Comparison& c, const std::string& format) {
  if (format == "csv") {
    std::string o = "zones,code,name,kind,ha_a,ha_b,difference_ha\n";
    for (std::size_t z = 0; z < c.a.size(); ++z)
      for (std::size_t k = 0; k < c.kinds.size(); ++k)
        o += fmt::format("{},{},{},{},{:.2f},{:.2f},{:.2f}\n", c.a[z].zone_layer,
                         csv_text(c.a[z].code), csv_text(c.a[z].name), c.kinds[k], c.a[z].ha[k],
                         c.b[z].ha[k], c.b[z].ha[k] - c.a[z].ha[k]);
    return o;
  }
  if (format == "json") {
    nlohmann::json j = {
        {"a", c.a_name}, {"b", c.b_name}, {"kinds", c.kinds}, {"changed_ha", c.changed_ha}};
    for (std::size_t z = 0; z < c.a.size(); ++z)
      j["zones"].push_back({{"zones", c.a[z].zone_layer},
                            {"code", c.a[z].code},
                            {"name", c.a[z].name},
                            {"ha_a", c.a[z].ha},
                            {"ha_b", c.b[z].ha}});
    return json_text(j, 2, "the scenario table") + "\n";
  }
  std::string o = fmt::format("A: {}\nB: {}\n{} ha krijgt in B een andere bestemming dan in A.\n",
                              c.a_name, c.b_name, nl(c.changed_ha, 1));
  std::string current;
  for (std::size_t z = 0; z < c.a.size(); ++z) {
    if (c.a[z].zone_layer != current) {
      current = c.a[z].zone_layer;
      o += fmt::format("\nHectares per zone van '{}' (A → B)\n  {:<26}", current, "naam");
      for (const auto& k : c.kinds) o += fmt::format(" {:>22}", k.substr(0, 22));
      o += "\n";
    }
    o += fmt::format("  {:<26}", c.a[z].name.substr(0, 26));
    for (std::size_t k = 0; k < c.kinds.size(); ++k) {
      double d = c.b[z].ha[k] - c.a[z].ha[k];
      o += fmt::format(" {:>22}", fmt::format("{} → {} ({}{})", nl(c.a[z].ha[k]), nl(c.b[z].ha[k]),
                                              d > 0 ? "+" : "", nl(d)));
    }
    o += "\n";
  }
  return o;
}

LayerRecord change_record(const Comparison& c) {
  LayerRecord rec;
  rec.id = "verschil";
  rec.title = fmt::format("Verschil: A = {} → B = {}", c.a_name, c.b_name);
  rec.group = "opgaven";
  rec.derivation = "compare";
  rec.description = "Waar de twee opgavenkaarten verschillen.";
  LayerDescription& d = rec.describe;
  d.role = role::kMeasure;
  d.style.kind = LayerStyle::Kind::Classes;
  d.style.classes = {{0, "gelijk", ""},
                     {1, "alleen in A (" + c.a_name + ")", "#2c7bb6"},
                     {2, "alleen in B (" + c.b_name + ")", "#d7191c"},
                     {3, "in A en B een andere soort", "#fdae61"}};
  return rec;
}

}  // namespace casco::scenario
