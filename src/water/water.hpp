#pragma once
// The water module's entry: the configuration file (water.toml), the analyses run on a model
// store's grid — hydrology and the design storm on an elevation model, groundwater from wells,
// a climate variant of both — and the layers they add to the store. Returns data only; tables
// and maps are made by the presentation (src/waterview). Format and methods: docs/water.md.
#include <filesystem>
#include <limits>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "core/grid.hpp"
#include "model/store.hpp"
#include "water/dem.hpp"
#include "water/groundwater.hpp"
#include "water/hydrology.hpp"

namespace casco::water {

struct WaterConfig {
  std::filesystem::path file;
  std::string name = "Water en bodem";
  std::string group = "water-bodem";  // store group of the layers
  // [dem]
  std::filesystem::path dem_path;  // empty: no elevation model configured
  DemOptions dem;
  // [hydrology]
  double stream_min_km2 = 1.0;  // the drainage network: cells draining at least this
  double valley_hand_m = 1.0;   // stream-valley estimate: at most this high above a stream ...
  double valley_min_km2 = 5.0;  // ... that drains at least this
  BluespotOptions bluespots;
  double twi_min_slope = 0.001;
  // [storm]
  double rain_mm = 70, hours = 2;
  double infiltration_mm_per_hour = 0;  // uniform loss during the storm
  std::string infiltration_layer;       // or: a store layer with the capacity in mm/h
  // [groundwater]
  std::filesystem::path wells_path;  // empty: no well data configured
  WellOptions wells;
  GxgOptions gxg;
  KrigingOptions map;
  double max_filter_depth_m = 5.0;  // only filters whose top is this shallow map the water table
  int min_years_map = 1;            // valid hydrological years a well needs to be mapped
  std::string ground_layer;         // a store layer with the ground level (m NAP), e.g. AHN
};

// Throws casco::Error naming file:line:column for malformed files and unknown keys.
WaterConfig load_water_config(const std::filesystem::path& file);

// A climate variant (from a scenario file's [variant.climate], docs/scenarios.md): a heavier
// design storm and shifted groundwater levels, e.g. per KNMI'23 scenario.
struct Climate {
  std::string id, title, knmi;          // variant id, its title, the KNMI scenario named (a label)
  double rain_mm = kNaN, hours = kNaN;  // NaN: as now
  double ghg_change_m = 0, glg_change_m = 0;  // change of the level (m; negative = lower/drier)
  static constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
};
// Reads the numbers of a [variant.climate] table; `where` names it in errors (file and variant).
Climate climate_from(const std::string& id, const std::string& title, const std::string& knmi,
                     const std::map<std::string, double>& numbers, const std::string& where);

// ---------------------------------------------------------------------------- hydrology
struct HydrologyRun {
  Dem dem;  // the DEM as read (on the model grid or its own)
  Raster filled;
  std::vector<std::uint8_t> dirs;
  std::vector<std::uint32_t> acc;
  FillStats fill;
  FlowStats flow;
  Bluespots spots;
  Hand hand;
  Raster network, twi;
  double seconds = 0;
};

// Reads the DEM of `config` (or `dem_override`) for the model grid and runs the hydrology.
// Throws casco::Error when no DEM is configured or it cannot be used (see read_dem).
HydrologyRun run_hydrology(const WaterConfig& config, const Grid& model, const Raster* inside,
                           const std::filesystem::path& dem_override = {});

struct StormRun {
  double rain_mm = 0, hours = 0, infiltration_mm = 0;
  StormResult result;
};
// The design storm over the bluespots; `infiltration` (mm/h on the hydrology's grid, optional)
// replaces the configured uniform capacity.
StormRun run_storm(const HydrologyRun& h, double rain_mm, double hours,
                   double infiltration_mm_per_hour, const Raster* infiltration = nullptr);

// ---------------------------------------------------------------------------- groundwater
struct WellResult {
  const Well* well = nullptr;
  WellStats stats;
  double ghg_depth = kNaN, glg_depth = kNaN;  // m below the reference
  std::string reference;                      // "maaiveld", "maaiveld (hoogtemodel)", "meetpunt"
  std::string gt;                             // grondwatertrap from the depths
  bool mapped = false;                        // used for the maps
  std::string why_not;                        // why not (Dutch, short)
  static constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
};

struct GroundwaterRun {
  WellSet set;
  std::vector<WellResult> wells;   // in the order of set.wells
  std::optional<Kriged> ghg, glg;  // empty when too few wells could be mapped
  Raster gt;                       // grondwatertrap number 1..8 where both maps have a value
  std::size_t mapped = 0;
  std::size_t mapped_from_tube_top = 0;  // of which the depth is below the tube top (no ground)
};

// Reads the wells, computes GHG/GLG/trend per well and kriges the depths (m below ground, or below
// the tube top) onto `model`. `ground` (optional, m NAP on `model`) gives ground levels for wells
// whose file has none.
GroundwaterRun run_groundwater(const WaterConfig& config, const Grid& model,
                               const Raster* ground = nullptr,
                               const std::filesystem::path& wells_override = {});

// ---------------------------------------------------------------------------- layers
struct WaterLayer {
  LayerRecord record;
  Raster raster;                    // on the model grid
  std::vector<ZoneRecord> classes;  // labels of class layers (grondwatertrap)
};

// The hydrology's layers on the model grid (aggregated from the DEM's own grid when finer).
std::vector<WaterLayer> hydrology_layers(const WaterConfig& config, const HydrologyRun& h,
                                         const Grid& model, const std::string& source);
// The water depth after the storm; `suffix` ("" now, "_<variant>") and `label` name a variant.
WaterLayer storm_layer(const WaterConfig& config, const HydrologyRun& h, const StormRun& s,
                       const Grid& model, const std::string& suffix, const std::string& label,
                       const std::string& source);
// GHG, GLG (estimates, m below ground) with their uncertainty and the grondwatertrap;
// `climate` (optional) shifts the levels for a variant (ids then end in _<variant id>).
std::vector<WaterLayer> groundwater_layers(const WaterConfig& config, const GroundwaterRun& g,
                                           const std::string& source,
                                           const Climate* climate = nullptr);

// The classes of the grondwatertrap (1 = Gt I, natst … 8 = Gt VIII, droogst) and of a well's
// trend (trend_class of Trend::verdict), with their colours: one description for every map,
// table and legend of them.
std::vector<StyleClass> groundwater_class_styles();
std::vector<StyleClass> trend_class_styles();
int trend_class(
    const std::string& verdict);  // 1 daalt, 2 geen duidelijke trend, 3 stijgt, 4 te kort

// Writes the layers into the store (through add_layers: all or nothing).
void store_layers(const std::filesystem::path& store, const std::vector<WaterLayer>& layers);

}  // namespace casco::water
