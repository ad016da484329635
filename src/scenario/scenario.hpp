#pragma once
// Opgavenkaart & scenarios: a scenario file (claims per kind of development and region, a
// conversion table, variants that change model layers) turned into one exact allocation over the
// model store and its afwegingskader (allocate.hpp), and the result as maps and tables per
// gemeente and regio. Format: docs/scenarios.md.
#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include "condition/expression.hpp"
#include "core/grid.hpp"
#include "model/store.hpp"
#include "scenario/allocate.hpp"

namespace casco::scenario {

struct ClaimDef {
  std::string kind;    // a kind of the rule file (woningbouw, zonnepark, …)
  std::string region;  // a zone (name or code) of the scenario's regions layer; "" = everywhere
  std::string title;
  double min_ha = 0, max_ha = 0;                       // homes claims: converted with the density
  double min_homes = -1, max_homes = -1, density = 0;  // homes per ha (homes claims only)
  int line = 0;                                        // in the scenario file, for messages
};

// A row of the conversion table: cells whose current use matches `when` (a condition over model
// layers) may only change into the kinds `to` (empty: into nothing).
struct Conversion {
  std::string title, when;
  condition::TextOrigin origin;
  std::vector<std::string> to;
};

// A variant changes the model before the rules judge it: a layer gets new values (an expression
// over the model's layers), or kinds become unsuitable where a condition holds.
// `if_layers`: the change applies only when the store has these layers (e.g. the results of
// `casco water stresstest`); otherwise it is skipped with a warning in the result.
struct LayerChange {
  std::string layer, value;
  condition::TextOrigin origin;
  std::vector<std::string> if_layers;
};
struct Restriction {
  std::vector<std::string> kinds;
  std::string when;
  condition::TextOrigin origin;
  std::vector<std::string> if_layers;
};
struct Variant {
  std::string id, title;
  std::vector<LayerChange> layers;
  std::vector<Restriction> unsuitable;
  // [variant.climate]: parameters for the models of climate (the water stress test reads them:
  // docs/water.md); the allocation itself does not use them. Numbers by name, and `knmi`, the
  // KNMI scenario they stand for (a label).
  std::map<std::string, double> climate;
  std::string knmi;
};

// A continuous preference added to a kind's value per cell (an expression over model layers), so
// that cells the rules judge alike are told apart: near a station, next to existing nature, ….
struct Preference {
  std::string kind, value;
  condition::TextOrigin origin;
};

struct ScenarioDef {
  std::filesystem::path file, rules_file;
  std::string id, name, period, description;
  std::string regions = "gemeenten";          // zones layer the claims' regions refer to
  std::string group = "opgaven";              // the store group of the allocation layer
  std::vector<std::string> allow_nee_tenzij;  // kinds that may use 'nee, tenzij' cells
  // Value added to a cell's score per verdict class: vrij, voorwaarde, afstemming, nee_tenzij.
  double weights[4] = {1.0, 0.5, 0.0, -2.0};
  double contested = 0.25;  // an allocated cell whose margin is below this is "betwist"
  std::vector<ClaimDef> claims;
  std::vector<Conversion> conversions;
  std::vector<Preference> preferences;
  std::vector<Variant> variants;
  std::vector<std::string> active;  // ids of the variants applied
  std::vector<std::string> kinds;   // the kinds of the claims, in order of first appearance
};

// Throws casco::Error naming file:line:column for malformed files, min > max, unknown keys.
ScenarioDef load_scenario(const std::filesystem::path& file);

struct ClaimReport {
  std::string id, kind, region;  // region: the zone's name, or "heel het gebied"
  double min_ha = 0, max_ha = 0, ha = 0, shortfall_ha = 0, shadow_price = 0, suitability = 0;
  double min_homes = -1, max_homes = -1, homes = -1;
  // Where the claim may go and why not elsewhere, in ha of its region.
  double region_ha = 0, eligible_ha = 0, verboden_ha = 0, nee_tenzij_ha = 0, conversion_ha = 0,
         variant_ha = 0;  // shortfall_ha > 0: why, in words: present::shortfall_text
};

struct ScenarioResult {
  std::string id, name, period;
  std::vector<std::string> kinds, kind_titles, variants;
  std::vector<std::string> kind_colours;  // "#rrggbb" from the rule file ("" = palette)
  std::string group = "opgaven";          // the store group of the allocation layer
  Raster allocation;  // 0 = no claim (current use), k + 1 = kind k; NaN outside the regions
  Raster claim;       // claim index + 1, 0 none, NaN outside
  Raster margin;      // allocated cells: own claim minus the best other claim at the shadow
                      // prices (small = contested; +inf: no other claim may go there)
  std::vector<ClaimReport> claims;
  std::vector<std::string> warnings;  // variants, … (claims not met: see claims)
  double objective = 0, seconds = 0, allocate_seconds = 0, cell_ha = 0, contested = 0;
  bool feasible = true;
  std::size_t contested_cells = 0;
};

// Judges every cell for every kind with the rule file, applies the conversion table and the
// variants, and allocates the claims. Throws casco::Error for unknown kinds, regions, layers.
ScenarioResult run_scenario(const Store& store, const ScenarioDef& def);

// Hectares per kind (and contested hectares) per zone of each zones layer.
struct ZoneKindArea {
  std::string zone_layer, code, name;
  std::vector<double> ha;  // per kind
  double contested_ha = 0;
};
std::vector<ZoneKindArea> kind_areas(const Store& store, const ScenarioResult& r,
                                     const std::vector<std::string>& zone_layers);

// What `casco compare` reads back (allocatie.json). The tables of a scenario (text, CSV, JSON):
// src/present/scenario_text.hpp.
std::string allocation_json(const Store& store, const ScenarioResult& r);

// Store records with their descriptions (model/describe.hpp): the allocation (toewijzing_<id>,
// role allocation: one class per kind with its title and colour, 0 = no claim, not drawn), the
// contested land (2 contested, 1 a clear choice, among the allocated cells), and the change
// between two allocations (1 only in A, 2 only in B, 3 another kind).
LayerRecord allocation_record(const ScenarioResult& r);
LayerRecord contested_record(const ScenarioResult& r);
Raster contested_raster(const Store& store, const ScenarioResult& r);

// Two allocations written by write_scenario, cell by cell.
struct Comparison {
  std::string a_name, b_name;
  std::vector<std::string> kinds;  // union of both, in A's order then B's new ones
  Raster change;  // 0 unchanged, 1 only in A, 2 only in B, 3 another kind, NaN outside
  std::vector<ZoneKindArea> a, b;  // per zone, ha per kind (over `kinds`)
  double changed_ha = 0;
};
Comparison compare(const Store& store, const std::filesystem::path& a,
                   const std::filesystem::path& b, const std::vector<std::string>& zone_layers);
LayerRecord change_record(const Comparison& c);
// The store an allocation was made on (from its allocatie.json).
std::filesystem::path allocation_store(const std::filesystem::path& dir);

}  // namespace casco::scenario
