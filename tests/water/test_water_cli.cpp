// `casco water` as a user runs it on the Drenthe model (250 m): the bundled wells, a synthetic
// elevation model with two hollows of known depth (the whole module, as with AHN), the climate
// stress test of the natter variant, and bad input (a DEM in another CRS or elsewhere, a broken
// configuration).
#include <gtest/gtest.h>

#include <array>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <memory>

#include "core/crs.hpp"
#include "core/error.hpp"
#include "model/store.hpp"
#include "test_util.hpp"

namespace fs = std::filesystem;
using namespace casco;

namespace {

struct Result {
  int code;
  std::string out;
};

Result run(const std::string& args) {
  const std::string cmd = std::string(CASCO_BINARY) + " " + args + " 2>&1";
  std::unique_ptr<FILE, int (*)(FILE*)> pipe(popen(cmd.c_str(), "r"), pclose);
  std::string out;
  std::array<char, 4096> buf{};
  std::size_t n;
  while ((n = fread(buf.data(), 1, buf.size(), pipe.get())) > 0) out.append(buf.data(), n);
  const int status = pclose(pipe.release());
  return {WEXITSTATUS(status), out};
}

const fs::path kData = CASCO_DATA_DIR;
const std::string kWater = (kData / "water.toml").string();

fs::path store_copy(const test::TempDir& tmp) {
  const fs::path p = tmp / "drenthe.gpkg";
  fs::copy_file(test::drenthe_store_250(), p);
  return p;
}

// A gentle slope rising to the east (0.2 m per km) with two round hollows: 3 m deep, 1.5 km
// across at (235000, 560000), and 1.5 m deep, 1 km across at (250000, 540000); 100 m cells over
// the model's extent, or a given box.
Raster synthetic_dem(const Grid& model, double cell = 100) {
  Grid g;
  g.x0 = model.x0;
  g.y0 = model.y0;
  g.cell = cell;
  g.cols = static_cast<int>(std::ceil((model.x1() - model.x0) / cell));
  g.rows = static_cast<int>(std::ceil((model.y0 - model.y1()) / cell));
  g.crs = model.crs;
  g.crs_wkt = model.crs_wkt;
  Raster dem(g, 0.0f);
  struct Hollow {
    double x, y, r, depth;
  };
  const Hollow hollows[2] = {{235000, 560000, 1500, 3.0}, {250000, 540000, 1000, 1.5}};
  for (int r = 0; r < g.rows; ++r)
    for (int c = 0; c < g.cols; ++c) {
      const double x = g.cx(c), y = g.cy(r);
      double z = 10 + 0.0002 * (x - g.x0);
      for (const Hollow& h : hollows) {
        const double d2 = ((x - h.x) * (x - h.x) + (y - h.y) * (y - h.y)) / (h.r * h.r);
        if (d2 < 1) z -= h.depth * (1 - d2);
      }
      dem.at(r, c) = static_cast<float>(z);
    }
  return dem;
}

float max_of(const Raster& r) {
  float m = -INFINITY;
  for (float v : r.values)
    if (!std::isnan(v)) m = std::max(m, v);
  return m;
}

std::size_t with_data(const Raster& r) {
  std::size_t n = 0;
  for (float v : r.values) n += !std::isnan(v);
  return n;
}

}  // namespace

