#pragma once
// The figures of the report: every number a page shows, per area — the province (area 0, all
// zones together) and each zone of its zones layer — computed from the store by the layers'
// descriptions (role, params, unit, display; model/describe.hpp), never from their ids or titles.
// The pages (page_*.cpp) only put them into words through the templates; the tests check these
// figures directly. Per-zone sums come from model/stats.hpp.
#include <array>
#include <limits>
#include <optional>
#include <string>
#include <vector>

#include "model/store.hpp"
#include "report/config.hpp"
#include "rules/rules.hpp"
#include "water/water.hpp"

namespace casco::report {

inline constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

struct Area {
  int zone = 0;  // 0: the province, all zones together
  std::string name, code;
  std::string file;  // page name without extension: "index", "aa-en-hunze"
  double cells = 0, area_ha = 0;
  int col0 = 0, row0 = 0, cols = 0, rows = 0;   // bounding box on the grid
  double centre_col = kNaN, centre_row = kNaN;  // middle of its cells
};

// Where the weight of a layer lies within an area: a compass sector 0 … 7 from east
// counter-clockwise (0 east, 2 north, 4 west, 6 south), or -1 when it lies around the middle.
int where_mostly(const Area& a, double centre_col, double centre_row);

struct PopulationFigures {
  std::string layer, source;   // the layer counted and where its count comes from ("CBS 2024")
  std::vector<double> people;  // per area
  std::string homes_layer;     // "" = none
  std::vector<double> homes;   // per area, when there is a homes layer
  struct Other {
    std::string layer;
    double total = 0;  // over the study area
  };
  std::vector<Other> others;  // other counts of people in the store (layers of the same unit)
  std::string kernen_layer;   // the kern areas (role kernen); "" = none
  double in_kernen = kNaN;    // people inside them, over the whole province
};

// How a layer's key figure is made, from its role (model/describe.hpp).
enum class FigureKind {
  Share,     // share, and presence of areas: hectares covered and the share of the area
  Places,    // presence drawn as points: the number of places (cells)
  Distance,  // the mean distance of an inhabitant (or of a cell, without people)
  Zones,     // zones and kernen: the zones present, largest first
  Sum,       // amounts per cell: their sum
  Mean,      // densities and other measures: the mean over the cells with data
};

struct KeyFigure {
  double value = kNaN;             // Share: share 0-1; Places: count; Distance: m; Sum; Mean
  double hectares = 0;             // Share: hectares covered
  bool by_people = false;          // Distance: weighted by where people live
  int where = -1;                  // where_mostly(); -1 for fewer than 3 places
  std::vector<std::string> names;  // Zones: names present, largest first
};

struct LayerFigures {
  std::string layer;  // the layer's id, to find its record for the pages
  FigureKind kind = FigureKind::Mean;
  std::vector<KeyFigure> areas;  // per area
};

struct GroupFigures {
  std::string id, title, intro;  // the store's group (model.toml [[group]])
  std::vector<LayerFigures> layers;
  std::string map;                      // key of its map (MapSink); "" = none
  std::string map_layer;                // the share layer on the map, or
  std::vector<std::string> map_points;  // the point layers drawn together
};

// A rule that decides the verdict somewhere: the strictest rule that holds in a cell.
struct DecidingRule {
  std::string id, title, party;
  rules::Verdict verdict = rules::Verdict::Vrij;
  std::vector<double> hectares;  // per area
};
// A rule switched off until its layers are in the model.
struct WaitingRule {
  std::string id, title;
  bool is_score = false;
  rules::Verdict verdict = rules::Verdict::Vrij;
  std::vector<std::string> needs, missing;  // the layers it needs, and those the store lacks
};
struct KindFigures {
  std::string kind, title, description;
  std::vector<std::array<double, 5>> verdict_ha;  // per area: vrij … verboden
  std::vector<DecidingRule> rules;                // largest first over the province
  std::vector<WaitingRule> waiting;
  std::string map;  // key of its map
};
struct SuitabilityFigures {
  std::string name, version, file;  // file: the rule file's name
  std::size_t rules = 0, enabled = 0;
  std::vector<KindFigures> kinds;
};

struct NormFigures {
  std::string layer, norm, kind;
  double max_minutes = kNaN;
  std::vector<double> people, met;  // per area: inhabitants with a value, and those meeting it
};
struct TravelFigures {
  std::string layer, kind, mode, mode_title;
  std::vector<double> minutes;  // per area: mean of an inhabitant
};
struct WhatIfFigures {
  std::string layer, norm, closed;
  std::vector<double> newly_below;  // per area: inhabitants who fall below the norm
};
struct AccessFigures {
  std::vector<NormFigures> norms;
  std::vector<TravelFigures> times;
  std::vector<WhatIfFigures> what_if;
  std::string estimate;         // why the times are an estimate ("" = measured)
  std::vector<double> all_met;  // per area: inhabitants meeting every norm
  std::string map;              // norms missed per inhabited cell
};

struct KernFigures {
  std::string name;
  double people = 0;
  double x = 0, y = 0;  // a point inside its area (store CRS), for its label
  int area = 0;         // the area its label point lies in (0: none of the zones)
};
struct KernenFigures {
  std::string layer;
  std::vector<KernFigures> kernen;  // most people first
  std::vector<int> count;           // per area: kernen whose point lies in it
};

struct AllocationClass {
  double value = 0;
  std::string label;
  bool drawn = true;             // false: "no claim"
  std::vector<double> hectares;  // per area
};
struct AllocationFigures {
  std::string layer, title, scenario;
  std::vector<AllocationClass> classes;
  std::string map;
};

struct WellsFigures {
  std::string source;  // the well file's name
  std::size_t filters = 0, readings = 0, kept = 0;
  water::Skipped skipped;
  std::size_t unreliable = 0, with_gxg = 0, indicative = 0;
  std::size_t falling = 0, rising = 0, no_trend = 0, too_short = 0;
  int first_year = 0, last_year = 0, min_years = 8;
  std::string map;  // the wells by their trend
};
struct ClassHectares {  // a class layer of the stress test, now or for a climate variant
  std::string layer, what, variant, variant_title;  // what: param `water` (storm_depth, gt)
  std::vector<std::string> labels;
  std::vector<std::vector<double>> hectares;  // per area, per class
  double known_ha = 0;                        // province hectares with a value
};
struct WaterWaitFigures {
  std::string data, how;
  std::vector<std::string> missing;  // its layers the store lacks
  std::vector<std::string> rules;    // titles of the switched-off rules that need them
};
struct WaterMap {
  std::string key, layer;        // the map's key (MapSink) and the layer drawn
  std::vector<double> known_ha;  // per area: hectares with a value ("geen gegevens" elsewhere)
};
struct WaterFigures {
  std::optional<WellsFigures> wells;
  std::vector<WaterMap> maps;  // GHG, GLG, grondwatertrap …, in store order
  std::vector<ClassHectares> stress;
  std::vector<WaterWaitFigures> waiting;
};

struct Figures {
  std::string zones_layer;
  std::vector<Area> areas;  // 0: the province
  std::optional<PopulationFigures> population;
  std::vector<GroupFigures> groups;
  std::optional<KernenFigures> kernen;
  std::optional<SuitabilityFigures> suitability;
  std::optional<AccessFigures> access;
  std::vector<AllocationFigures> allocations;
  std::optional<WaterFigures> water;

