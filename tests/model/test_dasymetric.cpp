// Dasymetric mapping, point areas, distances beyond the grid and the derivations that read other
// layers — on grids small enough to compute by hand.
#include <gdal_priv.h>
#include <gtest/gtest.h>
#include <ogrsf_frmts.h>

#include <cmath>
#include <numbers>

#include "core/error.hpp"
#include "model/build.hpp"
#include "model/dasymetric.hpp"
#include "model/stats.hpp"
#include "model/store.hpp"
#include "test_util.hpp"

using namespace casco;
namespace fs = std::filesystem;

namespace {

Grid grid(int cols, int rows, double cell = 100) {
  Grid g;
  g.x0 = 0;
  g.y0 = rows * cell;
  g.cell = cell;
  g.cols = cols;
  g.rows = rows;
  return g;
}

Raster raster(const Grid& g, std::vector<float> v) {
  Raster r(g, 0.0f);
  for (std::size_t i = 0; i < v.size(); ++i) r.values[i] = v[i];
  return r;
}

Labels labels(std::vector<int32_t> v) {
  Labels l;
  l.resize(v.size());
  std::copy(v.begin(), v.end(), l.begin());
  return l;
}

}  // namespace

// Zone 0 (the top row) holds 100 people, zone 1 (the middle row) 60, zone 2 (bottom row) 30:
//
//   zone 0:  weight 0 1 1 2   → 0  25  25  50
//   zone 1:  weight 0 0 0 0   → the second weight 1 1 1 0 → 20 20 20 0
//   zone 2:  weights all 0    → even: 7.5 each
TEST(Dasymetric, SpreadsEachZonesCountByItsWeightByHand) {
  Grid g = grid(4, 3);
  Labels zones = labels({0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2});
  Raster first = raster(g, {0, 1, 1, 2, 0, 0, 0, 0, 0, 0, 0, 0});
  Raster second = raster(g, {9, 9, 9, 9, 1, 1, 1, 0, 0, 0, 0, 0});
  DasymetricReport rep;
  Raster out = dasymetric(g, zones, {100, 60, 30}, {&first, &second}, &rep);
  const std::vector<float> want = {0, 25, 25, 50, 20, 20, 20, 0, 7.5, 7.5, 7.5, 7.5};
  for (std::size_t i = 0; i < want.size(); ++i) EXPECT_FLOAT_EQ(out.values[i], want[i]) << i;
  EXPECT_EQ(rep.by_weight, (std::vector<std::size_t>{1, 1}));
  EXPECT_EQ(rep.even, 1u);
  EXPECT_EQ(rep.even_zones, (std::vector<std::size_t>{2}));
  EXPECT_DOUBLE_EQ(rep.placed, 190);
}

TEST(Dasymetric, NoDataAndNegativeWeightsWeighNothing) {
  Grid g = grid(3, 1);
  Raster w = raster(g, {std::nanf(""), -5, 2});
  Raster out = dasymetric(g, labels({0, 0, 0}), {10}, {&w});
  EXPECT_FLOAT_EQ(out.values[0], 0);
  EXPECT_FLOAT_EQ(out.values[1], 0);
  EXPECT_FLOAT_EQ(out.values[2], 10);
}

TEST(Dasymetric, AZoneWithoutCellsIsReportedNotLostSilently) {
  Grid g = grid(2, 1);
  Raster w = raster(g, {1, 1});
  DasymetricReport rep;
  Raster out = dasymetric(g, labels({0, 0}), {10, 7}, {&w}, &rep);
  EXPECT_EQ(rep.outside_zones, (std::vector<std::size_t>{1}));
  EXPECT_DOUBLE_EQ(rep.total, 17);
  EXPECT_DOUBLE_EQ(rep.placed, 10);
  EXPECT_FLOAT_EQ(out.values[0] + out.values[1], 10);
}

TEST(Dasymetric, KeepsLargeZoneTotalsToThePerson) {
  // 2,000 x 1,000 cells in two zones with uneven weights: the sums stay within half a person.
  Grid g = grid(2000, 1000, 25);
  Labels zones;
  zones.resize(g.size());
  Raster w(g, 0.0f);
  for (std::size_t i = 0; i < g.size(); ++i) {
    zones[i] = (i % g.cols) < 700 ? 0 : 1;
    w.values[i] = static_cast<float>((i * 7919) % 13);
  }
  Raster out = dasymetric(g, zones, {123457, 61729}, {&w});
  double a = 0, b = 0;
  for (std::size_t i = 0; i < g.size(); ++i) (zones[i] == 0 ? a : b) += out.values[i];
  EXPECT_NEAR(a, 123457, 0.5);
  EXPECT_NEAR(b, 61729, 0.5);
}

