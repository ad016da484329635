#pragma once
// Layer colours for maps drawn elsewhere than the quick-look page (the web viewer's tiles and
// legends): the same schemes as quicklook.cpp — zones in distinct light colours, presence in red,
// coverage in greens, distances in viridis, amounts in yellow-orange-red up to a robust top —
// as a colour per cell value plus a legend description.
#include <cstdint>
#include <string>
#include <vector>

#include "core/grid.hpp"
#include "model/store.hpp"

namespace casco {

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
  std::string label;                 // what the values are ("afstand in m", "aandeel", ...)

  // 0xAARRGGBB (alpha 0 = uncoloured) for a cell value; NaN is always uncoloured.
  std::uint32_t argb(float v) const;
};

// Colours and legend of a store layer, from its derivation and its values (which `raster` holds).
LayerColours layer_colours(const Store& store, const LayerRecord& layer, const Raster& raster);

// "#rrggbb"
std::string css_colour(unsigned rgb);

}  // namespace casco
