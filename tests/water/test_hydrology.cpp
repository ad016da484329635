// Hydrology on hand-made DEMs whose answers are worked out by hand in the comments: filled
// surface, D8 directions (scan-order codes: 0 NW 1 N 2 NE / 3 W 4 E / 5 SW 6 S 7 SE, 8 = off the
// grid), accumulation, bluespots, the design storm, HAND, D-infinity and slope.
#include <gtest/gtest.h>

#include <cmath>
#include <numbers>

#include "water/hydrology.hpp"
#include "water_test_util.hpp"

using namespace casco;
using namespace casco::water;
using casco::test::as_ints;
using casco::test::read_asc;

namespace {

std::vector<float> values(const Raster& r) {
  return {r.values.begin(), r.values.end()};
}

}  // namespace

// depression.asc (10 m cells):        filled:
//   9 9 9 9 9 9                        9 9 9 9 9 9
//   9 6 6 6 6 9                        9 6 6 6 6 9
//   9 6 2 3 6 9     the pit {2, 3} is  9 6 4 4 6 9
//   9 6 6 6 4 9     walled in by 6s    9 6 6 6 4 9
//   9 9 9 9 3 9     except the 4 that  9 9 9 9 3 9
//                   drains to the edge cell 3: it fills to 4.
TEST(Fill, RaisesThePitToItsSpillHeightAndNothingElse) {
  Raster dem = read_asc("depression.asc", 6, 5, 10);
  Raster filled = dem;
  FillStats st = fill_depressions(filled);
  std::vector<float> want = values(dem);
  want[2 * 6 + 2] = 4;
  want[2 * 6 + 3] = 4;
  EXPECT_EQ(values(filled), want);
  EXPECT_EQ(st.cells, 30u);
  EXPECT_EQ(st.raised, 2u);
  EXPECT_DOUBLE_EQ(st.max_raise, 2.0);
}

// Steepest descent on the filled surface (diagonal drops / sqrt 2, ties to the first in scan
// order, e.g. the cell right of the pit drops 2 both west and south: west). The filled pit is a
// flat {4 4} with the 4 below it: the BFS from that exit gives the pit's right cell SE and its
// left cell E. Edge cells are outlets: they drain off the grid (8), as in GRASS r.terraflow.
TEST(D8, SteepestDescentWithTheFilledPitRoutedToItsExit) {
  Raster filled = read_asc("depression.asc", 6, 5, 10);
  fill_depressions(filled);
  FlowStats st;
  auto dirs = d8_directions(filled, &st);
  EXPECT_EQ(as_ints(dirs), (std::vector<int>{8, 8, 8, 8, 8, 8,  //
                                             8, 7, 6, 6, 5, 8,  //
                                             8, 4, 4, 7, 3, 8,  //
                                             8, 2, 1, 7, 6, 8,  //
                                             8, 8, 8, 8, 8, 8}));
  EXPECT_EQ(st.flat_cells, 2u);
  EXPECT_EQ(st.outlets, 18u);
  EXPECT_EQ(st.pits, 0u);
  // Accumulation, counted by hand from the directions: the pit's left cell gathers 6 cells, its
  // right cell 10, the exit 11 and the outlet below it 13; the other 17 edge cells only
  // themselves: 17 + 13 = 30 cells leave the grid.
  auto acc = d8_accumulation(filled.grid, dirs);
  EXPECT_EQ(as_ints(acc), (std::vector<int>{1, 1, 1, 1,  1,  1,  //
                                            1, 1, 1, 1,  1,  1,  //
                                            1, 1, 6, 10, 1,  1,  //
                                            1, 1, 1, 1,  11, 1,  //
                                            1, 1, 1, 1,  13, 1}));
  // The direction bytes are scratch during accumulation and come back unchanged.
  EXPECT_EQ(dirs[12 + 3], 7);
}

// flat.asc: a plateau of 2s inside a rim of 3s, with one exit, the edge cell 1. The two cells
// next to the exit drain into it; the rest of the plateau drains breadth-first towards them,
// every cell to the neighbour that reached it first (scan order breaks ties).
TEST(D8, LargeFlatDrainsToItsOnlyExit) {
  Raster dem = read_asc("flat.asc", 6, 4, 10);
  Raster filled = dem;
  FillStats fs = fill_depressions(filled);
  EXPECT_EQ(fs.raised, 0u);
  EXPECT_EQ(values(filled), values(dem));
  FlowStats st;
  auto dirs = d8_directions(filled, &st);
  EXPECT_EQ(as_ints(dirs), (std::vector<int>{8, 8, 8, 8, 8, 8,  //
                                             8, 4, 4, 4, 7, 8,  //
                                             8, 2, 2, 2, 4, 8,  //
                                             8, 8, 8, 8, 8, 8}));
  EXPECT_EQ(st.flat_cells, 6u);
  auto acc = d8_accumulation(filled.grid, dirs);
  EXPECT_EQ(as_ints(acc), (std::vector<int>{1, 1, 1, 1, 1, 1,  //
                                            1, 1, 3, 5, 7, 1,  //
                                            1, 1, 1, 1, 1, 9,  //
                                            1, 1, 1, 1, 1, 1}));
}

