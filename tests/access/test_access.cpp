// casco access on a hand-made model (times computable by hand) and on the bundled Drenthe data.
#include <gtest/gtest.h>

#include <cmath>
#include <map>
#include <set>

#include "access/access.hpp"
#include "access/kernen.hpp"
#include "core/crs.hpp"
#include "core/error.hpp"
#include "model/build.hpp"
#include "model/stats.hpp"
#include "model/store.hpp"
#include "present/access_text.hpp"
#include "present/kernen_text.hpp"
#include "test_util.hpp"

using namespace casco;
using namespace casco::access;
namespace fs = std::filesystem;

namespace {

// 1 km square at (200000, 500000), 25 m cells; two zones of 100 and 300 inhabitants.
class AccessHandMade : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new test::TempDir();
    auto& d = *dir_;
    test::write_file(d / "area.geojson",
                     test::rd_collection(test::rd_square(200000, 500000, 1000, "{}")));
    test::write_file(
        d / "zones.geojson",
        test::rd_collection(
            test::rd_square(200000, 500000, 500, R"({"code":"W","naam":"West","inwoners":100})") +
            "," +
            test::rd_square(200500, 500000, 500, R"({"code":"O","naam":"Oost","inwoners":300})")));
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
id = "inwoners"
title = "Inwoners"
group = "sociaal-economisch"
derivation = "attribute"
source = "zones.geojson"
field = "inwoners"
)");
    // Two schools at cell centres: (row 19, col 1) and (row 19, col 38).
    test::write_file(
        d / "schools.geojson",
        test::rd_collection(test::rd_point(200037.5, 500512.5, R"({"id":"S1"})") + "," +
                            test::rd_point(200962.5, 500512.5, R"({"id":"S2"})") + "," +
                            test::rd_point(150000, 400000, R"({"id":"FAR"})")));
    test::write_file(d / "access.toml", R"([access]
name = "Proef"
population = "inwoners"
zones = ["zones"]
[modes.bike]
speed_kmh = 15
detour = 1.3
[modes.car]
speed_kmh = 60
detour = 1.5
extra_minutes = 2
[[facility]]
kind = "school"
source = "schools.geojson"
id_field = "id"
[[norm]]
id = "school_fiets_2"
kind = "school"
modes = ["bike"]
max_minutes = 2
)");
    build_model(load_model_definition(d / "model.toml"), {d / "store.gpkg", std::nullopt, false});
  }
  static void TearDownTestSuite() { delete dir_; }
  static inline test::TempDir* dir_ = nullptr;
};

const Raster& layer(const AccessResult& r, const std::string& kind, const std::string& mode) {
  for (const auto& L : r.layers)
    if (L.kind == kind && L.mode == mode) return L.minutes;
  throw std::runtime_error("no layer");
}

}  // namespace

TEST_F(AccessHandMade, StraightLineEstimateHasTheHandComputedMinutes) {
  Store s = Store::open(*dir_ / "store.gpkg");
  AccessConfig cfg = load_access_config(*dir_ / "access.toml");
  std::vector<Facility> fac;
  {
    test::CapturedMessages said;
    fac = load_facilities(cfg, s);
    ASSERT_EQ(said.warnings.size(), 1u);
    EXPECT_TRUE(said.warned("FAR")) << said.warnings[0];
  }
  ASSERT_EQ(fac.size(), 2u);  // FAR lies outside the study area
  AccessResult r = compute_access(cfg, s, fac);
  EXPECT_TRUE(r.estimate);
  const Raster& bike = layer(r, "school", "bike");
  const Raster& car = layer(r, "school", "car");
  EXPECT_FLOAT_EQ(bike.at(19, 1), 0.0f);  // the school's own cell
  EXPECT_FLOAT_EQ(car.at(19, 1), 2.0f);   // parking only
  // (row 19, col 11): 250 m straight → 325 m by bike at 250 m/min = 1.3 min.
  EXPECT_NEAR(bike.at(19, 11), 1.3, 1e-5);
  // (row 15, col 4): 3-4-5 → 125 m, x 1.5 at 1000 m/min + 2 = 2.1875 min.
  EXPECT_NEAR(car.at(15, 4), 2.1875, 1e-5);
  // The nearer school counts: the middle is 462.5 m from both; col 38 side is near S2.
  EXPECT_FLOAT_EQ(bike.at(19, 38), 0.0f);

  auto norms = evaluate_norms(cfg, s, r);
  ASSERT_EQ(norms.size(), 1u);
  const NormTable& n = norms[0];
  EXPECT_NEAR(n.people, 400, 1e-3);
  // Within 2 min by bike = 500 m straight / 1.3 = 384.6 m of a school.
  double within = 0;
  const Raster inw = s.read("inwoners");
  for (int row = 0; row < 40; ++row)
    for (int col = 0; col < 40; ++col) {
      double d1 = std::hypot(row - 19, col - 1), d2 = std::hypot(row - 19, col - 38);
      if (std::min(d1, d2) * 25 * 1.3 / 250 <= 2) within += inw.at(row, col);
    }
  EXPECT_NEAR(n.people_within, within, 1e-2);
  // The zone rows add up to the totals.
  double people = 0, people_within = 0;
  for (const auto& row : n.rows) {
    people += row.people;
    people_within += row.people_within;
  }
  EXPECT_NEAR(people, n.people, 1e-3);
  EXPECT_NEAR(people_within, n.people_within, 1e-3);
}