// A place of 2,500 at 25 per ha stands for 100 ha: a disc of radius sqrt(1,000,000 / π) = 564.2 m.
TEST(PointAreas, DiscRadiusFollowsTheCountAndTheDensity) {
  EXPECT_NEAR(area_radius_m(2500, 25, 0), std::sqrt(1e6 / std::numbers::pi), 1e-9);
  EXPECT_DOUBLE_EQ(area_radius_m(10, 25, 100), 100);  // at least the minimum
  EXPECT_DOUBLE_EQ(area_radius_m(0, 25, 50), 50);
}

//   cells of 100 m, point at (250, 250), radius 120 m:
//   . . . . .      the centres within 120 m of (250, 250) are (250, 250) itself and its four
//   . . X . .      neighbours at 100 m: (150,250), (350,250), (250,150), (250,350); the
//   . X X X .      diagonal neighbours lie 141 m away.
//   . . X . .
//   . . . . .
TEST(PointAreas, MarksTheCellCentresInsideTheDisc) {
  Grid g = grid(5, 5);
  Raster r = point_areas(g, {250}, {250}, {120});
  int set = 0;
  for (float v : r.values) set += v == 1;
  EXPECT_EQ(set, 5);
  EXPECT_EQ(r.at(2, 2), 1);
  EXPECT_EQ(r.at(1, 2), 1);
  EXPECT_EQ(r.at(1, 1), 0);
  // A point outside the grid still marks the cells its disc reaches; a tiny disc its own cell.
  Raster outside = point_areas(g, {-40}, {250}, {100});
  EXPECT_EQ(outside.at(2, 0), 1);
  EXPECT_EQ(outside.at(2, 1), 0);
  Raster tiny = point_areas(g, {430}, {70}, {1});
  EXPECT_EQ(tiny.at(4, 4), 1);
}

// A postcode area of 1,000 inhabitants holds a town whose disc puts 600 of its figure inside it,
// and two places without a figure: they share the 400 left. Another area has nothing left.
TEST(PointAreas, PlacesWithoutAFigureShareWhatTheirZoneLeaves) {
  auto v =
      fill_point_values({600, NAN, NAN, NAN, NAN}, {0, 0, 0, 1, -1}, {1000, 50}, {600, 80}, 150);
  EXPECT_EQ(v, (std::vector<double>{600, 200, 200, 150, 150}));
}

TEST(PointAreas, ATownsFigureCountsInEveryZoneItsDiscCovers) {
  // Two squares of 1 km side share an edge at x = 1000; a disc centred on the edge is split
  // half and half.
  OGRPolygon a, b;
  OGRLinearRing ra, rb;
  for (auto [x, y] : {std::pair{0, 0}, {1000, 0}, {1000, 1000}, {0, 1000}, {0, 0}})
    ra.addPoint(x, y);
  for (auto [x, y] : {std::pair{1000, 0}, {2000, 0}, {2000, 1000}, {1000, 1000}, {1000, 0}})
    rb.addPoint(x, y);
  a.addRing(&ra);
  b.addRing(&rb);
  // 1,000 people at 25 per ha: radius 357 m, inside the squares' 1 km height.
  auto share = explained_by_discs({&a, &b}, {1000}, {500}, {1000}, 25, 0);
  EXPECT_NEAR(share[0], 500, 1e-6);
  EXPECT_NEAR(share[1], 500, 1e-6);
  EXPECT_EQ(zone_of_points({&a, &b}, {500, 1500, 5000}, {500, 500, 500}),
            (std::vector<int>{0, 1, -1}));
}

