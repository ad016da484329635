// Reading an elevation model: small no-data holes filled (fill_holes_m), and the hydrology on the
// DEM's own cells aggregated back to the model grid (grid = "dem"), on hand-made DEMs whose
// answers are worked out in the comments.
#include <fmt/format.h>
#include <gtest/gtest.h>

#include <cmath>

#include "test_util.hpp"
#include "water/water.hpp"
#include "water_test_util.hpp"

using namespace casco;
using namespace casco::water;

namespace {

// An ESRI ASCII grid at (230000, 550000), as the files in tests/water/data; -9999 is no data.
std::filesystem::path write_asc(const test::TempDir& dir, const std::string& name, int cols,
                                int rows, double cell, const std::vector<float>& v) {
  std::string text = fmt::format(
      "ncols {}\nnrows {}\nxllcorner 230000\nyllcorner 550000\ncellsize {}\nNODATA_value -9999\n",
      cols, rows, cell);
  for (int r = 0; r < rows; ++r) {
    for (int c = 0; c < cols; ++c)
      text += fmt::format("{}{:g}", c ? " " : "", v[static_cast<std::size_t>(r * cols + c)]);
    text += "\n";
  }
  test::write_file(dir / name, text);
  return dir / name;
}

Dem read(const std::filesystem::path& file, const Grid& model, double fill_holes_m,
         const std::string& grid = "dem") {
  DemOptions o;
  o.grid = grid;
  o.crs = "EPSG:28992";
  o.fill_holes_m = fill_holes_m;
  return read_dem(file, model, o);
}

std::size_t nodata(const Raster& r) {
  std::size_t n = 0;
  for (float v : r.values) n += std::isnan(v);
  return n;
}

const WaterLayer& layer(const std::vector<WaterLayer>& all, const std::string& id) {
  for (const auto& L : all)
    if (L.record.id == id) return L;
  throw std::runtime_error("no layer " + id);
}

}  // namespace

// hole.asc: a 10 m no-data cell in the middle of a ring of 4s inside an edge of 5s. Without
// filling it is an outlet and nothing is raised (D8.NoDataHolesAreOutlets). With fill_holes_m = 10
// (one cell) it lies within reach of data: every direction meets a 4 first, so it becomes 4. Then
// the 3 x 3 of 4s is a hollow inside the 5s: it fills to its spill height 5, all 9 cells raised.
TEST(DemHoles, ASmallHoleIsFilledFromTheHeightsAroundItAndNoLongerAnOutlet) {
  const Grid g = test::asc_grid(5, 5, 10);
  const auto file = test::water_data("hole.asc");
  Dem open = read(file, g, 0);
  EXPECT_EQ(open.holes_filled, 0u);
  EXPECT_TRUE(std::isnan(open.raster.at(2, 2)));

  Dem filled = read(file, g, 10);
  EXPECT_EQ(filled.holes_filled, 1u);
  EXPECT_FLOAT_EQ(filled.raster.at(2, 2), 4.0f);
  EXPECT_EQ(nodata(filled.raster), 0u);
  Raster surface = filled.raster;
  FillStats st = fill_depressions(surface);
  EXPECT_EQ(st.raised, 9u);
  for (int r = 1; r < 4; ++r)
    for (int c = 1; c < 4; ++c) EXPECT_FLOAT_EQ(surface.at(r, c), 5.0f) << r << "," << c;
  // The same on the model grid (grid = "model", here the same cells).
  EXPECT_EQ(read(file, g, 10, "model").holes_filled, 1u);
}

// A 9 x 9 DEM of 5 m heights with a 5 x 5 no-data hole in the middle (rows and columns 2-6).
// fill_holes_m is a distance from data: with 10 m (one cell) the 16 cells of the hole's rim, each
// next to a height, are filled (to 5); the 3 x 3 core, 20 m or more from any height, stays no data
// (an outlet). With 20 m only the centre, 30 m from the nearest height, stays; with 30 m all 25.
TEST(DemHoles, OnlyCellsWithinFillHolesMOfAHeightAreFilled) {
  test::TempDir dir;
  std::vector<float> v(81, 5.0f);
  for (int r = 2; r <= 6; ++r)
    for (int c = 2; c <= 6; ++c) v[static_cast<std::size_t>(r * 9 + c)] = -9999;
  const auto file = write_asc(dir, "big_hole.asc", 9, 9, 10, v);
  const Grid g = test::asc_grid(9, 9, 10);
  Dem one = read(file, g, 10);
  EXPECT_EQ(one.holes_filled, 16u);
  EXPECT_EQ(nodata(one.raster), 9u);
  for (int r = 3; r <= 5; ++r)
    for (int c = 3; c <= 5; ++c) EXPECT_TRUE(std::isnan(one.raster.at(r, c))) << r << "," << c;
  EXPECT_FLOAT_EQ(one.raster.at(2, 2), 5.0f);
  EXPECT_FLOAT_EQ(one.raster.at(6, 4), 5.0f);
  Dem two = read(file, g, 20);
  EXPECT_EQ(two.holes_filled, 24u);
  EXPECT_TRUE(std::isnan(two.raster.at(4, 4)));
  Dem three = read(file, g, 30);
  EXPECT_EQ(three.holes_filled, 25u);
  EXPECT_EQ(nodata(three.raster), 0u);
}