TEST_F(AccessHandMade, OriginPointsAndPolygonsGetTheirOwnStraightLineTimes) {
  auto& d = *dir_;
  // P1: 300 m east and 400 m north of S1 → 500 m; an L-shaped area whose centroid lies outside it
  // is taken at a point inside; OUT lies outside the study area.
  test::write_file(
      d / "origins.geojson",
      test::rd_collection(
          test::rd_point(200337.5, 500912.5, R"({"pc":"P1","inw":30})") + "," +
          R"({"type":"Feature","properties":{"pc":"L","inw":10},"geometry":{"type":"Polygon","coordinates":[[[200000,500000],[200400,500000],[200400,500100],[200100,500100],[200100,500400],[200000,500400],[200000,500000]]]}})" +
          "," + test::rd_point(100000, 400000, R"({"pc":"OUT","inw":5})")));
  std::string text = R"([access]
name = "Proef"
population = "inwoners"
zones = ["zones"]
[modes.bike]
speed_kmh = 15
detour = 1.3
[[facility]]
kind = "school"
source = "schools.geojson"
id_field = "id"
[[origins]]
id = "pc"
title = "Postcodes"
source = "origins.geojson"
id_field = "pc"
weight_field = "inw"
[[norm]]
id = "school_fiets_2"
kind = "school"
modes = ["bike"]
max_minutes = 2
)";
  test::write_file(d / "access_origins.toml", text);
  Store s = Store::open(d / "store.gpkg");
  AccessConfig cfg = load_access_config(d / "access_origins.toml");
  test::CapturedMessages said;
  auto fac = load_facilities(cfg, s);
  auto origins = load_origins(cfg, s);
  const std::vector<std::string>& warnings = said.warnings;
  ASSERT_EQ(origins.size(), 1u);
  ASSERT_EQ(origins[0].size(), 2u);
  EXPECT_NE(warnings.back().find("OUT"), std::string::npos);
  EXPECT_EQ(origins[0][0].id, "P1");
  EXPECT_EQ(origins[0][0].weight, 30);
  // The L's centroid (≈ 200150, 500150) lies outside it: the origin is a point inside the L.
  OGRPolygon l_shape;
  const Origin& L = origins[0][1];
  EXPECT_TRUE((L.x <= 200100 && L.y <= 500400) || (L.y <= 500100 && L.x <= 200400));
  AccessResult r = compute_access(cfg, s, fac, {}, origins);
  ASSERT_EQ(r.origin_times.size(), 1u);
  const OriginTimes& t = r.origin_times[0];
  EXPECT_EQ(t.set, "pc");
  EXPECT_EQ(t.mode, "bike");
  EXPECT_NEAR(t.minutes[0], 500 * 1.3 / 250, 1e-4);  // 2.6 min
  EXPECT_NEAR(t.metres[0], 650, 1e-2);
  double dl = std::hypot(L.x - 200037.5, L.y - 500512.5);
  EXPECT_NEAR(t.minutes[1], dl * 1.3 / 250, 1e-4);
  // The norm (2 min) per origin set: P1 (weight 30) misses it; the L (10) meets it when close.
  auto norms = evaluate_norms(cfg, s, r, origins);
  ASSERT_EQ(norms[0].origin_rows.size(), 1u);
  EXPECT_EQ(norms[0].origin_rows[0].people, 40);
  EXPECT_EQ(norms[0].origin_rows[0].people_within, dl * 1.3 / 250 <= 2 ? 10 : 0);
  std::string csv = present::format_origins(cfg, r, 0, origins[0]);
  EXPECT_EQ(csv.substr(0, csv.find('\n')), "id,x,y,weight,min_school_bike,km_school_bike");
  EXPECT_NE(csv.find("P1,200337.5,500912.5,30,2.6,0.65"), std::string::npos) << csv;
  // A weight that is not a number names the origin and the field.
  test::write_file(d / "access_origins.toml", text.substr(0, text.find("weight_field")) +
                                                  "weight_field = \"pc\"\n" +
                                                  text.substr(text.find("[[norm]]")));
  cfg = load_access_config(d / "access_origins.toml");
  try {
    load_origins(cfg, s);
    ADD_FAILURE() << "no error for a text weight";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("P1"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("'pc'"), std::string::npos) << e.what();
  }
}

TEST_F(AccessHandMade, ClosingAFacilityNeverMakesAnyoneFaster) {
  Store s = Store::open(*dir_ / "store.gpkg");
  AccessConfig cfg = load_access_config(*dir_ / "access.toml");
  auto fac = load_facilities(cfg, s);
  AccessResult before = compute_access(cfg, s, fac);
  std::vector<Facility> without_s2;
  for (const auto& f : fac)
    if (f.id != "S2") without_s2.push_back(f);
  AccessResult after = compute_access(cfg, s, without_s2);
  for (std::size_t l = 0; l < before.layers.size(); ++l)
    for (std::size_t i = 0; i < before.layers[l].minutes.values.size(); ++i)
      ASSERT_GE(after.layers[l].minutes.values[i], before.layers[l].minutes.values[i]);
  auto nb = evaluate_norms(cfg, s, before), na = evaluate_norms(cfg, s, after);
  EXPECT_LT(na[0].people_within, nb[0].people_within);
  std::string text = present::format_what_if(cfg, nb, na, {"S2"}, "text");
  EXPECT_NE(text.find("Oost"), std::string::npos) << text;  // the east zone loses its school
  EXPECT_EQ(text.find("West  "), std::string::npos) << text;
}

