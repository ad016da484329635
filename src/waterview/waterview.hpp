#pragma once
// Presentation of the water module's results (src/water): plain-Dutch text tables, CSV and
// GeoJSON for the wells, and PNG maps through src/render — the one place that decides how water
// results look. The computing code in src/water returns data only.
#include <filesystem>
#include <string>
#include <vector>

#include "model/store.hpp"
#include "water/water.hpp"

namespace casco::waterview {

// "text": a summary and a table of the notable wells; "csv": one row per well filter with every
// figure (GHG/GLG, years, trend and interval, skipped readings by reason, mapped or why not).
std::string format_groundwater(const water::WaterConfig& c, const water::GroundwaterRun& g,
                               const std::string& format);
// The wells as GeoJSON points in the model CRS, with the same attributes as the CSV.
void write_wells_geojson(const water::GroundwaterRun& g, const std::string& crs,
                         const std::filesystem::path& file);

// The hydrology and the design storm: what was filled, the bluespots (largest first), the storm's
// water balance, the drainage network and the stream-valley estimate.
std::string format_hydrology(const water::WaterConfig& c, const water::HydrologyRun& h,
                             const water::StormRun& s, const std::filesystem::path& dem);

// The stress test: now against the variant, for the storm (when there is a DEM) and the
// groundwater (hectares per grondwatertrap).
struct StressSide {
  std::string label;
  const water::StormRun* storm = nullptr;                       // may be null (no DEM)
  const std::vector<water::WaterLayer>* groundwater = nullptr;  // may be empty
};
std::string format_stress(const water::Climate& climate, const StressSide& now,
                          const StressSide& variant, const water::HydrologyRun* h);

// PNG maps of layers (on the store's grid) into `dir`, one per layer: <id>.png.
void write_layer_maps(const Store& store, const std::vector<water::WaterLayer>& layers,
                      const std::filesystem::path& dir);
// Wells as dots: their trend (daalt, stijgt, geen duidelijke trend, te kort) — putten_trend.png.
void write_well_maps(const Store& store, const water::GroundwaterRun& g,
                     const std::filesystem::path& dir);
// Now against the variant: the variant's layer and the difference (variant - now), for each pair
// of layers "<id>" / "<id>_<variant>" present in both lists: <id>_verschil.png.
void write_comparison_maps(const Store& store, const std::vector<water::WaterLayer>& now,
                           const std::vector<water::WaterLayer>& variant,
                           const water::Climate& climate, const std::filesystem::path& dir);

}  // namespace casco::waterview