// No data that reaches the DEM's edge is outside the DEM (a river, the border), not a hole: it is
// never filled, however large fill_holes_m is.
TEST(DemHoles, NoDataTouchingTheEdgeIsNeverFilled) {
  test::TempDir dir;
  std::vector<float> v(25, 5.0f);
  v[2] = v[7] = v[12] = -9999;  // column 2 from the top edge down to the middle
  const auto file = write_asc(dir, "inlet.asc", 5, 5, 10, v);
  Dem d = read(file, test::asc_grid(5, 5, 10), 100);
  EXPECT_EQ(d.holes_filled, 0u);
  EXPECT_EQ(nodata(d.raster), 3u);
}

// grid = "dem": the hydrology on the DEM's own 10 m cells, the layers aggregated to the 20 m model
// grid (3 x 3). The DEM (6 x 6, 10 m):
//   9 9 9 9 9 9
//   9 8 8 8 8 9
//   9 8 4 8 8 9      a 10 m pit of 4 in a plateau of 8, inside a rim of 9
//   9 8 8 8 8 9      with one gap: the 1 on the bottom edge
//   9 8 8 8 8 9
//   9 9 9 9 1 9
// On its own cells the pit fills to the plateau (8): a bluespot 4 m deep. The 16 plateau cells all
// drain to the gap (edge cells drain off the grid), so 17 cells = 0.17 ha pass through it.
// Aggregated to 20 m: the deepest fine cell (max) in model cell (1, 1) is 4 m; the largest
// upstream area in model cell (2, 2) is 0.17 ha.
// grid = "model" averages first: 20 m cells of 8.75 8.5 8.75 / 8.5 7 8.5 / 8.75 8.5 6.75. The
// pit is averaged into a 7 next to the 6.75: it drains, no bluespot at all; the lowest cell takes
// only the centre and itself, 2 x 400 m2 = 0.08 ha.
TEST(DemGrid, HydrologyOnTheDemsOwnCellsIsAggregatedToTheModelGrid) {
  test::TempDir dir;
  const std::vector<float> v = {9, 9, 9, 9, 9, 9, 9, 8, 8, 8, 8, 9, 9, 8, 4, 8, 8, 9,
                                9, 8, 8, 8, 8, 9, 9, 8, 8, 8, 8, 9, 9, 9, 9, 9, 1, 9};
  const auto file = write_asc(dir, "pit.asc", 6, 6, 10, v);
  const Grid model = test::asc_grid(3, 3, 20);
  WaterConfig c;
  c.dem.crs = "EPSG:28992";

  c.dem.grid = "dem";
  const HydrologyRun fine = run_hydrology(c, model, nullptr, file);
  EXPECT_EQ(fine.dem.raster.grid.cols, 6);  // the DEM's own cells
  EXPECT_DOUBLE_EQ(fine.dem.raster.grid.cell, 10);
  const auto own = hydrology_layers(c, fine, model, "pit.asc");
  const Raster& depth = layer(own, "bluespot_diepte").raster;
  ASSERT_TRUE(depth.grid.same_raster(model));
  EXPECT_FLOAT_EQ(depth.at(1, 1), 4.0f);
  for (int r = 0; r < 3; ++r)
    for (int col = 0; col < 3; ++col)
      if (r != 1 || col != 1) {
        EXPECT_FALSE(depth.at(r, col) > 0) << r << "," << col;
      }
  const Raster& up = layer(own, "bovenstrooms_oppervlak").raster;
  ASSERT_TRUE(up.grid.same_raster(model));
  EXPECT_NEAR(up.at(2, 2), 0.17, 1e-6);

  c.dem.grid = "model";
  const HydrologyRun coarse = run_hydrology(c, model, nullptr, file);
  EXPECT_FLOAT_EQ(coarse.dem.raster.at(1, 1), 7.0f);
  EXPECT_FLOAT_EQ(coarse.dem.raster.at(2, 2), 6.75f);
  const auto warped = hydrology_layers(c, coarse, model, "pit.asc");
  for (float d : layer(warped, "bluespot_diepte").raster.values) EXPECT_FALSE(d > 0);
  EXPECT_NEAR(layer(warped, "bovenstrooms_oppervlak").raster.at(2, 2), 0.08, 1e-6);
}
