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
// left cell E. The edge cell 3 has no lower neighbour: off the grid.
TEST(D8, SteepestDescentWithTheFilledPitRoutedToItsExit) {
  Raster filled = read_asc("depression.asc", 6, 5, 10);
  fill_depressions(filled);
  FlowStats st;
  auto dirs = d8_directions(filled, &st);
  EXPECT_EQ(as_ints(dirs), (std::vector<int>{7, 6, 6, 6, 6, 5,  //
                                             4, 7, 6, 6, 5, 3,  //
                                             4, 4, 4, 7, 3, 5,  //
                                             4, 2, 1, 7, 6, 3,  //
                                             2, 1, 1, 4, 8, 3}));
  EXPECT_EQ(st.flat_cells, 2u);
  EXPECT_EQ(st.outlets, 1u);
  EXPECT_EQ(st.pits, 0u);
  // Accumulation, counted by hand from the directions: the pit's left cell gathers 15 cells, its
  // right cell 23, the exit 26 and the outlet all 30.
  auto acc = d8_accumulation(filled.grid, dirs);
  EXPECT_EQ(as_ints(acc), (std::vector<int>{1, 1, 1,  1,  1,  1,  //
                                            1, 4, 2,  2,  4,  1,  //
                                            1, 2, 15, 23, 1,  1,  //
                                            1, 4, 2,  1,  26, 1,  //
                                            1, 1, 1,  1,  30, 1}));
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
  EXPECT_EQ(as_ints(dirs), (std::vector<int>{7, 6, 6, 6, 6, 5,  //
                                             4, 4, 4, 4, 7, 6,  //
                                             4, 2, 2, 2, 4, 8,  //
                                             2, 1, 1, 1, 2, 1}));
  EXPECT_EQ(st.flat_cells, 6u);
  auto acc = d8_accumulation(filled.grid, dirs);
  EXPECT_EQ(as_ints(acc), (std::vector<int>{1, 1, 1,  1,  1,  1,   //
                                            1, 4, 10, 14, 19, 1,   //
                                            1, 4, 2,  2,  1,  24,  //
                                            1, 1, 1,  1,  1,  1}));
}

// hole.asc: a no-data cell in the middle of a bowl. Cells next to no-data are outlets (water
// leaves the model there, as over the edge), so nothing is filled and the ring drains into the
// hole.
TEST(D8, NoDataHolesAreOutlets) {
  Raster filled = read_asc("hole.asc", 5, 5, 10);
  ASSERT_TRUE(std::isnan(filled.at(2, 2)));
  FillStats fs = fill_depressions(filled);
  EXPECT_EQ(fs.cells, 24u);
  EXPECT_EQ(fs.raised, 0u);
  FlowStats st;
  auto dirs = d8_directions(filled, &st);
  EXPECT_EQ(as_ints(dirs), (std::vector<int>{7, 6, 6,   6, 5,  //
                                             4, 8, 8,   8, 3,  //
                                             4, 8, 255, 8, 3,  //
                                             4, 8, 8,   8, 3,  //
                                             2, 1, 1,   1, 0}));
  EXPECT_EQ(st.outlets, 8u);
  auto acc = d8_accumulation(filled.grid, dirs);
  EXPECT_EQ(as_ints(acc), (std::vector<int>{1, 1, 1, 1, 1,  //
                                            1, 4, 2, 4, 1,  //
                                            1, 2, 0, 2, 1,  //
                                            1, 4, 2, 4, 1,  //
                                            1, 1, 1, 1, 1}));
}

