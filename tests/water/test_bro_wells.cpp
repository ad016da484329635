// BRO groundwater XML: real GLD and GMW dispatches of the BRO public REST API
// (tests/water/data/bro, bro_sensor; where each came from: the README there), read to the right
// well, position, tube and readings, checked by hand against the files; the BRO quality flags,
// the precedence of assessed over provisional readings, daily means of sensor series, and bad
// input.
#include <gtest/gtest.h>

#include <chrono>
#include <fstream>
#include <sstream>

#include "core/error.hpp"
#include "test_util.hpp"
#include "water/bro.hpp"
#include "water/groundwater.hpp"
#include "water_test_util.hpp"

using namespace casco;
using namespace casco::water;
namespace fs = std::filesystem;

namespace {

int day(int y, unsigned m, unsigned d) {
  return static_cast<int>(
      std::chrono::sys_days(std::chrono::year_month_day(std::chrono::year(y), std::chrono::month(m),
                                                        std::chrono::day(d)))
          .time_since_epoch()
          .count());
}

std::string slurp(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

std::string replace_all(std::string s, const std::string& from, const std::string& to) {
  for (std::size_t i = s.find(from); i != std::string::npos; i = s.find(from, i + to.size()))
    s.replace(i, from.size(), to);
  return s;
}

// Sets the value (when given) and the quality flag (when given) of the point at `time`.
std::string set_point(std::string xml, const std::string& time, const std::string& value,
                      const std::string& quality = "") {
  const std::size_t t = xml.find("<waterml:time>" + time + "</waterml:time>");
  EXPECT_NE(t, std::string::npos) << time;
  if (t == std::string::npos) return xml;
  if (!value.empty()) {
    const std::size_t a = xml.find('>', xml.find("<waterml:value", t)) + 1;
    const std::size_t b = xml.find("</waterml:value>", a);
    xml.replace(a, b - a, value);
  }
  if (!quality.empty()) {
    const std::size_t a = xml.find("<swe:value>", t) + 11;
    const std::size_t b = xml.find("</swe:value>", a);
    xml.replace(a, b - a, quality);
  }
  return xml;
}

std::string error_of(const fs::path& path, const WellOptions& o = {}) {
  try {
    read_wells(path, o);
  } catch (const Error& e) {
    return e.what();
  }
  return "(no error)";
}

const fs::path kBro = test::water_data("bro");
const fs::path kGld = kBro / "GLD000000083930.xml";
const fs::path kGmw = kBro / "GMW000000015409.xml";

}  // namespace

// GLD000000083930 (tube 4 of GMW000000015409, Noord-Holland): 86 points in 56 observations, not
// in time order, all reguliereMeting/volledigBeoordeeld/goedgekeurd; one (2023-11-07) is censored
// with no value (AboveDetectionRange, limit -0.190 m: the tube top). GMW000000015409: RD
// 108175.000 518943.000, ground -0.800 m NAP, tube 4 top -0.190, screen -78.800 to -80.800. The
// other GMW in the folder (GMW000000036287) has no GLD here and gives no well.
TEST(BroWells, ReadsAGldWithItsGmwToTheRightWellAndReadings) {
  WellSet set = read_wells(kBro, {});
  EXPECT_EQ(set.format, "BRO");
  EXPECT_EQ(set.rows, 86u);
  ASSERT_EQ(set.wells.size(), 1u);
  const Well& w = set.wells[0];
  EXPECT_EQ(w.id, "GMW000000015409-4");
  EXPECT_EQ(w.put, "GMW000000015409");
  EXPECT_EQ(w.filter, "4");
  EXPECT_EQ(w.source, "BRO");
  EXPECT_NE(w.file.find("GLD000000083930.xml"), std::string::npos) << w.file;
  EXPECT_NEAR(w.x, 108175.0, 1e-6);
  EXPECT_NEAR(w.y, 518943.0, 1e-6);
  EXPECT_DOUBLE_EQ(w.tube_top, -0.19);
  EXPECT_DOUBLE_EQ(w.ground, -0.80);
  EXPECT_DOUBLE_EQ(w.screen_top, -78.80);
  EXPECT_DOUBLE_EQ(w.screen_bottom, -80.80);
  ASSERT_EQ(w.readings.size(), 85u);
  EXPECT_EQ(w.readings.front().day, day(2006, 4, 19));  // 2006-04-19T12:00:00+02:00
  EXPECT_DOUBLE_EQ(w.readings.front().head, -0.35);
  EXPECT_EQ(w.readings.back().day, day(2024, 10, 2));  // 2024-10-02T10:27:00+02:00
  EXPECT_DOUBLE_EQ(w.readings.back().head, -0.44);
  EXPECT_EQ(w.readings[1].day, day(2006, 4, 28));  // sorted across observations
  EXPECT_DOUBLE_EQ(w.readings[1].head, -0.42);
  EXPECT_EQ(w.skipped.missing, 1u);  // the censored point
  EXPECT_EQ(w.skipped.total(), 1u);
  EXPECT_EQ(w.averaged, 0u);
  EXPECT_FALSE(w.unreliable);
  // Readings near the 14th and 28th since 2006: the series gives GHG and GLG.
  const WellStats s = well_statistics(w, {});
  EXPECT_GE(s.ghg, s.glg);
}

// The GLD given alone: its GMW is found among the XML files next to it.
TEST(BroWells, AGldFileAloneFindsItsGmwBesideIt) {
  WellSet set = read_wells(kGld, {});
  ASSERT_EQ(set.wells.size(), 1u);
  EXPECT_EQ(set.wells[0].id, "GMW000000015409-4");
  EXPECT_EQ(set.wells[0].readings.size(), 85u);
}

// The real dossier with five readings changed, and a second dossier of the same tube holding the
// same readings as provisional (voorlopig). Per day the assessed reading wins and the provisional
// one counts as a duplicate, except on the three days whose assessed reading is rejected
// (afgekeurd), undecided (onbeslist) or has no number: there the provisional one is kept.
TEST(BroWells, QualityFlagsPrecedenceAndAbsurdValuesAreSkippedAndCounted) {
  test::TempDir tmp;
  std::string xml = slurp(kGld);
  xml = set_point(xml, "2006-04-19T12:00:00+02:00", "5.000");          // above the tube
  xml = set_point(xml, "2006-04-28T12:00:00+02:00", "", "afgekeurd");  // rejected
  xml = set_point(xml, "2006-05-14T12:00:00+02:00", "", "onbeslist");  // undecided
  xml = set_point(xml, "2006-10-14T12:00:00+02:00", "abc");            // missing
  xml = set_point(xml, "2006-10-28T12:00:00+02:00", "-95.000");        // dry
  test::write_file(tmp / "GLD000000083930.xml", xml);
  std::string provisional = replace_all(slurp(kGld), "urn:bro:gld:StatusCode:volledigBeoordeeld",
                                        "urn:bro:gld:StatusCode:voorlopig");
  provisional = replace_all(provisional, "GLD000000083930", "GLD000000099999");
  test::write_file(tmp / "GLD000000099999.xml", provisional);
  fs::copy_file(kGmw, tmp / "GMW000000015409.xml");

  WellSet set = read_wells(tmp.path(), {});
  EXPECT_EQ(set.rows, 172u);
  ASSERT_EQ(set.wells.size(), 1u);
  const Well& w = set.wells[0];
  EXPECT_EQ(w.skipped.rejected, 1u);
  EXPECT_EQ(w.skipped.undecided, 1u);
  EXPECT_EQ(w.skipped.missing, 3u);     // "abc", and the censored point in both dossiers
  EXPECT_EQ(w.skipped.duplicate, 82u);  // provisional readings on days with an assessed one
  EXPECT_EQ(w.skipped.above_tube, 1u);  // 5.000 m, more than 1 m above the tube top -0.190
  EXPECT_EQ(w.skipped.dry, 1u);         // -95.000 m, below the screen bottom -80.800
  EXPECT_EQ(w.skipped.outlier, 0u);
  ASSERT_EQ(w.readings.size(), 83u);
  EXPECT_EQ(w.readings[0].day, day(2006, 4, 28));  // the provisional -0.420 fills in
  EXPECT_DOUBLE_EQ(w.readings[0].head, -0.42);
  EXPECT_EQ(w.readings[1].day, day(2006, 5, 14));
  EXPECT_DOUBLE_EQ(w.readings[1].head, -0.57);
  EXPECT_FALSE(w.unreliable);
}

// Control measurements (hand readings that check a sensor) give way to regular readings of the
// same day: a copy of the dossier relabelled controlemeting adds only duplicates.
TEST(BroWells, ControlMeasurementsGiveWayToRegularReadings) {
  test::TempDir tmp;
  fs::copy_file(kGld, tmp / "GLD000000083930.xml");
  std::string control = replace_all(slurp(kGld), ">reguliereMeting<", ">controlemeting<");
  control = replace_all(control, "GLD000000083930", "GLD000000099998");
  test::write_file(tmp / "GLD000000099998.xml", control);
  fs::copy_file(kGmw, tmp / "GMW000000015409.xml");
  WellSet set = read_wells(tmp.path(), {});
  ASSERT_EQ(set.wells.size(), 1u);
  const Well& w = set.wells[0];
  EXPECT_EQ(w.readings.size(), 85u);
  EXPECT_EQ(w.skipped.duplicate, 85u);
  EXPECT_EQ(w.skipped.missing, 2u);  // the censored point, in both
}

// A pressure sensor read every hour (GLD000000010000, provisional): the five readings of
// 2021-10-11 01:00-05:00 (+02:00, so 00:00-04:00 Dutch winter time) become one daily mean,
// (4 x 26.781 + 26.782) / 5 = 26.7812. Its well GMW000000020142 is not among the samples: the
// test points the dossier at tube 1 of GMW000000015409 (and lets heads lie far above that tube).
TEST(BroWells, SensorReadingsOfOneDayBecomeTheirMean) {
  test::TempDir tmp;
  std::string xml = slurp(test::water_data("bro_sensor/GLD000000010000.trimmed.xml"));
  xml = replace_all(xml, "GMW000000020142", "GMW000000015409");
  test::write_file(tmp / "gld.xml", xml);
  fs::copy_file(kGmw, tmp / "gmw.xml");
  WellOptions o;
  o.max_above_tube_m = 100;
  WellSet set = read_wells(tmp.path(), o);
  EXPECT_EQ(set.rows, 5u);
  ASSERT_EQ(set.wells.size(), 1u);
  const Well& w = set.wells[0];
  EXPECT_EQ(w.id, "GMW000000015409-1");
  EXPECT_DOUBLE_EQ(w.tube_top, -0.14);
  ASSERT_EQ(w.readings.size(), 1u);
  EXPECT_EQ(w.readings[0].day, day(2021, 10, 11));
  EXPECT_NEAR(w.readings[0].head, 26.7812, 1e-9);
  EXPECT_EQ(w.averaged, 4u);
  EXPECT_EQ(w.skipped.total(), 0u);
}

TEST(BroWells, TimesAreReadAsDaysInDutchWinterTime) {
  int d = 0;
  EXPECT_TRUE(bro::parse_time_day("2021-10-11T01:00:00+02:00", d));
  EXPECT_EQ(d, day(2021, 10, 11));
  EXPECT_TRUE(bro::parse_time_day("2021-10-10T23:30:00Z", d));  // 00:30 winter time
  EXPECT_EQ(d, day(2021, 10, 11));
  EXPECT_TRUE(bro::parse_time_day("2021-10-10T22:59:59.5Z", d));
  EXPECT_EQ(d, day(2021, 10, 10));
  EXPECT_TRUE(bro::parse_time_day("1969-12-31T23:30:00+00:00", d));  // before 1970
  EXPECT_EQ(d, 0);
  EXPECT_TRUE(bro::parse_time_day("2006-04-19", d));
  EXPECT_EQ(d, day(2006, 4, 19));
  for (const char* bad : {"", "yesterday", "2021-13-01T00:00:00Z", "2021-02-30", "2021-10-11T25:00",
                          "2021-10-11T01:00:00+2", "2021-10-11X01:00:00Z"})
    EXPECT_FALSE(bro::parse_time_day(bad, d)) << bad;
}

// A dossier without its well: an error naming the GLD, the well and where it was looked for.
TEST(BroWells, AGldWhoseGmwIsMissingIsAClearError) {
  const std::string m = error_of(test::water_data("bro_sensor"));
  EXPECT_NE(m.find("GLD000000010000.trimmed.xml: GLD GLD000000010000 was measured in well "
                   "GMW000000020142 (tube 1), but no GMW file of that well is in"),
            std::string::npos)
      << m;
  test::TempDir tmp;
  fs::copy_file(kGld, tmp / "alone.xml");
  const std::string m2 = error_of(tmp / "alone.xml");
  EXPECT_NE(m2.find("alone.xml: GLD GLD000000083930 was measured in well GMW000000015409"),
            std::string::npos)
      << m2;
}

TEST(BroWells, BadXmlIsAClearErrorNamingTheFile) {
  const std::string gld = slurp(kGld);
  struct Case {
    std::string name, text, expect;
  };
  const std::vector<Case> cases = {
      {"cut.xml", gld.substr(0, 5000), "cut.xml:1: not well-formed XML"},
      // Found by fuzz/fuzz_wells: expat counts a lone '\r' as a line break; the line given is
      // counted in '\n', as the other readers count and as the fuzz oracle checks.
      {"cr.xml", "<?xml version=\"1.0\"?>\r<a>\r<b></a>\n", "cr.xml:1: not well-formed XML"},
      {"kml.xml", "<?xml version=\"1.0\"?>\n<kml><Document/></kml>\n",
       "kml.xml: XML without a BRO GLD_O"},
      {"dtd.xml", "<?xml version=\"1.0\"?>\n<!DOCTYPE a [<!ENTITY x \"y\">]>\n<a>&x;</a>\n",
       "dtd.xml:2: a document type declaration"},
      {"tube.xml", replace_all(gld, "<gldcommon:tubeNumber>4<", "<gldcommon:tubeNumber>7<"),
       "tube.xml: GLD GLD000000083930 was measured in tube 7 of well GMW000000015409, but"},
      {"cm.xml", replace_all(gld, "uom=\"m\"", "uom=\"cm\""), "cm.xml:1: a water level in 'cm'"},
      {"nopoint.xml", replace_all(gld, "<gldcommon:broId>GMW000000015409</gldcommon:broId>", ""),
       "nopoint.xml: GLD GLD000000083930 names no monitoring well and tube"},
  };
  for (const Case& c : cases) {
    test::TempDir dir;
    test::write_file(dir / c.name, c.text);
    fs::copy_file(kGmw, dir / "GMW000000015409.xml");
    const std::string m = error_of(dir.path());
    EXPECT_NE(m.find(c.expect), std::string::npos) << c.name << ": " << m;
  }
  // A GMW alone holds no readings.
  EXPECT_NE(error_of(kGmw).find("a BRO GMW (well) holds no readings"), std::string::npos);
  // A GMW without a position.
  test::TempDir dir;
  test::write_file(dir / "gmw.xml",
                   replace_all(slurp(kGmw), "<gml:pos>108175.000 518943.000</gml:pos>",
                               "<gml:pos>108175.000</gml:pos>"));
  fs::copy_file(kGld, dir / "gld.xml");
  EXPECT_NE(
      error_of(dir.path()).find("gmw.xml:1: the well's position '108175.000' is not two numbers"),
      std::string::npos)
      << error_of(dir.path());
}

// A folder of DINO exports and BRO files is read as one set.
TEST(BroWells, AFolderOfDinoAndBroFilesIsReadTogether) {
  test::TempDir tmp;
  fs::copy_file(test::water_data("dino_B99X0001001_1.csv"), tmp / "dino.csv");
  fs::copy_file(kGld, tmp / "gld.xml");
  fs::copy_file(kGmw, tmp / "gmw.xml");
  WellSet set = read_wells(tmp.path(), {});
  EXPECT_EQ(set.format, "DINO + BRO");
  EXPECT_EQ(set.rows, 9u + 86u);
  ASSERT_EQ(set.wells.size(), 2u);
  EXPECT_EQ(set.wells[0].id, "B99X0001001-1");
  EXPECT_EQ(set.wells[1].id, "GMW000000015409-4");
}
