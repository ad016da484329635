// Judging plans and mapping suitability: a hand-made model whose answers are computed by hand,
// and the real Drenthe model with its rule file.
#include <gtest/gtest.h>

#include <fstream>
#include <memory>
#include <nlohmann/json.hpp>
#include <sstream>

#include "core/crs.hpp"
#include "core/error.hpp"
#include "model/build.hpp"
#include "model/stats.hpp"
#include "present/assessment_text.hpp"
#include "rules/assess.hpp"
#include "test_util.hpp"

using namespace casco;
using namespace casco::rules;
namespace fs = std::filesystem;

namespace {

std::vector<std::string> layer_ids(const Store& s) {
  std::vector<std::string> ids;
  for (const auto& L : s.manifest().layers) ids.push_back(L.id);
  return ids;
}

const RuleResult& result(const Assessment& a, const std::string& id) {
  for (const auto& r : a.results)
    if (r.rule->id == id) return r;
  throw std::runtime_error("no rule " + id);
}

std::string rect(double x0, double y0, double x1, double y1, const std::string& props) {
  return fmt::format(
      R"({{"type":"Feature","properties":{},"geometry":{{"type":"Polygon","coordinates":[[[{},{}],[{},{}],[{},{}],[{},{}],[{},{}]]]}}}})",
      props, x0, y0, x1, y0, x1, y1, x0, y1, x0, y0);
}

// A 1 km square study area at (200000, 500000) whose west half is a Natura 2000 square.
class HandMade : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new test::TempDir();
    auto& d = *dir_;
    test::write_file(d / "area.geojson",
                     test::rd_collection(test::rd_square(200000, 500000, 1000, "{}")));
    test::write_file(d / "n2k.geojson",
                     test::rd_collection(rect(200000, 500000, 200500, 501000, "{}")));
    test::write_file(d / "model.toml", R"([model]
cell_size = 25
[study_area]
path = "area.geojson"
[[layer]]
id = "natura2000"
title = "N2000"
group = "natuur"
derivation = "coverage"
source = "n2k.geojson"
[[layer]]
id = "afstand_natura2000"
title = "Afstand"
group = "natuur"
derivation = "distance"
source = "n2k.geojson"
)");
    test::write_file(d / "rules.toml", R"([ruleset]
name = "Proef"
[kinds.woningbouw]
title = "Woningbouw"
[kinds.natuurontwikkeling]
title = "Natuur"

[[rule]]
id = "n2000"
title = "Natura 2000"
kinds = ["woningbouw"]
when = "natura2000 > 0"
verdict = "verboden"
reason = "In Natura 2000."
policy = { document = "NOVEX 2023" }

[[rule]]
id = "buffer"
title = "Bufferzone"
kinds = ["woningbouw"]
when = "natura2000 == 0 and afstand_natura2000 <= 100"
verdict = "nee_tenzij"
conditions = ["stikstofberekening"]
reason = "Vlak bij Natura 2000."
policy = { document = "NOVEX 2023" }

[[rule]]
id = "natuur_plus"
title = "Natuur bij natuur"
kinds = ["*"]
when = "afstand_natura2000 <= 200"
verdict = "score"
score = 2
reason = "Sluit aan op natuur."
policy = { document = "NOVEX 2023" }
)");
    build_model(load_model_definition(d / "model.toml"), {d / "store.gpkg", std::nullopt, false});
  }
  static void TearDownTestSuite() { delete dir_; }
  static test::TempDir* dir_;
};
test::TempDir* HandMade::dir_ = nullptr;

}  // namespace