// The pit of depression.asc: cells 2 and 3 m deep below a spill height of 4 m, so 2 + 1 = 3 m of
// water over 100 m2 cells: 300 m3. Its own catchment is every cell draining into it: the 23 cells
// upstream of the pit's right cell (accumulation 23). It fills with 300 / 2,300 m = 130.4 mm.
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
  EXPECT_EQ(s.catchment_cells, 23u);
  EXPECT_NEAR(s.fill_rain_mm, 300.0 / 2300.0 * 1000.0, 1e-9);
  EXPECT_EQ(s.outlet_cell, 3 * 6 + 4);  // the 4 beside the pit: the last cell at 4 m
  EXPECT_EQ(s.downstream, 0u);          // its overflow leaves over the edge
  EXPECT_EQ(b.label[2 * 6 + 2], 1u);
  EXPECT_EQ(b.label[2 * 6 + 4], 0u);
  EXPECT_EQ(b.reaches[0], 1u);          // the corner's water ends in the pit
  EXPECT_EQ(b.reaches[4 * 6 + 5], 0u);  // the bottom-right corner's runs off

  // Deeper or larger than the thresholds, or dropped.
  Bluespots none = find_bluespots(dem, filled, dirs, {2.5, 1.0});
  EXPECT_TRUE(none.spots.empty());
  EXPECT_EQ(none.dropped_shallow, 1u);
  EXPECT_FLOAT_EQ(none.depth.at(2, 2), 0.0f);
}

// 70 mm on all 30 cells: 0.07 m x 100 m2 = 7 m3 a cell. The pit's 23 cells bring 161 m3 (it holds
// 300: not full); the other 7 cells' 49 m3 run off. The pool: 161 m3 over 100 m2 cells above the
// cells at 2 and 3 m gives a level h with (h - 2) + (h - 3) = 1.61, h = 3.305 m: 1.305 and 0.305 m
// of water. 150 mm brings 345 m3: full (2 and 1 m deep), 45 m3 spills off the grid.
TEST(Storm, FillsThePitAsOnePoolAndSpillsTheRest) {
  Raster dem = read_asc("depression.asc", 6, 5, 10);
  Raster filled = dem;
  fill_depressions(filled);
  auto dirs = d8_directions(filled);
  Bluespots b = find_bluespots(dem, filled, dirs, {});
  StormResult r = design_storm(dem, b, dirs, std::vector<float>(30, 0.070f));
  EXPECT_NEAR(r.rain_m3, 210.0, 1e-3);
  EXPECT_NEAR(r.inflow_m3[0], 161.0, 1e-3);
  EXPECT_NEAR(r.stored_total_m3, 161.0, 1e-3);
  EXPECT_NEAR(r.runoff_m3, 49.0, 1e-3);
  EXPECT_EQ(r.full_spots, 0u);
  EXPECT_NEAR(r.water_depth.at(2, 2), 1.305, 1e-4);
  EXPECT_NEAR(r.water_depth.at(2, 3), 0.305, 1e-4);
  EXPECT_EQ(r.water_depth.at(1, 1), 0.0f);
  EXPECT_EQ(r.wet_cells, 2u);

  StormResult heavy = design_storm(dem, b, dirs, std::vector<float>(30, 0.150f));
  EXPECT_EQ(heavy.full_spots, 1u);
  EXPECT_NEAR(heavy.stored_total_m3, 300.0, 1e-3);
  EXPECT_NEAR(heavy.runoff_m3, 450.0 - 300.0, 1e-3);
  EXPECT_NEAR(heavy.water_depth.at(2, 2), 2.0, 1e-5);
  EXPECT_NEAR(heavy.water_depth.at(2, 3), 1.0, 1e-5);
}

