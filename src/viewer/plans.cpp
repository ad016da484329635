#include "viewer/plans.hpp"

#include <cpl_conv.h>
#include <cpl_string.h>
#include <ogr_api.h>
#include <ogr_geometry.h>
#include <unistd.h>

#include <cmath>
#include <filesystem>
#include <fstream>

#include "core/error.hpp"
#include "present/assessment_text.hpp"
#include "rules/assess.hpp"
#include "viewer/http.hpp"

namespace casco::viewer {
namespace {

// Counts the positions in a GeoJSON coordinates array (any nesting).
std::size_t count_positions(const json& coords) {
  if (!coords.is_array()) return 0;
  if (!coords.empty() && coords.front().is_number()) return 1;
  std::size_t n = 0;
  for (const auto& c : coords) n += count_positions(c);
  return n;
}

// Deletes a scratch file when the request is done, whatever happens.
struct ScratchFile {
  std::filesystem::path path;
  ~ScratchFile() {
    std::error_code ec;
    std::filesystem::remove(path, ec);
  }
};

// The plans back in WGS 84, for drawing them over the map.
json plans_geojson(const std::vector<rules::Plan>& plans, OGRCoordinateTransformation& ct) {
  json fc = {{"type", "FeatureCollection"}, {"features", json::array()}};
  char** opts = CSLSetNameValue(nullptr, "COORDINATE_PRECISION", "6");
  for (std::size_t i = 0; i < plans.size(); ++i) {
    const auto& p = plans[i];
    std::unique_ptr<OGRGeometry> g(p.geometry->clone());
    if (g->transform(&ct) != OGRERR_NONE) continue;
    char* text = OGR_G_ExportToJsonEx(OGRGeometry::ToHandle(g.get()), opts);
    fc["features"].push_back({{"type", "Feature"},
                              {"properties", {{"name", p.name}, {"kind", p.kind}, {"index", i}}},
                              {"geometry", json::parse(text)}});
    CPLFree(text);
  }
  CSLDestroy(opts);
  return fc;
}

}  // namespace

void check_plan_geojson(const json& j, const PlanLimits& limits) {
  auto bad = [](const std::string& en, const std::string& nl) {
    reject(400, "malformed GeoJSON: " + en, "Het bestand is geen bruikbare GeoJSON: " + nl);
  };
  if (!j.is_object() || !j.contains("type") || !j["type"].is_string())
    bad("expected an object with a \"type\" (Feature or FeatureCollection)",
        "verwacht een object met een \"type\" (Feature of FeatureCollection).");
  std::vector<const json*> geometries;
  const std::string type = j["type"];
  if (type == "FeatureCollection") {
    if (!j.contains("features") || !j["features"].is_array())
      bad("a FeatureCollection needs a \"features\" array",
          "een FeatureCollection heeft een lijst \"features\" nodig.");
    if (j["features"].empty()) bad("no features", "er staat geen plan in.");
    if (j["features"].size() > limits.max_plans)
      reject(413,
             fmt::format("too many plans: {} (at most {})", j["features"].size(), limits.max_plans),
             fmt::format("Te veel plannen: {} (maximaal {} tegelijk).", j["features"].size(),
                         limits.max_plans));
    for (const auto& f : j["features"]) {
      if (!f.is_object() || f.value("type", "") != "Feature" || !f.contains("geometry"))
        bad("every feature needs \"type\": \"Feature\" and a geometry",
            "elk plan moet \"type\": \"Feature\" en een geometrie hebben.");
      geometries.push_back(&f["geometry"]);
    }
  } else if (type == "Feature") {
    if (!j.contains("geometry")) bad("the feature has no geometry", "het plan heeft geen vorm.");
    geometries.push_back(&j["geometry"]);
  } else {
    bad("type \"" + type + "\": send a Feature or FeatureCollection with polygons",
        "type \"" + type + "\"; een plan is een vlak (Polygon of MultiPolygon).");
  }
  std::size_t vertices = 0;
  for (const json* g : geometries) {
    const std::string gt = g->is_object() ? g->value("type", "") : "";
    if (gt != "Polygon" && gt != "MultiPolygon")
      bad("a plan must be a Polygon or MultiPolygon" + (gt.empty() ? "" : ", not " + gt),
          "een plan is een vlak (Polygon of MultiPolygon)" +
              (gt.empty() ? std::string(".") : ", geen " + gt + "."));
    if (!g->contains("coordinates") || !(*g)["coordinates"].is_array())
      bad("the polygon has no coordinates", "het vlak heeft geen coördinaten.");
    vertices += count_positions((*g)["coordinates"]);
  }
  if (vertices > limits.max_vertices)
    reject(413,
           fmt::format("the plans have {} vertices (at most {})", vertices, limits.max_vertices),
           fmt::format("De plannen hebben samen {} hoekpunten (maximaal {}): vereenvoudig de vorm.",
                       vertices, limits.max_vertices));
}

std::string dutch_plan_error(rules::PlanProblem problem, const std::string& name,
                             const std::string& area) {
  const std::string plan = "Het plan '" + name + "'";
  switch (problem) {
    case rules::PlanProblem::OutsideStudyArea:
      return plan + " ligt buiten het studiegebied (" + area +
             "). Teken het plan binnen het gebied, of controleer bij een bestand of de "
             "coördinaten kloppen (graden in WGS 84, of RD met een crs-vermelding).";
    case rules::PlanProblem::NoArea:
      return plan + " heeft geen oppervlakte: teken een vlak met ten minste drie hoekpunten.";
    case rules::PlanProblem::CannotRepair:
      return plan + " heeft een omtrek die zichzelf zo kruist dat hij niet te herstellen is.";
    case rules::PlanProblem::NoGeometry:
      return plan + " heeft geen vorm.";
    case rules::PlanProblem::NotPolygon:
      return plan + " is geen vlak: een plan is een gebied, teken de omtrek.";
    case rules::PlanProblem::CannotReproject:
      return plan + " kan niet op de kaart worden gelegd: controleer de coördinaten.";
    case rules::PlanProblem::NoKind:
      return plan + " heeft geen soort ontwikkeling; kies een soort in de lijst.";
  }
  return "Het plan kan niet worden getoetst; controleer het bestand.";
}

PlanJudge::PlanJudge(const Store& store, const rules::RuleSet& rules, PlanLimits limits)
    : store_(store), rules_(rules), limits_(limits) {
  for (const auto& L : store.manifest().layers) layer_ids_.push_back(L.id);
}

json PlanJudge::kinds_json() const {
  json j = {{"available", true}, {"kinds", json::array()}};
  j["ruleset"] = {{"name", rules_.name}, {"version", rules_.version}};
  for (const auto& k : rules_.kinds)
    j["kinds"].push_back({{"id", k.id}, {"title", k.title}, {"description", k.description}});
  return j;
}

const rules::CompiledRules& PlanJudge::compiled_for(const std::string& kind) {
  std::lock_guard lock(compiled_mutex_);
  auto it = compiled_.find(kind);
  if (it == compiled_.end())
    it = compiled_.emplace(kind, rules::CompiledRules(rules_, kind, layer_ids_)).first;
  return it->second;
}

json PlanJudge::assess(const std::string& body_text, const std::string& kind,
                       std::mutex& store_mutex, OGRCoordinateTransformation& to_wgs84) {
  bool known_kind = false;
  for (const auto& k : rules_.kinds) known_kind = known_kind || k.id == kind;
  if (!kind.empty() && !known_kind)
    reject(400, "unknown kind '" + kind + "': see /api/kinds",
           "Onbekende soort ontwikkeling '" + kind + "'.");
  json body;
  try {
    body = json::parse(body_text);
  } catch (const json::exception& e) {
    reject(400, std::string("malformed GeoJSON: not JSON (") + e.what() + ")",
           "Het bestand is geen GeoJSON (geen geldige JSON).");
  }
  check_plan_geojson(body, limits_);
  // read_plans reads files (any OGR format); the body goes through a scratch file.
  ScratchFile scratch{std::filesystem::temp_directory_path() /
                      fmt::format("casco-plan-{}-{}.geojson", ::getpid(), ++scratch_counter_)};
  {
    std::ofstream out(scratch.path, std::ios::binary);
    out << body_text;
    if (!out) fail("cannot write the scratch file {}", scratch.path.string());
  }
  std::vector<rules::Assessment> results;
  std::vector<rules::Plan> plans;
  try {
    std::lock_guard lock(store_mutex);
    plans = rules::read_plans(scratch.path, store_, kind);
    check_work(plans);
    for (auto& p : plans) {
      bool ok = false;
      for (const auto& k : rules_.kinds) ok = ok || k.id == p.kind;
      if (!ok)
        reject(400, "unknown kind '" + p.kind + "' in plan '" + p.name + "': see /api/kinds",
               "Plan '" + p.name + "' heeft een onbekende soort ontwikkeling '" + p.kind +
                   "'; kies een soort in de lijst.");
      results.push_back(rules::assess(store_, compiled_for(p.kind), p));
    }
  } catch (const Error& e) {
    std::string msg = e.what();
    // The scratch file's name means nothing to the caller.
    for (std::size_t at; (at = msg.find(scratch.path.string())) != std::string::npos;)
      msg.replace(at, scratch.path.string().size(), "request");
    const auto* refused = dynamic_cast<const rules::PlanError*>(&e);
    reject(400, "cannot assess the plan: " + msg,
           refused ? dutch_plan_error(refused->problem, refused->plan, store_.manifest().model_name)
                   : "Het plan kan niet worden getoetst; controleer het bestand.");
  }
  json out = json::parse(present::format_assessments(results, rules_, present::ReportFormat::Json));
  out.erase("ruleset");  // its file path is the server's business
  out["ruleset"] = {{"name", rules_.name}, {"version", rules_.version}};
  for (auto& p : out["plans"]) {
    // GeoJSON arrives in WGS 84 by definition: saying it was reprojected tells people nothing.
    p.erase("reprojected_from");
    for (const auto& k : rules_.kinds)
      if (k.id == p.value("kind", "")) p["kind_title"] = k.title;
    // The data a waiting rule needs, in words, and whether the catalogue can fetch it.
    for (auto& w : p["not_checked"]) {
      json said = json::array();
      for (const auto& id : w["needs"]) {
        const auto& known = needs();
        auto it = known.find(id.get<std::string>());
        said.push_back({{"id", id},
                        {"title", it == known.end() ? "" : it->second},
                        {"in_catalogue", it != known.end()}});
      }
      w["needs_described"] = said;
    }
    // Each rule's verdict in the same words as the plan's overall verdict.
    for (auto& r : p["rules"])
      for (int v = 0; v <= static_cast<int>(rules::Verdict::Verboden); ++v)
        if (r.value("verdict", "") == rules::to_string(static_cast<rules::Verdict>(v)))
          r["verdict_label"] = rules::dutch_label(static_cast<rules::Verdict>(v));
  }
  out["geojson"] = plans_geojson(plans, to_wgs84);
  return out;
}

// The work of an assessment grows with the cells of each plan's extent and the rules of its kind:
// fifty plans the size of the province would keep the server busy for a minute.
void PlanJudge::check_work(const std::vector<rules::Plan>& plans) {
  const Grid& g = store_.grid();
  const double x1 = g.x1(), y0 = g.y1();
  double checks = 0, km2 = 0;
  for (const auto& p : plans) {
    OGREnvelope e;
    p.geometry->getEnvelope(&e);
    const double w = std::max(0.0, std::min(e.MaxX, x1) - std::max(e.MinX, g.x0));
    const double h = std::max(0.0, std::min(e.MaxY, g.y0) - std::max(e.MinY, y0));
    const double cells = std::ceil(w / g.cell + 1) * std::ceil(h / g.cell + 1);
    checks +=
        cells * static_cast<double>(std::max<std::size_t>(1, compiled_for(p.kind).rules().size()));
    km2 += w * h / 1e6;
  }
  if (checks <= limits_.max_cell_checks) return;
  reject(
      413,
      fmt::format("the plans cover {:.0f} km2 and would take {:.3g} cell checks (at most {:.3g}); "
                  "send smaller or fewer plans, or use casco assess",
                  km2, checks, limits_.max_cell_checks),
      fmt::format("De plannen beslaan samen {:.0f} km²: te groot om hier te toetsen. Teken "
                  "kleinere plannen of minder tegelijk, of gebruik casco assess.",
                  km2));
}

const std::map<std::string, std::string>& PlanJudge::needs() {
  std::call_once(needs_once_, [&] {
    if (load_needs_) needs_ = load_needs_();
  });
  return needs_;
}

}  // namespace casco::viewer