// A 10 ha plan, 400 x 250 m, whose west 190 m lie in the Natura 2000 square: 4.75 ha verboden.
// East of it, cells whose centre is within 100 m of the square (x < 200600): 100 m of plan,
// 2.5 ha nee_tenzij; the rest (110 m, 2.75 ha) is free.
TEST_F(HandMade, PlanHalfInNatura2000IsForbiddenOnItsAreaThere) {
  Store s = Store::open(*dir_ / "store.gpkg");
  RuleSet set = load_rules(*dir_ / "rules.toml");
  CompiledRules rules(set, "woningbouw", layer_ids(s));
  test::write_file(*dir_ / "plan.geojson",
                   test::rd_collection(rect(200310, 500105, 200710, 500355, R"({"naam":"Oost"})")));
  auto plans = read_plans(*dir_ / "plan.geojson", s, "woningbouw");
  ASSERT_EQ(plans.size(), 1u);
  Assessment a = assess(s, rules, plans[0], true);
  EXPECT_EQ(a.plan, "Oost");
  EXPECT_NEAR(a.area_ha, 10.0, 1e-9);
  EXPECT_EQ(a.verdict, Verdict::Verboden);
  EXPECT_NEAR(result(a, "n2000").area_ha, 4.75, 1e-4);
  EXPECT_NEAR(result(a, "n2000").share, 0.475, 1e-5);
  EXPECT_NEAR(result(a, "buffer").area_ha, 2.5, 1e-4);
  // Score: cells within 200 m (x < 200700): 390 of 400 m get +2.
  EXPECT_NEAR(a.score, 2.0 * 390 / 400, 1e-4);
  ASSERT_TRUE(result(a, "n2000").part);
  EXPECT_NEAR(OGR_G_Area(OGRGeometry::ToHandle(result(a, "n2000").part.get())), 47500, 1.0);

  std::vector<Assessment> all;
  all.push_back(std::move(a));
  std::string text = present::format_assessments(all, set, present::ReportFormat::Text);
  EXPECT_NE(text.find("Oordeel: verboden"), std::string::npos) << text;
  EXPECT_NE(text.find("4.75 ha"), std::string::npos) << text;
  EXPECT_NE(text.find("stikstofberekening"), std::string::npos) << text;
  std::string md = present::format_assessments(all, set, present::ReportFormat::Markdown);
  EXPECT_NE(md.find("| verboden | 4.75 | 48% |"), std::string::npos) << md;
  auto j =
      nlohmann::json::parse(present::format_assessments(all, set, present::ReportFormat::Json));
  EXPECT_EQ(j["plans"][0]["verdict"], "verboden");
  // The viewer colours the verdict as the verdict maps do: the colour of the class "verboden" in
  // the verdict layer's description.
  std::string map_colour;
  for (const auto& k : verdict_record(set, "woningbouw").describe.style.classes)
    if (k.label == dutch_label(Verdict::Verboden)) map_colour = k.colour;
  EXPECT_FALSE(map_colour.empty());
  EXPECT_EQ(j["plans"][0]["verdict_colour"], map_colour);
  for (const auto& r : j["plans"][0]["rules"])
    if (r["verdict"] == "verboden") {
      EXPECT_EQ(r["verdict_colour"], map_colour) << r["id"];
    }

  write_parts(all, s, *dir_ / "parts.geojson");
  EXPECT_TRUE(fs::exists(*dir_ / "parts.geojson"));
}

