// Groundwater from wells: reading DINO exports and tables with bad values, GHG and GLG by their
// definition on series whose answer is worked out by hand, the trend, grondwatertrappen,
// kriging, and the bundled Hondsrug wells.
#include <gtest/gtest.h>

#include <chrono>
#include <cmath>
#include <filesystem>

#include "core/error.hpp"
#include "test_util.hpp"
#include "water/groundwater.hpp"
#include "water/water.hpp"
#include "water_test_util.hpp"

using namespace casco;
using namespace casco::water;

namespace {

int day(int y, unsigned m, unsigned d) {
  return static_cast<int>(
      std::chrono::sys_days(std::chrono::year_month_day(std::chrono::year(y), std::chrono::month(m),
                                                        std::chrono::day(d)))
          .time_since_epoch()
          .count());
}

// A well read on every 14th and 28th of hydrological years first..first+n-1; in each year the 24
// readings rise from `base + 0.1 * year_index` in steps of 1 cm: lowest three 0.00, 0.01, 0.02
// (mean +0.01), highest three 0.21, 0.22, 0.23 (mean +0.22) above that year's base.
Well rising_well(int first, int n, double base) {
  Well w;
  w.id = "T1-1";
  w.tube_top = 20;
  for (int y = 0; y < n; ++y) {
    int k = 0;
    for (int m = 0; m < 12; ++m) {
      const int cal_y = first + y + (m >= 9 ? 1 : 0);
      const unsigned month = static_cast<unsigned>((m + 3) % 12 + 1);  // April first
      for (unsigned d : {14u, 28u})
        w.readings.push_back({day(cal_y, month, d), base + 0.1 * y + 0.01 * k++});
    }
  }
  return w;
}

}  // namespace

// dino_B99X0001001_1.csv, worked out line by line: 9 readings; kept 9.50, 9.48, 9.40 (110 cm
// below a measuring point at 10.50 m in 2010) and 9.40 (120 cm below 10.60 m from 2011); skipped:
// one empty (missing), a second reading on 28 May (duplicate), 13.00 m (more than 1 m above the
// 10.60 m tube top), 7.90 m (below the filter bottom at 8.00 m: dry) and one flagged "D".
TEST(Wells, ReadsADinoExportAndCountsEverySkippedReading) {
  WellSet set = read_wells(casco::test::water_data("dino_B99X0001001_1.csv"), {});
  EXPECT_EQ(set.format, "DINO");
  EXPECT_EQ(set.rows, 9u);
  ASSERT_EQ(set.wells.size(), 1u);
  const Well& w = set.wells[0];
  EXPECT_EQ(w.id, "B99X0001001-1");
  EXPECT_DOUBLE_EQ(w.x, 234000);
  EXPECT_DOUBLE_EQ(w.y, 556000);
  EXPECT_DOUBLE_EQ(w.tube_top, 10.60);  // the latest period
  EXPECT_DOUBLE_EQ(w.ground, 10.00);
  EXPECT_DOUBLE_EQ(w.screen_bottom, 8.00);
  ASSERT_EQ(w.readings.size(), 4u);
  EXPECT_DOUBLE_EQ(w.readings[0].head, 9.50);
  EXPECT_NEAR(w.readings[2].head, 9.40, 1e-9);
  EXPECT_NEAR(w.readings[3].head, 9.40, 1e-9);
  EXPECT_EQ(w.readings[3].day, day(2011, 2, 14));
  EXPECT_EQ(w.skipped.missing, 1u);
  EXPECT_EQ(w.skipped.duplicate, 1u);
  EXPECT_EQ(w.skipped.above_tube, 1u);
  EXPECT_EQ(w.skipped.dry, 1u);
  EXPECT_EQ(w.skipped.remarked, 1u);
  EXPECT_EQ(w.skipped.total(), 5u);
  EXPECT_FALSE(w.unreliable);
}