TEST_F(AccessHandMade, ConfigErrorsNameTheProblem) {
  auto error_of = [&](const std::string& text) {
    test::write_file(*dir_ / "bad.toml", text);
    try {
      load_access_config(*dir_ / "bad.toml");
    } catch (const Error& e) {
      return std::string(e.what());
    }
    return std::string();
  };
  std::string base =
      "[access]\nname = \"x\"\n[modes.bike]\nspeed_kmh = 15\n[[facility]]\nkind = "
      "\"school\"\nsource = \"s.geojson\"\n";
  EXPECT_NE(error_of(base + "[[norm]]\nid = \"n\"\nkind = \"school\"\nmodes = [\"boat\"]\n")
                .find("unknown mode 'boat'"),
            std::string::npos);
  EXPECT_NE(error_of(base + "[[norm]]\nid = \"n\"\nkind = \"gp\"\nmodes = [\"bike\"]\n")
                .find("unknown facility kind 'gp'"),
            std::string::npos);
  EXPECT_NE(error_of("[access]\nname = \"x\"\n[modes.teleport]\n").find("unknown mode 'teleport'"),
            std::string::npos);
  EXPECT_NE(error_of(base + "[access.extra]\n").find("bad.toml:"), std::string::npos);
  // Windows: an off-peak norm needs a window of that id; windows must not be empty or reversed.
  std::string pt = "[modes.pt]\n";
  EXPECT_NE(error_of(base + pt + "[[norm]]\nid = \"n\"\nkind = \"school\"\nmodes = [\"pt_dal\"]\n")
                .find("unknown mode 'pt_dal'"),
            std::string::npos);
  std::string windowed =
      "[access]\nname = \"x\"\nwindows = [{ id = \"spits\", from = \"07:00\", to = \"09:00\" "
      "}, { id = \"dal\", from = \"10:00\", to = \"09:00\" }]\n[modes.pt]\n[[facility]]\nkind "
      "= \"school\"\nsource = \"s.geojson\"\n";
  EXPECT_NE(error_of(windowed).find("window 'dal' must end after it starts"), std::string::npos)
      << error_of(windowed);
  auto fixed = windowed.replace(windowed.find("to = \"09:00\" }]"), 15, "to = \"15:00\" }]");
  EXPECT_EQ(error_of(fixed + "[[norm]]\nid = \"n\"\nkind = \"school\"\nmodes = [\"pt_dal\"]\n"),
            "");
  EXPECT_NE(error_of(base + "[[origins]]\nid = \"pc\"\n").find("needs a 'source'"),
            std::string::npos);
  EXPECT_NE(error_of("origins = [1]\n" + base).find("each origin set is an [[origins]] table"),
            std::string::npos);
}

TEST(AccessDrenthe, EveryStationHasTravelTimeZeroAtItsOwnCellAndSharesAddUp) {
  test::TempDir dir;
  fs::copy_file(test::drenthe_store_250(), dir / "d.gpkg");
  Store s = Store::open(dir / "d.gpkg");
  AccessConfig cfg = load_access_config(fs::path(CASCO_DATA_DIR) / "access.toml");
  auto fac = load_facilities(cfg, s);
  AccessResult r = compute_access(cfg, s, fac);
  const Raster& bike = layer(r, "station", "bike");
  int stations = 0, beyond = 0;
  for (const auto& f : fac) {
    if (f.kind != "station") continue;
    if (f.surroundings) {
      ++beyond;
      continue;
    }
    ++stations;
    int c = static_cast<int>(std::floor(s.grid().px(f.x))),
        row = static_cast<int>(std::floor(s.grid().py(f.y)));
    EXPECT_FLOAT_EQ(bike.at(row, c), 0.0f) << f.name;
  }
  EXPECT_EQ(stations, 9);
  EXPECT_EQ(beyond, 40);  // Haren, Steenwijk, Zwolle, … within 25 km of the border
  auto norms = evaluate_norms(cfg, s, r);
  for (const auto& n : norms) {
    EXPECT_NEAR(n.people, 504105, 1.0) << n.norm->id;  // every inhabitant has an estimate
    double by_gemeente = 0;
    for (const auto& row : n.rows)
      if (row.zone_layer == "gemeenten") by_gemeente += row.people;
    EXPECT_NEAR(by_gemeente, 504105, 1.0) << n.norm->id;  // people live in the gemeenten
  }
}

TEST(Kernen, TheFourHemaCitiesAreAtTheTopOfTheHierarchy) {
  test::TempDir dir;
  fs::copy_file(test::drenthe_store_250(), dir / "d.gpkg");
  Store s = Store::open(dir / "d.gpkg");
  KernenConfig cfg = load_kernen_config(fs::path(CASCO_DATA_DIR) / "kernen.toml");
  KernenResult r = classify_places(cfg, s);
  std::map<std::string, const PlaceResult*> by_name;
  for (const auto& p : r.places) by_name[p.name] = &p;
  const std::string top = cfg.classes.front().id;
  for (const char* city : {"Assen", "Emmen", "Hoogeveen", "Meppel"}) {
    ASSERT_TRUE(by_name.count(city)) << city;
    const std::string reason = present::kern_reason(*by_name[city]);
    EXPECT_EQ(by_name[city]->class_id, top) << city << ": " << reason;
    EXPECT_EQ(by_name[city]->reason_values.front().first, "inwoners");
    EXPECT_NE(reason.find("inwoners = "), std::string::npos);
  }
  // The four are the largest kernen, in the order of their gemeenten's size.
  ASSERT_GE(r.places.size(), 4u);
  std::set<std::string> first4;
  for (std::size_t k = 0; k < 4; ++k) first4.insert(r.places[k].name);
  EXPECT_EQ(first4, (std::set<std::string>{"Assen", "Emmen", "Hoogeveen", "Meppel"}));
  // Every kern gets a class; few are cities.
  std::size_t stads = 0;
  for (const auto& p : r.places) {
    if (!p.inside.empty()) continue;
    EXPECT_NE(p.class_id, "-") << p.name;
    stads += p.class_id == top;
  }
  EXPECT_LT(stads, 10u);
  present::write_places(r, s, dir / "kernen.geojson", dir / "kerngebieden.geojson");
  EXPECT_TRUE(fs::exists(dir / "kernen.geojson"));
  EXPECT_TRUE(fs::exists(dir / "kerngebieden.geojson"));
}