TEST_F(HandMade, PlansInAnotherCrsAreReprojectedAndBrokenOutlinesRepaired) {
  Store s = Store::open(*dir_ / "store.gpkg");
  // The same 10 ha plan in WGS84.
  std::string coords;
  for (auto [x, y] : std::vector<std::pair<double, double>>{{200310, 500105},
                                                            {200710, 500105},
                                                            {200710, 500355},
                                                            {200310, 500355},
                                                            {200310, 500105}}) {
    transform_point("EPSG:28992", "EPSG:4326", x, y);
    coords += fmt::format("{}[{:.10f},{:.10f}]", coords.empty() ? "" : ",", x, y);
  }
  test::write_file(
      *dir_ / "wgs.geojson",
      R"({"type":"FeatureCollection","features":[{"type":"Feature","properties":{"kind":"woningbouw"},"geometry":{"type":"Polygon","coordinates":[[)" +
          coords + "]]}}]}");
  auto plans = read_plans(*dir_ / "wgs.geojson", s, "");
  ASSERT_EQ(plans.size(), 1u);
  EXPECT_EQ(plans[0].kind, "woningbouw");
  EXPECT_NEAR(OGR_G_Area(OGRGeometry::ToHandle(plans[0].geometry.get())) / 1e4, 10.0, 0.01);
  EXPECT_NE(plans[0].reprojected_from.find("EPSG:4326"), std::string::npos);
  EXPECT_TRUE(plans[0].notes.empty());
  // The text names both systems; the JSON carries the plan's own.
  const RuleSet set = load_rules(*dir_ / "rules.toml");
  const CompiledRules rules(set, "woningbouw", layer_ids(s));
  std::vector<Assessment> one;
  one.push_back(assess(s, rules, plans[0]));
  EXPECT_NE(present::format_assessments(one, set, present::ReportFormat::Text)
                .find("Let op: omgerekend van EPSG:4326 naar EPSG:28992"),
            std::string::npos);
  const auto j =
      nlohmann::json::parse(present::format_assessments(one, set, present::ReportFormat::Json));
  EXPECT_NE(j["plans"][0]["reprojected_from"].get<std::string>().find("EPSG:4326"),
            std::string::npos);
  for (const auto& n : j["plans"][0]["notes"])
    EXPECT_EQ(n.get<std::string>().find("omgerekend"), std::string::npos) << n;

  // A bow-tie outline is repaired into its two triangles.
  test::write_file(
      *dir_ / "bowtie.geojson",
      test::rd_collection(
          R"({"type":"Feature","properties":{},"geometry":{"type":"Polygon","coordinates":[[[200100,500100],[200300,500300],[200300,500100],[200100,500300],[200100,500100]]]}})"));
  auto bow = read_plans(*dir_ / "bowtie.geojson", s, "woningbouw");
  EXPECT_NEAR(OGR_G_Area(OGRGeometry::ToHandle(bow[0].geometry.get())), 20000, 1e-6);
  EXPECT_NE(bow[0].notes.back().find("hersteld"), std::string::npos);
}

TEST_F(HandMade, BadPlansAreClearErrors) {
  Store s = Store::open(*dir_ / "store.gpkg");
  auto error_of = [&](const std::string& name, const std::string& features,
                      const std::string& kind = "woningbouw") {
    test::write_file(*dir_ / name, test::rd_collection(features));
    try {
      read_plans(*dir_ / name, s, kind);
    } catch (const Error& e) {
      return std::string(e.what());
    }
    return std::string();
  };
  EXPECT_NE(
      error_of(
          "line.geojson",
          R"({"type":"Feature","properties":{"naam":"weg"},"geometry":{"type":"LineString","coordinates":[[200100,500100],[200300,500300]]}})")
          .find("not a polygon"),
      std::string::npos);
  EXPECT_NE(error_of("far.geojson", rect(100000, 400000, 100100, 400100, R"({"naam":"ver"})"))
                .find("outside the study area"),
            std::string::npos);
  EXPECT_NE(error_of("empty.geojson", "").find("holds no plan"), std::string::npos);
  EXPECT_NE(
      error_of("nokind.geojson", rect(200100, 500100, 200200, 500200, "{}"), "").find("--kind"),
      std::string::npos);
  EXPECT_THROW(read_plans(*dir_ / "missing.geojson", s, "woningbouw"), Error);
  // The problem and the plan's name as data, for callers that explain it in their own words.
  auto problem_of = [&](const std::string& name, const std::string& features) {
    test::write_file(*dir_ / name, test::rd_collection(features));
    try {
      read_plans(*dir_ / name, s, "woningbouw");
    } catch (const PlanError& e) {
      return std::make_pair(e.problem, e.plan);
    }
    return std::make_pair(PlanProblem::NoKind, std::string("no PlanError"));
  };
  EXPECT_EQ(problem_of("far.geojson", rect(100000, 400000, 100100, 400100, R"({"naam":"ver"})")),
            std::make_pair(PlanProblem::OutsideStudyArea, std::string("ver")));
  EXPECT_EQ(
      problem_of(
          "line.geojson",
          R"({"type":"Feature","properties":{"naam":"weg"},"geometry":{"type":"LineString","coordinates":[[200100,500100],[200300,500300]]}})"),
      std::make_pair(PlanProblem::NotPolygon, std::string("weg")));
  // A plan that names a CRS nobody knows is not read as WGS84 (GDAL's fallback): it is refused.
  std::string unknown = test::rd_collection(rect(200100, 500100, 200200, 500200, "{}"));
  unknown.replace(unknown.find("EPSG::28992"), 11, "EPSG::999999");
  test::write_file(*dir_ / "unknown_crs.geojson", unknown);
  try {
    read_plans(*dir_ / "unknown_crs.geojson", s, "woningbouw");
    ADD_FAILURE() << "a plan in EPSG:999999 was accepted";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("'urn:ogc:def:crs:EPSG::999999', which is unknown"),
              std::string::npos)
        << e.what();
  }
}