// hole.asc: a no-data cell in the middle of a bowl. Cells next to no-data are outlets (water
// leaves the model there, as over the edge), so nothing is filled and every cell drains out.
TEST(D8, NoDataHolesAreOutlets) {
  Raster filled = read_asc("hole.asc", 5, 5, 10);
  ASSERT_TRUE(std::isnan(filled.at(2, 2)));
  FillStats fs = fill_depressions(filled);
  EXPECT_EQ(fs.cells, 24u);
  EXPECT_EQ(fs.raised, 0u);
  FlowStats st;
  auto dirs = d8_directions(filled, &st);
  std::vector<int> want(25, 8);
  want[12] = 255;
  EXPECT_EQ(as_ints(dirs), want);
  EXPECT_EQ(st.outlets, 24u);
  auto acc = d8_accumulation(filled.grid, dirs);
  std::vector<int> ones(25, 1);
  ones[12] = 0;
  EXPECT_EQ(as_ints(acc), ones);
}

// A no-data cell drains only what reaches it: a 7 x 7 grid, 9s on the edge, 5s inside, a pit of
// 1 at (2, 2) and a no-data cell at (4, 4) with a 2 beside it at (3, 4). The cells next to the
// hole are outlets and keep their height (the 2 too); the pit is walled in by 5s, so it still
// fills to 5.
TEST(Fill, NoDataCellsAreOutletsButDoNotDrainWhatIsWalledOff) {
  Raster dem(casco::test::asc_grid(7, 7, 10), 9.0f);
  for (int r = 1; r < 6; ++r)
    for (int c = 1; c < 6; ++c) dem.at(r, c) = 5.0f;
  dem.at(2, 2) = 1.0f;
  dem.at(4, 4) = kNoData;
  dem.at(3, 4) = 2.0f;  // next to the hole: an outlet at 2 m
  Raster filled = dem;
  FillStats st = fill_depressions(filled);
  EXPECT_FLOAT_EQ(filled.at(3, 4), 2.0f);
  EXPECT_FLOAT_EQ(filled.at(2, 2), 5.0f);  // the pit is walled in by 5s: its spill height is 5
  EXPECT_EQ(st.raised, 1u);
}

// The pit of depression.asc: cells 2 and 3 m deep below a spill height of 4 m, so 2 + 1 = 3 m of
// water over 100 m2 cells: 300 m3. Its own catchment is every cell draining into it: the 10
// cells upstream of the pit's right cell (accumulation 10). It fills with 300 / 1,000 m = 300 mm.
TEST(Bluespots, VolumeCatchmentAndTheRainThatFillsThem) {
  Raster dem = read_asc("depression.asc", 6, 5, 10);
  Raster filled = dem;
  fill_depressions(filled);
  auto dirs = d8_directions(filled);
  Bluespots b = find_bluespots(dem, filled, dirs, {});
  ASSERT_EQ(b.spots.size(), 1u);
  const Bluespot& s = b.spots[0];
  EXPECT_EQ(s.cells, 2u);
  EXPECT_DOUBLE_EQ(s.volume_m3, 300.0);
  EXPECT_DOUBLE_EQ(s.max_depth_m, 2.0);
  EXPECT_DOUBLE_EQ(s.spill_height, 4.0);
  EXPECT_EQ(s.catchment_cells, 10u);
  EXPECT_NEAR(s.fill_rain_mm, 300.0, 1e-9);
  EXPECT_EQ(s.outlet_cell, 3 * 6 + 4);  // the 4 beside the pit: the last cell at 4 m
  EXPECT_EQ(s.downstream, 0u);          // its overflow leaves over the edge
  EXPECT_EQ(b.label[2 * 6 + 2], 1u);
  EXPECT_EQ(b.label[2 * 6 + 4], 0u);
  EXPECT_EQ(b.reaches[1 * 6 + 1], 1u);  // the cell above-left of the pit drains into it
  EXPECT_EQ(b.reaches[0], 0u);          // the corner, an outlet, drains out

  // Deeper or larger than the thresholds, or dropped.
  Bluespots none = find_bluespots(dem, filled, dirs, {2.5, 1.0});
  EXPECT_TRUE(none.spots.empty());
  EXPECT_EQ(none.dropped_shallow, 1u);
  EXPECT_FLOAT_EQ(none.depth.at(2, 2), 0.0f);
}

