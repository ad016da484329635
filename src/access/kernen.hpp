#pragma once
// Kernenstructuur: every place as an area on the grid (its contiguous built-up cells, split
// between neighbouring places), its inhabitants from the model's population layer, the
// facilities inside it or naming it, and its class in a configurable settlement hierarchy (stad,
// kerndorp, dorp, buurtschap, …) with the reasons. Thresholds live in kernen.toml
// (docs/access.md); no place names in the code.
#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include "condition/expression.hpp"
#include "model/definition.hpp"
#include "model/store.hpp"

namespace casco::access {

struct PlaceClass {
  std::string id, title, when, description;
  condition::TextOrigin origin;  // where `when` starts in the file
};

// How a place's area is found on the grid (docs/access.md, "Kernen als gebieden").
struct KernAreaSettings {
  std::string cells = "bebouwd > 0";  // condition over store layers: the cells a kern is made of
  condition::TextOrigin cells_origin;
  double search_m = 1000;        // a place joins the kern cells this close to its point
  double gap_m = 100;            // kern cells this close together belong to one kern
  double hamlet_radius_m = 200;  // a place with no kern cells that close: a disc of this radius
  double place_match_m = 5000;   // a facility naming the place counts when this close to it
  // A zones layer of published kern outlines (e.g. CBS bevolkingskernen), used when the store
  // has it: a place in an outline takes the whole outline; the others grow as above.
  std::string outlines;
  // How fast a place grows over the kern cells, relative to others: the radius of a disc of
  // (its own population figure / growth_density) ha; places without a figure count as
  // growth_default inhabitants.
  double growth_density = 25, growth_default = 150;
};

struct KernenConfig {
  std::filesystem::path file, access_file;
  std::string name;
  SourceDef places;              // the places of the study area, classified
  SourceDef surrounding_places;  // places beyond the border: they take their own cells, no class
  std::string id_field, name_field, population_field;
  std::string population = "inwoners";  // model layer with people per cell
  std::string group = "kernen";         // the store group of the kern areas layer
  // Places without a population figure share what their zone's count leaves (for their growth
  // speed only; their inhabitants always come from `population`).
  SourceDef fill_source;
  std::string fill_field;
  double radius_m = 1500;  // facilities this close to the place count too (outside its area)
  KernAreaSettings areas;
  std::vector<PlaceClass> classes;  // first match wins, top to bottom
};

KernenConfig load_kernen_config(const std::filesystem::path& file);

// The areas of places on a grid: label[i] = index of the place whose area holds cell i, or -1.
// Each place starts at the kern cell (mask) nearest to its point within search_m and grows over
// connected kern cells (8 neighbours) at its own `speed` (e.g. its expected radius, so a town
// is not split evenly with a hamlet on its edge); a cell goes to the place that reaches it first
// along the kern cells (ties to the earlier place). A place whose start cell an earlier place
// already took has no area of its own (`inside[p]` = that place). A place with no kern cell
// within search_m gets the cells within hamlet_radius_m of its point that no one else has.
// Growth may cross gaps of up to gap_m between kern cells (the gaps themselves stay outside).
// part_of[p] >= 0 marks a place known to be part of another one (no area of its own).
struct KernAreas {
  std::vector<int32_t> label;
  std::vector<int32_t> inside;    // per place: the place it lies inside, or -1
  std::vector<uint8_t> hamlet;    // per place: 1 when its area is the hamlet disc
  std::size_t unnamed_cells = 0;  // kern cells that no place reached
  std::size_t outlines_used = 0, outlines_without_place = 0;  // delineate_with_outlines only
};
KernAreas delineate_kernen(const Grid& grid, const std::vector<uint8_t>& mask,
                           const std::vector<double>& x, const std::vector<double>& y,
                           const std::vector<double>& speed, double search_m,
                           double hamlet_radius_m, double gap_m = 0,
                           const std::vector<int32_t>& part_of = {});

// The same with published outlines first: outline[i] > 0 is the outline holding cell i. Each
// outline goes whole to the first place (places come largest first) whose point lies in it or
// within hamlet_radius_m of it; later places there lie inside that one. The places in no outline
// grow as above over the kern cells outside every outline. An outline no place claims stays
// unnamed (counted in unnamed_cells and outlines_without_place).
KernAreas delineate_with_outlines(const Grid& grid, const std::vector<int32_t>& outline,
                                  const std::vector<uint8_t>& mask, const std::vector<double>& x,
                                  const std::vector<double>& y, const std::vector<double>& speed,
                                  double search_m, double hamlet_radius_m, double gap_m = 0,
                                  const std::vector<int32_t>& part_of = {});

struct PlaceResult {
  std::string id, name;
  double x = 0, y = 0;
  double population = 0;         // inhabitants inside its area (population layer)
  double source_population = 0;  // the places file's own figure; NaN when it has none
  double area_ha = 0;
  int zone = 0;                           // its zone in the `kernen` layer (0: no area)
  bool hamlet = false;                    // its area is the small disc around its point
  std::string inside;                     // the kern it lies inside ("" when it is a kern itself)
  std::map<std::string, int> facilities;  // per kind: the number in or naming the place
  std::string class_id, class_title;      // "-" and a title saying why when it has no class
  // Why its class: the values of the variables its condition reads, and the condition (empty
  // for a place inside another or one no class fits). In words: present::kern_reason.
  std::vector<std::pair<std::string, double>> reason_values;
  std::string reason_rule;
};

struct KernenResult {
  std::vector<PlaceResult> places;                 // ordered by class, then inhabitants
  Raster areas;                                    // zone per cell: 1..n, 0 outside every kern
  std::vector<ZoneRecord> zones;                   // zone → code (place id), name
  std::string population_layer, population_title;  // where the inhabitants come from
  std::size_t unnamed_cells = 0;                   // kern cells that belong to no place
  std::string outline_layer, outline_title;        // the outlines used ("" when none)
  std::size_t outlines_used = 0, outlines_without_place = 0;
  double unnamed_people = 0;  // their inhabitants
  double cell_ha = 0;
};

// The variables a class condition may use: `inwoners` (inside the area), per facility kind the
// number in or naming the place (e.g. `basisschool`), `afstand_<kind>` (metres from the place's
// point to the nearest) and every store layer at the place's cell.
KernenResult classify_places(const KernenConfig& cfg, const Store& store);

// The store record of the kern areas (zones layer `kernen`, role kernen), with its description.
LayerRecord kernen_record(const KernenConfig& cfg, const KernenResult& r, const Store& store);

// The kernen as a table (text, CSV, JSON) and as files: src/present/kernen_text.hpp.

}  // namespace casco::access