// Emmer-Compascuum: four schools, 8,130 people in GeoNames — and a buurtschap before, when its
// schools sat 40 km away and a kern was a point with a radius.
TEST(Kernen, EmmerCompascuumIsAKerndorpWithItsFourSchools) {
  KernenConfig cfg = load_kernen_config(fs::path(CASCO_DATA_DIR) / "kernen.toml");
  KernenResult r = classify_places(cfg, Store::open(test::drenthe_store_250()));
  const PlaceResult* ec = nullptr;
  for (const auto& p : r.places)
    if (p.name == "Emmer-Compascuum") ec = &p;
  ASSERT_NE(ec, nullptr);
  EXPECT_EQ(ec->class_id, "kerndorp") << present::kern_reason(*ec);
  EXPECT_EQ(ec->facilities.at("basisschool"), 4);
  EXPECT_GT(ec->population, 3000);
  EXPECT_GT(ec->area_ha, 100);
}

TEST(Kernen, NoKernHoldsMorePeopleThanItsGemeenteAndTheKernenLayerAddsUp) {
  test::TempDir dir;
  fs::copy_file(test::drenthe_store_250(), dir / "d.gpkg");
  Store s = Store::open(dir / "d.gpkg");
  KernenConfig cfg = load_kernen_config(fs::path(CASCO_DATA_DIR) / "kernen.toml");
  KernenResult r = classify_places(cfg, s);
  // Inhabitants per gemeente, and the gemeente of each kern's point.
  Raster inw = s.read("inwoners"), gem = s.read("gemeenten");
  std::map<int, double> per_gemeente;
  for (std::size_t i = 0; i < inw.values.size(); ++i)
    if (gem.values[i] >= 1) per_gemeente[static_cast<int>(gem.values[i])] += inw.values[i];
  double in_kernen = 0;
  for (const auto& p : r.places) {
    in_kernen += p.population;
    int c = static_cast<int>(std::floor(s.grid().px(p.x)));
    int row = static_cast<int>(std::floor(s.grid().py(p.y)));
    int g = static_cast<int>(gem.at(row, c));
    if (g >= 1) {
      EXPECT_LE(p.population, per_gemeente[g] + 0.5) << p.name;
    }
  }
  EXPECT_LT(in_kernen, 504105);
  EXPECT_GT(in_kernen, 0.6 * 504105);
  // The areas as a zones layer: stats per kern give the same inhabitants.
  LayerRecord rec;
  rec.id = "kernen";
  rec.title = "Kernen";
  rec.group = "sociaal-economisch";
  rec.unit = "kern";
  rec.derivation = "zones";
  add_layers(dir / "d.gpkg", {{rec, &r.areas}}, {{"kernen", r.zones}});
  Store after = Store::open(dir / "d.gpkg");
  auto rows = zonal_stats(after.read("inwoners"), after.read("kernen"), after.zones("kernen"));
  std::map<std::string, double> by_code;  // place ids: names repeat (two Kraloo)
  for (const auto& row : rows) by_code[row.code] = row.sum;
  for (const auto& p : r.places)
    if (p.zone > 0) {
      EXPECT_NEAR(by_code[p.id], p.population, 0.5) << p.name;
    }
}

// Drawn on 100 m cells (#: kern cells), a town T (figure 20,000) and a hamlet H (figure 200)
// whose points lie in one built-up strip, and a village V (no figure) without any kern cell:
//
//   T . . . . . . . . H         row 0: kern cells from col 0 to col 9
//   # # # # # # # # # #
//   . . . . . . . . . .     V at col 5, row 4: no kern cell within 150 m → a hamlet disc
//   . . . . . . . . . .
//   . . . . . V . . . .
//
// T grows 10x as fast as H (radius ~ sqrt(figure)): H keeps only the cells next to it.
TEST(Kernen, PlacesGrowOverTheBuiltUpCellsAtTheirOwnSpeed) {
  Grid g;
  g.x0 = 0, g.y0 = 500, g.cell = 100, g.cols = 10, g.rows = 5;
  std::vector<uint8_t> mask(g.size(), 0);
  for (int c = 0; c < 10; ++c) mask[static_cast<std::size_t>(1 * 10 + c)] = 1;
  auto speed = [](double n) { return std::sqrt(n); };
  KernAreas a = delineate_kernen(g, mask, {50, 950, 550}, {450, 450, 50},
                                 {speed(20000), speed(200), speed(150)}, 150, 100);
  std::vector<int32_t> row1(a.label.begin() + 10, a.label.begin() + 20);
  EXPECT_EQ(row1, (std::vector<int32_t>{0, 0, 0, 0, 0, 0, 0, 0, 0, 1}));
  EXPECT_EQ(a.hamlet, (std::vector<uint8_t>{0, 0, 1}));
  EXPECT_EQ(a.label[4 * 10 + 5], 2);  // V's own cell
  EXPECT_EQ(a.unnamed_cells, 0u);
  // Equal speeds: the strip is split in the middle.
  KernAreas even = delineate_kernen(g, mask, {50, 950, 550}, {450, 450, 50}, {1, 1, 1}, 150, 100);
  std::vector<int32_t> split(even.label.begin() + 10, even.label.begin() + 20);
  EXPECT_EQ(split, (std::vector<int32_t>{0, 0, 0, 0, 0, 1, 1, 1, 1, 1}));
  // A gap of one cell stops growth unless gap_m bridges it (the gap itself stays outside).
  mask[1 * 10 + 4] = 0;
  KernAreas cut = delineate_kernen(g, mask, {50}, {450}, {1}, 150, 100);
  EXPECT_EQ(cut.label[1 * 10 + 6], -1);
  EXPECT_EQ(cut.unnamed_cells, 5u);
  KernAreas bridged = delineate_kernen(g, mask, {50}, {450}, {1}, 150, 100, 100);
  EXPECT_EQ(bridged.label[1 * 10 + 6], 0);
  EXPECT_EQ(bridged.label[1 * 10 + 4], -1);
}

