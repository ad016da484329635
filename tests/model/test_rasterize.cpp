// Hand-made shapes whose answers can be computed by hand, plus a randomised comparison of the
// exact coverage against GEOS cell-by-cell intersections.
#include <gtest/gtest.h>
#include <ogr_api.h>
#include <ogr_geometry.h>

#include <cmath>
#include <random>

#include "model/rasterize.hpp"

using namespace casco;

namespace {

Grid grid(int cols, int rows, double cell = 25, double x0 = 0, double y0 = 100) {
  Grid g;
  g.x0 = x0;
  g.y0 = y0;
  g.cell = cell;
  g.cols = cols;
  g.rows = rows;
  return g;
}

Shape from_wkt(const char* wkt, const Grid& g) {
  OGRGeometry* geom = nullptr;
  EXPECT_EQ(OGRGeometryFactory::createFromWkt(wkt, nullptr, &geom), OGRERR_NONE) << wkt;
  std::unique_ptr<OGRGeometry> owned(geom);
  return to_pixel_shape(*owned, g);
}

}  // namespace

// A 50 m square offset by (10, 20) on a 25 m grid. Column overlaps 0.6, 1, 0.4; row overlaps
// (from the top) 0.2, 1, 0.8 — each cell's share is the product.
TEST(Coverage, OffsetSquareGivesExactFractions) {
  Grid g = grid(4, 4);
  Shape s = from_wkt("POLYGON ((10 30, 60 30, 60 80, 10 80, 10 30))", g);
  Raster r = coverage(g, {s});
  const double col[4] = {0.6, 1.0, 0.4, 0.0};
  const double row[4] = {0.2, 1.0, 0.8, 0.0};
  double sum = 0;
  for (int y = 0; y < 4; ++y)
    for (int x = 0; x < 4; ++x) {
      EXPECT_NEAR(r.at(y, x), row[y] * col[x], 1e-6) << "row " << y << " col " << x;
      sum += r.at(y, x);
    }
  EXPECT_NEAR(sum * g.cell_area(), 2500.0, 1e-3);
}

TEST(Coverage, TriangleHalvesDiagonalCells) {
  Grid g = grid(2, 2, 25, 0, 50);
  // Lower-left half of the 2x2 block: (0,0), (50,0), (0,50) in world coordinates.
  Shape s = from_wkt("POLYGON ((0 0, 50 0, 0 50, 0 0))", g);
  Raster r = coverage(g, {s});
  EXPECT_NEAR(r.at(0, 0), 0.5, 1e-6);
  EXPECT_NEAR(r.at(0, 1), 0.0, 1e-6);
  EXPECT_NEAR(r.at(1, 0), 1.0, 1e-6);
  EXPECT_NEAR(r.at(1, 1), 0.5, 1e-6);
}

TEST(Coverage, HoleIsSubtractedWhateverTheRingOrientation) {
  Grid g = grid(4, 4, 25, 0, 100);
  // Outer ring clockwise and hole counter-clockwise (the reverse of OGC) on purpose.
  Shape s = from_wkt(
      "POLYGON ((0 0, 0 100, 100 100, 100 0, 0 0), (25 25, 75 25, 75 75, 25 75, 25 25))", g);
  Raster r = coverage(g, {s});
  double sum = 0;
  for (float v : r.values) sum += v;
  EXPECT_NEAR(sum, 12.0, 1e-6);  // (100^2 - 50^2) / 25^2
  EXPECT_NEAR(r.at(1, 1), 0.0, 1e-6);
  EXPECT_NEAR(r.at(0, 0), 1.0, 1e-6);
}

TEST(Coverage, PolygonReachingBeyondTheGridIsCutAtItsEdges) {
  Grid g = grid(2, 2, 25, 0, 50);
  // 200 m wide, 30 m tall band through the grid, sticking out on both sides.
  Shape s = from_wkt("POLYGON ((-100 10, 100 10, 100 40, -100 40, -100 10))", g);
  Raster r = coverage(g, {s});
  // Rows (from the top, y 50..25 and 25..0): overlap with 10..40 is 15 m and 15 m.
  EXPECT_NEAR(r.at(0, 0), 0.6, 1e-6);  // float32 cells
  EXPECT_NEAR(r.at(0, 1), 0.6, 1e-6);
  EXPECT_NEAR(r.at(1, 0), 0.6, 1e-6);
  EXPECT_NEAR(r.at(1, 1), 0.6, 1e-6);
  // A sloped edge that starts left of the grid.
  Shape t = from_wkt("POLYGON ((-50 0, 50 50, -50 50, -50 0))", g);
  Raster rt = coverage(g, {t});
  for (int y = 0; y < 2; ++y)
    for (int x = 0; x < 2; ++x) {
      OGRGeometry* tri = nullptr;
      OGRGeometryFactory::createFromWkt("POLYGON ((-50 0, 50 50, -50 50, -50 0))", nullptr, &tri);
      std::string box = "POLYGON ((" + std::to_string(x * 25) + " " +
                        std::to_string(50 - (y + 1) * 25) + ", " + std::to_string((x + 1) * 25) +
                        " " + std::to_string(50 - (y + 1) * 25) + ", " +
                        std::to_string((x + 1) * 25) + " " + std::to_string(50 - y * 25) + ", " +
                        std::to_string(x * 25) + " " + std::to_string(50 - y * 25) + ", " +
                        std::to_string(x * 25) + " " + std::to_string(50 - (y + 1) * 25) + "))";
      OGRGeometry* b = nullptr;
      OGRGeometryFactory::createFromWkt(box.c_str(), nullptr, &b);
      std::unique_ptr<OGRGeometry> inter(tri->Intersection(b));
      double expected = inter ? OGR_G_Area(OGRGeometry::ToHandle(inter.get())) / 625.0 : 0.0;
      EXPECT_NEAR(rt.at(y, x), expected, 1e-6) << y << "," << x;
      delete tri;
      delete b;
    }
}

