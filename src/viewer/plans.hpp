#pragma once
// Plan assessment for the viewer (POST /api/assess): a posted GeoJSON checked before GDAL reads
// it, judged by the afwegingskader (rules/assess.hpp) and answered as `casco assess --format json`
// with the kinds' Dutch titles, without notes about coordinate systems, and with refusals in
// plain Dutch ("ligt buiten het studiegebied").
#include <atomic>
#include <functional>
#include <map>
#include <mutex>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "model/store.hpp"
#include "rules/assess.hpp"
#include "rules/rules.hpp"

class OGRCoordinateTransformation;

namespace casco::viewer {

struct PlanLimits {
  std::size_t max_plans = 50;
  std::size_t max_vertices = 10000;
  double max_cell_checks = 2e8;  // plan cells (extent on the grid) × rules of the kind
};

// Checks the shape of the GeoJSON (polygons only) and the limits; throws HttpError (400, 413).
void check_plan_geojson(const nlohmann::json& j, const PlanLimits& limits);

class PlanJudge {
 public:
  PlanJudge(const Store& store, const rules::RuleSet& rules, PlanLimits limits);
  nlohmann::json kinds_json() const;
  // What the layers that waiting rules need are, in words ("Natuurnetwerk Nederland (NNN), van
  // Provincies via PDOK"), by layer id; a need not in there is named by its id. `load` runs once,
  // on the first assessment or prepare_needs(), so that it never delays the server's start.
  void describe_needs(std::function<std::map<std::string, std::string>()> load) {
    load_needs_ = std::move(load);
  }
  void prepare_needs() { needs(); }
  // Judges the plans in `body` (GeoJSON text) as `kind` ("" = each plan's own kind property).
  // `store_mutex` guards the store while it is read. Throws HttpError for refused plans.
  nlohmann::json assess(const std::string& body, const std::string& kind, std::mutex& store_mutex,
                        OGRCoordinateTransformation& to_wgs84);

 private:
  const rules::CompiledRules& compiled_for(const std::string& kind);
  void check_work(const std::vector<rules::Plan>& plans);  // 413 above max_cell_checks
  const Store& store_;
  const rules::RuleSet& rules_;
  PlanLimits limits_;
  std::vector<std::string> layer_ids_;
  const std::map<std::string, std::string>& needs();
  std::function<std::map<std::string, std::string>()> load_needs_;
  std::once_flag needs_once_;
  std::map<std::string, std::string> needs_;
  std::mutex compiled_mutex_;
  std::map<std::string, rules::CompiledRules> compiled_;
  std::atomic<unsigned> scratch_counter_{0};
};

// The Dutch message for a plan that read_plans refused, e.g. "Het plan 'Heide' ligt buiten het
// studiegebied (Drenthe)." `area` names the study area.
std::string dutch_plan_error(rules::PlanProblem problem, const std::string& plan,
                             const std::string& area);

}  // namespace casco::viewer
