// Scenario files, casco allocate's pipeline and casco compare, on a hand-made model whose answer
// can be counted by hand, and on the Drenthe scenarios.
#include <gtest/gtest.h>

#include <cmath>

#include "core/error.hpp"
#include "model/build.hpp"
#include "present/scenario_files.hpp"
#include "present/scenario_text.hpp"
#include "rules/assess.hpp"
#include "rules/rules.hpp"
#include "scenario/scenario.hpp"
#include "test_util.hpp"

using namespace casco;
using namespace casco::scenario;
namespace fs = std::filesystem;

namespace {

// 1 km square at (200000, 500000), 25 m cells (0.0625 ha): zone W (west half) and O (east half);
// `natuur` covers the north-west quarter, `stad` the south-east quarter.
class ScenarioHandMade : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new test::TempDir();
    auto& d = *dir_;
    test::write_file(d / "area.geojson",
                     test::rd_collection(test::rd_square(200000, 500000, 1000, "{}")));
    auto half = [](double x0, const char* props) {
      auto n = [](double v) { return std::to_string(v); };
      return std::string(R"({"type":"Feature","properties":)") + props +
             R"(,"geometry":{"type":"Polygon","coordinates":[[[)" + n(x0) + ",500000],[" +
             n(x0 + 500) + ",500000],[" + n(x0 + 500) + ",501000],[" + n(x0) + ",501000],[" +
             n(x0) + ",500000]]]}}";
    };
    test::write_file(d / "zones.geojson",
                     test::rd_collection(half(200000, R"({"code":"W","naam":"West"})") + "," +
                                         half(200500, R"({"code":"O","naam":"Oost"})")));
    test::write_file(d / "natuur.geojson",
                     test::rd_collection(test::rd_square(200000, 500500, 500, "{}")));
    test::write_file(d / "stad.geojson",
                     test::rd_collection(test::rd_square(200500, 500000, 500, "{}")));
    test::write_file(d / "model.toml", R"([model]
cell_size = 25
[study_area]
path = "area.geojson"
[[layer]]
id = "zones"
title = "Zones"
group = "bestuur"
derivation = "zones"
source = "zones.geojson"
zone_code = "code"
zone_name = "naam"
[[layer]]
id = "natuur"
title = "Natuur"
group = "natuur"
derivation = "presence"
source = "natuur.geojson"
[[layer]]
id = "stad"
title = "Stad"
group = "sociaal-economisch"
derivation = "presence"
source = "stad.geojson"
)");
    build_model(load_model_definition(d / "model.toml"), {d / "store.gpkg", std::nullopt, false});
    test::write_file(d / "rules.toml", R"([ruleset]
name = "Proef"
version = "1"
[kinds.wonen]
title = "Wonen"
[kinds.natuur]
title = "Natuur"
[[rule]]
id = "geen_wonen_in_natuur"
title = "Geen woningen in de natuur"
kinds = ["wonen"]
when = "natuur > 0"
verdict = "verboden"
reason = "natuur"
policy = { document = "proef", quote = "proef" }
[[rule]]
id = "wonen_bij_stad"
title = "Wonen bij de stad"
kinds = ["wonen"]
when = "stad > 0"
verdict = "score"
score = 2
reason = "stad"
policy = { document = "proef", quote = "proef" }
[[rule]]
id = "natuur_bij_natuur"
title = "Natuur bij natuur"
kinds = ["natuur"]
when = "natuur > 0"
verdict = "score"
score = 1
reason = "natuur"
policy = { document = "proef", quote = "proef" }
)");
  }
  static void TearDownTestSuite() { delete dir_; }
  static fs::path scenario(const std::string& body, const std::string& name = "s.toml") {
    test::write_file(*dir_ / name, R"([scenario]
id = "proef"
name = "Proef"
rules = "rules.toml"
regions = "zones"
)" + body);
    return *dir_ / name;
  }
  static std::string error_of(const std::string& body) {
    try {
      Store s = Store::open(*dir_ / "store.gpkg");
      run_scenario(s, load_scenario(scenario(body, "bad.toml")));
    } catch (const Error& e) {
      return e.what();
    }
    return "";
  }
  static inline test::TempDir* dir_ = nullptr;
};