// Shapes reaching a trillion metres away (a typo in a plan, a broken source) cover exactly what
// lies on the grid: the same band as above, and a line and points far beyond the grid.
TEST(Coverage, ShapesFromFarAwayCoverOnlyTheirPartOnTheGrid) {
  Grid g = grid(2, 2, 25, 0, 50);
  Shape band = from_wkt("POLYGON ((-1e12 10, 1e12 10, 1e12 40, -1e12 40, -1e12 10))", g);
  Raster r = coverage(g, {band});
  for (float v : r.values) EXPECT_NEAR(v, 0.6, 1e-6);
  // A sliver from far south-west to far north-east passes through the grid's diagonal.
  Shape tall = from_wkt("POLYGON ((-1e12 -1e12, 1e12 1e12, 1e12 1e12, -1e12 -1e12))", g);
  Raster empty = coverage(g, {tall});
  for (float v : empty.values) EXPECT_EQ(v, 0.0f);
  Shape wide = from_wkt("POLYGON ((0 -1e12, 50 -1e12, 50 1e12, 0 1e12, 0 -1e12))", g);
  Raster full = presence(g, {wide});
  for (float v : full.values) EXPECT_EQ(v, 1.0f);
  // A line from 1e12 m west to the middle of the grid marks the two cells it crosses in row 0.
  Shape line = from_wkt("LINESTRING (-1e12 37, 30 37)", g);
  Raster rl = presence(g, {line});
  EXPECT_EQ(rl.at(0, 0), 1.0f);
  EXPECT_EQ(rl.at(0, 1), 1.0f);
  EXPECT_EQ(rl.at(1, 0) + rl.at(1, 1), 0.0f);
  // Points far away, or not a number, land nowhere.
  auto labels =
      label_cells(g, {from_wkt("POINT (1e300 -1e300)", g), from_wkt("POINT (-1e12 10)", g)});
  for (int32_t l : labels) EXPECT_EQ(l, -1);
}

// Random star-shaped polygons: coverage must equal the GEOS intersection area of every cell.
TEST(Coverage, MatchesGeosCellIntersectionsOnRandomPolygons) {
  std::mt19937 rng(42);
  std::uniform_real_distribution<double> radius(20, 120);
  Grid g = grid(12, 12, 25, 0, 300);
  for (int trial = 0; trial < 5; ++trial) {
    OGRLinearRing ring;
    const int n = 17;
    for (int i = 0; i < n; ++i) {
      double a = 2 * M_PI * i / n;
      double r = radius(rng);
      ring.addPoint(150 + r * std::cos(a) + 0.123 * trial, 150 + r * std::sin(a) - 0.377 * trial);
    }
    ring.closeRings();
    OGRPolygon poly;
    poly.addRing(&ring);
    Raster r = coverage(g, {to_pixel_shape(poly, g)});
    double total = 0;
    for (int y = 0; y < g.rows; ++y)
      for (int x = 0; x < g.cols; ++x) {
        OGRLinearRing box;
        double bx0 = g.x0 + x * g.cell, by1 = g.y0 - y * g.cell;
        box.addPoint(bx0, by1 - g.cell);
        box.addPoint(bx0 + g.cell, by1 - g.cell);
        box.addPoint(bx0 + g.cell, by1);
        box.addPoint(bx0, by1);
        box.closeRings();
        OGRPolygon cell;
        cell.addRing(&box);
        std::unique_ptr<OGRGeometry> inter(poly.Intersection(&cell));
        double area = 0;
        if (inter && !inter->IsEmpty()) area = OGR_G_Area(OGRGeometry::ToHandle(inter.get()));
        ASSERT_NEAR(r.at(y, x), area / g.cell_area(), 1e-5)
            << "trial " << trial << " cell " << y << "," << x;
        total += r.at(y, x);
      }
    EXPECT_NEAR(total * g.cell_area(), poly.get_Area(), 1e-2);
  }
}