// Two pits in a row, 10 m cells, walled in by 9s above and below; the middle row is
//   9 3 5 2 4 1 0
// The upper pit (3, spill 5 over the 5) fills to 5: 2 m, 200 m3; its water runs east into the
// lower pit (2, spill 4 over the 4): 2 m, 200 m3, which spills down to the edge cell 0. Own
// catchments (worked out from the D8 directions): 6 cells each; 9 cells drain past both.
// 400 mm = 40 m3 a cell: the upper pit gets 240, holds 200 and passes 40; the lower gets 240 + 40,
// holds 200 and passes 80, which leaves with the 9 x 40 = 360 of the other cells.
TEST(Storm, OverflowRunsIntoTheBluespotDownstream) {
  Grid g = casco::test::asc_grid(7, 3, 10);
  Raster dem(g, 9.0f);
  const float mid[7] = {9, 3, 5, 2, 4, 1, 0};
  for (int c = 0; c < 7; ++c) dem.at(1, c) = mid[c];
  Raster filled = dem;
  fill_depressions(filled);
  EXPECT_FLOAT_EQ(filled.at(1, 1), 5.0f);
  EXPECT_FLOAT_EQ(filled.at(1, 3), 4.0f);
  auto dirs = d8_directions(filled);
  Bluespots b = find_bluespots(dem, filled, dirs, {});
  ASSERT_EQ(b.spots.size(), 2u);
  const Bluespot& up = b.spots[0];  // found first in scan order
  const Bluespot& low = b.spots[1];
  EXPECT_DOUBLE_EQ(up.volume_m3, 200.0);
  EXPECT_DOUBLE_EQ(low.volume_m3, 200.0);
  EXPECT_EQ(up.catchment_cells, 6u);
  EXPECT_EQ(low.catchment_cells, 6u);
  EXPECT_EQ(up.outlet_cell, 1 * 7 + 2);
  EXPECT_EQ(up.downstream, low.id);
  EXPECT_EQ(low.downstream, 0u);
  StormResult r = design_storm(dem, b, dirs, std::vector<float>(21, 0.400f));
  EXPECT_NEAR(r.inflow_m3[0], 240.0, 1e-3);
  EXPECT_NEAR(r.inflow_m3[1], 280.0, 1e-3);
  EXPECT_NEAR(r.stored_total_m3, 400.0, 1e-3);
  EXPECT_NEAR(r.runoff_m3, 440.0, 1e-3);
  EXPECT_EQ(r.full_spots, 2u);
  // 100 mm: 60 m3 into each, neither full: a pool 0.6 m deep in each one-cell pit.
  StormResult light = design_storm(dem, b, dirs, std::vector<float>(21, 0.100f));
  EXPECT_EQ(light.full_spots, 0u);
  EXPECT_NEAR(light.water_depth.at(1, 1), 0.6, 1e-4);
  EXPECT_NEAR(light.water_depth.at(1, 3), 0.6, 1e-4);
}

// HAND on flat.asc with the network = cells draining at least 19 cells (1,900 m2): the plateau
// cell (1,1) reaches the network at (1,4), 2 m high like itself: 0 m, 30 m along the flow path.
// The corner (0,0) at 3 m: 1 m above it, 14.14 + 30 m away. (3,4) at 3 m drains into the outlet
// (2,5) at 1 m: 2 m.
TEST(Hand, HeightAndDistanceToTheDrainageAlongTheFlowPath) {
  Raster filled = read_asc("flat.asc", 6, 4, 10);
  fill_depressions(filled);
  auto dirs = d8_directions(filled);
  auto acc = d8_accumulation(filled.grid, dirs);
  Hand h = height_above_drainage(filled, dirs, acc, 1900);
  EXPECT_FLOAT_EQ(h.height.at(1, 1), 0.0f);
  EXPECT_NEAR(h.distance.at(1, 1), 30.0, 1e-4);
  EXPECT_FLOAT_EQ(h.height.at(0, 0), 1.0f);
  EXPECT_NEAR(h.distance.at(0, 0), 30.0 + 10 * std::numbers::sqrt2, 1e-3);
  EXPECT_FLOAT_EQ(h.height.at(3, 4), 2.0f);
  EXPECT_FLOAT_EQ(h.height.at(2, 5), 0.0f);
  EXPECT_NEAR(h.catchment.at(1, 1), 19 * 100 / 1e6, 1e-9);
  Raster net = drainage_network(filled.grid, acc, 1900);
  EXPECT_EQ(net.at(1, 4), 1.0f);
  EXPECT_EQ(net.at(1, 3), 0.0f);
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
