#include "waterview/jobs.hpp"

#include <cmath>
#include <fstream>
#include <optional>
#include <ostream>

#include "core/error.hpp"
#include "core/files.hpp"
#include "model/store.hpp"
#include "waterview/waterview.hpp"

namespace casco::waterview {
using namespace casco::water;
namespace fs = std::filesystem;
namespace {

// The study area on the store's grid: the cells of its borders zones layer (else every cell).
std::optional<Raster> study_area(const Store& s) {
  const std::string& b = s.manifest().borders;
  if (b.empty() || !s.find(b)) return std::nullopt;
  return s.read(b);
}

std::optional<Raster> store_layer(const Store& s, const std::string& id, const char* what) {
  if (id.empty()) return std::nullopt;
  if (!s.find(id)) {
    info("{} layer '{}' is not in {}: not used", what, id, s.path().string());
    return std::nullopt;
  }
  return s.read(id);
}

void write_text(const fs::path& file, const std::string& text) {
  AtomicOutput out(file);
  std::ofstream(out.temp_path()) << text;
  out.commit();
}

struct Hydro {
  HydrologyRun run;
  std::optional<Raster> infiltration;  // on the hydrology's grid
};

Hydro hydrology(const WaterConfig& c, const Store& s, const JobOptions& o) {
  auto area = study_area(s);
  Hydro h{run_hydrology(c, s.grid(), area ? &*area : nullptr, o.dem), std::nullopt};
  if (auto inf = store_layer(s, c.infiltration_layer, "infiltration"))
    h.infiltration = aggregate(*inf, h.run.dem.raster.grid, "mean");
  return h;
}

GroundwaterRun groundwater(const WaterConfig& c, const Store& s, const JobOptions& o) {
  auto ground = store_layer(s, c.ground_layer, "ground level");
  return run_groundwater(c, s.grid(), ground ? &*ground : nullptr, o.wells);
}

void add(const JobOptions& o, Store& s, const std::vector<WaterLayer>& layers) {
  if (o.no_store || layers.empty()) return;
  s = Store();  // closed before the store file is rewritten
  store_layers(o.store, layers);
  std::string ids;
  for (const WaterLayer& L : layers) ids += (ids.empty() ? "" : ", ") + L.record.id;
  info("added {} layer(s) to {}: {}", layers.size(), o.store.string(), ids);
}

}  // namespace

bool dem_available(const WaterConfig& c, const fs::path& dem_override) {
  const fs::path p = dem_override.empty() ? c.dem_path : dem_override;
  return !p.empty() && fs::exists(p);
}

void groundwater_job(const JobOptions& o, std::ostream& out) {
  const WaterConfig c = load_water_config(o.config);
  Store s = Store::open(o.store);
  const GroundwaterRun g = groundwater(c, s, o);
  out << format_groundwater(c, g, o.format);
  fs::create_directories(o.out);
  write_text(o.out / "putten.csv", format_groundwater(c, g, "csv"));
  write_wells_geojson(g, s.grid().crs, o.out / "putten.geojson");
  const auto layers = groundwater_layers(c, g, g.set.path.string());
  write_layer_maps(s, layers, o.out);
  write_well_maps(s, g, o.out);
  info("wrote {}/putten.csv, putten.geojson and {} map(s)", o.out.string(), layers.size() + 2);
  add(o, s, layers);
}

void hydrology_job(const JobOptions& o, std::ostream& out) {
  const WaterConfig c = load_water_config(o.config);
  Store s = Store::open(o.store);
  const Hydro h = hydrology(c, s, o);
  const StormRun storm = run_storm(h.run, c.rain_mm, c.hours, c.infiltration_mm_per_hour,
                                   h.infiltration ? &*h.infiltration : nullptr);
  const fs::path dem = o.dem.empty() ? c.dem_path : o.dem;
  out << format_hydrology(c, h.run, storm, dem);
  auto layers = hydrology_layers(c, h.run, s.grid(), dem.string());
  layers.push_back(storm_layer(c, h.run, storm, s.grid(), "", "", dem.string()));
  write_layer_maps(s, layers, o.out);
  info("wrote {} map(s) to {}", layers.size(), o.out.string());
  add(o, s, layers);
}

void stress_job(const JobOptions& o, const Climate& climate, std::ostream& out) {
  const WaterConfig c = load_water_config(o.config);
  Store s = Store::open(o.store);
  std::vector<WaterLayer> now, variant;
  std::optional<Hydro> h;
  std::optional<StormRun> storm_now, storm_variant;
  const fs::path dem = o.dem.empty() ? c.dem_path : o.dem;
  if (dem_available(c, o.dem)) {
    h = hydrology(c, s, o);
    const Raster* inf = h->infiltration ? &*h->infiltration : nullptr;
    storm_now = run_storm(h->run, c.rain_mm, c.hours, c.infiltration_mm_per_hour, inf);
    storm_variant = run_storm(h->run, std::isnan(climate.rain_mm) ? c.rain_mm : climate.rain_mm,
                              std::isnan(climate.hours) ? c.hours : climate.hours,
                              c.infiltration_mm_per_hour, inf);
    now.push_back(storm_layer(c, h->run, *storm_now, s.grid(), "", "", dem.string()));
    variant.push_back(storm_layer(c, h->run, *storm_variant, s.grid(), "_" + climate.id,
                                  climate.title, dem.string()));
  }
  std::vector<WaterLayer> gw_now, gw_variant;
  if (!c.wells_path.empty() || !o.wells.empty()) {
    const GroundwaterRun g = groundwater(c, s, o);
    gw_now = groundwater_layers(c, g, g.set.path.string());
    gw_variant = groundwater_layers(c, g, g.set.path.string(), &climate);
    now.insert(now.end(), gw_now.begin(), gw_now.end());
    variant.insert(variant.end(), gw_variant.begin(), gw_variant.end());
  }
  out << format_stress(climate, {"nu", storm_now ? &*storm_now : nullptr, &gw_now},
                       {climate.title, storm_variant ? &*storm_variant : nullptr, &gw_variant},
                       h ? &h->run : nullptr);
  write_comparison_maps(s, now, variant, climate, o.out);
  info("wrote the maps of now and '{}' to {}", climate.id, o.out.string());
  std::vector<WaterLayer> all = now;
  all.insert(all.end(), variant.begin(), variant.end());
  add(o, s, all);
}

}  // namespace casco::waterview