// A 10 x 10 grid of 10 m cells; a station 35 m west of its west edge (x = -35, y = 55). The
// nearest cell centre row holds distances sqrt((col*10 + 5 + 35)^2 + 0) from the station's padded
// cell centre at x = -35.
TEST(DistanceBeyond, FeaturesBeyondTheGridCountExactly) {
  Grid g = grid(10, 10, 10);
  auto shapes_on = [](const Grid& on) {
    Shape s;
    s.type = Shape::Type::Point;
    s.parts.push_back({{on.px(-35), on.py(55)}});
    s.anchor = s.parts.back().front();
    return std::vector<Shape>{s};
  };
  Raster none = distance_beyond(g, -35, 55, -35, 55, 0, shapes_on);  // no surroundings
  EXPECT_TRUE(std::isnan(none.at(0, 0)));
  Raster d = distance_beyond(g, -35, 55, -35, 55, 1000, shapes_on);
  // The station's cell in the padded grid has its centre at x = -35, y = 55 (row 4 of the grid).
  EXPECT_FLOAT_EQ(d.at(4, 0), 40);
  EXPECT_FLOAT_EQ(d.at(4, 9), 130);
  EXPECT_NEAR(d.at(0, 0), std::hypot(40.0, 40.0), 1e-4);
}

namespace {

// Three wijken of 1 km x 1 km side by side (RD New), 100 m cells:
//   W1 (x 0-1000) 900 inhabitants, W2 (1000-2000) 300, W3 (2000-3000) 0;
//   a village point at (500, 500) of 1,000 inhabitants (25 per ha: 40 ha, radius 357 m);
//   Natura 2000 covers W2's east half (x 1500-2000).
void write_town(const fs::path& d) {
  test::write_file(
      d / "wijken.geojson",
      test::rd_collection(test::rd_square(0, 0, 1000, R"({"code":"W1","inwoners":900})") + "," +
                          test::rd_square(1000, 0, 1000, R"({"code":"W2","inwoners":300})") + "," +
                          test::rd_square(2000, 0, 1000, R"({"code":"W3","inwoners":0})")));
  test::write_file(
      d / "natuur.geojson",
      test::rd_collection(
          R"({"type":"Feature","properties":{},"geometry":{"type":"Polygon","coordinates":[[[1500,0],[2000,0],[2000,1000],[1500,1000],[1500,0]]]}})"));
  test::write_file(d / "plaatsen.geojson",
                   test::rd_collection(test::rd_point(500, 500, R"({"inwoners":1000})")));
  test::write_file(d / "model.toml", R"toml([model]
cell_size = 100
[study_area]
path = "wijken.geojson"
surroundings_m = 500
[[layer]]
id = "wijken"
title = "Wijken"
group = "bestuur"
derivation = "zones"
source = "wijken.geojson"
zone_code = "code"
[[layer]]
id = "natuur"
title = "Natuur"
group = "natuur"
derivation = "coverage"
source = "natuur.geojson"
[[layer]]
id = "dorp"
title = "Dorp"
group = "sociaal-economisch"
derivation = "point_areas"
source = "plaatsen.geojson"
field = "inwoners"
density = 25
[[layer]]
id = "gewicht"
title = "Gewicht"
group = "sociaal-economisch"
derivation = "expression"
expression = "(1 - natuur) * max(25 * dorp, 0.3)"
[[layer]]
id = "inwoners"
title = "Inwoners"
group = "sociaal-economisch"
estimate = "verdeeld naar gewicht"
derivation = "dasymetric"
source = "wijken.geojson"
field = "inwoners"
weights = ["gewicht"]
[[layer]]
id = "dichtheid"
title = "Dichtheid"
group = "sociaal-economisch"
derivation = "expression"
expression = "inwoners / cell_ha"
[[layer]]
id = "afstand_dorp"
title = "Afstand tot het dorp"
group = "sociaal-economisch"
derivation = "distance"
from = "dorp > 0"
)toml");
}

}  // namespace

