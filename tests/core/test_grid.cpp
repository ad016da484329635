#include <gtest/gtest.h>

#include <cmath>

#include "core/error.hpp"
#include "core/grid.hpp"
#include "model/build.hpp"

using namespace casco;

TEST(Grid, CellCentresAndPixelCoordinates) {
  Grid g;
  g.x0 = 1000;
  g.y0 = 2000;
  g.cell = 25;
  g.cols = 4;
  g.rows = 3;
  EXPECT_DOUBLE_EQ(g.cx(0), 1012.5);
  EXPECT_DOUBLE_EQ(g.cy(2), 2000 - 62.5);
  EXPECT_DOUBLE_EQ(g.px(1050), 2.0);
  EXPECT_DOUBLE_EQ(g.py(1975), 1.0);
  EXPECT_DOUBLE_EQ(g.x1(), 1100);
  EXPECT_DOUBLE_EQ(g.y1(), 1925);
  EXPECT_DOUBLE_EQ(g.cell_area_ha(), 0.0625);
}

TEST(Grid, MakeGridAlignsToCellMultiples) {
  Grid g = make_grid(204348.0, 514322.0, 269919.0, 580246.0, 25, 0);
  EXPECT_DOUBLE_EQ(g.x0, 204325.0);
  EXPECT_DOUBLE_EQ(g.y0, 580250.0);
  EXPECT_EQ(g.cols, 2624);  // (269925 - 204325) / 25
  EXPECT_EQ(g.rows, 2638);  // (580250 - 514300) / 25
  Grid m = make_grid(0, 0, 100, 100, 30, 10);
  EXPECT_DOUBLE_EQ(m.x0, -30);
  EXPECT_DOUBLE_EQ(m.y0, 120);
  EXPECT_GE(m.x1(), 110);
  EXPECT_LE(m.y1(), -10);
}

TEST(Grid, RejectsNonPositiveAndHugeCellCounts) {
  EXPECT_THROW(make_grid(0, 0, 100, 100, 0, 0), Error);
  EXPECT_THROW(make_grid(0, 0, 100, 100, -5, 0), Error);
  try {
    make_grid(0, 0, 300000, 300000, 0.001, 0);
    FAIL() << "expected an error for a grid of 9e16 cells";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("too large"), std::string::npos) << e.what();
  }
}

TEST(Grid, StatsIgnoreNoData) {
  Grid g;
  g.cols = 2;
  g.rows = 2;
  g.cell = 100;
  Raster r(g, 0.0f);
  r.values = {0.0f, 2.0f, kNoData, 4.0f};
  RasterStats s = compute_stats(r);
  EXPECT_EQ(s.cells_data, 3u);
  EXPECT_EQ(s.cells_set, 2u);
  EXPECT_DOUBLE_EQ(s.min, 0.0);
  EXPECT_DOUBLE_EQ(s.max, 4.0);
  EXPECT_DOUBLE_EQ(s.mean, 2.0);
  EXPECT_DOUBLE_EQ(s.area_ha, 2.0);
}
