// casco access over a drawn road network: every cell and the facility join the nearest point of
// the road (not its end nodes), so a cell's walking time is the distance along the road plus both
// legs to it, computable by hand; a profile named in access.toml limits how far cells may lie from
// a road.
#include <gtest/gtest.h>

#include <cmath>

#include "access/access.hpp"
#include "core/error.hpp"
#include "drawn_map.hpp"
#include "model/build.hpp"
#include "test_util.hpp"

using namespace casco;
using namespace casco::access;

namespace {

// A 1 km square of 25 m cells at RD (230000, 559500)-(231000, 560500), one person per cell, and a
// footway straight through its middle (y = 560000, from x = 230000 to 231000, drawn as A—B).
class AccessOnRoads : public ::testing::Test {
 protected:
  void SetUp() override {
    test::write_file(dir_ / "area.geojson", test::rd_collection(test::rd_square(
                                                230000, 559500, 1000, R"({"inwoners":1600})")));
    test::write_file(dir_ / "model.toml", R"([model]
cell_size = 25
[study_area]
path = "area.geojson"
[[layer]]
id = "inwoners"
title = "Inwoners"
group = "sociaal-economisch"
derivation = "attribute"
source = "area.geojson"
field = "inwoners"
)");
    build_model(load_model_definition(dir_ / "model.toml"),
                {dir_ / "store.gpkg", std::nullopt, false});
    // The school's point is 12.5 m north of the footway, 12.5 m from its west end.
    test::write_file(dir_ / "school.geojson",
                     test::rd_collection(test::rd_point(230012.5, 560012.5, R"({"id":"S"})")));
    map_.ways(R"(
      | nodes | highway |
      | AB    | footway |
    )");
  }

  AccessResult run(const std::string& profile_line, std::vector<std::string>* warnings,
                   std::vector<std::string>* infos = nullptr) {
    test::write_file(dir_ / "access.toml", R"([access]
population = "inwoners"
network = ")" + map_.osm_file().string() + R"("
)" + profile_line + R"(
[modes.walk]
speed_kmh = 4.5
[[facility]]
kind = "school"
source = "school.geojson"
id_field = "id"
)");
    Store s = Store::open(dir_ / "store.gpkg");
    AccessConfig cfg = load_access_config(dir_ / "access.toml");
    test::CapturedMessages said(infos != nullptr);
    AccessResult r = compute_access(cfg, s, load_facilities(cfg, s));
    warnings->insert(warnings->end(), said.warnings.begin(), said.warnings.end());
    if (infos) infos->insert(infos->end(), said.infos.begin(), said.infos.end());
    return r;
  }

  test::TempDir dir_;
  test::DrawnMap map_{"A---------B"};  // 1000 m along y = 560000 from x = 230000
};

}  // namespace

TEST_F(AccessOnRoads, CellsJoinTheNearestPointOfTheRoad) {
  ASSERT_NEAR(map_.x('A'), 230000, 0.05);
  ASSERT_NEAR(map_.y('A'), 560000, 0.05);
  std::vector<std::string> warnings, infos;
  AccessResult r = run("", &warnings, &infos);
  ASSERT_EQ(r.layers.size(), 1u);
  const Raster& minutes = r.layers[0].minutes;
  const Raster& metres = r.layers[0].metres;
  Store s = Store::open(dir_ / "store.gpkg");
  const Grid& g = s.grid();
  std::size_t checked = 0;
  for (int row = 0; row < g.rows; ++row)
    for (int col = 0; col < g.cols; ++col) {
      // Along the road from the school's foot (x 230012.5), plus both legs to the road.
      const double along = std::fabs(g.cx(col) - 230012.5);
      const double legs = std::fabs(g.cy(row) - 560000) + 12.5;
      ASSERT_NEAR(metres.at(row, col), along + legs, 0.05) << row << "," << col;
      ASSERT_NEAR(minutes.at(row, col), (along + legs) / 1.25 / 60, 1e-3) << row << "," << col;
      ++checked;
    }
  EXPECT_EQ(checked, 1600u);
  // E.g. the cell 750 m east of the school, just north of the footway: 775 m, 10 min 20 s.
  EXPECT_NEAR(minutes.at(static_cast<int>(std::floor(g.py(560012.5))),
                         static_cast<int>(std::floor(g.px(230762.5)))),
              620.0 / 60, 1e-3);
  // Every cell lies within 487.5 m of the footway: nothing to warn of, and the furthest join is
  // told as information.
  EXPECT_TRUE(warnings.empty()) << warnings[0];
  bool told = false;
  for (const auto& m : infos)
    told = told || m.find(
                       "1600 populated cell(s) joined the walk network, the furthest 488 m "
                       "from it") != std::string::npos;
  EXPECT_TRUE(told) << (infos.empty() ? std::string("no information") : infos.back());
}

TEST_F(AccessOnRoads, AProfileInAccessTomlLimitsTheSnapDistance) {
  test::write_file(dir_ / "p.toml", "[walk]\nsnap_max_m = 100\n");
  std::vector<std::string> warnings;
  AccessResult r = run("profile = \"p.toml\"", &warnings);
  const Raster& minutes = r.layers[0].minutes;
  // Rows whose centres lie more than 100 m from the footway: 16 north, 16 south, 40 cells each.
  std::size_t untimed = 0;
  for (float v : minutes.values) untimed += std::isnan(v);
  EXPECT_EQ(untimed, 32u * 40u);
  bool said = false;
  for (const auto& w : warnings)
    said = said || w.find(
                       "1280 populated cell(s) lie more than 100 m from every road for walk and "
                       "get no time") != std::string::npos;
  EXPECT_TRUE(said) << (warnings.empty() ? std::string("no warnings") : warnings[0]);
  // A broken profile stops the run with file:line:column.
  test::write_file(dir_ / "p.toml", "[walk]\nsnap_max_m = \"far\"\n");
  try {
    run("profile = \"p.toml\"", &warnings);
    FAIL() << "a broken profile was accepted";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("p.toml:2:14"), std::string::npos) << e.what();
  }
}
