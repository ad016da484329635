// Text, CSV and GeoJSON of the water results.
#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <fstream>
#include <nlohmann/json.hpp>

#include "core/dutch.hpp"
#include "core/files.hpp"
#include "core/json_text.hpp"
#include "waterview/waterview.hpp"

namespace casco::waterview {
using namespace casco::water;
namespace {

std::string num(double v, int decimals) {
  return std::isfinite(v) ? dutch_number(v, decimals) : "–";
}
std::string csvnum(double v, int decimals) {
  return std::isfinite(v) ? fmt::format("{:.{}f}", v, decimals) : "";
}
std::string ha(double cells, double cell_ha) {
  return dutch_number(cells * cell_ha, 0) + " ha";
}

std::string trend_text(const Trend& t) {
  if (t.verdict == "te kort") return fmt::format("te kort ({} jaar)", t.years);
  return fmt::format("{} ({} cm/jaar, {}–{})", t.verdict, num(100 * t.slope, 1),
                     num(100 * t.low, 1), num(100 * t.high, 1));
}

std::string wells_csv(const GroundwaterRun& g) {
  std::string o =
      "filter,x,y,meetpunt_m_nap,maaiveld_m_nap,filter_boven_m_nap,metingen,jaren,eerste_jaar,"
      "laatste_jaar,indicatief,ghg_m_nap,glg_m_nap,ghg_m_onder,glg_m_onder,referentie,gt,"
      "trend_m_per_jaar,trend_laag,trend_hoog,trend_p,trend_jaren,trend,overgeslagen_leeg,"
      "overgeslagen_dubbel,overgeslagen_boven_buis,overgeslagen_droog,overgeslagen_uitschieter,"
      "overgeslagen_bijzonderheid,overgeslagen_afgekeurd,overgeslagen_onbeslist,onbetrouwbaar,"
      "op_kaart,waarom_niet\n";
  for (const WellResult& r : g.wells) {
    const Well& w = *r.well;
    const WellStats& s = r.stats;
    o += fmt::format(
        "{},{:.0f},{:.0f},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{}"
        ","
        "{},{},{},{},{},{},\"{}\"\n",
        w.id, w.x, w.y, csvnum(w.tube_top, 2), csvnum(w.ground, 2), csvnum(w.screen_top, 2),
        w.readings.size(), s.years, s.years ? std::to_string(s.first_year) : "",
        s.years ? std::to_string(s.last_year) : "", s.indicative ? 1 : 0, csvnum(s.ghg, 3),
        csvnum(s.glg, 3), csvnum(r.ghg_depth, 3), csvnum(r.glg_depth, 3), r.reference, r.gt,
        csvnum(s.trend.slope, 4), csvnum(s.trend.low, 4), csvnum(s.trend.high, 4),
        csvnum(s.trend.p_value, 4), s.trend.years, s.trend.verdict, w.skipped.missing,
        w.skipped.duplicate, w.skipped.above_tube, w.skipped.dry, w.skipped.outlier,
        w.skipped.remarked, w.skipped.rejected, w.skipped.undecided, w.unreliable ? 1 : 0,
        r.mapped ? 1 : 0, r.why_not);
  }
  return o;
}

std::string summary(const WaterConfig& c, const GroundwaterRun& g) {
  Skipped total;
  std::size_t unreliable = 0, with_gxg = 0, full = 0, trends = 0, down = 0, up = 0, averaged = 0;
  for (const WellResult& r : g.wells) {
    const Skipped& k = r.well->skipped;
    total.missing += k.missing;
    total.duplicate += k.duplicate;
    total.above_tube += k.above_tube;
    total.dry += k.dry;
    total.outlier += k.outlier;
    total.remarked += k.remarked;
    total.rejected += k.rejected;
    total.undecided += k.undecided;
    averaged += r.well->averaged;
    unreliable += r.well->unreliable;
    with_gxg += r.stats.years > 0;
    full += r.stats.years > 0 && !r.stats.indicative;
    if (r.stats.trend.verdict != "te kort") {
      ++trends;
      down += r.stats.trend.verdict == "daalt";
      up += r.stats.trend.verdict == "stijgt";
    }
  }
  std::string o = fmt::format("Grondwater uit peilbuizen — {}\n", c.name);
  o += fmt::format("Bron: {} ({}): {} metingen van {} peilbuisfilters\n",
                   g.set.path.filename().string(), g.set.format, dutch_number(g.set.rows),
                   dutch_number(static_cast<double>(g.wells.size())));
  o += fmt::format(
      "Overgeslagen metingen: {} zonder waarde of geldige datum, {} dubbel, {} hoger dan {} m "
      "boven de buis, {} onder het filter (droog), {} uitschieters, {} met een bijzonderheid\n",
      total.missing, total.duplicate, total.above_tube, c.wells.max_above_tube_m, total.dry,
      total.outlier, total.remarked);
  if (g.set.format.find("BRO") != std::string::npos)
    o += fmt::format(
        "BRO: {} metingen afgekeurd en {} onbeslist bij de kwaliteitscontrole (overgeslagen); {} "
        "metingen op een dag met meer metingen samengevoegd tot daggemiddelden\n",
        total.rejected, total.undecided, averaged);
  o += fmt::format("Niet gebruikt (meer dan de helft van de metingen afwijkend): {} filters\n",
                   unreliable);
  o += fmt::format(
      "GHG en GLG (3 hoogste en 3 laagste van de metingen rond de 14e en 28e, per hydrologisch "
      "jaar "
      "1 april–31 maart, jaar geldig bij ≥ {} van de 24 metingen, over de laatste {} jaar): {} "
      "filters; {} over {} jaar of meer, de andere {} indicatief (minder jaren)\n",
      c.gxg.min_samples_per_year, c.gxg.years, with_gxg, full, c.gxg.min_years, with_gxg - full);
  o += fmt::format(
      "Trend (Theil–Sen op jaargemiddelden zonder seizoen, {:.0f}%-interval, ≥ {} jaar): {} "
      "filters; {} dalen (verdroging), {} stijgen, {} geen duidelijke trend\n",
      100 * c.gxg.confidence, c.gxg.trend_min_years, trends, down, up, trends - down - up);
  if (g.ghg) {
    const double cell_ha = g.ghg->value.grid.cell_area_ha();
    o += fmt::format(
        "Kaart: {} peilbuizen (filter ≤ {} m diep, ≥ {} jaar); ordinary kriging, alleen waar "
        "binnen "
        "{} m ten minste {} peilbuizen staan: {} met gegevens, elders geen gegevens\n",
        g.mapped, c.max_filter_depth_m, c.min_years_map, dutch_number(c.map.radius_m),
        c.map.min_wells, ha(static_cast<double>(g.ghg->cells), cell_ha));
    o += fmt::format(
        "  kruisvalidatie (elke peilbuis weggelaten en geschat uit de andere): GHG RMSE {} m, "
        "gemiddeld {} m; GLG RMSE {} m\n",
        num(g.ghg->cv.rmse, 2), num(g.ghg->cv.mean_error, 2), num(g.glg->cv.rmse, 2));
  } else {
    o += fmt::format("Kaart: te weinig bruikbare peilbuizen ({}; nodig {}): geen kaart\n", g.mapped,
                     c.map.min_wells);
  }
  return o;
}

std::string notable_wells(const WaterConfig& c, const GroundwaterRun& g) {
  std::string o;
  // The wells with a trend, falling first, then the others with the most years.
  std::vector<const WellResult*> shown;
  for (const WellResult& r : g.wells)
    if (r.stats.years > 0) shown.push_back(&r);
  auto rank = [](const WellResult* r) {
    const std::string& v = r->stats.trend.verdict;
    return v == "daalt" ? 0 : v == "stijgt" ? 1 : v == "geen duidelijke trend" ? 2 : 3;
  };
  std::stable_sort(shown.begin(), shown.end(), [&](const WellResult* a, const WellResult* b) {
    if (rank(a) != rank(b)) return rank(a) < rank(b);
    return a->stats.years > b->stats.years;
  });
  const std::size_t n = std::min<std::size_t>(shown.size(), 25);
  o += fmt::format("\n{:<15} {:>5} {:>9} {:>9} {:>7} {:>7} {:>4}  {}\n", "filter", "jaren",
                   "GHG m NAP", "GLG m NAP", "GHG -mv", "GLG -mv", "Gt",
                   "trend (cm/jaar, interval)");
  for (std::size_t i = 0; i < n; ++i) {
    const WellResult& r = *shown[i];
    o += fmt::format("{:<15} {:>5} {:>9} {:>9} {:>7} {:>7} {:>4}  {}{}\n", r.well->id,
                     fmt::format("{}{}", r.stats.years, r.stats.indicative ? "*" : ""),
                     num(r.stats.ghg, 2), num(r.stats.glg, 2), num(r.ghg_depth, 2),
                     num(r.glg_depth, 2), r.gt, trend_text(r.stats.trend),
                     r.reference == "meetpunt" ? "" : " (t.o.v. " + r.reference + ")");
  }
  if (shown.size() > n)
    o += fmt::format("… en nog {} filters (alle filters: het CSV-bestand)\n", shown.size() - n);
  o += "* minder dan " + std::to_string(c.gxg.min_years) + " jaar: indicatief\n";
  o += "-mv: diepte onder de bovenkant van de peilbuis (het meetpunt, meestal enkele decimeters "
       "boven maaiveld), tenzij anders vermeld\n";
  return o;
}

}  // namespace

std::string format_groundwater(const WaterConfig& c, const GroundwaterRun& g,
                               const std::string& format) {
  if (format == "csv") return wells_csv(g);
  return summary(c, g) + notable_wells(c, g);
}

void write_wells_geojson(const GroundwaterRun& g, const std::string& crs,
                         const std::filesystem::path& file) {
  nlohmann::json fc = {{"type", "FeatureCollection"},
                       {"crs", {{"type", "name"}, {"properties", {{"name", crs}}}}}};
  auto& features = fc["features"] = nlohmann::json::array();
  auto val = [](double v) { return std::isfinite(v) ? nlohmann::json(v) : nlohmann::json(); };
  for (const WellResult& r : g.wells) {
    const Well& w = *r.well;
    features.push_back({{"type", "Feature"},
                        {"geometry", {{"type", "Point"}, {"coordinates", {w.x, w.y}}}},
                        {"properties",
                         {{"filter", w.id},
                          {"metingen", w.readings.size()},
                          {"jaren", r.stats.years},
                          {"indicatief", r.stats.indicative},
                          {"ghg_m_nap", val(r.stats.ghg)},
                          {"glg_m_nap", val(r.stats.glg)},
                          {"ghg_m_onder", val(r.ghg_depth)},
                          {"glg_m_onder", val(r.glg_depth)},
                          {"referentie", r.reference},
                          {"gt", r.gt},
                          {"trend_cm_per_jaar", val(100 * r.stats.trend.slope)},
                          {"trend_laag", val(100 * r.stats.trend.low)},
                          {"trend_hoog", val(100 * r.stats.trend.high)},
                          {"trend", r.stats.trend.verdict},
                          {"overgeslagen", w.skipped.total()},
                          {"op_kaart", r.mapped},
                          {"waarom_niet", r.why_not}}}});
  }
  AtomicOutput out(file);
  std::ofstream(out.temp_path()) << json_text(fc, 1, file.string());
  out.commit();
}

}  // namespace casco::waterview