// Published outlines first (e.g. CBS bevolkingskernen), on 100 m cells: 1 and 2 are outlines,
// # built-up cells outside them, letters the places, largest first (A B C D E F):
//
//   A 1 1 . . . . . . .     A and B lie in outline 1: A (the larger) takes all of it, B lies
//   1 1 B # C # # 2 2 .     inside A; C grows over the built-up cells between the outlines (not
//   . . . . . . . 2 2 .     into them); outline 2 holds no place and stays unnamed; D joins the
//   . . . . . . . . . #     built-up cell 100 m from it; E has none within 150 m: a disc of
//   . F . . E . . . . D     100 m; F is known to be part of A (part_of) and has no area.
TEST(Kernen, APlaceInAPublishedOutlineTakesTheWholeOutline) {
  Grid g;
  g.x0 = 0, g.y0 = 500, g.cell = 100, g.cols = 10, g.rows = 5;
  auto at = [&](int row, int col) { return static_cast<std::size_t>(row * 10 + col); };
  std::vector<int32_t> outline(g.size(), 0);
  for (int row = 0; row < 2; ++row)
    for (int col = 0; col < 3; ++col) outline[at(row, col)] = 1;
  for (int row = 1; row < 3; ++row)
    for (int col = 7; col < 9; ++col) outline[at(row, col)] = 2;
  std::vector<uint8_t> mask(g.size(), 0);
  for (int col = 3; col < 7; ++col) mask[at(1, col)] = 1;
  mask[at(3, 9)] = 1;
  mask[at(1, 7)] = 1;  // built-up inside outline 2: still the outline's, not C's
  //                            A    B    C    D    E    F
  const std::vector<double> x{50, 250, 450, 950, 450, 150}, y{450, 350, 350, 50, 50, 50};
  KernAreas a = delineate_with_outlines(g, outline, mask, x, y, std::vector<double>(6, 1.0), 150,
                                        100, 0, {-1, -1, -1, -1, -1, 0});
  auto row = [&](int r) {
    return std::vector<int32_t>(a.label.begin() + r * 10, a.label.begin() + r * 10 + 10);
  };
  EXPECT_EQ(row(0), (std::vector<int32_t>{0, 0, 0, -1, -1, -1, -1, -1, -1, -1}));
  EXPECT_EQ(row(1), (std::vector<int32_t>{0, 0, 0, 2, 2, 2, 2, -1, -1, -1}));
  EXPECT_EQ(row(2), (std::vector<int32_t>(10, -1)));
  EXPECT_EQ(row(3), (std::vector<int32_t>{-1, -1, -1, -1, 4, -1, -1, -1, -1, 3}));
  EXPECT_EQ(row(4), (std::vector<int32_t>{-1, -1, -1, 4, 4, 4, -1, -1, -1, -1}));
  EXPECT_EQ(a.inside, (std::vector<int32_t>{-1, 0, -1, -1, -1, 0}));
  EXPECT_EQ(a.hamlet, (std::vector<uint8_t>{0, 0, 0, 0, 1, 0}));
  EXPECT_EQ(a.unnamed_cells, 4u);  // outline 2
  EXPECT_EQ(a.outlines_used, 1u);
  EXPECT_EQ(a.outlines_without_place, 1u);
}

// On the bundled model, an outline of 4 by 4 km drawn around Assen's point becomes Assen's area
// exactly (its cells in the study area), with the inhabitants of those cells; the kernen text
// and the layer's description name the outlines. Without the layer in the store, the same
// kernen.toml grows every kern and says so.
TEST(Kernen, OutlinesInTheStoreReplaceTheGrownAreaOfTheirPlace) {
  test::TempDir dir;
  fs::copy_file(test::drenthe_store_250(), dir / "d.gpkg");
  KernenConfig cfg = load_kernen_config(fs::path(CASCO_DATA_DIR) / "kernen.toml");
  cfg.areas.outlines = "bevolkingskernen_test";
  const PlaceResult* assen = nullptr;
  test::CapturedMessages infos(true);
  KernenResult grown = classify_places(cfg, Store::open(dir / "d.gpkg"));
  EXPECT_TRUE(infos.informed("the store has no layer 'bevolkingskernen_test'"));
  for (const auto& p : grown.places)
    if (p.name == "Assen") assen = &p;
  ASSERT_NE(assen, nullptr);
  const double ax = assen->x, ay = assen->y;

  Store s = Store::open(dir / "d.gpkg");
  const Grid& g = s.grid();
  Raster outline(g, 0.0f);
  const Raster inw = s.read("inwoners");
  const std::vector<uint8_t> study = s.study_mask();
  double cells = 0, people = 0;
  for (int r = 0; r < g.rows; ++r)
    for (int c = 0; c < g.cols; ++c) {
      if (std::abs(g.cx(c) - ax) > 2000 || std::abs(g.cy(r) - ay) > 2000) continue;
      std::size_t i = static_cast<std::size_t>(r) * g.cols + c;
      outline.values[i] = 1;
      if (!study[i]) continue;
      cells += 1;
      people += std::isnan(inw.values[i]) ? 0.0 : inw.values[i];
    }
  LayerRecord rec;
  rec.id = "bevolkingskernen_test";
  rec.title = "Bevolkingskernen (hand-drawn)";
  rec.group = "sociaal-economisch";
  rec.unit = "zone";
  rec.derivation = "zones";
  add_layers(dir / "d.gpkg", {{rec, &outline}}, {{rec.id, {{1, "A1", "Assen (outline)"}}}});

  Store with = Store::open(dir / "d.gpkg");
  KernenResult r = classify_places(cfg, with);
  EXPECT_EQ(r.outline_layer, "bevolkingskernen_test");
  EXPECT_EQ(r.outlines_used, 1u);
  EXPECT_EQ(r.outlines_without_place, 0u);
  const PlaceResult* a = nullptr;
  for (const auto& p : r.places)
    if (p.name == "Assen") a = &p;
  ASSERT_NE(a, nullptr);
  EXPECT_TRUE(a->inside.empty());
  EXPECT_NEAR(a->area_ha, cells * g.cell_area_ha(), 1e-6);
  EXPECT_NEAR(a->population, people, 0.5);
  EXPECT_GT(a->area_ha, assen->area_ha * 0.5);  // a 16 km² outline, not a sliver
  // Every other place whose point lies in the outline lies inside Assen.
  for (const auto& p : r.places)
    if (p.name != "Assen" && std::abs(p.x - ax) < 1900 && std::abs(p.y - ay) < 1900) {
      EXPECT_EQ(p.inside, "Assen") << p.name;
    }
  // A layer that is not a zones layer (a 0-1 coverage) would be one giant outline: refused.
  KernenConfig wrong = cfg;
  wrong.areas.outlines = "natura2000";
  try {
    classify_places(wrong, with);
    ADD_FAILURE() << "a presence layer was taken as kern outlines";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find(
                  "outlines = 'natura2000' is a layer of coverage values, not a zones layer"),
              std::string::npos)
        << e.what();
  }
  const std::string text = present::format_kernen(cfg, r, "text");
  EXPECT_NE(text.find("Kerngebieden uit 'bevolkingskernen_test' (Bevolkingskernen (hand-drawn)): "
                      "een plaats binnen zo'n gebied krijgt het hele gebied (1 gebieden met een "
                      "plaats, 0 zonder)"),
            std::string::npos)
      << text.substr(0, 600);
  LayerRecord k = kernen_record(cfg, r, with);
  EXPECT_NE(k.description.find("krijgt dat hele gebied (1 van de 1)"), std::string::npos)
      << k.description;
}