TEST(DerivedLayers, ABuildKeepsEveryWijkTotalAndNobodyLivesInNature) {
  test::TempDir d;
  write_town(d.path());
  auto report = build_model(load_model_definition(d / "model.toml"), {d / "s.gpkg", {}, false});
  Store s = Store::open(d / "s.gpkg");
  // The study area is the store's own first layer.
  EXPECT_EQ(s.manifest().layers.front().id, "studiegebied");
  EXPECT_DOUBLE_EQ(s.manifest().surroundings_m, 500);
  auto rows = zonal_stats(s.read("inwoners"), s.read("wijken"), s.zones("wijken"));
  ASSERT_EQ(rows.size(), 3u);
  EXPECT_NEAR(rows[0].sum, 900, 0.01);
  EXPECT_NEAR(rows[1].sum, 300, 0.01);
  EXPECT_NEAR(rows[2].sum, 0, 0.01);
  Raster inw = s.read("inwoners"), nat = s.read("natuur"), dorp = s.read("dorp");
  double in_nature = 0, in_village = 0;
  for (std::size_t i = 0; i < inw.values.size(); ++i) {
    if (nat.values[i] == 1) in_nature += inw.values[i];
    if (dorp.values[i] == 1) in_village += inw.values[i];
  }
  EXPECT_EQ(in_nature, 0);
  // W1: 40 ha is a disc of radius 356.8 m; the cell centres (offsets ±50, ±150, ±250, ±350 m)
  // within it are 44 cells of weight 25, the other 56 weigh 0.3: the village holds
  // 900 * 44*25 / (44*25 + 56*0.3).
  int village_cells = 0;
  for (float v : dorp.values) village_cells += v == 1;
  EXPECT_EQ(village_cells, 44);
  EXPECT_NEAR(in_village, 900 * 1100.0 / (1100 + 56 * 0.3), 0.01);
  // Density per ha: cells of 1 ha, so the density equals the count.
  Raster dens = s.read("dichtheid");
  EXPECT_FLOAT_EQ(dens.values[0], inw.values[0]);
  // The estimate travels with the layer; the dasymetric note says how it was spread.
  EXPECT_EQ(s.layer("inwoners").estimate, "verdeeld naar gewicht");
  EXPECT_NE(s.layer("inwoners").description.find("3 zones"), std::string::npos)
      << s.layer("inwoners").description;
  EXPECT_EQ(report.layers.size(), 8u);
}

TEST(DerivedLayers, AChangedInputRebuildsWhatDependsOnIt) {
  test::TempDir d;
  write_town(d.path());
  build_model(load_model_definition(d / "model.toml"), {d / "s.gpkg", {}, false});
  // The nature source changes: natuur, gewicht, inwoners and dichtheid follow; dorp does not.
  test::write_file(
      d / "natuur.geojson",
      test::rd_collection(
          R"({"type":"Feature","properties":{},"geometry":{"type":"Polygon","coordinates":[[[1000,0],[2000,0],[2000,1000],[1000,1000],[1000,0]]]}})"));
  test::CapturedMessages messages;
  auto report = build_model(load_model_definition(d / "model.toml"), {d / "s.gpkg", {}, false});
  std::map<std::string, bool> rebuilt;
  for (const auto& l : report.layers) rebuilt[l.id] = l.rebuilt;
  EXPECT_TRUE(rebuilt["natuur"]);
  EXPECT_TRUE(rebuilt["gewicht"]);
  EXPECT_TRUE(rebuilt["inwoners"]);
  EXPECT_TRUE(rebuilt["dichtheid"]);
  EXPECT_FALSE(rebuilt["dorp"]);
  EXPECT_FALSE(rebuilt["wijken"]);
  // W2 is all nature now: its 300 people are spread evenly (every weight is zero there), and the
  // build says so, naming the wijk.
  EXPECT_TRUE(
      messages.warned("layer 'inwoners': in 1 zone(s) every weight is zero or has no "
                      "data, so their count is spread evenly over their cells: "))
      << fmt::format("{}", fmt::join(messages.warnings, "\n"));
  Store s = Store::open(d / "s.gpkg");
  EXPECT_NE(s.layer("inwoners").description.find("1 zones gelijk over hun cellen"),
            std::string::npos)
      << s.layer("inwoners").description;
  auto rows = zonal_stats(s.read("inwoners"), s.read("wijken"), s.zones("wijken"));
  EXPECT_NEAR(rows[1].sum, 300, 0.01);
  EXPECT_NEAR(rows[1].max, 3, 1e-4);
}