TEST(Wells, TableWithBadValuesAndClearErrors) {
  casco::test::TempDir tmp;
  casco::test::write_file(tmp / "w.csv",
                          "put,filter,datum,stijghoogte_m_nap,meetpunt_m_nap,x_rd,y_rd\n"
                          "P1,1,2010-01-14,5.0,6.0,230000,550000\n"
                          "P1,1,2010-01-28,,6.0,230000,550000\n"
                          "P1,1,2010-13-28,5.1,6.0,230000,550000\n"
                          "P1,1,2010-02-14,5.2,6.0,230000,550000\n"
                          "P1,1,2010-02-14,5.3,6.0,230000,550000\n"
                          "P1,1,2010-02-28,9.5,6.0,230000,550000\n"
                          "P2,1,2010-01-14,4.0,5.0,231000,550000\n");
  WellSet set = read_wells(tmp / "w.csv", {});
  EXPECT_EQ(set.rows, 7u);
  ASSERT_EQ(set.wells.size(), 2u);
  const Well& p1 = set.wells[0];
  EXPECT_EQ(p1.readings.size(), 2u);     // 5.0 and 5.2
  EXPECT_EQ(p1.skipped.missing, 2u);     // no value; month 13
  EXPECT_EQ(p1.skipped.duplicate, 1u);   // the second 14 February
  EXPECT_EQ(p1.skipped.above_tube, 1u);  // 9.5 m, 3.5 m above the tube top
  // Half of what remained was absurd: not unreliable (needs more than half).
  EXPECT_FALSE(p1.unreliable);

  casco::test::write_file(tmp / "bad.csv", "put,datum,stand\nP1,2010-01-14,5\n");
  try {
    read_wells(tmp / "bad.csv", {});
    FAIL() << "a table without heads and coordinates must be refused";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("bad.csv:1"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("stijghoogte_m_nap"), std::string::npos) << e.what();
  }
  EXPECT_THROW(read_wells(tmp / "none.csv", {}), Error);
}

// Found by fuzz/fuzz_wells: a DINO metadata row with a single field (no Filternummer) was read
// past its end. It is refused with the file and line, like any other broken metadata row.
TEST(Wells, DinoMetadataRowWithoutFilternummerIsAClearError) {
  casco::test::TempDir tmp;
  const std::string header =
      "Titel:,,\n\nLocatie,Filternummer,X-coordinaat,Y-coordinaat,Meetpunt (cm t.o.v. NAP)\n";
  for (const char* row : {"B99X0001\n", ",001,234000,556000,1050\n"}) {
    casco::test::write_file(tmp / "dino.csv", header + row);
    try {
      read_wells(tmp / "dino.csv", {});
      ADD_FAILURE() << "no error for the metadata row " << row;
    } catch (const Error& e) {
      const std::string m = e.what();
      EXPECT_NE(m.find("dino.csv:4: a DINO metadata row without Locatie and Filternummer"),
                std::string::npos)
          << m;
    }
  }
}

// Ten complete hydrological years (2008-2017): the most recent eight (index 2..9) are used.
// GHG = mean over those years of (base + 0.1 i + 0.22) = 5 + 0.1 x 5.5 + 0.22 = 5.77; GLG likewise
// with 0.01: 5.56. The level rises 0.1 m a year in every month: the Theil-Sen slope is 0.1 and
// its interval lies above 0: "stijgt".
TEST(Gxg, ThreeHighestAndLowestPerHydrologicalYearOverEightYears) {
  Well w = rising_well(2008, 10, 5.0);
  WellStats s = well_statistics(w, {});
  EXPECT_EQ(s.years, 8);
  EXPECT_EQ(s.first_year, 2010);
  EXPECT_EQ(s.last_year, 2017);
  EXPECT_FALSE(s.indicative);
  EXPECT_NEAR(s.ghg, 5.77, 1e-9);
  EXPECT_NEAR(s.glg, 5.56, 1e-9);
  ASSERT_EQ(s.per_year.size(), 8u);
  EXPECT_EQ(s.per_year[0].samples, 24);
  EXPECT_NEAR(s.trend.slope, 0.1, 1e-9);
  EXPECT_GT(s.trend.low, 0);
  EXPECT_EQ(s.trend.verdict, "stijgt");
  EXPECT_LT(s.trend.p_value, 0.01);
  // Depth below ground (or the tube top, 20 m, when the ground level is unknown).
  EXPECT_NEAR(depth_below_reference(w, s.ghg), 20 - 5.77, 1e-9);
}

