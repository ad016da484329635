#pragma once
// What a layer is and how people read it: its role and parameters, its display unit and
// rounding, and how it is drawn (named classes with colours, or a colour ramp). Written by the
// code that computes the layer (the model build, access, rules, scenario, water), kept in the
// store beside the layer, and read by every presentation — viewer, PNG maps, report, QGIS — so none
// of them guesses from ids or titles. docs/layers.md lists the roles.
#include <cmath>
#include <limits>
#include <map>
#include <string>
#include <vector>

namespace casco {

// Roles (docs/layers.md). A presentation may treat roles it does not know as `measure`.
namespace role {
inline constexpr const char* kStudyArea = "study_area";    // share of the cell in the study area
inline constexpr const char* kZones = "zones";             // zone number per cell (gemeenten …)
inline constexpr const char* kShare = "share";             // share of the cell covered, 0-1
inline constexpr const char* kPresence = "presence";       // 1 where something is
inline constexpr const char* kDistance = "distance";       // metres to the nearest …
inline constexpr const char* kCount = "count";             // an amount per cell (people, homes)
inline constexpr const char* kDensity = "density";         // an amount per hectare
inline constexpr const char* kWeight = "weight";           // an internal weight (not for reports)
inline constexpr const char* kMeasure = "measure";         // any other quantity
inline constexpr const char* kTravelTime = "travel_time";  // minutes to the nearest facility
inline constexpr const char* kNorm = "norm";               // 1 meets an accessibility norm, 0 not
inline constexpr const char* kVerdict = "verdict";         // suitability verdict class per cell
inline constexpr const char* kScore = "score";             // suitability score per cell
inline constexpr const char* kAllocation = "allocation";   // the kind a scenario gives a cell
inline constexpr const char* kKernen = "kernen";           // the kern areas (zones)
}  // namespace role

// One class of a class layer: the cells of exactly this value.
struct StyleClass {
  double value = 0;
  std::string label;   // for people: "haalt de norm", "Woningbouw", "verboden"
  std::string colour;  // "#rrggbb"; "" = not drawn (e.g. "no claim", "no kern")
};

struct LayerStyle {
  // Bins: classes of a continuous value; a class's `value` is its upper bound (a cell falls in the
  // first class whose bound it does not exceed; the last class takes everything above).
  enum class Kind { Ramp, Classes, Zones, Bins };
  Kind kind = Kind::Ramp;
  std::vector<StyleClass> classes;  // Classes, Bins (Zones take their labels from the zone records)
  std::string ramp = "viridis";     // Ramp: a palette name (legend/palette.hpp)
  double lo = std::numeric_limits<double>::quiet_NaN();  // Ramp ends; NaN: from the values
  double hi = std::numeric_limits<double>::quiet_NaN();  // (over the study area)
  bool robust = false;      // the top is the 99th percentile of the non-zero cells
  bool zero_blank = false;  // 0 is "nothing here" and stays uncoloured (Bins: 0 and below)
  bool points = false;      // few marked cells: drawn as symbols, not as 25 m squares
};

struct LayerDescription {
  std::string role = role::kMeasure;
  std::map<std::string, std::string> params;  // e.g. kind = "station", mode = "bike"
  // Display: value x factor, rounded to `decimals`, followed by `display_unit` ("2,2 km").
  double display_factor = 1;
  int decimals = 0;
  std::string display_unit;  // "" = the layer's unit
  LayerStyle style;

  // "" when `role` and `params` say it all.
  std::string param(const std::string& key) const {
    auto it = params.find(key);
    return it == params.end() ? std::string() : it->second;
  }
};

// The palettes a ramp may name (their colours: legend/palette.cpp): viridis, groen, geelrood,
// blauw, paars, roodgroen (diverging, red low), groenrood (diverging, green low).
const std::vector<std::string>& ramp_names();

// As JSON text for the store, and back. An empty or damaged text reads as `fallback`.
std::string to_json(const LayerDescription& d);
LayerDescription description_from_json(const std::string& text, const LayerDescription& fallback);

// The description a layer gets when nobody wrote one: from how it was derived and its unit (the
// model build uses this for source layers; stores from before descriptions existed read as this).
LayerDescription default_description(const std::string& derivation, const std::string& unit,
                                     bool points = false);

}  // namespace casco