// The study area is L-shaped: the whole of W1, and only the southern half (y 0-500) of W2 and W3.
//
//   y 1000 +---------+---------+---------+
//          |   W1    |  W2 out | W3 out  |      out: in the grid, outside the study area
//    y 500 |  (900)  +----+----+---------+
//          |         | W2 |nat.|   W3    |      nat.: Natura 2000 (x 1500-2000)
//      y 0 +---------+----+----+---------+
//          x 0      1000 1500 2000      3000
//
// W2's 300 people stay inside: the only cells of W2 with weight there are x 1000-1500, y 0-500,
// 25 cells of 1 ha, so 12 people each. Nobody lives outside the study area, and `casco stats`
// (study_area_stats) counts the wijken's full totals.
TEST(DerivedLayers, AZoneReachingBeyondTheStudyAreaKeepsItsPeopleInside) {
  test::TempDir d;
  write_town(d.path());
  test::write_file(
      d / "studie.geojson",
      test::rd_collection(
          R"({"type":"Feature","properties":{},"geometry":{"type":"Polygon","coordinates":[[[0,0],[3000,0],[3000,500],[1000,500],[1000,1000],[0,1000],[0,0]]]}})"));
  std::string toml = test::read_file(d / "model.toml");
  toml.replace(toml.find("path = \"wijken.geojson\""), 23, "path = \"studie.geojson\"");
  test::write_file(d / "model.toml", toml);
  // A fourth wijk of 50 people lies wholly beyond the study area (x 3000-4000): left out, and said.
  std::string wijken = test::read_file(d / "wijken.geojson");
  const std::size_t end = wijken.rfind(']');
  wijken.insert(end, "," + test::rd_square(3000, 0, 1000, R"({"code":"W4","inwoners":50})"));
  test::write_file(d / "wijken.geojson", wijken);
  test::CapturedMessages messages;
  build_model(load_model_definition(d / "model.toml"), {d / "s.gpkg", {}, false});
  EXPECT_TRUE(messages.warned(
      "layer 'inwoners': 1 zone(s) lie outside the study area and their 50 are left out: "))
      << fmt::format("{}", fmt::join(messages.warnings, "\n"));
  Store s = Store::open(d / "s.gpkg");
  Raster inw = s.read("inwoners");
  const auto study = s.study_mask();
  double outside = 0, total = 0;
  for (std::size_t i = 0; i < inw.values.size(); ++i) {
    total += inw.values[i];
    if (!study[i]) outside += inw.values[i];
  }
  EXPECT_EQ(outside, 0);
  EXPECT_NEAR(total, 1200, 0.01);
  auto rows = study_area_stats(s, "inwoners", "wijken");
  ASSERT_EQ(rows.size(), 4u);
  EXPECT_EQ(rows[3].cells, 0u);
  EXPECT_NEAR(rows[0].sum, 900, 0.01);
  EXPECT_NEAR(rows[1].sum, 300, 0.01);
  EXPECT_NEAR(rows[1].max, 12, 1e-4);
  EXPECT_NEAR(rows[1].area_ha, 50, 1e-9);  // only W2's half inside the study area is counted
  // The wijken table holds the wijken cut to the study area, as polygons: W2 and W3 touch the L's
  // edge at x = 1000 and x = 2000 along a line that is dropped, not stored as a collection.
  GDALDatasetUniquePtr ds(GDALDataset::Open((d / "s.gpkg").c_str(), GDAL_OF_VECTOR));
  ASSERT_TRUE(ds);
  OGRLayer* table = ds->GetLayerByName("v_wijken");
  ASSERT_NE(table, nullptr);
  int polygons = 0;
  for (const auto& f : *table) {
    EXPECT_EQ(wkbFlatten(f->GetGeometryRef()->getGeometryType()), wkbMultiPolygon);
    ++polygons;
  }
  EXPECT_EQ(polygons, 3);  // W4 lies outside
}

