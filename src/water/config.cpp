// water.toml and the climate parameters of scenario variants.
#include <cmath>

#include "core/error.hpp"
#include "core/toml_reader.hpp"
#include "water/water.hpp"

namespace casco::water {
namespace fs = std::filesystem;
namespace {

const toml::table* section(const TomlReader& r, const toml::table& root, const char* name) {
  const toml::node* n = root.get(name);
  if (!n) return nullptr;
  if (!n->as_table()) r.error_at(*n, fmt::format("[{}] must be a table", name));
  return n->as_table();
}

// Where to point an error about a key: the key, or its table when the key is not given and its
// default does not fit (max_wells below a min_wells given).
const toml::node& at(const toml::table& t, const char* key) {
  const toml::node* n = t.get(key);
  return n ? *n : t;
}

// What an error adds when the key was not given.
std::string defaulted(const toml::table& t, const char* key, double fallback) {
  return t.get(key) ? std::string()
                    : fmt::format(" (not given: its default {} does not fit)", fallback);
}

double positive(const TomlReader& r, const toml::table& t, const char* key, double fallback,
                const std::string& where, bool allow_zero = false) {
  const double v = r.number(t, key, fallback, where);
  if (!(allow_zero ? v >= 0 : v > 0))
    r.error_at(at(t, key), fmt::format("'{}' in {} must be {}{}", key, where,
                                       allow_zero ? "zero or more" : "more than zero",
                                       defaulted(t, key, fallback)));
  return v;
}

int whole(const TomlReader& r, const toml::table& t, const char* key, int fallback,
          const std::string& where, int min) {
  const double v = r.number(t, key, fallback, where);
  constexpr double kMax = 1e6;  // no count or band in a water file comes near; an int holds it
  if (v != std::floor(v) || v < min || v > kMax)
    r.error_at(at(t, key), fmt::format("'{}' in {} must be a whole number from {} to {:.0f}{}", key,
                                       where, min, kMax, defaulted(t, key, fallback)));
  return static_cast<int>(v);
}

void parse_dem(const TomlReader& r, const toml::table& t, const fs::path& base, WaterConfig& c) {
  r.check_keys(t, "[dem]",
               {"path", "grid", "resampling", "band", "crs", "min_coverage", "fill_holes_m"});
  if (auto p = r.text(t, "path", false, "[dem]"); !p.empty()) c.dem_path = base / p;
  c.dem.grid = r.text(t, "grid", false, "[dem]", c.dem.grid);
  if (c.dem.grid != "model" && c.dem.grid != "dem")
    r.error_at(at(t, "grid"), "grid = \"model\" (the model grid) or \"dem\" (its own cells)");
  c.dem.resampling = r.text(t, "resampling", false, "[dem]", c.dem.resampling);
  if (c.dem.resampling != "nearest" && c.dem.resampling != "average" &&
      c.dem.resampling != "bilinear")
    r.error_at(at(t, "resampling"), "resampling = \"nearest\", \"average\" or \"bilinear\"");
  c.dem.band = whole(r, t, "band", 1, "[dem]", 1);
  c.dem.crs = r.text(t, "crs", false, "[dem]");
  c.dem.min_coverage = r.number(t, "min_coverage", c.dem.min_coverage, "[dem]");
  if (c.dem.min_coverage < 0 || c.dem.min_coverage > 1)
    r.error_at(at(t, "min_coverage"), "min_coverage is a share from 0 to 1");
  c.dem.fill_holes_m = positive(r, t, "fill_holes_m", 0, "[dem]", true);
}

void parse_hydrology(const TomlReader& r, const toml::table& t, WaterConfig& c) {
  const std::string w = "[hydrology]";
  r.check_keys(t, w,
               {"stream_min_km2", "valley_hand_m", "valley_min_km2", "bluespot_min_depth_m",
                "bluespot_min_volume_m3", "twi_min_slope"});
  c.stream_min_km2 = positive(r, t, "stream_min_km2", c.stream_min_km2, w);
  c.valley_hand_m = positive(r, t, "valley_hand_m", c.valley_hand_m, w);
  c.valley_min_km2 = positive(r, t, "valley_min_km2", c.valley_min_km2, w);
  c.bluespots.min_depth_m =
      positive(r, t, "bluespot_min_depth_m", c.bluespots.min_depth_m, w, true);
  c.bluespots.min_volume_m3 =
      positive(r, t, "bluespot_min_volume_m3", c.bluespots.min_volume_m3, w, true);
  c.twi_min_slope = positive(r, t, "twi_min_slope", c.twi_min_slope, w);
}

void parse_storm(const TomlReader& r, const toml::table& t, WaterConfig& c) {
  const std::string w = "[storm]";
  r.check_keys(t, w, {"rain_mm", "hours", "infiltration_mm_per_hour", "infiltration_layer"});
  c.rain_mm = positive(r, t, "rain_mm", c.rain_mm, w);
  c.hours = positive(r, t, "hours", c.hours, w);
  c.infiltration_mm_per_hour =
      positive(r, t, "infiltration_mm_per_hour", c.infiltration_mm_per_hour, w, true);
  c.infiltration_layer = r.text(t, "infiltration_layer", false, w);
}

void parse_groundwater(const TomlReader& r, const toml::table& t, const fs::path& base,
                       WaterConfig& c) {
  const std::string w = "[groundwater]";
  r.check_keys(
      t, w,
      {"path", "crs", "max_above_tube_m", "dry_margin_m", "outlier_spread", "outlier_min_m",
       "unreliable_share", "max_filter_depth_m", "min_years_map", "ground_layer", "gxg", "map"});
  c.ground_layer = r.text(t, "ground_layer", false, w);
  if (auto p = r.text(t, "path", false, w); !p.empty()) c.wells_path = base / p;
  c.wells.crs = r.text(t, "crs", false, w, c.wells.crs);
  c.wells.max_above_tube_m = r.number(t, "max_above_tube_m", c.wells.max_above_tube_m, w);
  c.wells.dry_margin_m = positive(r, t, "dry_margin_m", c.wells.dry_margin_m, w, true);
  c.wells.outlier_spread = positive(r, t, "outlier_spread", c.wells.outlier_spread, w);
  c.wells.outlier_min_m = positive(r, t, "outlier_min_m", c.wells.outlier_min_m, w);
  c.wells.unreliable_share = positive(r, t, "unreliable_share", c.wells.unreliable_share, w);
  c.max_filter_depth_m = positive(r, t, "max_filter_depth_m", c.max_filter_depth_m, w);
  c.min_years_map = whole(r, t, "min_years_map", c.min_years_map, w, 1);
  if (const toml::node* n = t.get("gxg")) {
    const toml::table* g = n->as_table();
    if (!g) r.error_at(*n, "[groundwater.gxg] must be a table");
    const std::string gw = "[groundwater.gxg]";
    r.check_keys(*g, gw,
                 {"tolerance_days", "min_samples_per_year", "years", "min_years", "trend_min_years",
                  "trend_min_months", "confidence"});
    c.gxg.tolerance_days = whole(r, *g, "tolerance_days", c.gxg.tolerance_days, gw, 0);
    c.gxg.min_samples_per_year =
        whole(r, *g, "min_samples_per_year", c.gxg.min_samples_per_year, gw, 3);
    c.gxg.years = whole(r, *g, "years", c.gxg.years, gw, 1);
    c.gxg.min_years = whole(r, *g, "min_years", c.gxg.min_years, gw, 1);
    c.gxg.trend_min_years = whole(r, *g, "trend_min_years", c.gxg.trend_min_years, gw, 3);
    c.gxg.trend_min_months = whole(r, *g, "trend_min_months", c.gxg.trend_min_months, gw, 1);
    c.gxg.confidence = r.number(*g, "confidence", c.gxg.confidence, gw);
    if (!(c.gxg.confidence > 0.5 && c.gxg.confidence < 1))
      r.error_at(*g->get("confidence"), "confidence is a share between 0.5 and 1, e.g. 0.95");
  }
  if (const toml::node* n = t.get("map")) {
    const toml::table* m = n->as_table();
    if (!m) r.error_at(*n, "[groundwater.map] must be a table");
    const std::string mw = "[groundwater.map]";
    r.check_keys(*m, mw, {"radius_m", "min_wells", "max_wells", "lag_m", "max_lag_m"});
    c.map.radius_m = positive(r, *m, "radius_m", c.map.radius_m, mw);
    c.map.min_wells = whole(r, *m, "min_wells", c.map.min_wells, mw, 1);
    c.map.max_wells = whole(r, *m, "max_wells", c.map.max_wells, mw, c.map.min_wells);
    c.map.lag_m = positive(r, *m, "lag_m", c.map.lag_m, mw);
    c.map.max_lag_m = positive(r, *m, "max_lag_m", c.map.max_lag_m, mw);
  }
}

}  // namespace

WaterConfig load_water_config(const fs::path& file) {
  TomlReader r(file.string());
  toml::table root = r.parse(TomlReader::read_file(file.string(), "water configuration"));
  r.check_keys(root, "the water configuration",
               {"water", "dem", "hydrology", "storm", "groundwater"});
  WaterConfig c;
  c.file = file;
  const fs::path base = file.parent_path();
  if (const toml::table* t = section(r, root, "water")) {
    r.check_keys(*t, "[water]", {"name", "group"});
    c.name = r.text(*t, "name", false, "[water]", c.name);
    c.group = r.text(*t, "group", false, "[water]", c.group);
  }
  if (const toml::table* t = section(r, root, "dem")) parse_dem(r, *t, base, c);
  if (const toml::table* t = section(r, root, "hydrology")) parse_hydrology(r, *t, c);
  if (const toml::table* t = section(r, root, "storm")) parse_storm(r, *t, c);
  if (const toml::table* t = section(r, root, "groundwater")) parse_groundwater(r, *t, base, c);
  return c;
}

Climate climate_from(const std::string& id, const std::string& title, const std::string& knmi,
                     const std::map<std::string, double>& numbers, const std::string& where) {
  Climate c;
  c.id = id;
  c.title = title;
  c.knmi = knmi;
  for (const auto& [key, v] : numbers) {
    if (key == "storm_rain_mm")
      c.rain_mm = v;
    else if (key == "storm_hours")
      c.hours = v;
    else if (key == "ghg_change_m")
      c.ghg_change_m = v;
    else if (key == "glg_change_m")
      c.glg_change_m = v;
    else
      fail(
          "{}: unknown climate parameter '{}' (known: storm_rain_mm, storm_hours, ghg_change_m, "
          "glg_change_m, and knmi as a label)",
          where, key);
  }
  if (!std::isnan(c.rain_mm) && !(c.rain_mm > 0))
    fail("{}: storm_rain_mm must be more than zero", where);
  if (!std::isnan(c.hours) && !(c.hours > 0)) fail("{}: storm_hours must be more than zero", where);
  return c;
}

}  // namespace casco::water
