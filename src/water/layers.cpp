// The water analyses as described store layers (titles in plain Dutch, estimates marked so).
#include <cmath>

#include "core/error.hpp"
#include "model/describe.hpp"
#include "water/water.hpp"

namespace casco::water {
namespace {

const char* const kGtNames[] = {"I", "II", "III", "IV", "V", "VI", "VII", "VIII"};

WaterLayer make(const WaterConfig& c, std::string id, std::string title, std::string unit,
                std::string derivation, std::string description, Raster raster,
                const std::string& source) {
  WaterLayer L;
  L.record.describe = default_description(derivation, unit);
  L.record.id = std::move(id);
  L.record.title = std::move(title);
  L.record.group = c.group;
  L.record.unit = std::move(unit);
  L.record.derivation = std::move(derivation);
  L.record.description = std::move(description);
  L.record.source = source;
  L.raster = std::move(raster);
  return L;
}

// Styles of the water layers (as the national stress test shows depths: in classes).
LayerDescription bins(const char* role_name, std::vector<StyleClass> classes, int decimals) {
  LayerDescription d;
  d.role = role_name;
  d.style.kind = LayerStyle::Kind::Bins;
  d.style.classes = std::move(classes);
  d.style.zero_blank = true;
  d.decimals = decimals;
  return d;
}

LayerDescription ramp(const char* ramp_name, int decimals, double lo = NAN) {
  LayerDescription d;
  d.role = role::kMeasure;
  d.style.ramp = ramp_name;
  d.style.lo = lo;
  d.decimals = decimals;
  return d;
}

std::string dem_note(const HydrologyRun& h) {
  const Grid& g = h.dem.raster.grid;
  return fmt::format("berekend op het hoogtemodel ({:.4g} m cellen, {:.0f}% van het gebied gedekt)",
                     g.cell, 100 * h.dem.coverage);
}

// What a layer is, for presentations that look for it (the report's water section):
// params water = what, and for a climate variant variant = its id, variant_title = its title.
void tag(WaterLayer& L, const std::string& what, const std::string& variant = "",
         const std::string& variant_title = "") {
  auto& p = L.record.describe.params;
  p["water"] = what;
  if (!variant.empty()) p["variant"] = variant, p["variant_title"] = variant_title;
}

}  // namespace

namespace {
void bluespot_layers(const WaterConfig& c, const HydrologyRun& h, const Grid& model,
                     const std::string& source, const std::string& note,
                     std::vector<WaterLayer>& out);
void valley_layers(const WaterConfig& c, const HydrologyRun& h, const Grid& model,
                   const std::string& source, const std::string& note,
                   std::vector<WaterLayer>& out);
}  // namespace

std::vector<WaterLayer> hydrology_layers(const WaterConfig& c, const HydrologyRun& h,
                                         const Grid& model, const std::string& source) {
  const Grid& g = h.dem.raster.grid;
  std::vector<WaterLayer> out;
  const std::string note = dem_note(h);

  Raster upstream(g, kNoData);
  for (std::size_t i = 0; i < g.size(); ++i)
    if (h.acc[i] > 0) upstream.values[i] = static_cast<float>(h.acc[i] * g.cell_area() / 1e4);
  out.push_back(make(c, "bovenstrooms_oppervlak",
                     "Bovenstrooms oppervlak: hoeveel land via deze plek afwatert (ha, schatting)",
                     "ha", "water",
                     "Afstroming over het maaiveld langs de steilste helling (D8) na het vullen "
                     "van laagtes; " +
                         note,
                     aggregate(upstream, model, "max"), source));
  out.back().record.describe = bins(role::kMeasure,
                                    {{1, "tot 1 ha", "#f7fbff"},
                                     {10, "1–10 ha", "#c6dbef"},
                                     {100, "10–100 ha", "#6baed6"},
                                     {1000, "100–1.000 ha", "#2171b5"},
                                     {0, "meer dan 1.000 ha", "#08306b"}},
                                    0);
  tag(out.back(), "upstream");
  out.push_back(make(c, "afwatering",
                     fmt::format("Afwateringsnet uit het hoogtemodel (stroomgebied van ten minste "
                                 "{:g} km², schatting)",
                                 c.stream_min_km2),
                     "0/1", "presence",
                     "Waar afstromend water zich verzamelt tot een beek of sloot; sloten en "
                     "duikers die het hoogtemodel niet ziet ontbreken; " +
                         note,
                     aggregate(h.network, model, "max"), source));
  out.back().record.describe.style.classes = {{1, "afwatering (beek of sloot)", "#2171b5"}};
  tag(out.back(), "drainage");
  bluespot_layers(c, h, model, source, note, out);
  valley_layers(c, h, model, source, note, out);
  return out;
}

namespace {

void bluespot_layers(const WaterConfig& c, const HydrologyRun& h, const Grid& model,
                     const std::string& source, const std::string& note,
                     std::vector<WaterLayer>& out) {
  const Grid& g = h.dem.raster.grid;
  out.push_back(make(c, "bluespot_diepte",
                     "Bluespots: diepte van laagtes waar regenwater blijft staan (m)", "m", "water",
                     fmt::format("Gevulde hoogte min maaiveld voor laagtes van ten minste {:g} m "
                                 "diep en {:g} m³; {}",
                                 c.bluespots.min_depth_m, c.bluespots.min_volume_m3, note),
                     aggregate(h.spots.depth, model, "max"), source));
  out.back().record.describe = bins(role::kMeasure,
                                    {{0.10, "tot 10 cm", "#c6dbef"},
                                     {0.30, "10–30 cm", "#6baed6"},
                                     {1.0, "30 cm – 1 m", "#2171b5"},
                                     {0, "dieper dan 1 m", "#08306b"}},
                                    2);
  tag(out.back(), "bluespot_depth");
  Raster fill_rain(g, kNoData);
  for (std::size_t i = 0; i < g.size(); ++i)
    if (h.spots.label[i] != 0)
      fill_rain.values[i] = static_cast<float>(h.spots.spots[h.spots.label[i] - 1].fill_rain_mm);
  out.push_back(make(c, "bluespot_vulregen",
                     "Bluespots: bij hoeveel millimeter regen de laagte volloopt (mm, schatting)",
                     "mm", "water",
                     "Volume van de laagte gedeeld door het oppervlak dat erheen afwatert (zonder "
                     "infiltratie, riolering of instroom uit hoger gelegen laagtes); " +
                         note,
                     aggregate(fill_rain, model, "min"), source));
  out.back().record.describe = bins(role::kMeasure,
                                    {{35, "vol bij 35 mm of minder", "#b30000"},
                                     {70, "35–70 mm", "#fc8d59"},
                                     {100, "70–100 mm", "#fdd49e"},
                                     {150, "100–150 mm", "#9ecae1"},
                                     {0, "meer dan 150 mm", "#2171b5"}},
                                    0);
  out.back().record.describe.style.zero_blank = false;
  tag(out.back(), "bluespot_fill_rain");
}

void valley_layers(const WaterConfig& c, const HydrologyRun& h, const Grid& model,
                   const std::string& source, const std::string& note,
                   std::vector<WaterLayer>& out) {
  const Grid& g = h.dem.raster.grid;
  out.push_back(make(c, "hand",
                     "Hoogte boven de dichtstbijzijnde beek of sloot langs de afstroomroute (HAND, "
                     "m)",
                     "m", "water",
                     fmt::format("Height Above Nearest Drainage (Nobre e.a. 2011) op het gevulde "
                                 "hoogtemodel, afwateringsnet ≥ {:g} km²; laagste waarde in de "
                                 "cel; {}",
                                 c.stream_min_km2, note),
                     aggregate(h.hand.height, model, "min"), source));
  out.back().record.describe = ramp("viridis", 1, 0);
  tag(out.back(), "hand");
  Raster valley(g, kNoData);
  for (std::size_t i = 0; i < g.size(); ++i) {
    const float hd = h.hand.height.values[i], km2 = h.hand.catchment.values[i];
    if (std::isnan(hd)) continue;
    valley.values[i] = hd <= c.valley_hand_m && km2 >= c.valley_min_km2 ? 1.0f : 0.0f;
  }
  out.push_back(make(c, "beekdal_hoogtemodel",
                     fmt::format("Beekdal, geschat uit het hoogtemodel (hooguit {:g} m boven een "
                                 "beek met ten minste {:g} km² stroomgebied; aandeel van de cel)",
                                 c.valley_hand_m, c.valley_min_km2),
                     "aandeel 0-1", "coverage",
                     "Een benadering van het beekdal uit de hoogte alleen (HAND); de vastgestelde "
                     "beekdalen van de provincie gaan voor; " +
                         note,
                     aggregate(valley, model, "share"), source));
  tag(out.back(), "valley");
  out.push_back(make(c, "natheid_twi",
                     "Natheid van het terrein: topografische natheidsindex (TWI, schatting)",
                     "index", "water",
                     "ln(bovenstrooms oppervlak per meter / helling), D-oneindig-afstroming "
                     "(Tarboton 1997); hoog = water verzamelt zich, vlak; " +
                         note,
                     aggregate(h.twi, model, "mean"), source));
  out.back().record.describe = ramp("blauw", 1);
  tag(out.back(), "twi");
}

}  // namespace

WaterLayer storm_layer(const WaterConfig& c, const HydrologyRun& h, const StormRun& s,
                       const Grid& model, const std::string& suffix, const std::string& label,
                       const std::string& source) {
  const std::string title =
      fmt::format("Waterdiepte na een bui van {:g} mm in {:g} uur{} (m, stresstest, schatting)",
                  s.rain_mm, s.hours, label.empty() ? "" : " — " + label);
  const std::string desc = fmt::format(
      "Vullen en overlopen van de bluespots: {:g} mm regen{} stroomt langs de steilste helling "
      "naar "
      "de laagtes; elke laagte vult vanaf het laagste punt tot haar overlooppeil, de rest loopt "
      "door naar de volgende. Statisch (waar het water eindigt, niet wanneer), zonder riolering; "
      "{}",
      s.rain_mm,
      s.infiltration_mm > 0 ? fmt::format(" min {:g} mm infiltratie", s.infiltration_mm) : "",
      dem_note(h));
  WaterLayer L = make(c, "waterdiepte_bui" + suffix, title, "m", "water", desc,
                      aggregate(s.result.water_depth, model, "max"), source);
  L.record.describe = bins(role::kMeasure,
                           {{0.10, "tot 10 cm", "#c6dbef"},
                            {0.20, "10–20 cm", "#6baed6"},
                            {0.30, "20–30 cm", "#2171b5"},
                            {0, "meer dan 30 cm", "#08306b"}},
                           2);
  tag(L, "storm_depth", suffix.empty() ? "" : suffix.substr(1), label);
  L.record.describe.params["rain_mm"] = fmt::format("{:g}", s.rain_mm);
  L.record.describe.params["hours"] = fmt::format("{:g}", s.hours);
  return L;
}

std::vector<WaterLayer> groundwater_layers(const WaterConfig& c, const GroundwaterRun& g,
                                           const std::string& source, const Climate* climate) {
  std::vector<WaterLayer> out;
  if (!g.ghg || !g.glg) return out;
  const std::string suffix = climate ? "_" + climate->id : "";
  const std::string label = climate ? " — " + climate->title : "";
  const std::string shift = climate
                                ? fmt::format(
                                      "; variant: GHG {:+.2f} m, GLG {:+.2f} m (grondwaterstand, "
                                      "negatief = lager){}",
                                      climate->ghg_change_m, climate->glg_change_m,
                                      climate->knmi.empty() ? "" : ", KNMI " + climate->knmi)
                                : "";
  auto depth_layer = [&](const char* what, const char* full, const Kriged& k, double change) {
    Raster r = k.value;
    for (float& v : r.values)
      if (!std::isnan(v)) v = static_cast<float>(v - change);  // a higher level is less deep
    const std::string desc = fmt::format(
        "{} per peilbuis (3 hoogste/laagste van de halfmaandelijkse metingen per hydrologisch "
        "jaar, over de laatste jaren), geïnterpoleerd met ordinary kriging (exponentieel "
        "variogram: nugget {:.3f}, sill {:.3f}, range {:.0f} m) uit {} peilbuizen; alleen waar "
        "binnen {:g} m ten minste {} peilbuizen staan, elders geen gegevens; kruisvalidatie: "
        "RMSE {:.2f} m; diepte onder maaiveld, of onder het meetpunt (bovenkant buis) waar het "
        "maaiveld onbekend is{}",
        full, k.variogram.nugget, k.variogram.sill, k.variogram.range, g.mapped, c.map.radius_m,
        c.map.min_wells, k.cv.rmse, shift);
    const bool tube = g.mapped_from_tube_top > 0;
    out.push_back(
        make(c, std::string("grondwaterstand_") + what + suffix,
             fmt::format(
                 "{}: {} (m onder maaiveld{}; geschat uit peilbuizen){}",
                 what == std::string("ghg") ? "GHG" : "GLG", full,
                 tube ? fmt::format(", bij {} van de {} peilbuizen onder de bovenkant van de buis",
                                    g.mapped_from_tube_top, g.mapped)
                      : "",
                 label),
             "m onder maaiveld", "water", desc, r, source));
    out.back().record.describe = ramp("blauw", 2);
    tag(out.back(), what, climate ? climate->id : "", climate ? climate->title : "");
    out.back().record.estimate =
        "geïnterpoleerd uit peilbuizen (kriging); geen gegevens ver van "
        "peilbuizen";
    // A variant shifts the levels; it does not change how far the kriging may be off, so the
    // uncertainty map is today's alone (no copy per variant, no all-zero difference map).
    if (climate) return;
    out.push_back(make(c, std::string("grondwaterstand_") + what + "_onzekerheid",
                       fmt::format("Onzekerheid van de {}-kaart: kriging-standaardafwijking (m)",
                                   what == std::string("ghg") ? "GHG" : "GLG"),
                       "m", "water",
                       "Hoe ver de geschatte stand er naar verwachting naast kan zitten (één "
                       "standaardafwijking); groter ver van peilbuizen",
                       k.sd, source));
    out.back().record.describe = ramp("paars", 2, 0);
    tag(out.back(), what + std::string("_sd"));
  };
  const std::size_t ghg_at = out.size();
  depth_layer("ghg", "gemiddeld hoogste grondwaterstand", *g.ghg,
              climate ? climate->ghg_change_m : 0);
  const std::size_t glg_at = out.size();
  depth_layer("glg", "gemiddeld laagste grondwaterstand", *g.glg,
              climate ? climate->glg_change_m : 0);
  // The grondwatertrap from the two maps just made.
  const Raster& hi = out[ghg_at].raster;
  const Raster& lo = out[glg_at].raster;
  Raster gt(hi.grid, kNoData);
  for (std::size_t i = 0; i < gt.values.size(); ++i)
    if (!std::isnan(hi.values[i]) && !std::isnan(lo.values[i]))
      gt.values[i] = static_cast<float>(
          groundwater_class_number(groundwater_class(hi.values[i], lo.values[i])));
  WaterLayer L =
      make(c, "grondwatertrap_peilbuizen" + suffix,
           "Grondwatertrap uit de peilbuizen (Gt I nat ... VIII droog; schatting)" + label,
           "klasse", "zones",
           "Klasse uit de geschatte GHG en GLG volgens de tabel van de Bodemkaart "
           "1:50 000 (zonder de b-klassen)" +
               shift,
           gt, source);
  L.record.describe.role = role::kMeasure;
  L.record.describe.style.kind = LayerStyle::Kind::Classes;
  L.record.describe.style.classes = groundwater_class_styles();
  for (int k = 0; k < 8; ++k)
    L.classes.push_back({k + 1, kGtNames[k], std::string("Gt ") + kGtNames[k]});
  tag(L, "gt", climate ? climate->id : "", climate ? climate->title : "");
  L.record.estimate = "uit de geschatte GHG- en GLG-kaarten";
  out.push_back(std::move(L));
  return out;
}

std::vector<StyleClass> groundwater_class_styles() {
  static const char* colours[] = {"#08306b", "#2171b5", "#4292c6", "#6baed6",
                                  "#9ecae1", "#fdd49e", "#fc8d59", "#b30000"};
  std::vector<StyleClass> out;
  for (int k = 0; k < 8; ++k)
    out.push_back({static_cast<double>(k + 1),
                   std::string("Gt ") + kGtNames[k] +
                       (k == 0   ? " (natst)"
                        : k == 7 ? " (droogst)"
                                 : ""),
                   colours[k]});
  return out;
}

std::vector<StyleClass> trend_class_styles() {
  return {{1, "daalt", "#d7191c"},
          {2, "geen duidelijke trend", "#969696"},
          {3, "stijgt", "#2c7bb6"},
          {4, "te kort voor een trend", "#fee08b"}};
}

int trend_class(const std::string& verdict) {
  if (verdict == "daalt") return 1;
  if (verdict == "geen duidelijke trend") return 2;
  if (verdict == "stijgt") return 3;
  return 4;
}

void store_layers(const std::filesystem::path& store, const std::vector<WaterLayer>& layers) {
  std::vector<std::pair<LayerRecord, const Raster*>> list;
  std::map<std::string, std::vector<ZoneRecord>> zones;
  for (const WaterLayer& L : layers) {
    list.push_back({L.record, &L.raster});
    if (!L.classes.empty()) zones[L.record.id] = L.classes;
  }
  add_layers(store, list, zones);
}

}  // namespace casco::water