TEST(Kernen, AnUnknownVariableIsNamedWithItsPosition) {
  test::TempDir dir;
  build_model(load_model_definition(fs::path(CASCO_DATA_DIR) / "model.toml"),
              {dir / "d.gpkg", 1000.0, false});
  std::string access = (fs::path(CASCO_DATA_DIR) / "access.toml").string();
  std::string places =
      (fs::path(CASCO_DATA_DIR) / "sources/places/drenthe_populated_places_geonames.csv").string();
  test::write_file(
      dir / "kernen.toml",
      "[kernen]\nplaces = { path = \"" + places +
          "\", crs = \"EPSG:4326\", open_options = [\"X_POSSIBLE_NAMES=longitude\", "
          "\"Y_POSSIBLE_NAMES=latitude\"] }\nname_field = \"name\"\npopulation_field = "
          "\"population\"\naccess = \"" +
          access + "\"\n[[class]]\nid = \"stad\"\nwhen = \"inwoners >= 1 and supermarkt >= 1\"\n");
  KernenConfig cfg = load_kernen_config(dir / "kernen.toml");
  try {
    classify_places(cfg, Store::open(dir / "d.gpkg"));  // the kern cells layer exists: bebouwd
    FAIL();
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("kernen.toml:8:27: unknown layer 'supermarkt'"),
              std::string::npos)
        << e.what();
  }
}

// A negative radius or two classes with one id are mistakes in kernen.toml, named where they are.
TEST(Kernen, ANegativeRadiusAndTwoClassesWithOneIdAreRefused) {
  test::TempDir dir;
  const std::string head =
      "[kernen]\nplaces = \"p.csv\"\nname_field = \"name\"\npopulation_field = \"n\"\n"
      "access = \"a.toml\"\n";
  auto error_of = [&](const std::string& text) {
    test::write_file(dir / "kernen.toml", text);
    try {
      load_kernen_config(dir / "kernen.toml");
    } catch (const Error& e) {
      return std::string(e.what());
    }
    return std::string();
  };
  const std::string one = "[[class]]\nid = \"dorp\"\nwhen = \"inwoners > 0\"\n";
  EXPECT_EQ(error_of(head + one), "");
  std::string e = error_of(head + "radius_m = -1\n" + one);
  EXPECT_NE(e.find("kernen.toml:6:"), std::string::npos) << e;
  EXPECT_NE(e.find("radius_m is a distance in metres above 0"), std::string::npos) << e;
  e = error_of(head + one + one);
  EXPECT_NE(e.find("kernen.toml:10:"), std::string::npos) << e;
  EXPECT_NE(e.find("class 'dorp' is defined twice"), std::string::npos) << e;
}