// An outline reaching a trillion metres east (a typo in a coordinate) is judged on the part that
// lies on the grid: the study area's east half, 50 ha beyond the Natura 2000 square.
TEST_F(HandMade, PlanReachingFarBeyondTheGridIsJudgedOnItsPartInside) {
  Store s = Store::open(*dir_ / "store.gpkg");
  RuleSet set = load_rules(*dir_ / "rules.toml");
  CompiledRules rules(set, "woningbouw", layer_ids(s));
  test::write_file(*dir_ / "typo.geojson",
                   test::rd_collection(rect(200500, 500000, 1e12, 501000, R"({"naam":"typo"})")));
  auto plans = read_plans(*dir_ / "typo.geojson", s, "woningbouw");
  ASSERT_EQ(plans.size(), 1u);
  ASSERT_FALSE(plans[0].notes.empty());
  EXPECT_NE(plans[0].notes.back().find("buiten het studiegebied"), std::string::npos);
  Assessment a = assess(s, rules, plans[0], false);
  EXPECT_EQ(result(a, "n2000").area_ha, 0.0);
  EXPECT_NEAR(result(a, "buffer").area_ha, 10.0, 1e-4);  // x 200500..200600 over 1 km
}

TEST_F(HandMade, SuitabilityClassesAndScores) {
  Store s = Store::open(*dir_ / "store.gpkg");
  RuleSet set = load_rules(*dir_ / "rules.toml");
  Suitability su = suitability(s, CompiledRules(set, "woningbouw", layer_ids(s)));
  // Columns 0-19 are Natura 2000 (verboden), 20-23 within 100 m (nee_tenzij), the rest free.
  EXPECT_EQ(su.verdict.at(5, 0), 4.0f);
  EXPECT_EQ(su.verdict.at(5, 19), 4.0f);
  EXPECT_EQ(su.verdict.at(5, 20), 3.0f);
  EXPECT_EQ(su.verdict.at(5, 23), 3.0f);
  EXPECT_EQ(su.verdict.at(5, 24), 0.0f);
  EXPECT_EQ(su.score.at(5, 27), 2.0f);  // 87.5 m... within 200 m
  EXPECT_EQ(su.score.at(5, 28), 0.0f);
  EXPECT_GT(su.contradictory_cells, 0u);  // verboden cells also get the +2 of natuur_plus
}

// Rules switched on by their data. The same 1 km square, once without and once with a layer
// `laagte` (a hollow: the square's south-east quarter, x 200500-201000, y 500000-500500). A plan of
// 4 ha (x 200600-200800, y 500100-500300) lies wholly in the hollow; of its 8 columns of cells the
// west 4 have their centre within 200 m of a Natura 2000 cell centre (x 200487.5).
const char* kSwitchingRules = R"([ruleset]
name = "Proef"
[kinds.woningbouw]
title = "Woningbouw"
[kinds.waterberging]
title = "Waterberging"

