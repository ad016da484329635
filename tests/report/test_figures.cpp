// The report's figures (report/figures.hpp) on the real Drenthe model at 250 m, computed by the
// library and checked as numbers, without writing a page or reading HTML back: every figure a
// page prints comes from here, so these are the report's facts.
#include <gtest/gtest.h>

#include <map>
#include <set>

#include "legend/legend.hpp"
#include "model/stats.hpp"
#include "report/access_layers.hpp"
#include "report/config.hpp"
#include "report/figures.hpp"
#include "rules/rules.hpp"
#include "test_util.hpp"

using namespace casco;
using namespace casco::report;
namespace fs = std::filesystem;

namespace {

// Keeps what the figures hand over to be drawn: the map keys and their legends.
class Maps : public MapSink {
 public:
  explicit Maps(const Store& s) : store_(s), study_(s.study_mask()) {}
  void start(const Figures& base) override { areas = base.areas.size(); }
  void draw(const std::string& key, const LayerRecord& record, const Raster& raster) override {
    legends[key] = legend::to_json(legend::legend_for(store_, record, raster, study_));
  }
  std::size_t areas = 0;
  std::map<std::string, std::string> legends;

 private:
  const Store& store_;
  std::vector<std::uint8_t> study_;
};

class ReportFigures : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new test::TempDir();
    fs::copy_file(test::drenthe_store_250(), *dir_ / "d.gpkg");
    fs::copy_file(test::drenthe_store_250(), *dir_ / "a.gpkg");
    test::add_access_layers(*dir_ / "a.gpkg");
  }
  static void TearDownTestSuite() { delete dir_; }

  struct Run {
    Store store;
    Figures figures;
    std::map<std::string, std::string> legends;
  };
  static Run compute(const std::string& file, bool with_rules) {
    Run run{Store::open(*dir_ / file), {}, {}};
    const ReportConfig config = load_report_config(fs::path(CASCO_DATA_DIR) / "report");
    std::optional<rules::RuleSet> set;
    if (with_rules) {
      std::vector<std::string> ids;
      for (const auto& L : run.store.manifest().layers) ids.push_back(L.id);
      set = rules::load_rules(fs::path(CASCO_DATA_DIR) / "rules.toml", ids);
    }
    Maps maps(run.store);
    FigureInputs in{&run.store, &config, set ? &*set : nullptr, nullptr, {}, config.norms_missed};
    run.figures = compute_figures(in, &maps);
    EXPECT_EQ(maps.areas, run.figures.areas.size());
    run.legends = std::move(maps.legends);
    return run;
  }
  static test::TempDir* dir_;
};
test::TempDir* ReportFigures::dir_ = nullptr;

// The study area's sum per gemeente, as `casco stats inwoners --by gemeenten` gives it.
std::map<std::string, double> people_per_gemeente(const Store& s) {
  std::map<std::string, double> out;
  for (const auto& r : study_area_stats(s, "inwoners", "gemeenten")) out[r.name] = r.sum;
  return out;
}

}  // namespace

// The province and its twelve gemeenten, each area as large as its cells in the study area.
TEST_F(ReportFigures, TheAreasAreTheProvinceAndItsTwelveGemeenten) {
  const Run r = compute("d.gpkg", false);
  const Figures& f = r.figures;
  ASSERT_EQ(f.areas.size(), 13u);
  EXPECT_EQ(f.areas[0].zone, 0);
  EXPECT_EQ(f.areas[0].file, "index");
  EXPECT_EQ(f.areas[f.area("Assen")].file, "assen");
  EXPECT_EQ(f.areas[f.area("Aa en Hunze")].file, "aa-en-hunze");
  EXPECT_THROW(f.area("Groningen"), Error);
  double gemeenten = 0;
  for (std::size_t k = 1; k < f.areas.size(); ++k) gemeenten += f.areas[k].area_ha;
  EXPECT_NEAR(gemeenten, f.areas[0].area_ha, 1e-6);
  // The province: the study area's cells that lie in a gemeente (by their centre), close to
  // Drenthe's 2,680 km² of land and inland water.
  const std::vector<std::uint8_t> study = r.store.study_mask();
  const Raster gem = r.store.read("gemeenten");
  double cells = 0;
  for (std::size_t i = 0; i < study.size(); ++i) cells += study[i] && gem.values[i] >= 1;
  EXPECT_NEAR(f.areas[0].area_ha, cells * r.store.grid().cell_area_ha(), 1e-6);
  EXPECT_NEAR(f.areas[0].area_ha, 268000, 0.01 * 268000);
}

