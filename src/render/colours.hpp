#pragma once
// Layer colours: the one place that decides how a store layer is coloured — zones in distinct
// light colours, presence in red, coverage in greens, distances in viridis, few-valued class
// layers one colour per value, amounts in yellow-orange-red (attributes) or viridis up to a
// robust top — as a colour per cell value plus what a legend needs. Used by the quick-look maps
// (quicklook.cpp) and the web viewer's tiles and legends.
#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "core/grid.hpp"
#include "model/store.hpp"

namespace casco {

// A cell belongs to a class when its value is within this of the class's value.
inline constexpr double kClassTolerance = 1e-4;

struct LegendClass {
  double value = 0;
  std::string label;
  unsigned rgb = 0;  // 0xRRGGBB
};

struct LayerColours {
  enum class Kind { Classes, Ramp };
  Kind kind = Kind::Ramp;
  std::vector<LegendClass> classes;  // Classes: cells of exactly these values (zones, presence)
  std::vector<unsigned> zone_rgb;    // Classes of a zones layer: colour by zone value (0 = none)
  std::vector<unsigned> ramp;        // Ramp: evenly spaced stops, low to high
  double lo = 0, hi = 1;             // Ramp: values at the ends
  bool zero_blank = false;           // Ramp: 0 stays uncoloured ("no feature here")
  bool clipped = false;              // Ramp: values above hi exist (shown in the top colour)
  bool robust = false;               // Ramp: hi is the 99th percentile, not the maximum
  std::string label;                 // what the values are ("afstand in m", "aandeel", ...)

  // 0xAARRGGBB (alpha 0 = uncoloured) for a cell value; NaN is always uncoloured.
  std::uint32_t argb(double v) const;
};

// The value range of a raster. With `inside` (one flag per cell; empty = every cell) the range
// is over the flagged cells only — a study area, outside which the map is only context — unless
// no cell with data is flagged.
struct ValueRange {
  double min = 0, max = 0;          // over the flagged cells (every cell if none is flagged)
  double all_min = 0, all_max = 0;  // every cell
  std::size_t set_cells = 0;        // non-zero cells anywhere
  bool masked = false;              // min and max are over the flagged cells only
  bool outside = false;             // cells with data lie outside the flagged ones
};
ValueRange value_range(const Raster& r, std::span<const std::uint8_t> inside = {});

// Colours and legend of a store layer, from its derivation and its values (which `raster` holds).
// Ramp ranges (and the robust top of amounts) come from the cells flagged in `inside`, as in
// value_range.
LayerColours layer_colours(const Store& store, const LayerRecord& layer, const Raster& raster,
                           std::span<const std::uint8_t> inside = {});

// Viridis, as 0xRRGGBB stops from low to high (for continuous maps of other rasters).
const std::vector<unsigned>& viridis_ramp();

// "#rrggbb"
std::string css_colour(unsigned rgb);

}  // namespace casco
