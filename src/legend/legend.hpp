#pragma once
// One legend and palette for every presentation: a layer's description (model/describe.hpp) and
// its values become the colour of each cell and a legend — named classes with colours, or a
// colour ramp with its ends in the units people read ("0 – 45 minuten", "≥ 40 inwoners per ha")
// — identical in the viewer's tiles and legend, the PNG maps, the report and the QGIS export.
#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "core/grid.hpp"
#include "model/describe.hpp"
#include "model/store.hpp"

namespace casco::legend {

// A cell belongs to a class when its value is within this of the class's value.
inline constexpr double kClassTolerance = 1e-4;

// The palette a ramp name stands for, as 0xRRGGBB stops from low to high; viridis for an unknown
// name. The names are model/describe.hpp's ramp_names().
const std::vector<unsigned>& ramp(const std::string& name);
// Light categorical colours for zones, and strong ones for classes without a colour of their own.
const std::vector<unsigned>& zone_palette();
const std::vector<unsigned>& class_palette();
// "#rrggbb" ↔ 0xRRGGBB; an invalid text gives `fallback`.
std::string css(unsigned rgb);
unsigned parse_css(const std::string& text, unsigned fallback = 0x999999);

struct Entry {
  double value = 0;
  std::string label;
  unsigned rgb = 0;
  bool drawn = true;  // false: the class is listed but not coloured ("geen claim")
};

// The value range of a raster; with `inside` (one flag per cell; empty = every cell) over the
// flagged cells only, unless none of them has data.
struct ValueRange {
  double min = 0, max = 0;          // over the flagged cells (every cell if none is flagged)
  double all_min = 0, all_max = 0;  // every cell
  std::size_t set_cells = 0;        // non-zero cells anywhere
  bool masked = false;              // min and max are over the flagged cells only
  bool outside = false;             // cells with data lie outside the flagged ones
};
ValueRange value_range(const Raster& r, std::span<const std::uint8_t> inside = {});

struct Legend {
  enum class Kind { Classes, Ramp };
  Kind kind = Kind::Ramp;
  std::string title;               // the layer's title
  std::string unit;                // the unit values are shown in ("km", "minuten", "%")
  std::vector<Entry> classes;      // Classes (zones: every zone, in zone order)
  std::vector<unsigned> zone_rgb;  // zones: colour by zone value (0 = none)
  std::vector<unsigned> stops;     // Ramp: colours from low to high
  double lo = 0, hi = 1;           // Ramp: layer values at the ends
  bool zero_blank = false;         // Ramp: 0 stays uncoloured
  bool clipped = false;            // Ramp: values above hi exist, drawn in the top colour
  bool clipped_low = false;        // Ramp: values below lo exist, drawn in the bottom colour
  bool robust = false;             // Ramp: hi is the 99th percentile
  bool points = false;             // few marked cells: drawn as enlarged symbols
  bool zones = false;              // a zones layer (borders drawn, many classes)
  bool bins = false;               // Classes of a continuous value: `value` is the upper bound
  std::vector<std::string> notes;  // muted lines under the legend (estimate, percentile, …)
  // Display: value x factor, rounded to decimals, with unit.
  double factor = 1;
  int decimals = 0;

  // 0xAARRGGBB for a cell value (alpha 0 = uncoloured); NaN is always uncoloured.
  std::uint32_t argb(double v) const;
  // Classes: the index of the class a value falls in, or -1.
  int class_index(double v) const;
  // A value as people read it: "2,2 km", "45 minuten", "12 %"; with_unit = false: "2,2".
  std::string format(double v, bool with_unit = true) const;
  // The ends of the ramp as legend labels: "0" … "≥ 45 minuten" (≥ when clipped).
  std::string low_label() const;
  std::string high_label() const;
};

// The legend of a store layer from its description and values. Ramp ends that the description
// leaves open come from the cells flagged in `inside` (the study area; empty = every cell), the
// top of a robust ramp from their 99th percentile. Zones take their names from the store.
Legend legend_for(const Store& store, const LayerRecord& layer, const Raster& values,
                  std::span<const std::uint8_t> inside = {});

// The same for a raster computed elsewhere on the store's grid (a what-if, a verdict map): the
// record carries its title, unit and description; zones are not looked up.
Legend legend_for(const LayerRecord& layer, const Raster& values,
                  std::span<const std::uint8_t> inside = {});

// Layers with at most this many set cells are drawn as symbols when their style asks for points.
inline constexpr std::size_t kMaxMarkers = 5000;

// As JSON (the viewer's /api/model legends and its legend cache), and back.
std::string to_json(const Legend& l);
Legend legend_from_json(const std::string& text);  // throws casco::Error when damaged

}  // namespace casco::legend