[[rule]]
id = "bij_natuur"
title = "Berging bij natuur"
kinds = ["waterberging"]
when = "afstand_natura2000 <= 200"
verdict = "score"
score = 1
reason = "Oude benadering."
policy = { document = "NOVEX 2023" }
replaced_by = ["in_laagte"]

[[rule]]
id = "in_laagte"
title = "Berging in een laagte"
kinds = ["waterberging"]
when = "laagte > 0"
verdict = "score"
score = 2
reason = "Water gaat hier vanzelf heen."
policy = { document = "NOVEX 2023" }
enabled = "when_available"

[[rule]]
id = "laagte_bouw"
title = "Bouwen in een laagte"
kinds = ["woningbouw"]
when = "laagte >= 0.5"
verdict = "nee_tenzij"
conditions = ["compensatie"]
reason = "In een laagte."
policy = { document = "NOVEX 2023" }
enabled = "when_available"
)";

TEST_F(HandMade, RulesSwitchOnWhenTheModelHasTheirLayers) {
  auto& d = *dir_;
  test::write_file(d / "laagte.geojson",
                   test::rd_collection(rect(200500, 500000, 201000, 500500, "{}")));
  test::write_file(d / "model_laagte.toml", test::read_file(d / "model.toml") + R"(
[[layer]]
id = "laagte"
title = "Laagte"
group = "water"
derivation = "coverage"
source = "laagte.geojson"
)");
  build_model(load_model_definition(d / "model_laagte.toml"),
              {d / "store_laagte.gpkg", std::nullopt, false});
  test::write_file(d / "switching.toml", kSwitchingRules);
  test::write_file(d / "hollow.geojson",
                   test::rd_collection(rect(200600, 500100, 200800, 500300, R"({"naam":"Laag"})")));

  struct Judged {
    std::shared_ptr<const RuleSet> set;  // the assessments point into its rules
    std::vector<Assessment> plans;       // the plan as waterberging, then as woningbouw
    std::string text;
    nlohmann::json json;
    const Assessment& berging() const { return plans[0]; }
    const Assessment& bouw() const { return plans[1]; }
  };
  auto judge = [&](const fs::path& store) {
    Store s = Store::open(store);
    const auto ids = layer_ids(s);
    Judged j;
    j.set = std::make_shared<const RuleSet>(load_rules(d / "switching.toml", ids));
    const RuleSet& set = *j.set;
    for (const char* kind : {"waterberging", "woningbouw"})
      j.plans.push_back(assess(s, CompiledRules(set, kind, ids),
                               read_plans(d / "hollow.geojson", s, kind).at(0)));
    for (Assessment& a : j.plans) {  // one plan at a time: its full text, not a table
      std::vector<Assessment> one;
      one.push_back(std::move(a));
      j.text += present::format_assessments(one, set, present::ReportFormat::Text);
      a = std::move(one[0]);
    }
    j.json = nlohmann::json::parse(
        present::format_assessments(j.plans, set, present::ReportFormat::Json));
    return j;
  };

  // Without the layer: the old rule scores the west half (+1 on 4 of 8 columns); the new rules
  // are listed as not checked, waiting for `laagte`; the housing plan is free as far as known.
  Judged without = judge(d / "store.gpkg");
  EXPECT_NEAR(without.berging().area_ha, 4.0, 1e-9);
  EXPECT_NEAR(without.berging().score, 0.5, 1e-6);
  EXPECT_EQ(without.bouw().verdict, Verdict::Vrij);
  EXPECT_NE(without.text.find("Niet getoetst, deze regels staan uit tot hun kaartlaag er is: "
                              "Berging in een laagte (wacht op: laagte)"),
            std::string::npos)
      << without.text;
  EXPECT_NE(without.text.find("Bouwen in een laagte (wacht op: laagte)"), std::string::npos);
  EXPECT_EQ(without.text.find("vervangen"), std::string::npos) << without.text;
  ASSERT_EQ(without.json["plans"][0]["not_checked"].size(), 1u);
  EXPECT_EQ(without.json["plans"][0]["not_checked"][0]["id"], "in_laagte");
  EXPECT_TRUE(without.json["plans"][0]["replaced"].empty());

  // With the layer: the new rules apply (+2 everywhere, not +2.5: the old rule stepped aside;
  // nee_tenzij on all 4 ha), nothing waits, and the old rule is named as replaced.
  Judged with = judge(d / "store_laagte.gpkg");
  EXPECT_NEAR(with.berging().score, 2.0, 1e-6);
  EXPECT_EQ(with.bouw().verdict, Verdict::NeeTenzij);
  EXPECT_NEAR(result(with.bouw(), "laagte_bouw").area_ha, 4.0, 1e-4);
  EXPECT_EQ(with.text.find("Niet getoetst"), std::string::npos) << with.text;
  EXPECT_NE(with.text.find("Niet meer toegepast, een betere regel neemt hun plaats in: Berging "
                           "bij natuur (vervangen door: Berging in een laagte)"),
            std::string::npos)
      << with.text;
  EXPECT_TRUE(with.json["plans"][0]["not_checked"].empty());
  ASSERT_EQ(with.json["plans"][0]["replaced"].size(), 1u);
  EXPECT_EQ(with.json["plans"][0]["replaced"][0]["by"], "in_laagte");

  // The suitability map follows the same switches: the hollow's cells score 2 for waterberging.
  Store s = Store::open(d / "store_laagte.gpkg");
  const RuleSet set = load_rules(d / "switching.toml", layer_ids(s));
  Suitability su = suitability(s, CompiledRules(set, "waterberging", layer_ids(s)));
  EXPECT_EQ(su.score.at(35, 25), 2.0f);  // in the hollow, within 200 m: 2, not 3
  EXPECT_EQ(su.score.at(5, 25), 0.0f);   // north of the hollow: the old rule is off everywhere
}

