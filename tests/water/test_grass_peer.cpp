// Peer check against GRASS GIS (Debian grass-core), run live on the same DEMs: r.terraflow -s
// (filling, SFD directions, accumulation), r.fill.dir (Jenson & Domingue filling) and
// r.watershed -s (A* least-cost routing). Skipped with a message when GRASS is not installed.
//
// DEMs: the real elevation model that Debian's r-cran-terra ships (ex/elev.tif, Luxembourg,
// integer metres, no-data outside the border: ties, flats and a long no-data border), the
// hand-made DEMs of tests/water/data, and a smooth random terrain with float heights.
//
// What must hold (and why, docs/water.md "Peer check"):
//  - the filled surface equals r.terraflow's on every cell;
//  - the D8 direction equals r.terraflow's on every cell that has a lower neighbour, and every
//    outlet (edge, next to no-data) drains out of the model in both — except next to a no-data
//    hole inside the DEM, which r.terraflow floods over ("void") and casco drains into; on flats
//    r.terraflow writes direction 0 and routes them internally;
//  - the accumulation equals r.terraflow's on every cell that is not downstream of a flat (or of
//    an outlet by such a hole); r.terraflow's float accumulation is compared rounded;
//  - r.fill.dir's surface still holds depressions: filling it again gives casco's surface.
#include <gdal_priv.h>
#include <gtest/gtest.h>

#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <random>
#include <set>

#include "core/crs.hpp"
#include "model/store.hpp"
#include "test_util.hpp"
#include "water/hydrology.hpp"
#include "water_test_util.hpp"

using namespace casco;
using namespace casco::water;
namespace fs = std::filesystem;