// 70 mm on all 30 cells: 0.07 m x 100 m2 = 7 m3 a cell. The pit's 10 cells bring 70 m3 (it holds
// 300: not full); the other 20 cells' 140 m3 run off. The pool: 70 m3 over the 100 m2 cell at 2 m
// is 0.7 m deep, below the second cell at 3 m, which stays dry. 400 mm brings 400 m3: full (2 and
// 1 m deep), 100 m3 spills off the grid with the 20 x 40 = 800 m3 of the other cells.
TEST(Storm, FillsThePitAsOnePoolAndSpillsTheRest) {
  Raster dem = read_asc("depression.asc", 6, 5, 10);
  Raster filled = dem;
  fill_depressions(filled);
  auto dirs = d8_directions(filled);
  Bluespots b = find_bluespots(dem, filled, dirs, {});
  StormResult r = design_storm(dem, b, dirs, std::vector<float>(30, 0.070f));
  EXPECT_NEAR(r.rain_m3, 210.0, 1e-3);
  EXPECT_NEAR(r.inflow_m3[0], 70.0, 1e-3);
  EXPECT_NEAR(r.stored_total_m3, 70.0, 1e-3);
  EXPECT_NEAR(r.runoff_m3, 140.0, 1e-3);
  EXPECT_EQ(r.full_spots, 0u);
  EXPECT_NEAR(r.water_depth.at(2, 2), 0.7, 1e-5);
  EXPECT_EQ(r.water_depth.at(2, 3), 0.0f);
  EXPECT_EQ(r.water_depth.at(1, 1), 0.0f);
  EXPECT_EQ(r.wet_cells, 1u);

  StormResult heavy = design_storm(dem, b, dirs, std::vector<float>(30, 0.400f));
  EXPECT_EQ(heavy.full_spots, 1u);
  EXPECT_NEAR(heavy.stored_total_m3, 300.0, 1e-3);
  EXPECT_NEAR(heavy.runoff_m3, 900.0, 1e-3);
  EXPECT_NEAR(heavy.water_depth.at(2, 2), 2.0, 1e-5);
  EXPECT_NEAR(heavy.water_depth.at(2, 3), 1.0, 1e-5);
}

// Two pits in a row, 10 m cells, in a 5 x 7 grid: 9s on the edge, 8s in rows 1 and 3, and the
// middle row
//   9 3 5 2 4 1 0
// The upper pit (3, spill 5 over the 5) fills to 5: 2 m, 200 m3; it spills east into the lower
// pit (2, spill 4 over the 4): 2 m, 200 m3, which spills down to the edge cell 0. From the D8
// directions: the 8s above and below each pit drain into it, so the upper pit's own catchment is
// 3 cells (itself and the two 8s beside it) and the lower pit's 6 (itself, the 5 and four 8s).
// 1,000 mm = 100 m3 a cell: the upper pit gets 300, holds 200 and passes 100; the lower gets
// 600 + 100, holds 200 and passes 500, which leaves with the other 26 cells' 2,600 m3.
// 200 mm: 60 and 120 m3, neither full: pools of 0.6 and 1.2 m in the one-cell pits.
TEST(Storm, OverflowRunsIntoTheBluespotDownstream) {
  Grid g = casco::test::asc_grid(7, 5, 10);
  Raster dem(g, 9.0f);
  const float mid[7] = {9, 3, 5, 2, 4, 1, 0};
  for (int c = 1; c < 6; ++c) dem.at(1, c) = dem.at(3, c) = 8.0f;
  for (int c = 0; c < 7; ++c) dem.at(2, c) = mid[c];
  Raster filled = dem;
  fill_depressions(filled);
  EXPECT_FLOAT_EQ(filled.at(2, 1), 5.0f);
  EXPECT_FLOAT_EQ(filled.at(2, 3), 4.0f);
  auto dirs = d8_directions(filled);
  Bluespots b = find_bluespots(dem, filled, dirs, {});
  ASSERT_EQ(b.spots.size(), 2u);
  const Bluespot& up = b.spots[0];  // found first in scan order
  const Bluespot& low = b.spots[1];
  EXPECT_DOUBLE_EQ(up.volume_m3, 200.0);
  EXPECT_DOUBLE_EQ(low.volume_m3, 200.0);
  EXPECT_EQ(up.catchment_cells, 3u);
  EXPECT_EQ(low.catchment_cells, 6u);
  EXPECT_EQ(up.outlet_cell, 2 * 7 + 2);
  EXPECT_EQ(up.downstream, low.id);
  EXPECT_EQ(low.downstream, 0u);
  StormResult r = design_storm(dem, b, dirs, std::vector<float>(35, 1.0f));
  EXPECT_NEAR(r.inflow_m3[0], 300.0, 1e-3);
  EXPECT_NEAR(r.inflow_m3[1], 700.0, 1e-3);
  EXPECT_NEAR(r.stored_total_m3, 400.0, 1e-3);
  EXPECT_NEAR(r.runoff_m3, 3100.0, 1e-3);
  EXPECT_EQ(r.full_spots, 2u);
  StormResult light = design_storm(dem, b, dirs, std::vector<float>(35, 0.200f));
  EXPECT_EQ(light.full_spots, 0u);
  EXPECT_NEAR(light.water_depth.at(2, 1), 0.6, 1e-4);
  EXPECT_NEAR(light.water_depth.at(2, 3), 1.2, 1e-4);
}