const double kCellHa = 0.0625;

}  // namespace

TEST_F(ScenarioHandMade, ClaimsGoToTheBestCellsOfTheirRegionAndNeverOnVerboden) {
  Store s = Store::open(*dir_ / "store.gpkg");
  // Wonen: 10 ha in Oost; the stad quarter (25 ha, score 2 + weight 1) is the best there.
  // Natuur: 5-8 ha anywhere; the natuur quarter scores 1 + 1. Homes: 200 at 20/ha = 10 ha.
  ScenarioDef def = load_scenario(scenario(R"(
[[claim]]
kind = "wonen"
region = "Oost"
homes = [200, 200]
density = 20
[[claim]]
kind = "natuur"
hectares = [5, 8]
)"));
  ASSERT_EQ(def.claims.size(), 2u);
  EXPECT_DOUBLE_EQ(def.claims[0].min_ha, 10);
  ScenarioResult r = run_scenario(s, def);
  EXPECT_TRUE(r.feasible);
  ASSERT_EQ(r.claims.size(), 2u);
  EXPECT_NEAR(r.claims[0].ha, 10, 1e-9);
  EXPECT_NEAR(r.claims[0].homes, 200, 1e-6);
  EXPECT_NEAR(r.claims[1].ha, 8, 1e-9);  // positive value: up to its maximum
  Raster natuur = s.read("natuur"), stad = s.read("stad");
  std::size_t wonen_cells = 0, natuur_cells = 0;
  for (std::size_t i = 0; i < r.allocation.values.size(); ++i) {
    float a = r.allocation.values[i];
    if (a == 1) {
      ++wonen_cells;
      EXPECT_EQ(natuur.values[i], 0.0f) << "wonen on a verboden cell";
      EXPECT_EQ(stad.values[i], 1.0f) << "wonen outside the best (stad) cells";
    }
    if (a == 2) {
      ++natuur_cells;
      EXPECT_EQ(natuur.values[i], 1.0f);
    }
  }
  EXPECT_EQ(wonen_cells, 160u);  // 10 ha / 0.0625
  EXPECT_EQ(natuur_cells, 128u);
  // The tables per zone: wonen only in Oost, natuur only in West (where the natuur quarter is).
  auto zones = kind_areas(s, r, {"zones"});
  ASSERT_EQ(zones.size(), 2u);
  for (const auto& z : zones) {
    if (z.name == "Oost") {
      EXPECT_NEAR(z.ha[0], 10, 1e-9);
      EXPECT_NEAR(z.ha[1], 0, 1e-9);
    } else {
      EXPECT_NEAR(z.ha[0], 0, 1e-9);
      EXPECT_NEAR(z.ha[1], 8, 1e-9);
    }
  }
  // Shadow prices: the last wonen cell is worth 3 (score 2 + vrij 1) and others in the stad
  // quarter were left, so the price is the value of a stad cell: 3.
  EXPECT_NEAR(r.claims[0].shadow_price, 3, 1e-6);
}

TEST_F(ScenarioHandMade, AClaimThatCannotFitSaysWhyAndTheRestIsAllocated) {
  Store s = Store::open(*dir_ / "store.gpkg");
  // West has 50 ha, of which 25 ha natuur (verboden for wonen): 40 ha of wonen cannot fit.
  ScenarioResult r = run_scenario(s, load_scenario(scenario(R"(
[[claim]]
kind = "wonen"
region = "W"
hectares = [40, 45]
[[claim]]
kind = "natuur"
region = "West"
hectares = 3
)")));
  EXPECT_FALSE(r.feasible);
  const ClaimReport& c = r.claims[0];
  EXPECT_NEAR(c.region_ha, 50, 1e-9);
  EXPECT_NEAR(c.verboden_ha, 25, 1e-9);
  EXPECT_NEAR(c.eligible_ha, 25, 1e-9);
  EXPECT_NEAR(c.ha, 25, 1e-9);
  EXPECT_NEAR(c.shortfall_ha, 15, 1e-9);
  const std::string why = present::shortfall_text(c);
  EXPECT_NE(why.find("15,0 ha tekort"), std::string::npos) << why;
  EXPECT_NE(why.find("Van de 50 ha in West is 25 ha geschikt (25 ha verboden)"), std::string::npos)
      << why;
  EXPECT_NEAR(r.claims[1].ha, 3, 1e-9);  // the other claim is still met
  std::string text = present::format_scenario(r, kind_areas(s, r, {"zones"}), "text");
  EXPECT_NE(text.find("NIET GEHAALD"), std::string::npos);
}

TEST_F(ScenarioHandMade, ConversionTableAndVariantsRestrictWhereKindsMayGo) {
  Store s = Store::open(*dir_ / "store.gpkg");
  // The stad quarter may only become wonen; the variant forbids wonen in the stad quarter, so
  // wonen goes to the rest of Oost (value 1) and nothing goes to the stad quarter.
  std::string body = R"(
[[claim]]
kind = "wonen"
region = "Oost"
hectares = 5
[[claim]]
kind = "natuur"
hectares = [0, 100]
[[conversion]]
title = "Stad"
when = "stad > 0"
to = ["wonen"]
[[variant]]
id = "zonder_stad"
title = "Geen wonen in de stad"
[[variant.layer]]
layer = "stad"
value = "stad * 2"
[[variant.unsuitable]]
kinds = ["wonen"]
when = "stad >= 2"
)";
  ScenarioDef def = load_scenario(scenario(body));
  ScenarioResult base = run_scenario(s, def);
  Raster stad = s.read("stad");
  for (std::size_t i = 0; i < stad.values.size(); ++i)
    if (stad.values[i] == 1) {
      ASSERT_NE(base.allocation.values[i], 2.0f) << "natuur in the stad quarter";
    }
  EXPECT_NEAR(base.claims[1].conversion_ha, 25, 1e-9);
  def.active = {"zonder_stad"};
  ScenarioResult v = run_scenario(s, def);
  EXPECT_TRUE(v.feasible);
  EXPECT_NEAR(v.claims[0].variant_ha, 25, 1e-9);
  for (std::size_t i = 0; i < stad.values.size(); ++i)
    if (stad.values[i] == 1) {
      ASSERT_EQ(v.allocation.values[i], 0.0f);
    }
  // compare: the 5 ha of wonen moved out of the stad quarter.
  present::write_scenario(s, base, kind_areas(s, base, {"zones"}), *dir_ / "a");
  present::write_scenario(s, v, kind_areas(s, v, {"zones"}), *dir_ / "b");
  EXPECT_EQ(allocation_store(*dir_ / "a"), fs::absolute(*dir_ / "store.gpkg"));
  Comparison c = compare(s, *dir_ / "a", *dir_ / "b", {"zones"});
  std::size_t only_a = 0, only_b = 0;
  for (std::size_t i = 0; i < c.change.values.size(); ++i) {
    only_a += c.change.values[i] == 1 || (c.change.values[i] == 3 && stad.values[i] == 1);
    only_b += c.change.values[i] == 2 || (c.change.values[i] == 3 && stad.values[i] == 0);
  }
  EXPECT_EQ(only_a, 80u);  // 5 ha of wonen left the stad quarter …
  EXPECT_GE(only_b, 80u);  // … and landed elsewhere in Oost
  std::string table = present::format_comparison(c, "csv");
  EXPECT_NE(table.find("zones,O,Oost,wonen,5.00,5.00,0.00"), std::string::npos) << table;
}

// A climate variant drives the allocation through groundwater, not only through the storm: the
// variant's winter groundwater (ghg_nat, as `casco water stresstest` writes it) takes the place of
// today's (ghg) for the rules, and a rule that waits for `ghg` (enabled = "when_available") forbids
// homes where the groundwater comes within 40 cm. Today ghg is 1.0 m everywhere; in the variant the
// west half is wet (0.2 m). Without the layers the change is skipped with a warning and the rule
// waits; with them the 5 ha of homes in West cannot go anywhere in the wet variant.
TEST_F(ScenarioHandMade, TheVariantsGroundwaterDrivesTheAllocationOnceItsLayersExist) {
  test::write_file(*dir_ / "rules_gw.toml", R"([ruleset]
name = "Proef"
[kinds.wonen]
title = "Wonen"
[[rule]]
id = "wonen_overal"
title = "Wonen"
kinds = ["wonen"]
when = "stad >= 0"
verdict = "score"
score = 1
reason = "proef"
policy = { document = "proef" }
[[rule]]
id = "natte_grond"
title = "Natte grond"
kinds = ["wonen"]
when = "ghg < 0.4"
verdict = "verboden"
reason = "nat"
policy = { document = "proef" }
enabled = "when_available"
)");
  const std::string body = R"(
[[claim]]
kind = "wonen"
region = "West"
hectares = 5
[[variant]]
id = "nat"
title = "Natte winters"
[[variant.layer]]
layer = "ghg"
value = "ghg_nat"
if_layers = ["ghg", "ghg_nat"]
)";
  test::write_file(*dir_ / "gw.toml", R"([scenario]
id = "gw"
name = "Grondwater"
rules = "rules_gw.toml"
regions = "zones"
)" + body);
  ScenarioDef def = load_scenario(*dir_ / "gw.toml");
  def.active = {"nat"};

  // Without the groundwater layers: skipped, said so; the homes find room in West.
  {
    Store s = Store::open(*dir_ / "store.gpkg");
    ScenarioResult r = run_scenario(s, def);
    EXPECT_TRUE(r.feasible);
    EXPECT_NEAR(r.claims[0].ha, 5, 1e-9);
    bool skipped = false;
    for (const auto& w : r.warnings)
      skipped = skipped || w.find(
                               "variant 'nat': a change that needs layer(s) ghg, ghg_nat was "
                               "skipped") != std::string::npos;
    EXPECT_TRUE(skipped);
  }

  // With them (a copy of the store): today the homes fit; in the variant West is wet, verboden.
  fs::copy_file(*dir_ / "store.gpkg", *dir_ / "gw.gpkg", fs::copy_options::overwrite_existing);
  {
    const Store s = Store::open(*dir_ / "gw.gpkg");
    Raster now(s.grid(), 1.0f), nat(s.grid(), 1.0f);
    for (int row = 0; row < nat.grid.rows; ++row)
      for (int col = 0; col < nat.grid.cols / 2; ++col) nat.at(row, col) = 0.2f;
    LayerRecord a, b;
    a.id = "ghg", a.title = "GHG", a.group = "water-bodem", a.derivation = "water";
    b = a, b.id = "ghg_nat", b.title = "GHG natter";
    add_layers(*dir_ / "gw.gpkg", {{a, &now}, {b, &nat}});
  }
  Store s = Store::open(*dir_ / "gw.gpkg");
  ScenarioDef today = def;
  today.active.clear();
  ScenarioResult r0 = run_scenario(s, today);
  EXPECT_TRUE(r0.feasible);
  EXPECT_NEAR(r0.claims[0].verboden_ha, 0, 1e-9);
  ScenarioResult r = run_scenario(s, def);
  EXPECT_FALSE(r.feasible);
  EXPECT_NEAR(r.claims[0].ha, 0, 1e-9);
  EXPECT_NEAR(r.claims[0].verboden_ha, 50, 1e-9);  // all of West: 500 m x 1000 m
  for (const auto& w : r.warnings) EXPECT_EQ(w.find("was skipped"), std::string::npos) << w;
}

TEST_F(ScenarioHandMade, BadScenariosAreClearErrors) {
  const std::string claim = "[[claim]]\nkind = \"wonen\"\nhectares = [1, 2]\n";
  EXPECT_NE(error_of("[[claim]]\nkind = \"wonen\"\nregion = \"Noord\"\nhectares = 1\n")
                .find("region 'Noord' is not a zone of 'zones' (zones: West, Oost)"),
            std::string::npos);
  EXPECT_NE(error_of("[[claim]]\nkind = \"wonen\"\nhectares = [5, 2]\n")
                .find("the minimum 5 is larger than the maximum 2"),
            std::string::npos);
  EXPECT_NE(
      error_of("[[claim]]\nkind = \"vliegveld\"\nhectares = 1\n").find("unknown kind 'vliegveld'"),
      std::string::npos);
  EXPECT_NE(error_of(claim + "[[variant]]\nid = \"v\"\n[[variant.layer]]\nlayer = \"grondwater\"\n"
                             "value = \"1\"\n")
                .find("variant 'v' changes layer 'grondwater'"),
            std::string::npos);
  // A layer unknown to the model in an expression: file, line and column.
  std::string e = error_of(claim + "[[conversion]]\nwhen = \"grondwater > 1\"\nto = []\n");
  EXPECT_NE(e.find("bad.toml:"), std::string::npos) << e;
  EXPECT_NE(e.find("grondwater"), std::string::npos) << e;
  EXPECT_NE(error_of("[[claim]]\nkind = \"wonen\"\nhomes = [10, 20]\n").find("density"),
            std::string::npos);
  EXPECT_NE(error_of("").find("no [[claim]]"), std::string::npos);
  // Arrays that should hold tables: a clear error, not a crash.
  EXPECT_NE(error_of(claim + "[conversion]\nwhen = \"1\"\n").find("must be [[conversion]] tables"),
            std::string::npos);
  EXPECT_NE(error_of(claim + "[[variant]]\nid = \"v\"\nlayer = \"x\"\n").find("must be [[layer]]"),
            std::string::npos);
  // Numbers that are no amounts: NaN, infinity and the absurdly large are refused, not solved.
  EXPECT_NE(error_of("[[claim]]\nkind = \"wonen\"\nhectares = nan\n").find("0 or more"),
            std::string::npos);
  EXPECT_NE(
      error_of("[[claim]]\nkind = \"wonen\"\nhectares = [1, inf]\n").find("not a plausible amount"),
      std::string::npos);
  EXPECT_NE(error_of("[[claim]]\nkind = \"wonen\"\nhectares = 1e308\n").find("not a plausible"),
            std::string::npos);
}

TEST(ScenarioDrenthe, TheWoondealScenariosAllocateTheirClaimsOffVerbodenLand) {
  Store s = Store::open(test::drenthe_store_250());
  for (const char* name : {"woondeals_2030.toml", "woondeals_hoog.toml"}) {
    ScenarioDef def = load_scenario(fs::path(CASCO_DATA_DIR) / "scenarios" / name);
    def.active = {"natter"};
    ScenarioResult r = run_scenario(s, def);
    EXPECT_TRUE(r.feasible) << name;
    double homes = 0;
    for (const auto& c : r.claims) {
      EXPECT_GE(c.ha, c.min_ha - r.cell_ha) << c.id;  // within one cell of the claim (rounding)
      EXPECT_LE(c.ha, c.max_ha + r.cell_ha) << c.id;
      if (c.homes > 0) homes += c.homes;
    }
    EXPECT_GE(homes, std::string(name) == "woondeals_hoog.toml" ? 18000 : 12500) << name;
    // No claim on land that the afwegingskader forbids for its kind.
    rules::RuleSet set = rules::load_rules(fs::path(CASCO_DATA_DIR) / "rules.toml");
    std::vector<std::string> ids;
    for (const auto& L : s.manifest().layers) ids.push_back(L.id);
    for (std::size_t k = 0; k < r.kinds.size(); ++k) {
      rules::Suitability su = rules::suitability(s, rules::CompiledRules(set, r.kinds[k], ids));
      for (std::size_t i = 0; i < su.verdict.values.size(); ++i)
        if (r.allocation.values[i] == static_cast<float>(k + 1)) {
          ASSERT_LT(su.verdict.values[i], 4.0f) << r.kinds[k] << " on verboden land";
        }
    }
    // Greenfield claims never land on built-up cells; inbreiding only there.
    Raster built = s.read("bebouwd");
    std::size_t inbreiding_cells = 0;
    for (std::size_t i = 0; i < built.values.size(); ++i) {
      float a = r.allocation.values[i];
      if (!(a >= 1)) continue;
      const std::string& kind = r.kinds[static_cast<std::size_t>(a) - 1];
      if (kind == "inbreiding") {
        ++inbreiding_cells;
        ASSERT_GT(built.values[i], 0) << name << ": inbreiding outside the built-up land";
      } else {
        ASSERT_EQ(built.values[i], 0) << name << ": " << kind << " on built-up land";
      }
    }
    EXPECT_GT(inbreiding_cells, 0u) << name;
  }
}
