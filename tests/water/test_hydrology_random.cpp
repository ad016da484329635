// The hydrology against brute-force references on many small random DEMs (with ties, flats and
// no-data holes): the filled surface against an iterative definition of filling, accumulation
// against walking every cell's flow path, and the one-pass fill_and_route against
// fill_depressions + d8_directions.
#include <gtest/gtest.h>

#include <cmath>
#include <random>
#include <vector>

#include "water/hydrology.hpp"
#include "water_test_util.hpp"

using namespace casco;
using namespace casco::water;

namespace {

Raster random_dem(std::mt19937& rng, int rows, int cols, bool integer, double holes) {
  Raster dem(casco::test::asc_grid(cols, rows, 5), 0.0f);
  std::uniform_real_distribution<double> U(0, 1);
  for (auto& v : dem.values) {
    v = integer ? static_cast<float>(std::floor(U(rng) * 6)) : static_cast<float>(U(rng) * 10);
    if (U(rng) < holes) v = kNoData;
  }
  return dem;
}

bool outlet_cell(const Raster& dem, int r, int c) {
  const Grid& g = dem.grid;
  if (r == 0 || c == 0 || r == g.rows - 1 || c == g.cols - 1) return true;
  for (int k = 0; k < 8; ++k)
    if (std::isnan(dem.at(r + kRowStep[k], c + kColStep[k]))) return true;
  return false;
}

// Filling by its definition (Planchon & Darboux 2001): start with water everywhere above the
// outlets and lower every cell to max(own height, lowest neighbour's level) until nothing moves.
Raster reference_fill(const Raster& dem) {
  const Grid& g = dem.grid;
  Raster w = dem;
  for (int r = 0; r < g.rows; ++r)
    for (int c = 0; c < g.cols; ++c)
      if (!std::isnan(dem.at(r, c)) && !outlet_cell(dem, r, c)) w.at(r, c) = 1e9f;
  for (bool changed = true; changed;) {
    changed = false;
    for (int r = 1; r + 1 < g.rows; ++r)
      for (int c = 1; c + 1 < g.cols; ++c) {
        if (std::isnan(dem.at(r, c)) || outlet_cell(dem, r, c)) continue;
        float low = 1e9f;
        for (int k = 0; k < 8; ++k) {
          const float v = w.at(r + kRowStep[k], c + kColStep[k]);
          if (!std::isnan(v)) low = std::min(low, v);
        }
        const float level = std::max(dem.at(r, c), low);
        if (level < w.at(r, c)) {
          w.at(r, c) = level;
          changed = true;
        }
      }
  }
  return w;
}

// Steps along the directions until a cell that does not drain over a flat (a cell with a lower
// neighbour, or an outlet): the breadth-first distance of a flat cell to its exit.
int steps_to_exit(const Raster& filled, const std::vector<std::uint8_t>& dirs, std::size_t i) {
  int steps = 0;
  for (;;) {
    const std::int64_t r = d8_receiver(filled.grid, i, dirs[i]);
    if (r < 0 || filled.values[static_cast<std::size_t>(r)] < filled.values[i]) return steps;
    i = static_cast<std::size_t>(r);
    if (++steps > 100000) return -1;  // a cycle
  }
}

}  // namespace

TEST(HydrologyRandom, FillEqualsItsDefinitionAndEveryCellDrainsOut) {
  std::mt19937 rng(7);
  for (int t = 0; t < 150; ++t) {
    Raster dem = random_dem(rng, 6 + t % 17, 5 + t % 23, t % 2 == 0, t % 3 == 0 ? 0.05 : 0.0);
    Raster filled = dem;
    fill_depressions(filled);
    Raster want = reference_fill(dem);
    for (std::size_t i = 0; i < dem.values.size(); ++i) {
      if (std::isnan(dem.values[i])) {
        ASSERT_TRUE(std::isnan(filled.values[i]));
        continue;
      }
      ASSERT_EQ(filled.values[i], want.values[i]) << "instance " << t << " cell " << i;
    }
    FlowStats st;
    auto dirs = d8_directions(filled, &st);
    EXPECT_EQ(st.pits, 0u) << "a filled surface has no pits";
    // Every cell reaches an outlet (no cycles): the outlets receive every cell once.
    auto acc = d8_accumulation(filled.grid, dirs);
    std::size_t data = 0, out = 0;
    for (std::size_t i = 0; i < acc.size(); ++i) {
      if (dirs[i] == kNoFlow) continue;
      ++data;
      if (dirs[i] == kOffGrid) out += acc[i];
    }
    EXPECT_EQ(out, data) << "instance " << t;
  }
}

TEST(HydrologyRandom, AccumulationEqualsWalkingEveryFlowPath) {
  std::mt19937 rng(11);
  for (int t = 0; t < 100; ++t) {
    Raster dem = random_dem(rng, 9 + t % 13, 7 + t % 11, t % 2 == 1, t % 4 == 0 ? 0.08 : 0.0);
    fill_depressions(dem);
    auto dirs = d8_directions(dem);
    std::vector<std::uint32_t> want(dirs.size(), 0);
    for (std::size_t i = 0; i < dirs.size(); ++i) {
      if (dirs[i] == kNoFlow) continue;
      for (std::int64_t c = static_cast<std::int64_t>(i); c >= 0;
           c = d8_receiver(dem.grid, c, dirs[c]))
        ++want[static_cast<std::size_t>(c)];
    }
    auto before = dirs;
    EXPECT_EQ(d8_accumulation(dem.grid, dirs), want) << "instance " << t;
    EXPECT_EQ(dirs, before) << "the direction bytes come back unchanged";
    std::vector<float> ones(dirs.size(), 1.0f);
    auto weighted = d8_accumulate(dem.grid, dirs, ones);
    for (std::size_t i = 0; i < dirs.size(); ++i) ASSERT_EQ(weighted[i], want[i]);
  }
}

// fill_and_route floods the flats while filling: the same surface, the same steepest-descent
// directions, and over flats a direction along a shortest path to an exit (where two exits are
// equally near the choice may differ, the distance may not).
TEST(HydrologyRandom, OnePassRoutingEqualsFillThenDirections) {
  std::mt19937 rng(3);
  for (int t = 0; t < 150; ++t) {
    Raster dem = random_dem(rng, 8 + t % 19, 6 + t % 21, t % 3 != 0, t % 5 == 0 ? 0.06 : 0.0);
    Raster a = dem, b = dem;
    fill_depressions(a);
    FlowStats st;
    auto da = d8_directions(a, &st);
    Routed rb = fill_and_route(b);
    ASSERT_EQ(casco::test::as_ints(std::vector<float>(a.values.begin(), a.values.end())),
              casco::test::as_ints(std::vector<float>(b.values.begin(), b.values.end())));
    EXPECT_EQ(rb.flow.outlets, st.outlets);
    for (std::size_t i = 0; i < da.size(); ++i) {
      if (da[i] == kNoFlow) continue;
      const std::int64_t ra = d8_receiver(a.grid, i, da[i]);
      const bool over_flat = ra >= 0 && a.values[static_cast<std::size_t>(ra)] == a.values[i];
      if (!over_flat)
        ASSERT_EQ(rb.dirs[i], da[i]) << "instance " << t << " cell " << i;
      else
        ASSERT_EQ(steps_to_exit(b, rb.dirs, i), steps_to_exit(a, da, i)) << "instance " << t;
    }
  }
}