  // The index of the area of that name ("Drenthe", "Assen"); throws casco::Error when unknown.
  std::size_t area(const std::string& name) const;
};

// Receives the rasters the figures are read from, so every layer is read once: the report draws
// its maps from them (report/maps.hpp). `record` describes the raster (a store layer, or one made
// for the map) for the legend module.
class MapSink {
 public:
  virtual ~MapSink() = default;
  // Called with the areas and kernen (the rest still empty) before the first draw().
  virtual void start(const Figures& base) = 0;
  virtual void draw(const std::string& key, const LayerRecord& record, const Raster& raster) = 0;
};

struct FigureInputs {
  const Store* store = nullptr;
  const ReportConfig* config = nullptr;
  const rules::RuleSet* rules = nullptr;         // null: no suitability figures
  const water::WaterConfig* water = nullptr;     // null: no wells summary
  std::vector<std::string> kinds;                // kinds of development; empty: from config
  std::vector<std::string> norms_missed_labels;  // legend of the missed-norms map (0, 1, 2, 3+)
};

// Computes every figure; `maps` (optional) receives the rasters to draw. Throws casco::Error for a
// store without the zones or population layers the configuration names.
Figures compute_figures(const FigureInputs& in, MapSink* maps = nullptr);

}  // namespace casco::report