// Three years only: GHG over those three, flagged indicative, and no trend ("te kort"). Readings
// a few days off the 14th and 28th count (within 7 days); a year with too few readings does not.
TEST(Gxg, FewYearsAreIndicativeAndReadingsNearThe14thAnd28thCount) {
  Well w = rising_well(2010, 3, 2.0);
  for (auto& r : w.readings) r.day += 3;  // the 17th and 31st (or 1st/3rd of the next month)
  // A fourth year with only six readings: not a valid year.
  for (int k = 0; k < 6; ++k) w.readings.push_back({day(2013, 5 + k, 14), 9.0});
  WellStats s = well_statistics(w, {});
  EXPECT_EQ(s.years, 3);
  EXPECT_TRUE(s.indicative);
  EXPECT_NEAR(s.ghg, 2.0 + 0.1 + 0.22, 1e-9);  // mean of years 0, 1, 2: base + 0.1
  EXPECT_EQ(s.trend.verdict, "te kort");
  GxgOptions strict;
  strict.tolerance_days = 2;  // now no reading is close enough
  EXPECT_EQ(well_statistics(w, strict).years, 0);
  EXPECT_TRUE(std::isnan(well_statistics(w, strict).ghg));
}

TEST(Gxg, GroundwaterClassesFromTheTable) {
  EXPECT_EQ(groundwater_class(0.10, 0.40), "I");
  EXPECT_EQ(groundwater_class(0.30, 0.70), "II");
  EXPECT_EQ(groundwater_class(0.30, 1.00), "III");
  EXPECT_EQ(groundwater_class(0.60, 1.00), "IV");
  EXPECT_EQ(groundwater_class(0.30, 1.50), "V");
  EXPECT_EQ(groundwater_class(0.60, 1.50), "VI");
  EXPECT_EQ(groundwater_class(1.00, 2.00), "VII");
  EXPECT_EQ(groundwater_class(1.60, 2.50), "VIII");
  EXPECT_EQ(groundwater_class_number("VI"), 6);
  EXPECT_EQ(groundwater_class(NAN, 1.0), "");
}

// Ordinary kriging is exact at the wells (with no nugget), gives the mean at the centre of four
// wells on a square's corners (symmetry), and nothing where fewer than min_wells wells are within
// the radius.
TEST(Kriging, ExactAtWellsSymmetricAndOnlyWhereWellsAreDense) {
  Grid g = casco::test::asc_grid(40, 40, 50);  // 2 x 2 km from (230000, 550000)
  std::vector<Point> pts = {{230525, 551475, 1.0},
                            {231475, 551475, 2.0},
                            {230525, 550525, 3.0},
                            {231475, 550525, 4.0},
                            {231000, 551000, 2.5}};
  KrigingOptions o;
  o.radius_m = 900;
  o.min_wells = 3;
  Kriged k = krige(pts, g, o);
  // The cell whose centre is the middle well: its own value.
  const int c = static_cast<int>(g.px(231000)), r = static_cast<int>(g.py(551000));
  ASSERT_DOUBLE_EQ(g.cx(c), 231025);  // cell centres are 25 m off the well: not exact, near
  EXPECT_NEAR(k.value.at(r, c), 2.5, 0.3);
  // Far corner: within 900 m of only one well → no value.
  EXPECT_TRUE(std::isnan(k.value.at(39, 39)));
  EXPECT_TRUE(std::isnan(k.sd.at(39, 39)));
  EXPECT_GT(k.cells, 0u);
  EXPECT_LT(k.cells, g.size());

  // Symmetry: four corner wells, estimate at the centre = their mean; uncertainty larger there
  // than next to a well.
  std::vector<Point> four = {
      {230000, 551000, 1.0}, {231000, 551000, 2.0}, {230000, 550000, 3.0}, {231000, 550000, 6.0}};
  Grid centre = casco::test::asc_grid(1, 1, 10);
  centre.x0 = 230495;
  centre.y0 = 550505;
  KrigingOptions wide;
  wide.radius_m = 2000;
  Kriged m = krige(four, centre, wide);
  EXPECT_NEAR(m.value.at(0, 0), 3.0, 1e-6);
  EXPECT_GT(m.sd.at(0, 0), 0.0f);
  KrigingOptions five = wide;
  five.min_wells = 5;
  EXPECT_THROW(krige(four, centre, five), Error);  // fewer wells than min_wells: a clear error
}

