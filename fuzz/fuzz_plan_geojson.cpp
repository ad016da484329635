// The GeoJSON plan upload of the viewer (POST /api/assess), through the library as the server
// does it: nlohmann::json parses the body, check_plan_geojson (src/viewer/request) limits it, the
// body goes to a scratch file that rules::read_plans reads with GDAL, and rules::assess judges each
// plan against a small rule file on a tiny model store (2 x 2 km at 100 m, made once per process).
// Oracles: no more plans than the limit get through; every area is finite, a rule's area is never
// more than its plan's, shares lie in [0, 1].
#include <fmt/format.h>

#include <cmath>

#include "fuzz_util.hpp"
#include "model/build.hpp"
#include "model/definition.hpp"
#include "model/store.hpp"
#include "rules/assess.hpp"
#include "rules/rules.hpp"
#include "viewer/http.hpp"
#include "viewer/plans.hpp"

namespace {

constexpr std::size_t kMaxPlans = 50, kMaxVertices = 10000;  // the server's defaults

std::string square(double x0, double y0, double size, const std::string& props) {
  return fmt::format(
      R"({{"type":"Feature","properties":{},"geometry":{{"type":"Polygon","coordinates":)"
      R"([[[{},{}],[{},{}],[{},{}],[{},{}],[{},{}]]]}}}})",
      props, x0, y0, x0 + size, y0, x0 + size, y0 + size, x0, y0 + size, x0, y0);
}

std::string collection(const std::string& features) {
  return R"({"type":"FeatureCollection","crs":{"type":"name","properties":{"name":)"
         R"("urn:ogc:def:crs:EPSG::28992"}},"features":[)" +
         features + "]}";
}

struct Model {
  casco::Store store;
  casco::rules::RuleSet rules;
  std::vector<std::string> layers;
};

const Model& model() {
  using namespace casco;
  static const Model m = [] {
    const auto dir = fuzz::scratch() / "model";
    fuzz::write_input("model/gebied.geojson", collection(square(231000, 551000, 2000, "{}")));
    fuzz::write_input(
        "model/gemeenten.geojson",
        collection(square(231000, 551000, 1000, R"({"code":"GM1","naam":"West"})") + "," +
                   square(232000, 551000, 1000, R"({"code":"GM2","naam":"Oost"})")));
    fuzz::write_input("model/natura.geojson", collection(square(231200, 551200, 500, "{}")));
    const auto model_file = fuzz::write_input("model/model.toml", R"(
[model]
name = "fuzz"
cell_size = 100
borders = "gemeenten"
[study_area]
path = "gebied.geojson"
[[layer]]
id = "gemeenten"
title = "Gemeenten"
group = "bestuur"
derivation = "zones"
source = "gemeenten.geojson"
zone_code = "code"
zone_name = "naam"
[[layer]]
id = "natura2000"
title = "Natura 2000"
group = "natuur"
derivation = "coverage"
source = "natura.geojson"
[[layer]]
id = "afstand_natura2000"
title = "Afstand tot Natura 2000"
group = "natuur"
unit = "m"
derivation = "distance"
source = "natura.geojson"
)");
    const auto rules_file = fuzz::write_input("model/rules.toml", R"(
[ruleset]
name = "fuzz"
[kinds.woningbouw]
title = "Woningbouw"
[kinds.zonnepark]
title = "Zonnepark"
[[rule]]
id = "natura"
title = "Natura 2000"
kinds = ["*"]
when = "natura2000 > 0"
verdict = "verboden"
reason = "in Natura 2000"
policy = { document = "fuzz" }
[[rule]]
id = "nabij"
title = "Nabij Natura 2000"
kinds = ["woningbouw"]
when = "afstand_natura2000 < 300 and natura2000 == 0"
verdict = "nee_tenzij"
conditions = ["geen effect"]
reason = "dichtbij"
policy = { document = "fuzz" }
[[rule]]
id = "oost"
title = "Oost"
kinds = ["zonnepark"]
when = "gemeenten == 2"
verdict = "score"
score = 1.5
reason = "oost"
policy = { document = "fuzz" }
)");
    build_model(load_model_definition(model_file), {dir / "fuzz.gpkg", std::nullopt, false});
    Model made{Store::open(dir / "fuzz.gpkg"), rules::load_rules(rules_file), {}};
    for (const auto& L : made.store.manifest().layers) made.layers.push_back(L.id);
    return made;
  }();
  return m;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace casco;
  using json = nlohmann::json;
  fuzz::quiet();
  const Model& m = model();
  const std::string body = fuzz::text_of(data, size);
  json j;
  try {
    j = json::parse(body);
    viewer::check_plan_geojson(j, viewer::PlanLimits{kMaxPlans, kMaxVertices});
  } catch (const json::exception&) {
    return 0;  // 400: not JSON
  } catch (const viewer::HttpError& e) {
    if ((e.status != 400 && e.status != 413) || e.en.empty() || e.nl.empty())
      fuzz::finding("refusal " + std::to_string(e.status) + ": " + e.en);
    return 0;
  }
  const auto file = fuzz::write_input("plan.geojson", body);
  fuzz::expect_clean(file.string(), body, [&] {
    auto plans = rules::read_plans(file, m.store, "woningbouw");
    if (plans.size() > kMaxPlans)
      fuzz::finding(std::to_string(plans.size()) + " plans got past the limit of " +
                    std::to_string(kMaxPlans));
    for (const auto& p : plans) {
      if (p.kind != "woningbouw" && p.kind != "zonnepark") continue;  // 400 in the server
      rules::CompiledRules compiled(m.rules, p.kind, m.layers);
      rules::Assessment a = rules::assess(m.store, compiled, p);
      if (!(std::isfinite(a.area_ha) && a.area_ha >= 0))
        fuzz::finding("plan area " + std::to_string(a.area_ha) + " ha");
      for (const auto& r : a.results)
        if (!(r.area_ha >= 0 && r.area_ha <= a.area_ha * (1 + 1e-6) + 1e-6 && r.share >= 0 &&
              r.share <= 1 + 1e-6))
          fuzz::finding(fmt::format("rule '{}': {} ha, share {}, of a plan of {} ha", r.rule->id,
                                    r.area_ha, r.share, a.area_ha));
    }
  });
  return 0;
}