// One province, one set of figures: the population per area is the study area's sum per
// gemeente (casco stats), the gemeenten add up to the province, and every other count of people
// in the store is there with its own total, for the page to explain the difference.
TEST_F(ReportFigures, ThePopulationIsTheStudyAreasCountAndOtherCountsAreNamed) {
  const Run r = compute("d.gpkg", false);
  const Figures& f = r.figures;
  ASSERT_TRUE(f.population);
  const PopulationFigures& p = *f.population;
  EXPECT_EQ(p.layer, "inwoners");
  EXPECT_EQ(p.source, "CBS 2024");
  const auto per_gemeente = people_per_gemeente(r.store);
  double sum = 0;
  for (std::size_t k = 1; k < f.areas.size(); ++k) {
    EXPECT_NEAR(p.people[k], per_gemeente.at(f.areas[k].name), 1e-3) << f.areas[k].name;
    sum += p.people[k];
  }
  EXPECT_NEAR(p.people[0], 504105, 0.5);
  EXPECT_NEAR(sum, p.people[0], 1e-3);
  std::map<std::string, double> others;
  for (const auto& o : p.others) others[o.layer] = o.total;
  EXPECT_NEAR(others.at("inwoners_gemeente"), 504129, 0.5);  // CBS per gemeente, unrounded
  EXPECT_NEAR(others.at("inwoners_pc4"), 494705, 0.5);       // the 2021 postcode count
  EXPECT_FALSE(others.count("inwoners"));                    // not compared with itself
}

// Each kind's verdict hectares cover its area exactly once (vrij … verboden add up to the area),
// and no deciding rule decides more than the area.
TEST_F(ReportFigures, VerdictHectaresAddUpToEveryArea) {
  const Run r = compute("d.gpkg", true);
  const Figures& f = r.figures;
  ASSERT_TRUE(f.suitability);
  const double cell_ha = r.store.grid().cell_area_ha();
  std::set<std::string> kinds;
  for (const KindFigures& k : f.suitability->kinds) {
    kinds.insert(k.kind);
    ASSERT_EQ(k.verdict_ha.size(), f.areas.size());
    for (std::size_t a = 0; a < f.areas.size(); ++a) {
      const auto& v = k.verdict_ha[a];
      EXPECT_NEAR(v[0] + v[1] + v[2] + v[3] + v[4], f.areas[a].area_ha, cell_ha)
          << k.kind << " in " << f.areas[a].name;
      for (const DecidingRule& d : k.rules) EXPECT_LE(d.hectares[a], f.areas[a].area_ha + 1e-6);
    }
    EXPECT_FALSE(k.map.empty());
    EXPECT_TRUE(r.legends.count(k.map)) << k.map;
  }
  EXPECT_EQ(kinds, (std::set<std::string>{"woningbouw", "zonnepark"}));  // report.toml kinds
  // Without a rule file there are no suitability figures at all.
  EXPECT_FALSE(compute("d.gpkg", false).figures.suitability);
}

// Accessibility only once the store has travel times: then every inhabitant has a time, those
// meeting a norm are a part of them, and the times are called an estimate (no road network in the
// bundled data: straight-line distances).
TEST_F(ReportFigures, NormsOnlyWithAccessLayersAndEveryInhabitantCounted) {
  EXPECT_FALSE(compute("d.gpkg", false).figures.access);
  const Run r = compute("a.gpkg", false);
  const Figures& f = r.figures;
  ASSERT_TRUE(f.access);
  ASSERT_FALSE(f.access->norms.empty());
  for (const NormFigures& n : f.access->norms) {
    EXPECT_NEAR(n.people[0], f.population->people[0], 1.0) << n.norm;
    for (std::size_t a = 0; a < f.areas.size(); ++a) {
      EXPECT_LE(n.met[a], n.people[a] + 1e-6) << n.norm << " in " << f.areas[a].name;
      EXPECT_LE(f.access->all_met[a], n.met[a] + 1e-6) << n.norm << " in " << f.areas[a].name;
    }
  }
  for (const TravelFigures& t : f.access->times) EXPECT_GT(t.minutes[0], 0) << t.layer;
  EXPECT_NE(f.access->estimate.find("hemelsbreed"), std::string::npos) << f.access->estimate;
  EXPECT_TRUE(r.legends.count(f.access->map)) << f.access->map;
}

// Every map a figure refers to was handed over to be drawn, with the legend module's legend.
TEST_F(ReportFigures, EveryMapAFigureNamesIsDrawn) {
  const Run r = compute("a.gpkg", true);
  const Figures& f = r.figures;
  std::size_t named = 0;
  for (const GroupFigures& g : f.groups)
    if (!g.map.empty()) {
      ++named;
      EXPECT_TRUE(r.legends.count(g.map)) << g.id;
    }
  EXPECT_GE(named, 3u);
  for (const auto& [key, json] : r.legends) EXPECT_NO_THROW(legend::legend_from_json(json)) << key;
}
