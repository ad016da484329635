// PNG maps of the water layers: depths and rain in classes (as the national stress test shows
// them), levels and indices as ramps, wells as dots, and now against a climate variant.
#include <fmt/format.h>

#include <cmath>

#include "render/quicklook.hpp"
#include "waterview/waterview.hpp"

namespace casco::waterview {
using namespace casco::water;
namespace fs = std::filesystem;
namespace {

// Upper bounds of classes 1..n (the last class is everything above the last bound).
Raster classify(const Raster& r, const std::vector<double>& bounds, bool zero_is_none) {
  Raster out(r.grid, kNoData);
  for (std::size_t i = 0; i < r.values.size(); ++i) {
    const float v = r.values[i];
    if (std::isnan(v) || (zero_is_none && v <= 0)) continue;
    int k = 1;
    while (k <= static_cast<int>(bounds.size()) && v > bounds[k - 1]) ++k;
    out.values[i] = static_cast<float>(k);
  }
  return out;
}

std::vector<MapClass> classes(const std::vector<std::string>& labels,
                              const std::vector<unsigned>& colours) {
  std::vector<MapClass> out;
  for (std::size_t k = 0; k < labels.size(); ++k)
    out.push_back({static_cast<float>(k + 1), labels[k], colours[k], -1});
  return out;
}

const std::vector<unsigned> kBlues = {0xc6dbef, 0x6baed6, 0x2171b5, 0x08306b, 0x041b3d};
const std::vector<unsigned> kGt = {0x08306b, 0x2171b5, 0x4292c6, 0x6baed6,
                                   0x9ecae1, 0xfdd49e, 0xfc8d59, 0xb30000};

// How a layer is drawn, by its id (the variant suffix dropped).
void draw(const Store& store, const WaterLayer& L, const std::string& base, const fs::path& png) {
  MapSpec spec;
  spec.title = L.record.title;
  spec.unit = L.record.unit;
  Raster r = L.raster;
  if (base == "waterdiepte_bui") {
    r = classify(L.raster, {0.10, 0.20, 0.30}, true);
    spec.classes = classes({"tot 10 cm", "10–20 cm", "20–30 cm", "meer dan 30 cm"}, kBlues);
    spec.unit = "waterdiepte";
  } else if (base == "bluespot_diepte") {
    r = classify(L.raster, {0.10, 0.30, 1.0}, true);
    spec.classes = classes({"tot 10 cm", "10–30 cm", "30 cm – 1 m", "dieper dan 1 m"}, kBlues);
    spec.unit = "diepte van de laagte";
  } else if (base == "bluespot_vulregen") {
    r = classify(L.raster, {35, 70, 100, 150}, false);
    spec.classes =
        classes({"vol bij ≤ 35 mm", "35–70 mm", "70–100 mm", "100–150 mm", "meer dan 150 mm"},
                {0xb30000, 0xfc8d59, 0xfdd49e, 0x9ecae1, 0x2171b5});
    spec.unit = "regen tot de laagte vol is";
  } else if (base == "bovenstrooms_oppervlak") {
    r = classify(L.raster, {1, 10, 100, 1000}, true);
    spec.classes =
        classes({"tot 1 ha", "1–10 ha", "10–100 ha", "100–1.000 ha", "meer dan 1.000 ha"},
                {0xf7fbff, 0xc6dbef, 0x6baed6, 0x2171b5, 0x08306b});
  } else if (base == "afwatering") {
    spec.classes = {{1, "afwatering (beek of sloot)", 0x2171b5, -1}};
    spec.markers = false;
  } else if (base == "beekdal_hoogtemodel") {
    r = classify(L.raster, {0.5}, true);
    for (float& v : r.values)
      if (v != 2) v = kNoData;
    spec.classes = {{2, "beekdal (schatting)", 0x41ab5d, -1}};
  } else if (base == "grondwatertrap_peilbuizen") {
    spec.classes = classes({"Gt I (natst)", "Gt II", "Gt III", "Gt IV", "Gt V", "Gt VI", "Gt VII",
                            "Gt VIII (droogst)"},
                           kGt);
    spec.subtitle = "schatting uit peilbuizen; leeg = geen gegevens";
  } else if (base.rfind("grondwaterstand_", 0) == 0) {
    spec.subtitle =
        "schatting uit peilbuizen; leeg = geen gegevens (te weinig peilbuizen in de buurt)";
  }
  write_map(store, r, spec, png);
}

std::string base_id(const std::string& id, const std::string& variant) {
  const std::string suffix = "_" + variant;
  if (!variant.empty() && id.size() > suffix.size() &&
      id.compare(id.size() - suffix.size(), suffix.size(), suffix) == 0)
    return id.substr(0, id.size() - suffix.size());
  return id;
}

}  // namespace

void write_layer_maps(const Store& store, const std::vector<WaterLayer>& layers,
                      const fs::path& dir) {
  fs::create_directories(dir);
  for (const WaterLayer& L : layers) draw(store, L, L.record.id, dir / (L.record.id + ".png"));
}

void write_well_maps(const Store& store, const GroundwaterRun& g, const fs::path& dir) {
  fs::create_directories(dir);
  const Grid& grid = store.grid();
  Raster trend(grid, kNoData), gt(grid, kNoData);
  for (const WellResult& r : g.wells) {
    const int c = static_cast<int>(std::floor(grid.px(r.well->x)));
    const int row = static_cast<int>(std::floor(grid.py(r.well->y)));
    if (c < 0 || row < 0 || c >= grid.cols || row >= grid.rows) continue;
    const std::string& v = r.stats.trend.verdict;
    trend.at(row, c) = v == "daalt"                   ? 1.0f
                       : v == "geen duidelijke trend" ? 2.0f
                       : v == "stijgt"                ? 3.0f
                                                      : 4.0f;
    if (const int k = groundwater_class_number(r.gt)) gt.at(row, c) = static_cast<float>(k);
  }
  MapSpec t;
  t.title = "Peilbuizen: trend van de grondwaterstand (verdroging)";
  t.subtitle =
      "Theil–Sen op jaargemiddelden; 'daalt' of 'stijgt' als het hele betrouwbaarheidsinterval "
      "die kant op wijst";
  t.classes = {{1, "daalt", 0xd7191c, -1},
               {2, "geen duidelijke trend", 0x969696, -1},
               {3, "stijgt", 0x2c7bb6, -1},
               {4, "te kort voor een trend", 0xfee08b, -1}};
  t.markers = true;
  write_map(store, trend, t, dir / "putten_trend.png");
  MapSpec s;
  s.title = "Peilbuizen: grondwatertrap uit de gemeten GHG en GLG";
  s.subtitle = "ten opzichte van maaiveld, of van het meetpunt waar het maaiveld onbekend is";
  s.classes = classes(
      {"Gt I (natst)", "Gt II", "Gt III", "Gt IV", "Gt V", "Gt VI", "Gt VII", "Gt VIII (droogst)"},
      kGt);
  s.markers = true;
  write_map(store, gt, s, dir / "putten_gt.png");
}

void write_comparison_maps(const Store& store, const std::vector<WaterLayer>& now,
                           const std::vector<WaterLayer>& variant, const Climate& climate,
                           const fs::path& dir) {
  fs::create_directories(dir);
  for (const WaterLayer& V : variant) {
    const std::string base = base_id(V.record.id, climate.id);
    const WaterLayer* N = nullptr;
    for (const WaterLayer& L : now)
      if (L.record.id == base) N = &L;
    draw(store, V, base, dir / (V.record.id + ".png"));
    if (!N) continue;
    Raster diff(V.raster.grid, kNoData);
    for (std::size_t i = 0; i < diff.values.size(); ++i) {
      const float a = N->raster.values[i], b = V.raster.values[i];
      if (std::isnan(a) && std::isnan(b)) continue;
      diff.values[i] = (std::isnan(b) ? 0.0f : b) - (std::isnan(a) ? 0.0f : a);
    }
    MapSpec spec;
    spec.title = fmt::format("Verschil: {} — nu tegenover {}", N->record.title, climate.title);
    if (base == "grondwatertrap_peilbuizen") {
      for (float& v : diff.values)
        if (!std::isnan(v)) v = v < 0 ? 1.0f : v > 0 ? 3.0f : 2.0f;
      spec.classes = {{1, "natter (lagere Gt)", 0x2c7bb6, -1},
                      {2, "gelijk", 0xd9d9d9, -1},
                      {3, "droger (hogere Gt)", 0xd7191c, -1}};
    } else {
      spec.diverging = true;
      spec.unit = "variant min nu (" + V.record.unit + ")";
      if (base == "waterdiepte_bui")
        for (float& v : diff.values)
          if (v == 0) v = kNoData;  // dry in both: no colour
    }
    write_map(store, diff, spec, dir / (base + "_verschil.png"));
  }
}

}  // namespace casco::waterview