// A constant field: every estimate is that constant and the variogram has (almost) no sill.
TEST(Kriging, ConstantFieldStaysConstant) {
  std::vector<Point> pts;
  for (int i = 0; i < 30; ++i) pts.push_back({230000.0 + 137 * i, 550000.0 + 71 * (i % 7), 4.2});
  Grid g = casco::test::asc_grid(30, 10, 100);
  Kriged k = krige(pts, g, {});
  for (float v : k.value.values)
    if (!std::isnan(v)) {
      ASSERT_NEAR(v, 4.2, 1e-6);
    }
  EXPECT_NEAR(k.cv.rmse, 0.0, 1e-9);
}

// The bundled Hondsrug / Drentsche Aa wells (DINO ids): 593 filters, 60,096 readings; the head of
// -27.36 m in B12G0219007 (whose other readings lie around +6 m) is an outlier, and B12B1855001,
// whose readings lie mostly above its measuring point, is not used.
TEST(Wells, BundledHondsrugWells) {
  WellSet set = read_wells(
      std::filesystem::path(CASCO_DATA_DIR) / "sources/water/grondwaterstanden_hondsrug_dino.csv",
      {});
  EXPECT_EQ(set.rows, 60096u);
  EXPECT_EQ(set.wells.size(), 593u);
  const Well* outlier = nullptr;
  const Well* above = nullptr;
  for (const Well& w : set.wells) {
    if (w.id == "B12G0219007-7") outlier = &w;
    if (w.id == "B12B1855001-1") above = &w;
  }
  ASSERT_TRUE(outlier && above);
  EXPECT_GE(outlier->skipped.outlier, 1u);
  for (const Reading& r : outlier->readings) EXPECT_GT(r.head, -20);
  EXPECT_GT(above->skipped.above_tube, 0u);
  EXPECT_TRUE(above->unreliable);
}

// Whole numbers in water.toml fit what they count (fuzzing found min_wells = 222222222222223
// converted to an int: undefined behaviour). | min_wells        | result                       |
//                                            | 3                | read                         |
//                                            | 222222222222223  | error at water.toml:2:13     |
TEST(WaterConfig, WholeNumbersBeyondAMillionAreRefused) {
  casco::test::TempDir tmp;
  casco::test::write_file(tmp / "water.toml", "[groundwater.map]\nmin_wells = 3\n");
  EXPECT_EQ(casco::water::load_water_config(tmp / "water.toml").map.min_wells, 3);
  casco::test::write_file(tmp / "water.toml", "[groundwater.map]\nmin_wells = 222222222222223\n");
  try {
    casco::water::load_water_config(tmp / "water.toml");
    ADD_FAILURE() << "no error";
  } catch (const casco::Error& e) {
    const std::string m = e.what();
    EXPECT_NE(m.find("water.toml:2:"), std::string::npos) << m;
    EXPECT_NE(m.find("must be a whole number from 1 to 1000000"), std::string::npos) << m;
  }
}

// A min_wells above the default max_wells, with max_wells not given: the error points at the
// table and says the default does not fit (fuzz_water_config found a null dereference here).
TEST(WaterConfig, ADefaultThatNoLongerFitsIsNamedAtItsTable) {
  casco::test::TempDir tmp;
  casco::test::write_file(tmp / "water.toml", "[groundwater.map]\nmin_wells = 222222\n");
  try {
    casco::water::load_water_config(tmp / "water.toml");
    ADD_FAILURE() << "no error";
  } catch (const casco::Error& e) {
    const std::string m = e.what();
    EXPECT_NE(m.find("water.toml:1:"), std::string::npos) << m;
    EXPECT_NE(m.find("'max_wells'"), std::string::npos) << m;
    EXPECT_NE(m.find("not given: its default"), std::string::npos) << m;
  }
}
