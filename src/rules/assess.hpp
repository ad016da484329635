#pragma once
// Judging plans (`casco assess`) and mapping where a kind of development fits (`casco
// suitability`) with a compiled rule set over a model store.
#include <ogr_geometry.h>

#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "core/error.hpp"
#include "model/store.hpp"
#include "rules/rules.hpp"

namespace casco::rules {

struct Plan {
  std::string name;
  std::string kind;
  std::unique_ptr<OGRGeometry> geometry;  // in the store's CRS, valid polygons
  std::string reprojected_from;    // the plan file's CRS when it was not the store's ("" if it was)
  std::vector<std::string> notes;  // repairs
};

// What is wrong with one plan of a plan file, for callers that explain it in their own words
// (the viewer, in Dutch); what() is the whole English message naming the file and the feature.
enum class PlanProblem {
  NoKind,
  NoGeometry,
  NotPolygon,
  CannotReproject,
  CannotRepair,
  NoArea,
  OutsideStudyArea
};
class PlanError : public Error {
 public:
  PlanError(PlanProblem problem, std::string plan, const std::string& message)
      : Error(message), problem(problem), plan(std::move(plan)) {}
  PlanProblem problem;
  std::string plan;  // the plan's name (its naam/name attribute, or "plan N")
};

// Reads the polygons of a plan file (any OGR format). A per-feature `kind` or `soort` attribute
// overrides `default_kind`; names come from `naam`, `name`, `titel` or `id`. Plans in another CRS
// are reprojected (reprojected_from) and self-intersecting ones repaired (noted). Throws
// casco::Error naming the feature for a plan that is not a polygon, is empty, or lies outside the
// study area.
std::vector<Plan> read_plans(const std::filesystem::path& file, const Store& store,
                             const std::string& default_kind);

struct RuleResult {
  const Rule* rule = nullptr;
  double area_ha = 0;                 // part of the plan where the rule's condition holds
  double share = 0;                   // area_ha / plan area
  std::unique_ptr<OGRGeometry> part;  // that part, when requested
};

struct Assessment {
  std::string plan, kind;
  double area_ha = 0;
  Verdict verdict = Verdict::Vrij;    // the strictest verdict among the rules hit
  double score = 0;                   // area-weighted mean of the score rules over the plan
  std::vector<RuleResult> results;    // every rule checked, in file order (area 0: not hit)
  std::string reprojected_from, crs;  // the plan's own CRS when it was reprojected, and the store's
  std::vector<std::string> notes;
};

Assessment assess(const Store& store, const CompiledRules& rules, const Plan& plan,
                  bool with_parts = false);

// The assessments as text, Markdown or JSON: src/present/assessment_text.hpp.

// Writes the hit parts (one feature per plan and rule) as GeoJSON or GeoPackage, atomically.
void write_parts(const std::vector<Assessment>& all, const Store& store,
                 const std::filesystem::path& out);

// ---------------------------------------------------------------- suitability

struct Suitability {
  Raster verdict;  // 0 vrij, 1 voorwaarde, 2 afstemming, 3 nee_tenzij, 4 verboden
  Raster score;    // sum of the score rules that hold
  std::size_t contradictory_cells = 0;  // verboden yet encouraged by a positive score
};

// Evaluates the rules over whole layers (layers[i] holds rules.layers()[i], all on `grid`). Rules
// that read no layer (a constant condition) hold everywhere or nowhere on the grid.
Suitability evaluate_suitability(const CompiledRules& rules,
                                 const std::vector<const Raster*>& layers, const Grid& grid);
Suitability suitability(const Store& store, const CompiledRules& rules);

struct ClassArea {
  std::string zone_layer, code, name;
  double ha[5] = {0, 0, 0, 0, 0};  // per verdict class
  double total_ha = 0;
};
std::vector<ClassArea> class_areas(const Store& store, const Raster& verdict,
                                   const std::vector<std::string>& zone_layers);
std::string format_class_areas(const std::vector<ClassArea>& rows, const std::string& kind,
                               const std::string& format);

}  // namespace casco::rules