// Dwellings per cell from address points (as BAG verblijfsobjecten), 100 m cells over one wijk
// of 1 km x 1 km with 1,000 inhabitants:
//   three homes in the cell of (150, 150), one in (550, 550), a shop in (850, 850) (left out by
//   the `where` filter) and a block of flats drawn as a 200 m x 200 m polygon at (600, 100):
//   its one address is divided over its 4 cells, a quarter each.
// The inhabitants follow the dwellings: 1000 / 5 = 200 per dwelling.
TEST(DerivedLayers, DwellingsPerCellCountTheAddressesAndCarryThePeople) {
  test::TempDir d;
  test::write_file(d / "wijk.geojson", test::rd_collection(test::rd_square(
                                           0, 0, 1000, R"({"code":"W","inwoners":1000})")));
  test::write_file(
      d / "adressen.geojson",
      test::rd_collection(test::rd_point(150, 150, R"({"doel":"woonfunctie"})") + "," +
                          test::rd_point(140, 160, R"({"doel":"woonfunctie"})") + "," +
                          test::rd_point(160, 140, R"({"doel":"woonfunctie"})") + "," +
                          test::rd_point(550, 550, R"({"doel":"woonfunctie"})") + "," +
                          test::rd_point(850, 850, R"({"doel":"winkelfunctie"})") + "," +
                          test::rd_square(600, 100, 200, R"({"doel":"woonfunctie"})")));
  test::write_file(d / "model.toml", R"toml([model]
cell_size = 100
[study_area]
path = "wijk.geojson"
[[layer]]
id = "woningen"
title = "Woningen"
group = "wonen"
unit = "woningen per cel"
derivation = "attribute"
mode = "count"
source = { path = "adressen.geojson", where = "doel = 'woonfunctie'" }
[[layer]]
id = "inwoners"
title = "Inwoners"
group = "wonen"
unit = "inwoners per cel"
derivation = "dasymetric"
source = "wijk.geojson"
field = "inwoners"
weights = ["woningen"]
)toml");
  build_model(load_model_definition(d / "model.toml"), {d / "s.gpkg", {}, false});
  Store s = Store::open(d / "s.gpkg");
  Raster homes = s.read("woningen"), people = s.read("inwoners");
  const Grid& g = homes.grid;
  auto at = [&](const Raster& r, double x, double y) {
    return r.at(static_cast<int>((g.y0 - y) / g.cell), static_cast<int>((x - g.x0) / g.cell));
  };
  EXPECT_FLOAT_EQ(at(homes, 150, 150), 3);
  EXPECT_FLOAT_EQ(at(homes, 550, 550), 1);
  EXPECT_FLOAT_EQ(at(homes, 850, 850), 0);  // the shop
  for (double x : {650.0, 750.0})
    for (double y : {150.0, 250.0}) EXPECT_FLOAT_EQ(at(homes, x, y), 0.25) << x << "," << y;
  double total = 0;
  for (float v : homes.values) total += v;
  EXPECT_NEAR(total, 5, 1e-6);
  EXPECT_NEAR(at(people, 150, 150), 600, 1e-3);
  EXPECT_NEAR(at(people, 650, 150), 50, 1e-3);
  EXPECT_FLOAT_EQ(at(people, 450, 450), 0);
  // A count reads no field: naming one is an error that says so.
  std::string toml = test::read_file(d / "model.toml");
  toml.replace(toml.find("mode = \"count\""), 14, "mode = \"count\"\nfield = \"doel\"");
  test::write_file(d / "model.toml", toml);
  try {
    load_model_definition(d / "model.toml");
    ADD_FAILURE() << "a field with mode count was accepted";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("counts the features and reads no 'field'"),
              std::string::npos)
        << e.what();
  }
}

// Facilities beyond the border count up to the surroundings (500 m in the town model), and one
// far beyond is left out with a warning. Stations at cell centres: (550, 550) in W1; (3350, 550),
// 350 m east of the grid's edge at x = 3000; (9000, 550), 6 km away. The cell centred at
// (2950, 550) is 400 m from the second station and 2,400 m from the first.
TEST(DerivedLayers, FacilitiesBeyondTheBorderCountUpToTheSurroundings) {
  test::TempDir d;
  write_town(d.path());
  test::write_file(d / "stations.geojson",
                   test::rd_collection(test::rd_point(550, 550, R"({"naam":"Dorp"})") + "," +
                                       test::rd_point(3350, 550, R"({"naam":"Buurstad"})") + "," +
                                       test::rd_point(9000, 550, R"({"naam":"Ver weg"})")));
  test::write_file(d / "model.toml", test::read_file(d / "model.toml") + R"toml(
[[layer]]
id = "afstand_station"
title = "Afstand tot station"
group = "sociaal-economisch"
derivation = "distance"
source = "stations.geojson"
)toml");
  test::CapturedMessages messages;
  build_model(load_model_definition(d / "model.toml"), {d / "s.gpkg", {}, false});
  EXPECT_TRUE(
      messages.warned("stations.geojson lie more than 500 m beyond the study area and are "
                      "left out"))
      << fmt::format("{}", fmt::join(messages.warnings, "\n"));
  Store s = Store::open(d / "s.gpkg");
  Raster dist = s.read("afstand_station");
  const Grid& g = dist.grid;
  auto at = [&](double x, double y) {
    return dist.at(static_cast<int>((g.y0 - y) / g.cell), static_cast<int>((x - g.x0) / g.cell));
  };
  EXPECT_FLOAT_EQ(at(2950, 550), 400);
  EXPECT_FLOAT_EQ(at(550, 550), 0);
  EXPECT_FLOAT_EQ(at(1550, 550), 1000);  // nearer the village's station than the neighbour's
}