// ---------------------------------------------------------------- the real Drenthe model

class DrentheRules : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new test::TempDir();
    try {
      fs::copy_file(test::drenthe_store_250(), *dir_ / "d.gpkg");
    } catch (const std::exception& e) {
      error_ = e.what();
    }
  }
  static void TearDownTestSuite() { delete dir_; }
  void SetUp() override { ASSERT_TRUE(error_.empty()) << error_; }
  // The assessment points at the rules of the set, so the set outlives it.
  static Assessment judge(const std::string& plan, const std::string& kind) {
    Store s = Store::open(*dir_ / "d.gpkg");
    static const RuleSet set = load_rules(fs::path(CASCO_DATA_DIR) / "rules.toml");
    test::write_file(*dir_ / "plan.geojson", test::rd_collection(plan));
    auto plans = read_plans(*dir_ / "plan.geojson", s, kind);
    return assess(s, CompiledRules(set, kind, layer_ids(s)), plans.at(0));
  }
  static inline test::TempDir* dir_ = nullptr;
  static inline std::string error_;
};

TEST_F(DrentheRules, TheRuleFileCompilesForEveryKind) {
  Store s = Store::open(*dir_ / "d.gpkg");
  RuleSet set = load_rules(fs::path(CASCO_DATA_DIR) / "rules.toml");
  for (const char* k : {"woningbouw", "bedrijventerrein", "zonnepark", "windturbine",
                        "waterberging", "natuurontwikkeling", "recreatie"})
    EXPECT_NO_THROW(CompiledRules(set, k, layer_ids(s))) << k;
  std::size_t disabled = 0;
  for (const auto& r : set.rules) {
    EXPECT_FALSE(r.policy.document.empty()) << r.id;
    if (!r.enabled) {
      ++disabled;
      EXPECT_FALSE(r.needs.empty()) << r.id;
    }
  }
  EXPECT_GT(disabled, 0u);  // complete as policy, honest about data
}

