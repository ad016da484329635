// Text of the hydrology, the design storm and the stress test.
#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <map>

#include "core/dutch.hpp"
#include "waterview/waterview.hpp"

namespace casco::waterview {
using namespace casco::water;
namespace {

std::string nl(double v, int d = 0) {
  return std::isfinite(v) ? dutch_number(v, d) : "–";
}
// Parameters as written: 2 (not 2,0), 0,05, 1,5.
std::string nlt(double v) {
  return std::isfinite(v) ? dutch_number(v, 3, true) : "–";
}
std::string signed_m(double v) {
  return fmt::format("{}{} m", v >= 0 ? "+" : "", dutch_number(v, 2));
}

struct Wet {
  double any = 0, over10 = 0, over30 = 0;  // ha
};
Wet wet_area(const Raster& depth) {
  Wet w;
  const double cell = depth.grid.cell_area_ha();
  for (float d : depth.values) {
    if (!(d > 0)) continue;
    w.any += cell;
    if (d > 0.10f) w.over10 += cell;
    if (d > 0.30f) w.over30 += cell;
  }
  return w;
}

}  // namespace

std::string format_hydrology(const WaterConfig& c, const HydrologyRun& h, const StormRun& s,
                             const std::filesystem::path& dem) {
  const Grid& g = h.dem.raster.grid;
  const double cell_ha = g.cell_area_ha();
  std::string o = fmt::format("Hydrologie op het hoogtemodel — {}\n", c.name);
  o += fmt::format("Hoogtemodel: {} ({}), {} x {} cellen van {} m ({}), {}% van het studiegebied",
                   dem.filename().string(), h.dem.crs_name, g.cols, g.rows, nl(g.cell, 1),
                   c.dem.grid == "dem" ? "eigen raster" : "op het modelraster",
                   nl(100 * h.dem.coverage, 0));
  if (h.dem.holes_filled) o += fmt::format("; {} cellen in gaten opgevuld", nl(h.dem.holes_filled));
  o += fmt::format(" ({:.1f} s)\n", h.seconds);
  o += fmt::format(
      "Laagtes gevuld (priority-flood): {} cellen opgehoogd ({} ha), diepste {} m; {} cellen over "
      "vlakten naar hun uitgang geleid\n",
      nl(static_cast<double>(h.fill.raised)), nl(h.fill.raised * cell_ha), nl(h.fill.max_raise, 2),
      nl(static_cast<double>(h.flow.flat_cells)));
  double volume = 0, cells = 0;
  std::size_t by_storm = 0;
  for (const Bluespot& b : h.spots.spots) {
    volume += b.volume_m3;
    cells += static_cast<double>(b.cells);
    by_storm += b.fill_rain_mm <= s.rain_mm;
  }
  o += fmt::format(
      "Bluespots (laagtes ≥ {} m diep en ≥ {} m³): {}, samen {} m³ op {} ha; {} lopen vol bij "
      "{} mm regen of minder (op hun eigen stroomgebied); {} ondiepere laagtes niet meegeteld\n",
      nlt(c.bluespots.min_depth_m), nl(c.bluespots.min_volume_m3), h.spots.spots.size(), nl(volume),
      nl(cells * cell_ha), by_storm, nlt(s.rain_mm), h.spots.dropped_shallow);
  double net = 0, valley = 0;
  for (std::size_t i = 0; i < g.size(); ++i) {
    net += h.network.values[i] == 1.0f;
    const float hd = h.hand.height.values[i], km2 = h.hand.catchment.values[i];
    valley += !std::isnan(hd) && hd <= c.valley_hand_m && km2 >= c.valley_min_km2;
  }
  o += fmt::format(
      "Afwateringsnet (stroomgebied ≥ {} km²): {} cellen, ongeveer {} km; beekdal geschat uit de "
      "hoogte (≤ {} m boven een beek van ≥ {} km²): {} ha\n",
      nlt(c.stream_min_km2), nl(net), nl(net * g.cell / 1000), nlt(c.valley_hand_m),
      nlt(c.valley_min_km2), nl(valley * cell_ha));
  const StormResult& r = s.result;
  const Wet w = wet_area(r.water_depth);
  o += fmt::format(
      "Bui van {} mm in {} uur{}: {} m³ regen; {} m³ blijft in bluespots staan ({}%), {} m³ "
      "stroomt af; onder water: {} ha, waarvan {} ha dieper dan 10 cm en {} ha dieper dan 30 cm; "
      "{} van de {} bluespots lopen vol en over\n",
      nlt(s.rain_mm), nlt(s.hours),
      s.infiltration_mm > 0 ? fmt::format(" (min {} mm infiltratie)", nl(s.infiltration_mm)) : "",
      nl(r.rain_m3), nl(r.stored_total_m3),
      nl(r.rain_m3 > 0 ? 100 * r.stored_total_m3 / r.rain_m3 : 0), nl(r.runoff_m3), nl(w.any, 1),
      nl(w.over10, 1), nl(w.over30, 1), r.full_spots, h.spots.spots.size());
  // The largest bluespots.
  std::vector<const Bluespot*> big;
  for (const Bluespot& b : h.spots.spots) big.push_back(&b);
  std::sort(big.begin(), big.end(),
            [](const Bluespot* a, const Bluespot* b) { return a->volume_m3 > b->volume_m3; });
  if (!big.empty()) {
    o += fmt::format("\n{:>6} {:>9} {:>9} {:>11} {:>8} {:>8} {:>13} {:>12}\n", "nr", "x", "y",
                     "volume m³", "diepte m", "ha", "vol bij mm", "na de bui");
    for (std::size_t i = 0; i < std::min<std::size_t>(big.size(), 15); ++i) {
      const Bluespot& b = *big[i];
      const double stored = r.stored_m3[b.id - 1];
      o += fmt::format("{:>6} {:>9.0f} {:>9.0f} {:>11} {:>8} {:>8} {:>13} {:>11}%\n", b.id, b.x,
                       b.y, nl(b.volume_m3), nl(b.max_depth_m, 2), nl(b.cells * cell_ha, 2),
                       nl(b.fill_rain_mm), nl(100 * stored / b.volume_m3));
    }
  }
  return o;
}

std::string format_stress(const Climate& climate, const StressSide& now, const StressSide& variant,
                          const HydrologyRun* h) {
  std::string o = fmt::format("Klimaatstresstest: nu tegenover '{}'{}\n", climate.title,
                              climate.knmi.empty() ? "" : " (KNMI " + climate.knmi + ")");
  if (now.storm && variant.storm && h) {
    const Wet a = wet_area(now.storm->result.water_depth),
              b = wet_area(variant.storm->result.water_depth);
    o += fmt::format(
        "Bui: {} mm in {} uur → {} mm in {} uur\n"
        "  onder water:        {:>10} ha → {:>10} ha ({:+} ha)\n"
        "  dieper dan 10 cm:   {:>10} ha → {:>10} ha ({:+} ha)\n"
        "  dieper dan 30 cm:   {:>10} ha → {:>10} ha ({:+} ha)\n"
        "  volle bluespots:    {:>10}    → {:>10}\n"
        "  afstroming:         {:>10} m³ → {:>10} m³\n",
        nlt(now.storm->rain_mm), nlt(now.storm->hours), nlt(variant.storm->rain_mm),
        nlt(variant.storm->hours), nl(a.any, 1), nl(b.any, 1), std::lround(b.any - a.any),
        nl(a.over10, 1), nl(b.over10, 1), std::lround(b.over10 - a.over10), nl(a.over30, 1),
        nl(b.over30, 1), std::lround(b.over30 - a.over30), now.storm->result.full_spots,
        variant.storm->result.full_spots, nl(now.storm->result.runoff_m3),
        nl(variant.storm->result.runoff_m3));
  } else {
    o += "Bui: wacht op een hoogtemodel (AHN: casco data fetch --only ahn_dtm)\n";
  }
  auto gt_area = [](const std::vector<WaterLayer>& layers) {
    std::map<int, double> out;
    for (const WaterLayer& L : layers)
      if (L.record.id.rfind("grondwatertrap_peilbuizen", 0) == 0) {
        const double cell = L.raster.grid.cell_area_ha();
        for (float v : L.raster.values)
          if (v >= 1) out[static_cast<int>(v)] += cell;
      }
    return out;
  };
  if (now.groundwater && variant.groundwater && !now.groundwater->empty()) {
    const auto a = gt_area(*now.groundwater), b = gt_area(*variant.groundwater);
    o += fmt::format("Grondwater: GHG {}, GLG {} (negatief = lager)\n",
                     signed_m(climate.ghg_change_m), signed_m(climate.glg_change_m));
    static const char* names[] = {"I", "II", "III", "IV", "V", "VI", "VII", "VIII"};
    for (int k = 1; k <= 8; ++k) {
      const double x = a.count(k) ? a.at(k) : 0, y = b.count(k) ? b.at(k) : 0;
      if (x == 0 && y == 0) continue;
      o += fmt::format("  Gt {:<5} {:>10} ha → {:>10} ha\n", names[k - 1], nl(x), nl(y));
    }
  } else {
    o += "Grondwater: geen kaart (te weinig peilbuizen of geen peilbuisgegevens)\n";
  }
  return o;
}

}  // namespace casco::waterview
