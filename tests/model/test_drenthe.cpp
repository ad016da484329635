// The bundled Drenthe model, built at 250 m to stay fast: real outcomes against the figures the
// sources publish themselves.
#include <gtest/gtest.h>

#include <fstream>
#include <map>
#include <set>
#include <sstream>

#include "model/build.hpp"
#include "model/stats.hpp"
#include "model/store.hpp"
#include "test_util.hpp"

using namespace casco;
namespace fs = std::filesystem;

namespace {

// Areas that lie wholly inside Drenthe, with the source's own area (opp_ha).
const std::map<std::string, double> kNatura2000 = {
    {"Bargerveen", 2082.6},       {"Drouwenerzand", 221.9},  {"Dwingelderveld", 3768.1},
    {"Elperstroomgebied", 350.9}, {"Holtingerveld", 1753.6}, {"Mantingerbos", 46.5},
    {"Mantingerzand", 779.9},     {"Norgerholt", 26.0},      {"Witterveld", 481.5}};

// CBS 2024 inhabitants per gemeente (the figures joined into the boundaries file).
const std::map<std::string, double> kInwoners = {
    {"Assen", 69701},         {"Coevorden", 35725}, {"Emmen", 109346},
    {"Hoogeveen", 56591},     {"Meppel", 35810},    {"Aa en Hunze", 25845},
    {"Borger-Odoorn", 26014}, {"De Wolden", 24580}, {"Noordenveld", 31686},
    {"Westerveld", 20003},    {"Tynaarlo", 34736},  {"Midden-Drenthe", 34092}};

class Drenthe : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new test::TempDir();
    fs::path model = fs::path(CASCO_DATA_DIR) / "model.toml";
    std::ifstream in(model);
    std::stringstream text;
    text << in.rdbuf();
    // Extra layers for the checks: inhabitants per gemeente, and one coverage layer per area.
    text << R"(
[[layer]]
id = "test_inwoners_gemeente"
title = "Inwoners per gemeente"
group = "sociaal-economisch"
derivation = "attribute"
source = "sources/base/boundaries/gemeenten_2024.geojson"
field = "inwoners"

[[layer]]
id = "test_inwoners_wijk"
title = "Inwoners per wijk, gelijk verdeeld"
group = "sociaal-economisch"
derivation = "attribute"
source = "sources/base/boundaries/wijken_2024.geojson"
field = "inwoners"
)";
    int i = 0;
    for (const auto& [name, ha] : kNatura2000)
      text << "\n[[layer]]\nid = \"test_n2k_" << i++ << "\"\ntitle = \"" << name
           << "\"\ngroup = \"natuur\"\nderivation = \"coverage\"\nsource = { path = "
              "\"sources/base/nature/natura2000_drenthe_rd.geojson\", where = \"naam = '"
           << name << "'\" }\n";
    try {
      ModelDef def = parse_model_definition(text.str(), model);
      build_model(def, {store(), 250.0, false});
    } catch (const std::exception& e) {
      setup_error_ = e.what();
    }
  }
  // A failed build must fail every test, not skip them.
  void SetUp() override { ASSERT_TRUE(setup_error_.empty()) << setup_error_; }
  static inline std::string setup_error_;
  static void TearDownTestSuite() { delete dir_; }
  static fs::path store() { return dir_->path() / "drenthe.gpkg"; }
  static test::TempDir* dir_;
};
test::TempDir* Drenthe::dir_ = nullptr;

double sum(const Raster& r) {
  double s = 0;
  for (float v : r.values)
    if (!std::isnan(v)) s += v;
  return s;
}

}  // namespace

TEST_F(Drenthe, TwelveGemeentenHold504129InhabitantsAsCbsSays) {
  Store s = Store::open(store());
  ASSERT_EQ(s.zones("gemeenten").size(), 12u);
  auto rows =
      zonal_stats(s.read("test_inwoners_gemeente"), s.read("gemeenten"), s.zones("gemeenten"));
  double total = 0;
  for (const auto& r : rows) {
    ASSERT_TRUE(kInwoners.count(r.name)) << r.name;
    EXPECT_NEAR(r.sum, kInwoners.at(r.name), 0.5) << r.name;
    total += r.sum;
  }
  EXPECT_NEAR(total, 504129, 1.0);
}

TEST_F(Drenthe, WijkInhabitantsSumToTheCbsWijkTotalAndMatchPerGemeente) {
  Store s = Store::open(store());
  Raster inw = s.read("inwoners");
  EXPECT_NEAR(sum(inw), 504105, 1.0);  // CBS rounds wijk figures to 5
  // People live only in cells of a gemeente, so the gemeenten hold them all; per gemeente the
  // wijk figures differ from CBS's own gemeente figure by the rounding of its wijken (and the
  // odd cell where the separately generalised boundaries disagree).
  double total = 0;
  for (const auto& r : zonal_stats(inw, s.read("gemeenten"), s.zones("gemeenten"))) {
    EXPECT_NEAR(r.sum, kInwoners.at(r.name), 0.004 * kInwoners.at(r.name)) << r.name;
    total += r.sum;
  }
  EXPECT_NEAR(total, 504105, 1.0);
}

