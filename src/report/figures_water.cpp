// Water figures (issue 16): the wells summary (from the well data of water.toml), the water maps
// (layers with the parameter `water`: ghg, glg, gt …, src/water/layers.cpp), the stress test in
// hectares per class now and per climate variant, and what still waits for data (report.toml
// [[water.waits]] with the switched-off rules that need it).
#include <algorithm>
#include <cmath>

#include "legend/legend.hpp"
#include "report/figures_context.hpp"

namespace casco::report {
namespace {

// The wells as points, coloured by their trend (Trend::verdict of src/water).
LayerRecord trend_record(const WellsFigures& f) {
  LayerRecord rec;
  rec.id = "putten-trend";
  rec.title = f.source;
  rec.describe.role = role::kPresence;
  rec.describe.style.kind = LayerStyle::Kind::Classes;
  rec.describe.style.points = true;
  rec.describe.style.classes = water::trend_class_styles();  // as `casco water grondwater`
  return rec;
}

std::optional<WellsFigures> wells_figures(const Context& c) {
  const water::WaterConfig* w = c.inputs().water;
  if (!w || w->wells_path.empty()) return std::nullopt;
  const Grid& g = c.grid();
  const water::WellSet set =
      water::read_wells(w->wells_path, w->wells, g.crs_wkt.empty() ? g.crs : g.crs_wkt);
  WellsFigures f;
  f.source = w->wells_path.filename().string();
  f.filters = set.wells.size();
  f.readings = set.rows;
  f.min_years = w->gxg.min_years;
  Raster trend;
  if (c.drawing()) trend = Raster(g, 0.0f);
  for (const water::Well& well : set.wells) {
    f.kept += well.readings.size();
    const water::Skipped& k = well.skipped;
    f.skipped.missing += k.missing, f.skipped.duplicate += k.duplicate;
    f.skipped.above_tube += k.above_tube, f.skipped.dry += k.dry;
    f.skipped.outlier += k.outlier, f.skipped.remarked += k.remarked;
    f.skipped.rejected += k.rejected, f.skipped.undecided += k.undecided;
    f.unreliable += well.unreliable;
    const water::WellStats s = water::well_statistics(well, w->gxg);
    if (s.years > 0) {
      ++f.with_gxg;
      f.indicative += s.indicative;
      f.first_year = f.first_year ? std::min(f.first_year, s.first_year) : s.first_year;
      f.last_year = std::max(f.last_year, s.last_year);
    }
    const int t = water::trend_class(s.trend.verdict);  // 1 daalt, 2 geen, 3 stijgt, 4 te kort
    (t == 1 ? f.falling : t == 3 ? f.rising : t == 2 ? f.no_trend : f.too_short)++;
    const int col = g.col_of(well.x), row = g.row_of(well.y);
    if (!trend.values.empty() && col >= 0 && row >= 0 && col < g.cols && row < g.rows) {
      // Of several wells in a cell, the most telling trend: falling, rising, none, too short.
      static constexpr int kTelling[] = {9, 0, 2, 1, 3};
      float& cell = trend.at(row, col);
      if (cell == 0 || kTelling[t] < kTelling[static_cast<int>(cell)]) cell = static_cast<float>(t);
    }
  }
  f.map = "water-putten-trend";
  c.draw(f.map, trend_record(f), trend);
  return f;
}

// Hectares per legend class of a class layer (classes or bins), per area.
ClassHectares class_hectares(const Context& c, const LayerRecord& L, const Raster& r) {
  const legend::Legend lg = legend::legend_for(c.store(), L, r, c.study());
  Raster index(r.grid, Raster::Uninitialized{});
  for (std::size_t i = 0; i < r.values.size(); ++i) {
    const int k = lg.class_index(r.values[i]);
    index.values[i] = k < 0 ? kNoData : static_cast<float>(k);
  }
  ClassHectares h;
  h.layer = L.id;
  h.what = L.describe.param("water");
  h.variant = L.describe.param("variant");
  h.variant_title = L.describe.param("variant_title");
  for (const auto& e : lg.classes) h.labels.push_back(e.label);
  if (h.labels.empty()) return h;
  h.hectares = c.class_hectares(index, static_cast<int>(h.labels.size()) - 1);
  for (double v : h.hectares[0]) h.known_ha += v;
  return h;
}

std::vector<WaterWaitFigures> waiting(const Context& c) {
  std::vector<WaterWaitFigures> out;
  for (const WaterWait& w : c.config().water_waits) {
    WaterWaitFigures f{w.data, w.how, {}, {}};
    for (const auto& id : w.layers)
      if (!c.store().find(id)) f.missing.push_back(id);
    if (f.missing.empty()) continue;
    if (const rules::RuleSet* set = c.inputs().rules)
      for (const rules::Rule& r : set->rules)
        if (r.waiting() && std::any_of(r.needs.begin(), r.needs.end(), [&](const std::string& n) {
              return std::find(f.missing.begin(), f.missing.end(), n) != f.missing.end();
            }))
          f.rules.push_back(r.title);
    out.push_back(std::move(f));
  }
  return out;
}

}  // namespace

std::optional<WaterFigures> water_figures(const Context& c) {
  WaterFigures f;
  f.wells = wells_figures(c);
  // Maps: the measured groundwater now (GHG, GLG, grondwatertrap) and the stress test's layers;
  // tables: the class layers of the stress test, now and per variant.
  static const char* mapped[] = {"ghg", "glg", "gt", "storm_depth", "bluespot_depth", "valley"};
  for (const auto& L : c.store().manifest().layers) {
    const std::string what = L.describe.param("water");
    if (what.empty()) continue;
    const bool map = L.describe.param("variant").empty() &&
                     std::find(std::begin(mapped), std::end(mapped), what) != std::end(mapped);
    const bool table = what == "gt" || what == "storm_depth";
    if (!map && !table) continue;
    const Raster r = c.store().read(L.id);
    if (map) {
      WaterMap m{"water-" + L.id, L.id, {}};
      for (const ZoneStats& z : c.stats(r))
        m.known_ha.push_back(static_cast<double>(z.cells_data) * c.cell_ha());
      c.draw(m.key, L, r);
      f.maps.push_back(std::move(m));
    }
    if (table) f.stress.push_back(class_hectares(c, L, r));
  }
  f.waiting = waiting(c);
  if (!f.wells && f.maps.empty() && f.stress.empty() && f.waiting.empty()) return std::nullopt;
  return f;
}

}  // namespace casco::report