TEST(Presence, CellCentreRule) {
  Grid g = grid(4, 4);
  Shape s = from_wkt("POLYGON ((10 30, 60 30, 60 80, 10 80, 10 30))", g);
  Raster r = presence(g, {s});
  // Centres inside x in [10, 60) → columns 0, 1; y in (30, 80] → rows 1, 2.
  for (int y = 0; y < 4; ++y)
    for (int x = 0; x < 4; ++x) {
      bool inside = (x == 0 || x == 1) && (y == 1 || y == 2);
      EXPECT_EQ(r.at(y, x), inside ? 1.0f : 0.0f) << y << "," << x;
    }
}

TEST(Presence, TinyPolygonStillClaimsItsCell) {
  Grid g = grid(4, 4);
  Shape s =
      from_wkt("POLYGON ((30 30, 32 30, 32 32, 30 32, 30 30))", g);  // 2 m square, no centre inside
  Raster r = presence(g, {s});
  EXPECT_EQ(r.at(2, 1), 1.0f);  // x 30 → col 1; y 31 → row (100-31)/25 = 2
  double sum = 0;
  for (float v : r.values) sum += v;
  EXPECT_EQ(sum, 1.0);
}

TEST(Presence, LinesMarkEveryCellTheyCross) {
  Grid g = grid(4, 4);
  Shape s = from_wkt("LINESTRING (1 99, 99 1)", g);  // the diagonal
  Raster r = presence(g, {s});
  for (int i = 0; i < 4; ++i) EXPECT_EQ(r.at(i, i), 1.0f);
  EXPECT_EQ(r.at(0, 3), 0.0f);
  EXPECT_EQ(r.at(3, 0), 0.0f);
  Shape h = from_wkt("LINESTRING (5 60, 95 60)", g);  // horizontal, row 1
  Raster rh = presence(g, {h});
  for (int x = 0; x < 4; ++x) EXPECT_EQ(rh.at(1, x), 1.0f);
  EXPECT_EQ(rh.at(0, 0) + rh.at(2, 0) + rh.at(3, 0), 0.0f);
}

TEST(Labels, LaterFeaturesWinAndPointsLandInTheirCell) {
  Grid g = grid(4, 4);
  std::vector<Shape> shapes = {from_wkt("POLYGON ((0 0, 100 0, 100 100, 0 100, 0 0))", g),
                               from_wkt("POLYGON ((0 50, 50 50, 50 100, 0 100, 0 50))", g),
                               from_wkt("POINT (90 10)", g)};
  auto labels = label_cells(g, shapes);
  EXPECT_EQ(labels[0], 1);          // top-left quadrant: second polygon
  EXPECT_EQ(labels[2 * 4 + 2], 0);  // elsewhere: the first
  EXPECT_EQ(labels[3 * 4 + 3], 2);  // the point's cell
}

TEST(Distance, MatchesHandComputedEuclideanDistances) {
  Grid g = grid(5, 5, 25, 0, 125);
  std::vector<uint8_t> mask(25, 0);
  mask[2 * 5 + 2] = 1;  // the centre cell
  Raster d = distance(g, mask);
  EXPECT_FLOAT_EQ(d.at(2, 2), 0.0f);
  EXPECT_FLOAT_EQ(d.at(2, 4), 50.0f);
  EXPECT_FLOAT_EQ(d.at(0, 0), static_cast<float>(std::sqrt(8.0) * 25));
  EXPECT_FLOAT_EQ(d.at(0, 3), static_cast<float>(std::sqrt(5.0) * 25));
  // Two sources: every cell takes the nearer one.
  mask[0] = 1;
  Raster d2 = distance(g, mask);
  EXPECT_FLOAT_EQ(d2.at(0, 1), 25.0f);
  EXPECT_FLOAT_EQ(d2.at(4, 4), static_cast<float>(std::sqrt(8.0) * 25));
  EXPECT_FLOAT_EQ(d2.at(1, 1), static_cast<float>(std::sqrt(2.0) * 25));
}

TEST(Distance, BruteForceAgreesOnRandomMasks) {
  std::mt19937 rng(7);
  Grid g = grid(37, 23, 10, 0, 230);
  std::vector<uint8_t> mask(g.size(), 0);
  std::vector<std::pair<int, int>> pts;
  for (int i = 0; i < 6; ++i) {
    int x = static_cast<int>(rng() % 37), y = static_cast<int>(rng() % 23);
    mask[static_cast<std::size_t>(y) * 37 + x] = 1;
    pts.push_back({y, x});
  }
  Raster d = distance(g, mask);
  for (int y = 0; y < g.rows; ++y)
    for (int x = 0; x < g.cols; ++x) {
      double best = 1e30;
      for (auto [py, px] : pts) best = std::min(best, std::hypot(py - y, px - x) * 10.0);
      ASSERT_NEAR(d.at(y, x), best, 1e-3) << y << "," << x;
    }
}

TEST(Distance, EmptyMaskGivesNoData) {
  Grid g = grid(3, 3);
  Raster d = distance(g, std::vector<uint8_t>(9, 0));
  for (float v : d.values) EXPECT_TRUE(std::isnan(v));
}