TEST_F(Drenthe, EveryWijkKeepsItsCbsCountToThePerson) {
  Store s = Store::open(store());
  Raster wijken = s.read("wijken");
  auto spread = zonal_stats(s.read("test_inwoners_wijk"), wijken, s.zones("wijken"));
  auto dasy = zonal_stats(s.read("inwoners"), wijken, s.zones("wijken"));
  ASSERT_EQ(spread.size(), dasy.size());
  ASSERT_GT(dasy.size(), 150u);
  for (std::size_t k = 0; k < dasy.size(); ++k)
    EXPECT_NEAR(dasy[k].sum, spread[k].sum, 0.5) << dasy[k].name;
}

TEST_F(Drenthe, FewInhabitantsLiveInNatura2000) {
  // Spread evenly over each wijk, 14,503 people lived inside Natura 2000 (1,873 in
  // Dwingelderveld, 3,572 in Bargerveen); spread over where people live, hardly anyone.
  Store s = Store::open(store());
  Raster inw = s.read("inwoners"), n2k = s.read("natura2000");
  double inside = 0;
  for (std::size_t i = 0; i < inw.values.size(); ++i) inside += inw.values[i] * n2k.values[i];
  // 90 at 25 m; at 250 m a cell partly in Natura 2000 counts its village's people in part.
  EXPECT_LT(inside, 1250) << "of 504,105";
  // And most people live in the built-up land, a few per cent of the province.
  Raster built = s.read("bebouwd");
  double in_built = 0, built_cells = 0, cells = 0;
  Raster prov = s.read("provincie");
  for (std::size_t i = 0; i < inw.values.size(); ++i) {
    in_built += inw.values[i] * built.values[i];
    built_cells += built.values[i];
    cells += prov.values[i];
  }
  EXPECT_GT(in_built / 504105, 0.6);
  EXPECT_LT(built_cells / cells, 0.15);
}

TEST_F(Drenthe, StationsBeyondTheBorderShortenTheWayToTheTrain) {
  // Only Drenthe's nine stations: the people of Tynaarlo lived 14 km from a station on average,
  // those of Noordenveld 17 km. Haren, Groningen Europapark, Steenwijk and the rest count now.
  Store s = Store::open(store());
  Raster inw = s.read("inwoners"), d = s.read("afstand_station"), gem = s.read("gemeenten");
  std::map<std::string, int> zone;
  for (const auto& z : s.zones("gemeenten")) zone[z.name] = z.zone;
  auto mean_km = [&](const std::string& name) {
    double people = 0, sum_d = 0;
    for (std::size_t i = 0; i < inw.values.size(); ++i)
      if (gem.values[i] == zone.at(name)) {
        people += inw.values[i];
        sum_d += inw.values[i] * d.values[i];
      }
    return sum_d / people / 1000;
  };
  EXPECT_LT(mean_km("Tynaarlo"), 9.0);
  EXPECT_LT(mean_km("Noordenveld"), 13.0);
  EXPECT_LT(mean_km("Westerveld"), 11.5);
  EXPECT_LT(mean_km("Assen"), 3.0);  // and the towns keep their own station
  EXPECT_NE(s.layer("afstand_station").description.find("buiten het studiegebied"),
            std::string::npos);
}

TEST_F(Drenthe, Natura2000AreasMatchTheSourceAreas) {
  Store s = Store::open(store());
  int i = 0;
  for (const auto& [name, ha] : kNatura2000) {
    double covered_ha = sum(s.read("test_n2k_" + std::to_string(i++))) * s.grid().cell_area_ha();
    EXPECT_NEAR(covered_ha, ha, 0.005 * ha + 0.5) << name;  // exact coverage, even at 250 m
  }
}

TEST_F(Drenthe, RegionsAreMadeOfWholeGemeenten) {
  Store s = Store::open(store());
  const auto& regios = s.zones("regios");
  ASSERT_EQ(regios.size(), 3u);
  Raster gem = s.read("gemeenten"), reg = s.read("regios");
  auto by_gem = zonal_stats(s.read("provincie"), gem, s.zones("gemeenten"));
  auto by_reg = zonal_stats(s.read("provincie"), reg, regios);
  double a = 0, b = 0;
  for (auto& r : by_gem) a += r.area_ha;
  for (auto& r : by_reg) b += r.area_ha;
  EXPECT_DOUBLE_EQ(a, b);
  // Every cell of a gemeente lies in exactly one region.
  std::map<int, std::set<int>> regions_of_gemeente;
  for (std::size_t i = 0; i < gem.values.size(); ++i)
    if (gem.values[i] > 0)
      regions_of_gemeente[static_cast<int>(gem.values[i])].insert(static_cast<int>(reg.values[i]));
  for (auto& [g, rs] : regions_of_gemeente) {
    EXPECT_EQ(rs.size(), 1u) << "gemeente zone " << g;
    EXPECT_EQ(rs.count(0), 0u);
  }
  // Province area: CBS 2,680 km²; the generalised boundary gives 2,679.8 km².
  EXPECT_NEAR(sum(s.read("provincie")) * s.grid().cell_area_ha(), 267980, 300);
}

TEST_F(Drenthe, EveryLayerOfTheDefinitionIsInTheStoreWithStatistics) {
  Store s = Store::open(store());
  ModelDef def = load_model_definition(fs::path(CASCO_DATA_DIR) / "model.toml");
  for (const auto& L : def.layers) {
    const LayerRecord& r = s.layer(L.id);
    EXPECT_GT(r.stats.cells_set, 0u) << L.id;
    EXPECT_EQ(r.source_sha256.size(), L.has_source() ? 64u : 0u) << L.id;
    EXPECT_EQ(r.estimate, L.estimate) << L.id;
  }
}