TEST(WaterCli, GroundwaterFromTheBundledWells) {
  test::TempDir tmp;
  const fs::path store = store_copy(tmp);
  Result r =
      run("water grondwater " + store.string() + " " + kWater + " -o " + (tmp / "gw").string());
  ASSERT_EQ(r.code, 0) << r.out;
  EXPECT_NE(r.out.find("60.096 metingen van 593 peilbuisfilters"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("indicatief"), std::string::npos);
  // One row per filter in the CSV, and a map per layer.
  std::ifstream csv(tmp / "gw/putten.csv");
  std::size_t lines = 0;
  for (std::string line; std::getline(csv, line);) ++lines;
  EXPECT_EQ(lines, 594u);
  for (const char* png :
       {"grondwaterstand_ghg.png", "grondwatertrap_peilbuizen.png", "putten_trend.png"})
    EXPECT_TRUE(fs::exists(tmp / "gw" / png)) << png;
  // The layers: estimates, in the water-bodem group, only where wells are dense enough.
  Store s = Store::open(store);
  const LayerRecord& ghg = s.layer("grondwaterstand_ghg");
  EXPECT_EQ(ghg.group, "water-bodem");
  EXPECT_NE(ghg.title.find("geschat"), std::string::npos) << ghg.title;
  const Raster g = s.read("grondwaterstand_ghg");
  const std::size_t n = with_data(g);
  EXPECT_GT(n, 50u);                  // the Hondsrug and Drentsche Aa
  EXPECT_LT(n, g.values.size() / 5);  // not the rest of the province: no data there
  EXPECT_TRUE(s.find("grondwaterstand_ghg_onzekerheid"));
  const auto& gt = s.zones("grondwatertrap_peilbuizen");
  ASSERT_EQ(gt.size(), 8u);
  EXPECT_EQ(gt[0].name, "Gt I");
}

// `--wells` takes a folder of BRO GLD and GMW XML as it takes DINO files (tests/water/data/bro:
// one real dossier of 86 readings, tube 4 of GMW000000015409 in Noord-Holland, outside the
// Drenthe model: too few wells for a map, but its figures are in putten.csv). A GLD without its
// GMW is refused naming the file.
TEST(WaterCli, GroundwaterFromBroFiles) {
  test::TempDir tmp;
  const fs::path store = store_copy(tmp);
  const std::string bro = (fs::path(CASCO_SOURCE_DIR) / "tests/water/data/bro").string();
  Result r = run("water grondwater " + store.string() + " " + kWater + " --no-store --wells " +
                 bro + " -o " + (tmp / "gw").string());
  ASSERT_EQ(r.code, 0) << r.out;
  EXPECT_NE(r.out.find("Bron: bro (BRO): 86 metingen van 1 peilbuisfilters"), std::string::npos)
      << r.out;
  EXPECT_NE(r.out.find("BRO: 0 metingen afgekeurd en 0 onbeslist"), std::string::npos) << r.out;
  std::ifstream csv(tmp / "gw/putten.csv");
  std::string header, row;
  std::getline(csv, header);
  std::getline(csv, row);
  EXPECT_NE(header.find("overgeslagen_afgekeurd,overgeslagen_onbeslist"), std::string::npos);
  EXPECT_EQ(row.rfind("GMW000000015409-4,108175,518943,-0.19,-0.80,-78.80,85,", 0), 0u) << row;

  const std::string alone = (fs::path(CASCO_SOURCE_DIR) / "tests/water/data/bro_sensor").string();
  Result bad = run("water grondwater " + store.string() + " " + kWater + " --no-store --wells " +
                   alone + " -o " + (tmp / "gw2").string());
  EXPECT_NE(bad.code, 0);
  EXPECT_NE(bad.out.find("GLD000000010000.trimmed.xml: GLD GLD000000010000 was measured in well "
                         "GMW000000020142"),
            std::string::npos)
      << bad.out;
}

// With an elevation model the whole module runs: the deeper hollow is found as a bluespot of
// about its depth (less after averaging the 100 m DEM to 250 m cells, and minus the tilt of the
// slope at its rim), the design storm leaves water in it, and the layers are in the store.
TEST(WaterCli, HydrologyOnAnElevationModel) {
  test::TempDir tmp;
  const fs::path store = store_copy(tmp);
  const Grid model = Store::open(store).grid();
  Raster dem = synthetic_dem(model);
  write_geotiff(dem, tmp / "dem.tif");
  Result r = run("water hydrologie " + store.string() + " " + kWater + " --dem " +
                 (tmp / "dem.tif").string() + " -o " + (tmp / "hy").string());
  ASSERT_EQ(r.code, 0) << r.out;
  EXPECT_NE(r.out.find("Bluespots"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("Bui van 70 mm in 2 uur"), std::string::npos) << r.out;
  Store s = Store::open(store);
  for (const char* id :
       {"bluespot_diepte", "bluespot_vulregen", "waterdiepte_bui", "hand", "beekdal_hoogtemodel",
        "afwatering", "bovenstrooms_oppervlak", "natheid_twi"}) {
    const LayerRecord* L = s.find(id);
    ASSERT_TRUE(L) << id;
    EXPECT_EQ(L->group, "water-bodem") << id;
  }
  const float deepest = max_of(s.read("bluespot_diepte"));
  EXPECT_GT(deepest, 1.5f);
  EXPECT_LE(deepest, 3.0f);
  const Raster water = s.read("waterdiepte_bui");
  const int c = static_cast<int>(model.px(235000)), row = static_cast<int>(model.py(560000));
  EXPECT_GT(water.at(row, c), 0.0f) << "water stands in the middle of the deep hollow";
  EXPECT_EQ(water.at(static_cast<int>(model.py(570000)), static_cast<int>(model.px(255000))), 0.0f)
      << "dry on the slope";
  EXPECT_TRUE(fs::exists(tmp / "hy/waterdiepte_bui.png"));
}

TEST(WaterCli, ElevationModelInAnotherCrsOrElsewhereIsRefused) {
  test::TempDir tmp;
  const fs::path store = store_copy(tmp);
  const Grid model = Store::open(store).grid();
  // In WGS 84 degrees.
  Grid deg;
  deg.x0 = 6.1;
  deg.y0 = 53.2;
  deg.cell = 0.01;
  deg.cols = 100;
  deg.rows = 60;
  deg.crs = "EPSG:4326";
  char* wkt = nullptr;
  make_srs("EPSG:4326", "test").exportToWkt(&wkt);
  deg.crs_wkt = wkt;
  CPLFree(wkt);
  write_geotiff(Raster(deg, 5.0f), tmp / "wgs84.tif");
  Result a = run("water hydrologie " + store.string() + " " + kWater + " --dem " +
                 (tmp / "wgs84.tif").string() + " -o " + (tmp / "x").string());
  EXPECT_EQ(a.code, 1) << a.out;
  EXPECT_NE(a.out.find("reproject it first"), std::string::npos) << a.out;
  EXPECT_NE(a.out.find("wgs84.tif"), std::string::npos) << a.out;
  // Somewhere else in the Netherlands (Zeeland).
  Grid far = model;
  far.x0 = 30000;
  far.y0 = 400000;
  far.cols = 40;
  far.rows = 40;
  write_geotiff(Raster(far, 1.0f), tmp / "zeeland.tif");
  Result b = run("water hydrologie " + store.string() + " " + kWater + " --dem " +
                 (tmp / "zeeland.tif").string() + " -o " + (tmp / "x").string());
  EXPECT_EQ(b.code, 1) << b.out;
  EXPECT_NE(b.out.find("does not overlap the study area"), std::string::npos) << b.out;
  // Only a corner of Drenthe: less than the configured minimum coverage (50 %).
  Grid corner = model;
  corner.cols = model.cols / 4;
  corner.rows = model.rows / 4;
  write_geotiff(Raster(corner, 1.0f), tmp / "corner.tif");
  Result c = run("water hydrologie " + store.string() + " " + kWater + " --dem " +
                 (tmp / "corner.tif").string() + " -o " + (tmp / "x").string());
  EXPECT_EQ(c.code, 1) << c.out;
  EXPECT_NE(c.out.find("of the study area, less than dem.min_coverage"), std::string::npos)
      << c.out;
  // Nothing was written to the store.
  EXPECT_FALSE(Store::open(store).find("bluespot_diepte"));
}

// The natter variant of the high scenario: 88 instead of 70 mm and summer groundwater 30 cm
// lower. More rain never leaves less water; the variant's layers are stored next to today's, and
// the allocation with the variant now applies its water restriction (before, it said it skipped
// it).
TEST(WaterCli, StressTestNowAgainstTheVariantAndTheAllocationAgain) {
  test::TempDir tmp;
  const fs::path store = store_copy(tmp);
  const std::string scenario = (kData / "scenarios/woondeals_hoog.toml").string();
  Result before = run("allocate " + store.string() + " " + scenario +
                      " --variant natter --no-store -o " + (tmp / "a").string());
  ASSERT_EQ(before.code, 0) << before.out;
  EXPECT_NE(before.out.find("waterdiepte_bui_natter was skipped"), std::string::npos) << before.out;

  write_geotiff(synthetic_dem(Store::open(store).grid()), tmp / "dem.tif");
  Result r =
      run("water stresstest " + store.string() + " " + kWater + " --scenario " + scenario +
          " --variant natter --dem " + (tmp / "dem.tif").string() + " -o " + (tmp / "st").string());
  ASSERT_EQ(r.code, 0) << r.out;
  EXPECT_NE(r.out.find("Klimaatstresstest"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("70 mm in 2 uur → 88 mm in 2 uur"), std::string::npos) << r.out;
  Store s = Store::open(store);
  const Raster now = s.read("waterdiepte_bui"), var = s.read("waterdiepte_bui_natter");
  double v_now = 0, v_var = 0;
  for (std::size_t i = 0; i < now.values.size(); ++i) {
    if (!std::isnan(now.values[i])) v_now += now.values[i];
    if (!std::isnan(var.values[i])) v_var += var.values[i];
  }
  EXPECT_GE(v_var, v_now);
  EXPECT_TRUE(s.find("grondwaterstand_glg_natter"));
  // A variant shifts the levels, not the kriging's uncertainty: no uncertainty layer or
  // difference map per variant (it would be a copy, and its difference all zero).
  for (const char* what : {"ghg", "glg"}) {
    const std::string sd = std::string("grondwaterstand_") + what + "_onzekerheid";
    EXPECT_FALSE(s.find(sd + "_natter")) << sd;
    EXPECT_FALSE(fs::exists(tmp / "st" / (sd + "_natter.png"))) << sd;
    EXPECT_FALSE(fs::exists(tmp / "st" / (sd + "_verschil.png"))) << sd;
  }
  EXPECT_TRUE(fs::exists(tmp / "st/grondwaterstand_glg_verschil.png"));
  EXPECT_TRUE(fs::exists(tmp / "st/waterdiepte_bui_verschil.png"));
  EXPECT_TRUE(fs::exists(tmp / "st/grondwatertrap_peilbuizen_verschil.png"));
  s = Store();
  Result after = run("allocate " + store.string() + " " + scenario +
                     " --variant natter --no-store -o " + (tmp / "b").string());
  ASSERT_EQ(after.code, 0) << after.out;
  // Nothing skipped: the storm and the groundwater changes of the variant (its GHG/GLG in place of
  // today's for the rules, no building where its GHG is within 25 cm) both apply now.
  EXPECT_EQ(after.out.find("was skipped"), std::string::npos) << after.out;
}

TEST(WaterCli, BrokenConfigurationsNameFileAndLine) {
  test::TempDir tmp;
  const fs::path store = store_copy(tmp);
  test::write_file(tmp / "water.toml", "[water]\nname = \"x\"\n[storm]\nrain = 70\n");
  Result a = run("water grondwater " + store.string() + " " + (tmp / "water.toml").string());
  EXPECT_EQ(a.code, 1) << a.out;
  EXPECT_NE(a.out.find("water.toml:4:8: unknown key 'rain' in [storm]"), std::string::npos)
      << a.out;
  // No well data configured.
  test::write_file(tmp / "empty.toml", "[water]\nname = \"x\"\n");
  Result b = run("water grondwater " + store.string() + " " + (tmp / "empty.toml").string());
  EXPECT_EQ(b.code, 1) << b.out;
  EXPECT_NE(b.out.find("no well data"), std::string::npos) << b.out;
  // A variant without climate parameters, or with an unknown one.
  Result c = run("water stresstest " + store.string() + " " + kWater + " --scenario " +
                 (kData / "scenarios/woondeals_2030.toml").string() + " --variant nat");
  EXPECT_EQ(c.code, 1) << c.out;
  EXPECT_NE(c.out.find("defines no variant 'nat'"), std::string::npos) << c.out;
}