TEST_F(DrentheRules, HousingInDwingelderveldIsForbidden) {
  Assessment a = judge(rect(223300, 535900, 223700, 536300, R"({"naam":"Heide"})"), "woningbouw");
  EXPECT_EQ(a.verdict, Verdict::Verboden);
  bool natura_rule = false;
  for (const auto& r : a.results)
    if (r.area_ha > 0 && !r.rule->is_score && r.rule->verdict == Verdict::Verboden &&
        r.rule->when.find("natura2000") != std::string::npos)
      natura_rule = true;
  EXPECT_TRUE(natura_rule);
}

TEST_F(DrentheRules, CentreOfAssenHitsNoNatura2000Rule) {
  Assessment a = judge(rect(233500, 556300, 233800, 556600, R"({"naam":"Centrum"})"), "woningbouw");
  // Score rules may mention natura2000 to keep their bonus out of it; no verdict rule may hit.
  for (const auto& r : a.results) {
    if (r.area_ha > 0 && !r.rule->is_score) {
      EXPECT_EQ(r.rule->when.find("natura2000"), std::string::npos) << r.rule->id;
    }
  }
  EXPECT_NE(a.verdict, Verdict::Verboden);
}

TEST_F(DrentheRules, SolarParksAnywhereNeedConsultationWithAstron) {
  for (auto [x, y] : std::vector<std::pair<double, double>>{
           {233500, 556300}, {255000, 530000}, {215000, 525000}, {245000, 570000}}) {
    Assessment a = judge(rect(x, y, x + 300, y + 300, "{}"), "zonnepark");
    bool astron = false;
    for (const auto& r : a.results)
      if (r.area_ha > 0 && !r.rule->is_score && r.rule->verdict == Verdict::Afstemming &&
          r.rule->party.find("ASTRON") != std::string::npos)
        astron = true;
    EXPECT_TRUE(astron) << x << "," << y;
    EXPECT_GE(a.verdict, Verdict::Afstemming);
  }
}

TEST_F(DrentheRules, SuitabilityHectaresPerGemeenteAddUpToItsArea) {
  Store s = Store::open(*dir_ / "d.gpkg");
  RuleSet set = load_rules(fs::path(CASCO_DATA_DIR) / "rules.toml");
  Suitability su = suitability(s, CompiledRules(set, "zonnepark", layer_ids(s)));
  auto rows = class_areas(s, su.verdict, {"gemeenten", "regios"});
  auto areas = zonal_stats(s.read("provincie"), s.read("gemeenten"), s.zones("gemeenten"));
  ASSERT_EQ(rows.size(), 15u);
  for (std::size_t i = 0; i < 12; ++i) {
    double sum = 0;
    for (double h : rows[i].ha) sum += h;
    EXPECT_NEAR(sum, areas[i].area_ha, 1e-6) << rows[i].name;
    EXPECT_GT(rows[i].ha[2] + rows[i].ha[4], 0.0)
        << rows[i].name;  // ASTRON everywhere, N2000 somewhere
  }
}

// A kind whose only rule reads no layer (found by fuzzing: "no layers", without a file or a
// reason). | rule                    | layers read | verdict on every cell of a 3x2 grid |
//          | when = "1 > 0", verboden | none        | verboden (4)                         |
TEST(ConstantRules, HoldEverywhereOnTheGrid) {
  const RuleSet set = parse_rules(R"(
[ruleset]
name = "Constant"
version = "1"

[kinds.overal]
title = "Overal"

[[rule]]
id = "nergens"
title = "Nergens"
kinds = ["overal"]
when = "1 > 0"
verdict = "verboden"
reason = "Overal verboden."
policy = { document = "Proef", quote = "Nee." }
)",
                                  "constant.toml");
  const CompiledRules compiled(set, "overal", {"natura2000"});
  ASSERT_TRUE(compiled.layers().empty());
  Grid g;
  g.cols = 3, g.rows = 2;
  const Suitability s = evaluate_suitability(compiled, {}, g);
  ASSERT_EQ(s.verdict.values.size(), 6u);
  for (float v : s.verdict.values) EXPECT_EQ(v, 4.0f);
}