namespace {

const char* kTerraElev = "/usr/lib/R/site-library/terra/ex/elev.tif";

bool grass_installed() {
  return std::system("command -v grass >/dev/null 2>&1") == 0;
}

// A single-band raster file as a casco Raster on its own grid (no-data as NaN).
Raster read_raster(const fs::path& file) {
  ensure_gdal_registered();
  GDALDatasetUniquePtr ds(GDALDataset::Open(file.c_str(), GDAL_OF_RASTER | GDAL_OF_READONLY));
  if (!ds) throw std::runtime_error("cannot open " + file.string());
  double gt[6];
  ds->GetGeoTransform(gt);
  Grid g;
  g.x0 = gt[0];
  g.y0 = gt[3];
  g.cell = gt[1];
  g.cols = ds->GetRasterXSize();
  g.rows = ds->GetRasterYSize();
  std::vector<double> v(g.size());
  GDALRasterBand* b = ds->GetRasterBand(1);
  if (b->RasterIO(GF_Read, 0, 0, g.cols, g.rows, v.data(), g.cols, g.rows, GDT_Float64, 0, 0) !=
      CE_None)
    throw std::runtime_error("cannot read " + file.string());
  int has = 0;
  const double nd = b->GetNoDataValue(&has);
  Raster r(g, kNoData);
  for (std::size_t i = 0; i < v.size(); ++i)
    if (!(has && v[i] == nd) && !std::isnan(v[i])) r.values[i] = static_cast<float>(v[i]);
  return r;
}

struct Grass {
  Raster filled, dir, acc, fill_dir, ws_acc, ws_dir;
};

// Runs the three GRASS modules on `dem` in a temporary XY location (cells as plain squares, as
// casco treats them).
Grass run_grass(const fs::path& dem, const fs::path& dir) {
  const fs::path script = dir / "peer.sh";
  std::ofstream s(script);
  s << "set -e\n"
    << "r.in.gdal -o input='" << dem.string() << "' output=dem --quiet\n"
    << "g.region raster=dem\n"
    << "r.terraflow -s elevation=dem filled=tf_filled direction=tf_dir accumulation=tf_acc "
    << "memory=300 directory='" << dir.string() << "' --quiet\n"
    << "r.fill.dir input=dem output=fd_filled direction=fd_dir --quiet\n"
    << "r.watershed -s -a elevation=dem accumulation=ws_acc drainage=ws_dir --quiet\n"
    << "for m in tf_filled tf_dir tf_acc fd_filled ws_acc ws_dir; do r.out.gdal -c input=$m "
    << "output='" << dir.string() << "'/$m.tif type=Float64 format=GTiff --quiet; done\n";
  s.close();
  const std::string cmd = "grass --tmp-location XY --exec bash '" + script.string() + "' > '" +
                          (dir / "grass.log").string() + "' 2>&1";
  if (std::system(cmd.c_str()) != 0)
    throw std::runtime_error("GRASS failed: " + test::read_file(dir / "grass.log"));
  return {read_raster(dir / "tf_filled.tif"), read_raster(dir / "tf_dir.tif"),
          read_raster(dir / "tf_acc.tif"),    read_raster(dir / "fd_filled.tif"),
          read_raster(dir / "ws_acc.tif"),    read_raster(dir / "ws_dir.tif")};
}

// r.terraflow's SFD codes (1 E, 2 SE, 4 S, 8 SW, 16 W, 32 NW, 64 N, 128 NE) as casco's.
int casco_code_of_terraflow(float v) {
  switch (static_cast<int>(v)) {
    case 32:
      return 0;
    case 64:
      return 1;
    case 128:
      return 2;
    case 16:
      return 3;
    case 1:
      return 4;
    case 8:
      return 5;
    case 4:
      return 6;
    case 2:
      return 7;
    default:
      return -1;  // 0 on flats, or no data
  }
}

struct Comparison {
  std::size_t cells = 0, filled_same = 0;
  std::size_t filled_diff_next_to_void = 0;     // around no-data holes inside the DEM (see below)
  std::size_t inner_sloping = 0, dir_same = 0;  // cells with a lower neighbour, not at a border
  std::size_t flats = 0;                        // cells GRASS routes internally (direction 0)
  std::size_t border = 0, border_same = 0;      // outlets: both drain them out of the model
  std::size_t outlet_diff_next_to_void = 0;     // r.terraflow floods interior holes instead
  std::size_t acc_same = 0, acc_diff = 0, acc_diff_explained = 0, downstream_of_difference = 0;
  std::size_t fill_dir_diff = 0, fill_dir_refilled_diff = 0;
  std::size_t watershed_acc_same = 0;
};

// No-data cells not connected to the grid's edge: holes inside the DEM. r.terraflow calls them
// "void" and does not let water drain into them (it floods over them); casco treats every
// no-data cell as an outlet, as it does no-data around the DEM (docs/water.md).
std::vector<std::uint8_t> next_to_void(const Raster& dem) {
  const Grid& g = dem.grid;
  std::vector<std::uint8_t> outside(g.size(), 0), near(g.size(), 0);
  std::vector<std::size_t> stack;
  for (int r = 0; r < g.rows; ++r)
    for (int c = 0; c < g.cols; ++c)
      if ((r == 0 || c == 0 || r == g.rows - 1 || c == g.cols - 1) && std::isnan(dem.at(r, c)))
        stack.push_back(static_cast<std::size_t>(r) * g.cols + c);
  while (!stack.empty()) {
    const std::size_t p = stack.back();
    stack.pop_back();
    if (outside[p]) continue;
    outside[p] = 1;
    const int r = static_cast<int>(p / g.cols), c = static_cast<int>(p % g.cols);
    for (int k = 0; k < 8; ++k) {
      const int r2 = r + kRowStep[k], c2 = c + kColStep[k];
      if (r2 >= 0 && c2 >= 0 && r2 < g.rows && c2 < g.cols && std::isnan(dem.at(r2, c2)))
        stack.push_back(static_cast<std::size_t>(r2) * g.cols + c2);
    }
  }
  for (int r = 0; r < g.rows; ++r)
    for (int c = 0; c < g.cols; ++c) {
      const std::size_t i = static_cast<std::size_t>(r) * g.cols + c;
      if (!std::isnan(dem.values[i]) || outside[i]) continue;
      for (int dr = -1; dr <= 1; ++dr)
        for (int dc = -1; dc <= 1; ++dc) {
          const int r2 = r + dr, c2 = c + dc;
          if (r2 >= 0 && c2 >= 0 && r2 < g.rows && c2 < g.cols)
            near[static_cast<std::size_t>(r2) * g.cols + c2] = 1;
        }
    }
  return near;
}

Comparison compare(const Raster& dem, const Grass& gr) {
  const Grid& g = dem.grid;
  const std::size_t n = g.size();
  const auto voids = next_to_void(dem);
  Raster filled = dem;
  fill_depressions(filled);
  auto dirs = d8_directions(filled);
  auto acc = d8_accumulation(g, dirs);
  Comparison c;
  std::vector<std::uint8_t> differs(n, 0);
  for (int r = 0; r < g.rows; ++r)
    for (int col = 0; col < g.cols; ++col) {
      const std::size_t i = static_cast<std::size_t>(r) * g.cols + col;
      if (std::isnan(dem.values[i])) continue;
      ++c.cells;
      if (filled.values[i] == gr.filled.values[i])
        ++c.filled_same;
      else if (voids[i])
        ++c.filled_diff_next_to_void;
      bool border = r == 0 || col == 0 || r == g.rows - 1 || col == g.cols - 1, lower = false;
      for (int k = 0; k < 8; ++k) {
        const int r2 = r + kRowStep[k], c2 = col + kColStep[k];
        if (r2 < 0 || c2 < 0 || r2 >= g.rows || c2 >= g.cols) continue;
        const float zn = filled.at(r2, c2);
        if (std::isnan(zn)) border = true;
        if (zn < filled.values[i]) lower = true;
      }
      if (border) {
        // Both drain an outlet out of the model: casco with kOffGrid, GRASS towards a cell off
        // the grid or into no-data (its bottom row carries the code 48, west + north-west).
        ++c.border;
        const int k = casco_code_of_terraflow(gr.dir.values[i]);
        bool out = dirs[i] == kOffGrid && (k < 0 ? gr.dir.values[i] == 48 : false);
        if (k >= 0) {
          const int r2 = r + kRowStep[k], c2 = col + kColStep[k];
          out = dirs[i] == kOffGrid &&
                (r2 < 0 || c2 < 0 || r2 >= g.rows || c2 >= g.cols || std::isnan(dem.at(r2, c2)));
        }
        if (out) {
          ++c.border_same;
        } else {
          differs[i] = 1;
          c.outlet_diff_next_to_void += voids[i];
        }
      } else if (!lower) {
        ++c.flats;
        differs[i] = 1;
      } else {
        ++c.inner_sloping;
        if (casco_code_of_terraflow(gr.dir.values[i]) == dirs[i])
          ++c.dir_same;
        else
          differs[i] = 1;
      }
    }
  // Everything downstream (along casco's or GRASS's directions) of a cell whose direction differs
  // or of its neighbours (a flat's exits take water from the whole flat).
  std::vector<std::uint8_t> down(n, 0);
  std::vector<std::size_t> stack;
  for (std::size_t i = 0; i < n; ++i) {
    if (!differs[i]) continue;
    const int r = static_cast<int>(i / g.cols), col = static_cast<int>(i % g.cols);
    for (int dr = -1; dr <= 1; ++dr)
      for (int dc = -1; dc <= 1; ++dc) {
        const int r2 = r + dr, c2 = col + dc;
        if (r2 >= 0 && c2 >= 0 && r2 < g.rows && c2 < g.cols)
          stack.push_back(static_cast<std::size_t>(r2) * g.cols + c2);
      }
  }
  while (!stack.empty()) {
    const std::size_t p = stack.back();
    stack.pop_back();
    if (down[p] || std::isnan(dem.values[p])) continue;
    down[p] = 1;
    const std::int64_t a = d8_receiver(g, p, dirs[p]);
    if (a >= 0) stack.push_back(static_cast<std::size_t>(a));
    const int k = casco_code_of_terraflow(gr.dir.values[p]);
    const std::int64_t b = k < 0 ? -1 : d8_receiver(g, p, static_cast<std::uint8_t>(k));
    if (b >= 0 && b < static_cast<std::int64_t>(n)) stack.push_back(static_cast<std::size_t>(b));
  }
  Raster refilled = gr.fill_dir;
  fill_depressions(refilled);
  for (std::size_t i = 0; i < n; ++i) {
    if (std::isnan(dem.values[i])) continue;
    c.downstream_of_difference += down[i];
    // r.terraflow accumulates in float (35 comes out as 34.99999): compare it rounded.
    if (static_cast<float>(acc[i]) == std::round(gr.acc.values[i])) {
      ++c.acc_same;
    } else {
      ++c.acc_diff;
      c.acc_diff_explained += down[i];
    }
    if (gr.fill_dir.values[i] != filled.values[i]) ++c.fill_dir_diff;
    if (refilled.values[i] != filled.values[i]) ++c.fill_dir_refilled_diff;
    if (static_cast<float>(acc[i]) == gr.ws_acc.values[i]) ++c.watershed_acc_same;
  }
  return c;
}

void expect_agreement(const std::string& name, const Comparison& c) {
  std::printf(
      "[peer %s] %zu cells: filled = r.terraflow on %zu (%zu differ next to a no-data hole); D8 = "
      "r.terraflow on %zu of %zu sloping inner cells and on %zu of %zu outlets (%zu flat cells "
      "GRASS routes internally); accumulation = r.terraflow on %zu, differs on %zu (downstream of "
      "a flat or a differing outlet: %zu of %zu); r.fill.dir differs on %zu cells, %zu after "
      "filling its surface again; r.watershed accumulation equal on %zu\n",
      name.c_str(), c.cells, c.filled_same, c.filled_diff_next_to_void, c.dir_same, c.inner_sloping,
      c.border_same, c.border, c.flats, c.acc_same, c.acc_diff, c.acc_diff_explained, c.acc_diff,
      c.fill_dir_diff, c.fill_dir_refilled_diff, c.watershed_acc_same);
  EXPECT_EQ(c.filled_same + c.filled_diff_next_to_void, c.cells) << name;
  EXPECT_EQ(c.dir_same, c.inner_sloping) << name;
  EXPECT_EQ(c.border_same + c.outlet_diff_next_to_void, c.border) << name;
  EXPECT_EQ(c.acc_diff_explained, c.acc_diff) << name;
  EXPECT_EQ(c.fill_dir_refilled_diff, 0u) << name;
}

class GrassPeer : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!grass_installed())
      GTEST_SKIP() << "GRASS GIS is not installed (Debian grass-core): peer check skipped";
  }
  casco::test::TempDir tmp;
};

}  // namespace

