// The water analyses in order: hydrology and the storm on a DEM; groundwater from the wells.
#include <chrono>
#include <cmath>

#include "core/error.hpp"
#include "water/water.hpp"

namespace casco::water {
namespace fs = std::filesystem;

HydrologyRun run_hydrology(const WaterConfig& c, const Grid& model, const Raster* inside,
                           const fs::path& dem_override) {
  const fs::path path = dem_override.empty() ? c.dem_path : dem_override;
  if (path.empty())
    fail(
        "{}: no elevation model: set [dem] path (AHN: casco data fetch --only ahn_dtm) or give "
        "--dem FILE",
        c.file.string());
  const auto t0 = std::chrono::steady_clock::now();
  HydrologyRun h;
  h.dem = read_dem(path, model, c.dem, inside);
  const Grid& g = h.dem.raster.grid;
  h.filled = h.dem.raster;
  Routed routed = fill_and_route(h.filled);
  h.dirs = std::move(routed.dirs);
  h.fill = routed.fill;
  h.flow = routed.flow;
  h.acc = d8_accumulation(g, h.dirs);
  h.spots = find_bluespots(h.dem.raster, h.filled, h.dirs, c.bluespots);
  h.hand = height_above_drainage(h.filled, h.dirs, h.acc, c.stream_min_km2 * 1e6);
  h.network = drainage_network(g, h.acc, c.stream_min_km2 * 1e6);
  {
    DInfinity dinf = dinf_directions(h.filled, h.dirs);
    const std::vector<float> dacc = dinf_accumulation(g, dinf);
    h.twi = wetness_index(slope(h.filled), dacc, c.twi_min_slope);
  }
  h.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  return h;
}

StormRun run_storm(const HydrologyRun& h, double rain_mm, double hours,
                   double infiltration_mm_per_hour, const Raster* infiltration) {
  StormRun s;
  s.rain_mm = rain_mm;
  s.hours = hours;
  s.infiltration_mm = infiltration_mm_per_hour * hours;
  const Grid& g = h.dem.raster.grid;
  std::vector<float> rain(g.size(), 0.0f);
  for (std::size_t i = 0; i < g.size(); ++i) {
    double loss = s.infiltration_mm;
    if (infiltration) {
      const float v = infiltration->values[i];
      loss = std::isnan(v) ? s.infiltration_mm : v * hours;
    }
    rain[i] = static_cast<float>(std::max(0.0, rain_mm - loss) / 1000.0);
  }
  s.result = design_storm(h.dem.raster, h.spots, h.dirs, rain);
  return s;
}

namespace {

double sample(const Raster* r, double x, double y) {
  if (!r) return WellResult::kNaN;
  const Grid& g = r->grid;
  const int c = g.col_of(x), row = g.row_of(y);
  if (c < 0 || row < 0 || c >= g.cols || row >= g.rows) return WellResult::kNaN;
  return r->at(row, c);
}

}  // namespace

GroundwaterRun run_groundwater(const WaterConfig& c, const Grid& model, const Raster* ground,
                               const fs::path& wells_override) {
  const fs::path path = wells_override.empty() ? c.wells_path : wells_override;
  if (path.empty())
    fail("{}: no well data: set [groundwater] path or give --wells FILE", c.file.string());
  GroundwaterRun run;
  run.set = read_wells(path, c.wells, model.crs_wkt.empty() ? model.crs : model.crs_wkt);
  std::vector<Point> ghg, glg;
  for (const Well& w : run.set.wells) {
    WellResult r;
    r.well = &w;
    r.stats = well_statistics(w, c.gxg);
    double ref = w.ground;
    r.reference = "maaiveld";
    if (!std::isfinite(ref)) {
      ref = sample(ground, w.x, w.y);
      r.reference = "maaiveld (hoogtemodel)";
    }
    if (!std::isfinite(ref)) {
      ref = w.tube_top;
      r.reference = "meetpunt";
    }
    if (std::isfinite(ref)) {
      r.ghg_depth = ref - r.stats.ghg;
      r.glg_depth = ref - r.stats.glg;
      r.gt = groundwater_class(r.ghg_depth, r.glg_depth);
    }
    const double filter_depth = ref - w.screen_top;
    if (w.unreliable)
      r.why_not = "onbetrouwbaar: meer dan de helft van de metingen afwijkend";
    else if (r.stats.years < c.min_years_map)
      r.why_not = r.stats.years == 0 ? "geen volledig hydrologisch jaar" : "te weinig jaren";
    else if (!std::isfinite(ref))
      r.why_not = "hoogte van maaiveld en meetpunt onbekend";
    else if (std::isfinite(filter_depth) && filter_depth > c.max_filter_depth_m)
      r.why_not = fmt::format("filter te diep ({:.1f} m): meet niet het freatisch grondwater",
                              filter_depth);
    else
      r.mapped = true;
    if (r.mapped) {
      run.mapped_from_tube_top += r.reference == "meetpunt";
      ghg.push_back({w.x, w.y, r.ghg_depth});
      glg.push_back({w.x, w.y, r.glg_depth});
      ++run.mapped;
    }
    run.wells.push_back(std::move(r));
  }
  if (static_cast<int>(ghg.size()) >= c.map.min_wells) {
    run.ghg = krige(ghg, model, c.map);
    run.glg = krige(glg, model, c.map);
    run.gt = Raster(model, kNoData);
    for (std::size_t i = 0; i < model.size(); ++i) {
      const float h = run.ghg->value.values[i], l = run.glg->value.values[i];
      if (std::isnan(h) || std::isnan(l)) continue;
      run.gt.values[i] = static_cast<float>(groundwater_class_number(groundwater_class(h, l)));
    }
  }
  return run;
}

}  // namespace casco::water
