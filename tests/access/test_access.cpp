// casco access on a hand-made model (times computable by hand) and on the bundled Drenthe data.
#include <gtest/gtest.h>

#include <cmath>
#include <map>

#include "access/access.hpp"
#include "access/kernen.hpp"
#include "core/error.hpp"
#include "model/build.hpp"
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
  std::vector<std::string> warnings;
  auto old = set_warning_sink([&](std::string_view m) { warnings.emplace_back(m); });
  auto fac = load_facilities(cfg, s);
  set_warning_sink(old);
  ASSERT_EQ(fac.size(), 2u);  // FAR lies outside the study area
  ASSERT_EQ(warnings.size(), 1u);
  EXPECT_NE(warnings[0].find("FAR"), std::string::npos);
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
  std::string text = format_what_if(cfg, nb, na, {"S2"}, "text");
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
}

TEST(AccessDrenthe, EveryStationHasTravelTimeZeroAtItsOwnCellAndSharesAddUp) {
  test::TempDir dir;
  build_model(load_model_definition(fs::path(CASCO_DATA_DIR) / "model.toml"),
              {dir / "d.gpkg", 250.0, false});
  Store s = Store::open(dir / "d.gpkg");
  AccessConfig cfg = load_access_config(fs::path(CASCO_DATA_DIR) / "access.toml");
  auto fac = load_facilities(cfg, s);
  AccessResult r = compute_access(cfg, s, fac);
  const Raster& bike = layer(r, "station", "bike");
  int stations = 0;
  for (const auto& f : fac) {
    if (f.kind != "station") continue;
    ++stations;
    int c = static_cast<int>(std::floor(s.grid().px(f.x))),
        row = static_cast<int>(std::floor(s.grid().py(f.y)));
    EXPECT_FLOAT_EQ(bike.at(row, c), 0.0f) << f.name;
  }
  EXPECT_EQ(stations, 9);
  auto norms = evaluate_norms(cfg, s, r);
  for (const auto& n : norms) {
    EXPECT_NEAR(n.people, 504105, 1.0) << n.norm->id;  // every inhabitant has an estimate
    double by_gemeente = 0;
    for (const auto& row : n.rows)
      if (row.zone_layer == "gemeenten") by_gemeente += row.people;
    EXPECT_NEAR(by_gemeente, 501922, 300)
        << n.norm->id;  // wijken and gemeenten do not nest exactly
  }
}

TEST(Kernen, TheFourHemaCitiesAreAtTheTopOfTheHierarchy) {
  test::TempDir dir;
  build_model(load_model_definition(fs::path(CASCO_DATA_DIR) / "model.toml"),
              {dir / "d.gpkg", 500.0, false});
  Store s = Store::open(dir / "d.gpkg");
  KernenConfig cfg = load_kernen_config(fs::path(CASCO_DATA_DIR) / "kernen.toml");
  auto places = classify_places(cfg, s);
  std::map<std::string, const PlaceResult*> by_name;
  for (const auto& p : places) by_name[p.name] = &p;
  const std::string top = cfg.classes.front().id;
  for (const char* city : {"Assen", "Emmen", "Hoogeveen", "Meppel"}) {
    ASSERT_TRUE(by_name.count(city)) << city;
    EXPECT_EQ(by_name[city]->class_id, top) << city << ": " << by_name[city]->reason;
    EXPECT_NE(by_name[city]->reason.find("inwoners = "), std::string::npos);
  }
  // Every place gets a class; the list is ordered by class.
  std::size_t stads = 0;
  for (const auto& p : places) {
    EXPECT_NE(p.class_id, "-") << p.name;
    stads += p.class_id == top;
  }
  EXPECT_EQ(places.front().class_id, top);
  EXPECT_LT(stads, 10u);
  write_places(places, s, dir / "kernen.geojson");
  EXPECT_TRUE(fs::exists(dir / "kernen.geojson"));
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
    classify_places(cfg, Store::open(dir / "d.gpkg"));
    FAIL();
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("kernen.toml:8:27: unknown layer 'supermarkt'"),
              std::string::npos)
        << e.what();
  }
}

// The whole path over real networks: the Groningen city-centre extract (roads) and a tiny GTFS
// line through it (public transport).
TEST(AccessNetwork, RoadGraphsAndTransitGiveTimesForEveryPopulatedCell) {
  test::TempDir dir;
  auto& d = dir;
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
  test::write_file(
      d / "fac.geojson",
      R"({"type":"FeatureCollection","features":[{"type":"Feature","properties":{"id":"A"},"geometry":{"type":"Point","coordinates":[6.5600,53.2150]}},{"type":"Feature","properties":{"id":"B"},"geometry":{"type":"Point","coordinates":[6.5750,53.2200]}}]})");
  fs::create_directories(d / "gtfs");
  test::write_file(
      d / "gtfs/stops.txt",
      // S1 by school A, S3 beyond walking distance of both schools: reached by bus only.
      "stop_id,stop_name,stop_lat,stop_lon\nS1,West,53.2150,6.5605\nS2,Midden,53.2200,6.5700\n"
      "S3,Oost,53.2262,6.5835\n");
  test::write_file(d / "gtfs/routes.txt", "route_id,route_short_name,route_type\nR1,1,3\n");
  test::write_file(d / "gtfs/calendar.txt",
                   "service_id,monday,tuesday,wednesday,thursday,friday,saturday,sunday,start_date,"
                   "end_date\nALL,1,1,1,1,1,1,1,20260101,20271231\n");
  std::string trips = "route_id,service_id,trip_id\n",
              times = "trip_id,arrival_time,departure_time,stop_id,stop_sequence\n";
  for (int k = 0; k < 24; ++k) {
    int t = 6 * 60 + 10 * k;  // every 10 minutes from 06:00
    trips += fmt::format("R1,ALL,T{}\n", k);
    for (int s = 0; s < 3; ++s) {
      int m = t + 4 * s;
      times += fmt::format("T{0},{1:02d}:{2:02d}:00,{1:02d}:{2:02d}:00,S{3},{3}\n", k, m / 60,
                           m % 60, s + 1);
    }
  }
  test::write_file(d / "gtfs/trips.txt", trips);
  test::write_file(d / "gtfs/stop_times.txt", times);
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