TEST(DerivedLayers, DefinitionErrorsNameTheFileLineAndColumn) {
  test::TempDir d;
  auto error_of = [&](const std::string& layers) {
    try {
      parse_model_definition(
          "[model]\ncell_size = 100\n[study_area]\npath = \"a.geojson\"\n" + layers,
          d / "model.toml");
    } catch (const Error& e) {
      return std::string(e.what());
    }
    return std::string();
  };
  std::string head = "[[layer]]\nid = \"x\"\ntitle = \"X\"\ngroup = \"natuur\"\n";
  EXPECT_NE(error_of(head + "derivation = \"expression\"\nexpression = \"onbekend > 1\"\n")
                .find("model.toml:10:15: layer 'x' reads 'onbekend', which is no layer"),
            std::string::npos);
  EXPECT_NE(error_of(head + "derivation = \"expression\"\nexpression = \"x + 1\"\n")
                .find("cannot be computed from itself"),
            std::string::npos);
  std::string cycle = head + "derivation = \"expression\"\nexpression = \"y\"\n" +
                      "[[layer]]\nid = \"y\"\ntitle = \"Y\"\ngroup = \"natuur\"\n" +
                      "derivation = \"expression\"\nexpression = \"x * 2\"\n";
  EXPECT_NE(error_of(cycle).find("in a circle: x → y → x"), std::string::npos) << error_of(cycle);
  EXPECT_NE(error_of(head + "derivation = \"expression\"\nexpression = \"(1 +\"\n")
                .find("model.toml:10:"),
            std::string::npos);
  EXPECT_NE(error_of(head + "derivation = \"dasymetric\"\nsource = \"a.geojson\"\nfield = \"n\"\n")
                .find("needs weights"),
            std::string::npos);
  EXPECT_NE(error_of(head + "derivation = \"point_areas\"\nsource = \"a.geojson\"\n")
                .find("needs density"),
            std::string::npos);
  EXPECT_NE(
      error_of(head + "derivation = \"expression\"\nsource = \"a.geojson\"\nexpression = \"1\"\n")
          .find("has no 'source'"),
      std::string::npos);
  // The study area layer and the cell area are the model's own names.
  EXPECT_EQ(
      error_of(head + "derivation = \"expression\"\nexpression = \"studiegebied * cell_ha\"\n"),
      "");
}

TEST(DerivedLayers, AnIncludedLayerMayReplaceAnEstimate) {
  test::TempDir d;
  write_town(d.path());
  // The official file replaces the estimated village extent with the village as a polygon.
  test::write_file(d / "official.toml", R"toml([[layer]]
id = "dorp"
title = "Dorp (officieel)"
group = "sociaal-economisch"
derivation = "presence"
source = "natuur.geojson"
replaces = true
)toml");
  std::string model = test::read_file(d / "model.toml");
  model.replace(model.find("cell_size = 100"), 15,
                "cell_size = 100\ninclude = [\"official.toml\"]");
  test::write_file(d / "model.toml", model);
  ModelDef def = load_model_definition(d / "model.toml");
  ASSERT_EQ(def.find("dorp")->title, "Dorp (officieel)");
  EXPECT_EQ(def.layers[2].id, "dorp");  // in the place of the one it replaces
  // Nothing to replace: the layer is added.
  test::write_file(d / "official.toml",
                   "[[layer]]\nid = \"nieuw\"\ntitle = \"N\"\ngroup = \"natuur\"\n"
                   "derivation = \"presence\"\nsource = \"natuur.geojson\"\n"
                   "replaces = true\n");
  EXPECT_EQ(load_model_definition(d / "model.toml").layers.back().id, "nieuw");
  // A replacement in the model file itself is an error.
  test::write_file(d / "official.toml", "");
  model = test::read_file(d / "model.toml");
  model.replace(model.find("density = 25"), 12, "density = 25\nreplaces = true");
  test::write_file(d / "model.toml", model);
  EXPECT_THROW(load_model_definition(d / "model.toml"), Error);
}
