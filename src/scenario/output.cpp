// Scenario results as data: hectares per zone and kind, the layer records, the allocation file
// (allocatie.json, read back by compare) and the comparison of two scenarios. Their tables in
// text, CSV and JSON are made in src/present/scenario_text.cpp.
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

}  // namespace

std::vector<ZoneKindArea> kind_areas(const Store& store, const ScenarioResult& r,
                                     const std::vector<std::string>& zone_layers) {
  return areas_of(store, r.allocation, &r.margin, r.contested, r.kinds.size(), {}, zone_layers);
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