namespace {

// A town in the Groningen city centre (the OSM extract in data/drenthe/sources/osm): one zone
// "stad" of 10,000 inhabitants on a 100 m grid, built into d/store.gpkg.
void write_town(const fs::path& d) {
  test::write_file(
      d / "area.geojson",
      R"({"type":"FeatureCollection","features":[{"type":"Feature","properties":{"inwoners":10000},"geometry":{"type":"Polygon","coordinates":[[[6.5486,53.2065],[6.5845,53.2065],[6.5845,53.2280],[6.5486,53.2280],[6.5486,53.2065]]]}}]})");
  test::write_file(d / "model.toml", R"([model]
cell_size = 100
[study_area]
path = "area.geojson"
[[layer]]
id = "stad"
title = "Stad"
group = "bestuur"
derivation = "zones"
source = "area.geojson"
zone_code = "inwoners"
[[layer]]
id = "inwoners"
title = "Inwoners"
group = "sociaal-economisch"
derivation = "attribute"
source = "area.geojson"
field = "inwoners"
)");
  build_model(load_model_definition(d / "model.toml"), {d / "store.gpkg", std::nullopt, false});
}

// One bus line through the town, S1 (by school A) - S2 - S3 (beyond walking distance of the
// schools), every 10 minutes from 06:00 to 09:50, 4 minutes between stops.
void write_bus_line(const fs::path& gtfs) {
  fs::create_directories(gtfs);
  test::write_file(gtfs / "stops.txt",
                   "stop_id,stop_name,stop_lat,stop_lon\nS1,West,53.2150,6.5605\nS2,Midden,53.2200,"
                   "6.5700\nS3,Oost,53.2262,6.5835\n");
  test::write_file(gtfs / "routes.txt", "route_id,route_short_name,route_type\nR1,1,3\n");
  test::write_file(gtfs / "calendar.txt",
                   "service_id,monday,tuesday,wednesday,thursday,friday,saturday,sunday,start_date,"
                   "end_date\nALL,1,1,1,1,1,1,1,20260101,20271231\n");
  std::string trips = "route_id,service_id,trip_id\n",
              times = "trip_id,arrival_time,departure_time,stop_id,stop_sequence\n";
  for (int k = 0; k < 24; ++k) {
    int t = 6 * 60 + 10 * k;
    trips += fmt::format("R1,ALL,T{}\n", k);
    for (int st = 0; st < 3; ++st) {
      int m = t + 4 * st;
      times += fmt::format("T{0},{1:02d}:{2:02d}:00,{1:02d}:{2:02d}:00,S{3},{3}\n", k, m / 60,
                           m % 60, st + 1);
    }
  }
  test::write_file(gtfs / "trips.txt", trips);
  test::write_file(gtfs / "stop_times.txt", times);
}

}  // namespace

// The whole path over real networks: the Groningen city-centre extract (roads) and a tiny GTFS
// line through it (public transport).
TEST(AccessNetwork, RoadGraphsAndTransitGiveTimesForEveryPopulatedCell) {
  test::TempDir dir;
  auto& d = dir;
  write_town(d.path());
  test::write_file(
      d / "fac.geojson",
      R"({"type":"FeatureCollection","features":[{"type":"Feature","properties":{"id":"A"},"geometry":{"type":"Point","coordinates":[6.5600,53.2150]}},{"type":"Feature","properties":{"id":"B"},"geometry":{"type":"Point","coordinates":[6.5750,53.2200]}}]})");
  write_bus_line(d / "gtfs");
  fs::path pbf = fs::path(CASCO_DATA_DIR) / "sources/osm/groningen-centrum.osm.pbf";
  test::write_file(d / "access.toml", R"([access]
population = "inwoners"
zones = ["stad"]
network = ")" + pbf.string() + R"("
gtfs = "gtfs"
date = "20261124"
window = ["07:00", "08:00"]
[modes.walk]
speed_kmh = 4.5
[modes.car]
speed_kmh = 30
[modes.pt]
[[facility]]
kind = "school"
source = "fac.geojson"
id_field = "id"
[[norm]]
id = "school_lopen_15"
kind = "school"
modes = ["walk"]
max_minutes = 15
)");
  Store s = Store::open(d / "store.gpkg");
  AccessConfig cfg = load_access_config(d / "access.toml");
  auto fac = load_facilities(cfg, s);
  ASSERT_EQ(fac.size(), 2u);
  AccessResult r = compute_access(cfg, s, fac);
  EXPECT_FALSE(r.estimate);
  EXPECT_NE(r.method.find("wegennet"), std::string::npos) << r.method;
  const Raster& walk = layer(r, "school", "walk");
  const Raster& car = layer(r, "school", "car");
  const Raster& pt = layer(r, "school", "pt");
  const Raster& pt90 = layer(r, "school", "pt_p90");
  const Raster pop = s.read("inwoners");
  std::size_t populated = 0, walk_ok = 0, car_faster = 0, pt_cells = 0;
  for (std::size_t i = 0; i < pop.values.size(); ++i) {
    if (!(pop.values[i] > 0)) continue;
    ++populated;
    walk_ok += std::isfinite(walk.values[i]);
    car_faster += car.values[i] <= walk.values[i];
    pt_cells += std::isfinite(pt.values[i]);
    if (std::isfinite(pt.values[i])) {
      EXPECT_GE(pt90.values[i], pt.values[i]);  // the percentile is never better than the median
    }
    // The path is at least as long as the straight line from the cell centre to the nearer school.
    double cx = s.grid().cx(static_cast<int>(i % s.grid().cols)),
           cy = s.grid().cy(static_cast<int>(i / s.grid().cols));
    double straight = std::min(std::hypot(cx - fac[0].x, cy - fac[0].y),
                               std::hypot(cx - fac[1].x, cy - fac[1].y));
    const Raster& walk_m = r.layers[0].metres;
    if (std::isfinite(walk_m.values[i])) {
      EXPECT_GE(walk_m.values[i], straight - 1.0);
    }
  }
  EXPECT_GT(walk_ok, populated * 9 / 10);  // nearly every cell reaches a school on foot
  EXPECT_GT(car_faster, populated * 9 / 10);
  EXPECT_GT(pt_cells, 0u);
  // A facility's own cell is minutes away at most.
  int c = static_cast<int>(std::floor(s.grid().px(fac[0].x))),
      row = static_cast<int>(std::floor(s.grid().py(fac[0].y)));
  EXPECT_LT(walk.at(row, c), 3.0f);
  // Cutting the only bus line leaves only the walks to and from stops: never faster, somewhere
  // slower.
  AccessResult no_bus = compute_access(cfg, s, fac, {"R1"});
  const Raster& pt_cut = layer(no_bus, "school", "pt");
  std::size_t slower = 0;
  for (std::size_t i = 0; i < pt.values.size(); ++i) {
    if (!std::isfinite(pt.values[i])) continue;
    if (std::isfinite(pt_cut.values[i])) {
      ASSERT_GE(pt_cut.values[i], pt.values[i] - 1e-4f);
    }
    slower += !(pt_cut.values[i] <= pt.values[i] + 1e-4f);
  }
  EXPECT_GT(slower, 0u);
  EXPECT_EQ(transit_routes(cfg, s), std::vector<std::string>{"R1"});
  // Closing school B never shortens a trip.
  AccessResult after = compute_access(cfg, s, {fac[0]});
  for (std::size_t l = 0; l < r.layers.size(); ++l)
    for (std::size_t i = 0; i < pop.values.size(); ++i) {
      float b = r.layers[l].minutes.values[i], a = after.layers[l].minutes.values[i];
      if (std::isfinite(b) && std::isfinite(a)) {
        ASSERT_GE(a, b - 1e-4f);
      }
    }
}