// HAND on flat.asc with the network = cells draining at least 7 cells (700 m2): (1,4) and the
// outlet (2,5). The plateau cell (1,1) reaches the network at (1,4), 2 m high like itself: 0 m,
// 30 m along the flow path; (2,1) via (1,2) and (1,3): 0 m, 14.14 + 20 m. The exit (1,4) drains a
// network cell of 7 cells. Edge cells are outlets, measured from themselves.
TEST(Hand, HeightAndDistanceToTheDrainageAlongTheFlowPath) {
  Raster filled = read_asc("flat.asc", 6, 4, 10);
  fill_depressions(filled);
  auto dirs = d8_directions(filled);
  auto acc = d8_accumulation(filled.grid, dirs);
  Hand h = height_above_drainage(filled, dirs, acc, 700);
  EXPECT_FLOAT_EQ(h.height.at(1, 1), 0.0f);
  EXPECT_NEAR(h.distance.at(1, 1), 30.0, 1e-4);
  EXPECT_NEAR(h.distance.at(2, 1), 20.0 + 10 * std::numbers::sqrt2, 1e-3);
  EXPECT_NEAR(h.catchment.at(1, 1), 7 * 100 / 1e6, 1e-9);
  EXPECT_FLOAT_EQ(h.height.at(0, 0), 0.0f);
  EXPECT_FLOAT_EQ(h.distance.at(0, 0), 0.0f);
  Raster net = drainage_network(filled.grid, acc, 700);
  EXPECT_EQ(net.at(1, 4), 1.0f);
  EXPECT_EQ(net.at(2, 5), 1.0f);
  EXPECT_EQ(net.at(1, 3), 0.0f);
  // A higher threshold: the plateau now drains to the outlet at 1 m: HAND 1 m.
  Hand h2 = height_above_drainage(filled, dirs, acc, 900);
  EXPECT_FLOAT_EQ(h2.height.at(1, 1), 1.0f);
  EXPECT_NEAR(h2.distance.at(1, 1), 30.0 + 10 * std::numbers::sqrt2, 1e-3);
}

// A plane falling towards 30 degrees (east-north-east): D-infinity points at 30 degrees and
// splits the flow 1/3 to the east and 2/3 to the north-east neighbour; the Horn slope of
// z = -(0.1 cos 30 x + 0.1 sin 30 y) is 0.1.
TEST(DInfinity, PlaneFlowsAlongItsGradient) {
  Grid g = casco::test::asc_grid(5, 5, 10);
  Raster dem(g, 0.0f);
  const double a = std::numbers::pi / 6;
  for (int r = 0; r < 5; ++r)
    for (int c = 0; c < 5; ++c)
      dem.at(r, c) = static_cast<float>(100 - 0.1 * (std::cos(a) * (g.cx(c) - 230000)) -
                                        0.1 * (std::sin(a) * (g.cy(r) - 550000)));
  auto d8 = d8_directions(dem);
  DInfinity f = dinf_directions(dem, d8);
  const std::size_t centre = 2 * 5 + 2;
  EXPECT_NEAR(f.angle[centre], a, 1e-4);
  EXPECT_EQ(f.first[centre], 4);   // east
  EXPECT_EQ(f.second[centre], 2);  // north-east
  EXPECT_NEAR(f.share[centre], 1.0 / 3.0, 1e-4);
  Raster s = slope(dem);
  EXPECT_NEAR(s.at(2, 2), 0.1, 1e-4);
  // Accumulation conserves the cells: the outlets together receive all 25.
  auto acc = dinf_accumulation(g, f);
  double out = 0;
  for (std::size_t i = 0; i < acc.size(); ++i)
    if (d8[i] == kOffGrid) out += acc[i];
  // Outlet cells may also pass flow on to other outlet cells (D-infinity splits), so their sum is
  // at least the 25 cells; no cell loses water.
  EXPECT_GE(out, 25.0 - 1e-3);
}
