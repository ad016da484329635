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

// A layer as the water module described it (classes of depth as the national stress test shows
// them, levels as ramps).
void draw(const Store& store, const WaterLayer& L, const fs::path& png) {
  QuicklookOptions q;
  q.class_areas = L.record.describe.style.kind == LayerStyle::Kind::Bins;
  write_map(store, L.raster, L.record, png, q);
}

// The record of a map made here (the wells, a difference), with its classes.
LayerRecord map_record(std::string title, std::string unit, std::vector<StyleClass> classes,
                       bool points) {
  LayerRecord rec;
  rec.title = std::move(title);
  rec.unit = std::move(unit);
  rec.describe.role = role::kMeasure;
  rec.describe.style.kind = LayerStyle::Kind::Classes;
  rec.describe.style.classes = std::move(classes);
  rec.describe.style.points = points;
  return rec;
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
  for (const WaterLayer& L : layers) draw(store, L, dir / (L.record.id + ".png"));
}

void write_well_maps(const Store& store, const GroundwaterRun& g, const fs::path& dir) {
  fs::create_directories(dir);
  const Grid& grid = store.grid();
  Raster trend(grid, kNoData), gt(grid, kNoData);
  for (const WellResult& r : g.wells) {
    const int c = static_cast<int>(std::floor(grid.px(r.well->x)));
    const int row = static_cast<int>(std::floor(grid.py(r.well->y)));
    if (c < 0 || row < 0 || c >= grid.cols || row >= grid.rows) continue;
    trend.at(row, c) = static_cast<float>(water::trend_class(r.stats.trend.verdict));
    if (const int k = groundwater_class_number(r.gt)) gt.at(row, c) = static_cast<float>(k);
  }
  QuicklookOptions q;
  q.subtitle =
      "Theil–Sen op jaargemiddelden; 'daalt' of 'stijgt' als het hele betrouwbaarheidsinterval "
      "die kant op wijst";
  write_map(store, trend,
            map_record("Peilbuizen: trend van de grondwaterstand (verdroging)", "",
                       water::trend_class_styles(), true),
            dir / "putten_trend.png", q);
  q.subtitle = "ten opzichte van maaiveld, of van het meetpunt waar het maaiveld onbekend is";
  write_map(store, gt,
            map_record("Peilbuizen: grondwatertrap uit de gemeten GHG en GLG", "",
                       water::groundwater_class_styles(), true),
            dir / "putten_gt.png", q);
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
    draw(store, V, dir / (V.record.id + ".png"));
    if (!N) continue;
    Raster diff(V.raster.grid, kNoData);
    for (std::size_t i = 0; i < diff.values.size(); ++i) {
      const float a = N->raster.values[i], b = V.raster.values[i];
      if (std::isnan(a) && std::isnan(b)) continue;
      diff.values[i] = (std::isnan(b) ? 0.0f : b) - (std::isnan(a) ? 0.0f : a);
    }
    LayerRecord rec;
    rec.title = fmt::format("Verschil: {} — nu tegenover {}", N->record.title, climate.title);
    if (N->record.describe.style.kind == LayerStyle::Kind::Classes) {
      // Classes ordered wet to dry (grondwatertrap): lower is wetter.
      for (float& v : diff.values)
        if (!std::isnan(v)) v = v < 0 ? 1.0f : v > 0 ? 3.0f : 2.0f;
      rec = map_record(rec.title, "",
                       {{1, "natter (lagere klasse)", "#2c7bb6"},
                        {2, "gelijk", "#d9d9d9"},
                        {3, "droger (hogere klasse)", "#d7191c"}},
                       false);
    } else {
      rec.unit = "variant min nu (" + V.record.unit + ")";
      rec.describe.role = role::kMeasure;
      rec.describe.style.ramp = "roodgroen";
      rec.describe.decimals = V.record.describe.decimals;
      rec.describe.style.zero_blank = V.record.describe.style.zero_blank;
    }
    write_map(store, diff, rec, dir / (base + "_verschil.png"));
  }
}

}  // namespace casco::waterview