TEST_F(GrassPeer, RealElevationModelOfLuxembourg) {
  if (!fs::exists(kTerraElev))
    GTEST_SKIP() << kTerraElev << " not found (Debian r-cran-terra): real-DEM peer check skipped";
  Raster dem = read_raster(kTerraElev);
  Comparison c = compare(dem, run_grass(kTerraElev, tmp.path()));
  expect_agreement("elev.tif", c);
  EXPECT_EQ(c.cells, 4608u);
  EXPECT_GT(c.fill_dir_diff, 0u) << "r.fill.dir leaves some depressions on this DEM";
}

TEST_F(GrassPeer, HandMadeDems) {
  for (const char* name : {"depression.asc", "flat.asc", "hole.asc"}) {
    const fs::path file = casco::test::water_data(name);
    Raster dem = read_raster(file);
    fs::create_directories(tmp / name);
    Comparison c = compare(dem, run_grass(file, tmp / name));
    expect_agreement(name, c);
    if (std::string(name) == "hole.asc") {  // r.terraflow floods the ring around the hole
      EXPECT_EQ(c.filled_diff_next_to_void, 8u);
    }
  }
}

// Float heights without ties or no-data: away from filled depressions every direction and every
// accumulation agrees.
TEST_F(GrassPeer, SmoothRandomTerrain) {
  Grid g = casco::test::asc_grid(160, 120, 5);
  Raster dem(g, 0.0f);
  std::mt19937 rng(5);
  std::normal_distribution<double> N(0, 0.05);
  for (int r = 0; r < g.rows; ++r)
    for (int c = 0; c < g.cols; ++c)
      dem.at(r, c) =
          static_cast<float>(10 + 3 * std::sin(r / 17.0) * std::cos(c / 23.0) + 0.02 * r + N(rng));
  const fs::path file = tmp / "smooth.tif";
  g.crs = "EPSG:28992";
  dem.grid.crs = g.crs;
  write_geotiff(dem, file);
  Comparison c = compare(dem, run_grass(file, tmp.path()));
  if (const char* keep = std::getenv("CASCO_KEEP_PEER"))
    fs::copy(tmp.path(), keep, fs::copy_options::recursive | fs::copy_options::overwrite_existing);
  expect_agreement("smooth random terrain", c);
  EXPECT_EQ(c.acc_same + c.acc_diff, c.cells);
}