TEST(AccessNetwork, AnOffPeakWindowWithoutBusesIsNeverFasterAndOriginsMatchTheirCells) {
  // The same town and bus line as above; the line runs 06:00-09:50 only, so in an off-peak window
  // (10:00-11:00) the bus gives nothing and only walks to and from stops remain.
  test::TempDir dir;
  auto& d = dir;
  write_town(d.path());
  test::write_file(
      d / "fac.geojson",
      R"({"type":"FeatureCollection","features":[{"type":"Feature","properties":{"id":"A"},"geometry":{"type":"Point","coordinates":[6.5600,53.2150]}}]})");
  // Origins (in RD New): one by the school, and one at the centre of the cell of the far stop
  // S3, so it snaps like that cell.
  double sx = 6.5835, sy = 53.2262, fx = 6.5601, fy = 53.2151;
  transform_point("EPSG:4326", "EPSG:28992", sx, sy);
  transform_point("EPSG:4326", "EPSG:28992", fx, fy);
  {
    Store s = Store::open(d / "store.gpkg");
    const Grid& g = s.grid();
    int c = static_cast<int>(std::floor(g.px(sx))), r = static_cast<int>(std::floor(g.py(sy)));
    sx = g.cx(c);
    sy = g.cy(r);
  }
  test::write_file(d / "origins.geojson",
                   test::rd_collection(test::rd_point(fx, fy, R"({"id":"bij_school"})") + "," +
                                       test::rd_point(sx, sy, R"({"id":"oost"})")));
  write_bus_line(d / "gtfs");
  fs::path pbf = fs::path(CASCO_DATA_DIR) / "sources/osm/groningen-centrum.osm.pbf";
  test::write_file(d / "access.toml", R"([access]
population = "inwoners"
network = ")" + pbf.string() + R"("
gtfs = "gtfs"
date = "20261124"
windows = [{ id = "spits", from = "07:00", to = "08:00" }, { id = "dal", from = "10:00", to = "11:00" }]
[modes.walk]
speed_kmh = 4.5
[modes.pt]
[[facility]]
kind = "school"
source = "fac.geojson"
id_field = "id"
[[origins]]
id = "punten"
source = "origins.geojson"
id_field = "id"
[[norm]]
id = "school_ov_dal_20"
kind = "school"
modes = ["pt_dal"]
max_minutes = 20
)");
  Store s = Store::open(d / "store.gpkg");
  AccessConfig cfg = load_access_config(d / "access.toml");
  ASSERT_EQ(cfg.windows.size(), 2u);
  EXPECT_EQ(cfg.windows[1].mode(), "pt_dal");
  EXPECT_EQ(cfg.mode_title("pt_dal_p90"), "ov, dal, 90e percentiel");
  auto fac = load_facilities(cfg, s);
  auto origins = load_origins(cfg, s);
  AccessResult r = compute_access(cfg, s, fac, {}, origins);
  EXPECT_NE(r.method.find("dal 10:00-11:00"), std::string::npos) << r.method;
  const Raster& peak = layer(r, "school", "pt");
  const Raster& off = layer(r, "school", "pt_dal");
  layer(r, "school", "pt_dal_p90");  // exists
  std::size_t slower = 0, peak_cells = 0;
  for (std::size_t i = 0; i < peak.values.size(); ++i) {
    if (!std::isfinite(peak.values[i])) continue;
    ++peak_cells;
    if (std::isfinite(off.values[i])) {
      ASSERT_GE(off.values[i], peak.values[i] - 1e-4f);
    }
    slower += !(off.values[i] <= peak.values[i] + 1e-4f);
  }
  EXPECT_GT(peak_cells, 0u);
  EXPECT_GT(slower, 0u);  // around S3: the bus only in the morning
  // Origins: read off the same searches at their own location; the one at the school is close by
  // foot, the one at a cell centre has exactly that cell's time.
  auto origin = [&](const std::string& mode) -> const OriginTimes& {
    for (const auto& t : r.origin_times)
      if (t.set == "punten" && t.mode == mode) return t;
    throw std::runtime_error("no origin times for " + mode);
  };
  const OriginTimes& walk = origin("walk");
  EXPECT_LT(walk.minutes[0], 3.0f);
  const Raster& walk_cells = layer(r, "school", "walk");
  int col = static_cast<int>(std::floor(s.grid().px(origins[0][1].x))),
      row = static_cast<int>(std::floor(s.grid().py(origins[0][1].y)));
  EXPECT_NEAR(walk.minutes[1], walk_cells.at(row, col), 1e-4);
  // From S3 by bus in the morning, not off-peak.
  EXPECT_LT(origin("pt").minutes[1], origin("walk").minutes[1]);
  EXPECT_FALSE(origin("pt_dal").minutes[1] < origin("pt").minutes[1]);
  auto norms = evaluate_norms(cfg, s, r, origins);
  ASSERT_EQ(norms.size(), 1u);
  ASSERT_EQ(norms[0].origin_rows.size(), 1u);
  EXPECT_EQ(norms[0].origin_rows[0].people, 2);         // weight 1 each
  EXPECT_EQ(norms[0].origin_rows[0].people_within, 1);  // only the one at the school, off-peak
}
