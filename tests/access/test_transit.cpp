// GTFS loading and RAPTOR over a departure window, on tiny hand-made feeds whose answers are
// computed by hand in the comments.
#include <cpl_conv.h>
#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <random>
#include <string>
#include <vector>

#include "access/transit.hpp"
#include "core/error.hpp"
#include "gtfs_feed.hpp"
#include "test_util.hpp"

namespace casco::access {
namespace {

// ------------------------------------------------------------------------------------ loading

TEST(TransitGtfs, LoadsStopsRoutesAndTrips) {
  Gtfs g = load(one_line());
  ASSERT_EQ(g.stops.size(), 3u);
  EXPECT_EQ(g.stops[0].id, "A");
  EXPECT_EQ(g.stops[1].name, "Halte B");
  // Assen in RD New: roughly x 233 km, y 557 km; B is 2 km north of A.
  EXPECT_NEAR(g.stops[0].x, 233000, 3000);
  EXPECT_NEAR(g.stops[0].y, 557000, 3000);
  EXPECT_NEAR(g.stops[1].y - g.stops[0].y, 2000, 10);
  ASSERT_EQ(g.routes.size(), 1u);
  const auto& r = g.routes[0];
  EXPECT_EQ(r.stops, (std::vector<uint32_t>{0, 1, 2}));
  ASSERT_EQ(r.departures.size(), 10u);
  for (std::size_t t = 0; t < 10; ++t) {
    EXPECT_EQ(r.departures[t][0], H7 + 600 * static_cast<int>(t));
    EXPECT_EQ(r.arrivals[t][2], H7 + 600 * static_cast<int>(t) + 600);
  }
  EXPECT_TRUE(g.warnings.empty()) << all_warnings(g);
  // Stops 2 km apart: no walking transfers within 400 m.
  EXPECT_EQ(g.transfer_offsets, (std::vector<uint32_t>{0, 0, 0, 0}));
}

TEST(TransitGtfs, CsvQuotesBomCrlfAndColumnOrder) {
  Feed f = one_line();
  f.stops =
      "\xEF\xBB\xBFstop_lon,stop_name,stop_id,stop_lat,location_type\r\n"
      "6.56,\"Assen, Station \"\"Noord\"\"\",A,52.99,0\r\n"
      "6.56,\"Assen\r\nBrink\",B,53.008,\r\n"
      "\r\n"
      " 6.56 , Kloosterveen ,C,53.026,\r\n"
      "6.57,Assen station (parent),S1,53.0,1\r\n";
  f.trips = "trip_id,route_id,service_id\r\nL1_0,L1,WK\r\n\"L1_1\",L1,WK\r\n";
  f.stop_times =
      "stop_sequence,stop_id,departure_time,arrival_time,trip_id\r\n"
      "1,A,07:00:00,07:00:00,L1_0\r\n2,B,07:05:00,07:05:00,L1_0\r\n3,C,07:10:00,07:10:00,L1_0\r\n"
      "3,C,07:20:00,07:20:00,L1_1\r\n1,A,07:10:00,07:10:00,L1_1\r\n2,B,07:15:00,07:15:00,L1_1\r\n";
  Gtfs g = load(f);
  EXPECT_TRUE(g.warnings.empty()) << all_warnings(g);
  ASSERT_EQ(g.stops.size(), 3u);  // the station (location_type 1) is not a stop
  EXPECT_EQ(g.stops[0].name, "Assen, Station \"Noord\"");
  EXPECT_EQ(g.stops[1].name, "Assen\r\nBrink");
  EXPECT_EQ(g.stops[2].id, "C");
  EXPECT_EQ(g.stops[2].name, "Kloosterveen");
  EXPECT_DOUBLE_EQ(g.stops[2].lon, 6.56);
  ASSERT_EQ(g.routes.size(), 1u);
  EXPECT_EQ(g.routes[0].stops, (std::vector<uint32_t>{0, 1, 2}));  // ordered by stop_sequence
  ASSERT_EQ(g.routes[0].departures.size(), 2u);
  EXPECT_EQ(g.routes[0].departures[1][1], H7 + 15 * 60);
}

TEST(TransitGtfs, WeekdayServiceAbsentOnSunday) {
  Gtfs sunday = load(one_line(), kSunday);
  EXPECT_EQ(sunday.stops.size(), 3u);
  EXPECT_TRUE(sunday.routes.empty());
  Gtfs monday = load(one_line(), kMonday);
  EXPECT_EQ(trip_count(monday), 10u);
  // Outside the calendar's date range.
  EXPECT_TRUE(load(one_line(), "20250106").routes.empty());
  auto t = raptor_window(sunday, {{0, 0.0f}}, H7, H7 + 3600);
  EXPECT_EQ(t.median_s[2], kInf);
  EXPECT_EQ(t.median_s[0], 0.0f);
}

TEST(TransitGtfs, CalendarDatesRemoveAndAdd) {
  Feed f;
  f.stop("A", 0, 0);
  f.stop("B", 0, 2000);
  f.line("W", {"A", "B"}, H7, 600, 1, 300, "WK");        // weekdays, not on Monday 10 June
  f.line("S", {"A", "B"}, 9 * 3600, 600, 1, 300, "EX");  // only on Sunday 9 June
  f.calendar_dates = "service_id,date,exception_type\nWK,20240610,2\nEX,20240609,1\n";
  EXPECT_EQ(trip_count(load(f, kMonday)), 0u);
  Gtfs sunday = load(f, kSunday);
  ASSERT_EQ(trip_count(sunday), 1u);
  EXPECT_EQ(sunday.routes[0].departures[0][0], 9 * 3600);
  Gtfs tuesday = load(f, kTuesday);
  ASSERT_EQ(trip_count(tuesday), 1u);
  EXPECT_EQ(tuesday.routes[0].departures[0][0], H7);

  // calendar_dates.txt alone is enough.
  f.calendar.clear();
  f.calendar_dates = "service_id,date,exception_type\nWK,20240611,1\n";
  EXPECT_EQ(trip_count(load(f, kTuesday)), 1u);
  EXPECT_EQ(trip_count(load(f, kMonday)), 0u);
}

TEST(TransitGtfs, TimesPastMidnight) {
  Feed f;
  f.stop("A", 0, 0);
  f.stop("B", 0, 2000);
  f.stop("C", 0, 4000);
  f.line("N", {"A", "B", "C"}, 25 * 3600, 3600, 1, 300);  // 25:00:00 -> 25:10:00
  Gtfs mon = load(f, kMonday);
  EXPECT_TRUE(mon.warnings.empty()) << all_warnings(mon);
  ASSERT_EQ(trip_count(mon), 1u);
  EXPECT_EQ(mon.routes[0].departures[0][0], 25 * 3600);
  EXPECT_EQ(mon.routes[0].arrivals[0][2], 25 * 3600 + 600);
  auto t = raptor_window(mon, {{0, 0.0f}}, 25 * 3600, 25 * 3600 + 60);
  EXPECT_EQ(t.median_s[2], 600.0f);
  // On Tuesday, Monday's night trip runs at 01:00 (its times shifted by -24 h).
  Gtfs tue = load(f, kTuesday);
  ASSERT_EQ(trip_count(tue), 2u);
  EXPECT_EQ(tue.routes[0].departures[0][0], 3600);
  EXPECT_EQ(tue.routes[0].departures[1][0], 25 * 3600);
  EXPECT_EQ(raptor_window(tue, {{0, 0.0f}}, 3600, 3660).median_s[2], 600.0f);
  // Saturday: Friday's trip at 01:00, none of its own.
  Gtfs sat = load(f, "20240615");
  ASSERT_EQ(trip_count(sat), 1u);
  EXPECT_EQ(sat.routes[0].departures[0][0], 3600);
}

TEST(TransitGtfs, BrokenRowsAreSkippedWithWarning) {
  Feed f;
  f.stop("A", 0, 0);
  f.stop("B", 0, 2000);
  f.stop("C", 0, 4000);
  f.routes += "L,L,3\n";
  f.trips += "L,WK,T1\nL,WK,T2\nL,WK,T3\nNOPE,WK,T4\n";
  f.stop_times +=                   // line 1 is the header
      "T1,07:00:00,07:00:00,A,1\n"  // 2
      "T1,07:05:00,07:05:00,B,2\n"  // 3
      "T1,07:10:00,07:10:00,C,3\n"  // 4
      "T2,07:10:00,07:10:00,A,1\n"  // 5
      "T2,25:61:00,25:61:00,B,2\n"  // 6 broken time
      "T2,07:20:00,07:20:00,C,3\n"  // 7
      "T3,07:20:00,07:20:00,A,1\n"  // 8
      "T3,07:25:00,07:25:00,X,2\n"  // 9 unknown stop
      "TX,07:25:00,07:25:00,B,2\n"  // 10 unknown trip
      "T3,07:30:00,07:30:00\n"      // 11 missing stop_id (short row)
      "T3,7:3:00,07:30:00,C,3\n";   // 12 broken time
  Gtfs g = load(f);
  EXPECT_TRUE(has_warning(g, "stop_times.txt:6: broken time '25:61:00'")) << all_warnings(g);
  EXPECT_TRUE(has_warning(g, "stop_times.txt:9: unknown stop_id 'X'")) << all_warnings(g);
  EXPECT_TRUE(has_warning(g, "stop_times.txt:10: unknown trip_id 'TX'")) << all_warnings(g);
  EXPECT_TRUE(has_warning(g, "stop_times.txt:11: missing stop_id")) << all_warnings(g);
  EXPECT_TRUE(has_warning(g, "stop_times.txt:12: broken time '7:3:00'")) << all_warnings(g);
  EXPECT_TRUE(has_warning(g, "trips.txt:5: unknown route_id 'NOPE'")) << all_warnings(g);
  EXPECT_TRUE(has_warning(g, "trip 'T3' has fewer than 2 usable stop times")) << all_warnings(g);
  // T1 keeps A-B-C; T2 keeps A-C (another stop sequence, so another route); T3 is dropped.
  ASSERT_EQ(g.routes.size(), 2u);
  EXPECT_EQ(g.routes[0].stops, (std::vector<uint32_t>{0, 1, 2}));
  EXPECT_EQ(g.routes[1].stops, (std::vector<uint32_t>{0, 2}));
  EXPECT_EQ(trip_count(g), 2u);
}

TEST(TransitGtfs, MissingRequiredFilesFail) {
  TempDir dir;
  Feed f = one_line();
  f.write(dir.path());
  std::filesystem::remove(dir / "stops.txt");
  try {
    load_gtfs(dir.path(), kMonday, "EPSG:28992");
    FAIL() << "expected casco::Error";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("stops.txt"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("missing"), std::string::npos) << e.what();
  }
  f.write(dir.path());
  std::filesystem::remove(dir / "calendar.txt");
  try {
    load_gtfs(dir.path(), kMonday, "EPSG:28992");
    FAIL() << "expected casco::Error";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("calendar.txt"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("calendar_dates.txt"), std::string::npos) << e.what();
  }
  f.write(dir.path());
  write_file(dir / "stop_times.txt", "trip_id,arrival_time,stop_id,stop_sequence\n");
  EXPECT_THROW(load_gtfs(dir.path(), kMonday, "EPSG:28992"), Error);  // no departure_time column
  EXPECT_THROW(load_gtfs(dir / "nowhere", kMonday, "EPSG:28992"), Error);
  f.write(dir.path());
  EXPECT_THROW(load_gtfs(dir.path(), "2024-06-10", "EPSG:28992"), Error);
}

TEST(TransitGtfs, ReadsZipFeed) {
  TempDir dir;
  Feed f = one_line();
  TempDir src;
  f.write(src.path());
  std::string zip = (dir / "feed.zip").string();
  void* h = CPLCreateZip(zip.c_str(), nullptr);
  ASSERT_NE(h, nullptr);
  for (const char* name :
       {"stops.txt", "routes.txt", "trips.txt", "stop_times.txt", "calendar.txt"}) {
    std::ifstream in(src / name, std::ios::binary);
    std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    ASSERT_EQ(CPLCreateFileInZip(h, name, nullptr), CE_None);
    ASSERT_EQ(CPLWriteFileInZip(h, text.data(), static_cast<int>(text.size())), CE_None);
    ASSERT_EQ(CPLCloseFileInZip(h), CE_None);
  }
  ASSERT_EQ(CPLCloseZip(h), CE_None);
  Gtfs g = load_gtfs(zip, kMonday, "EPSG:28992");
  EXPECT_EQ(g.stops.size(), 3u);
  EXPECT_EQ(trip_count(g), 10u);
}

TEST(TransitGtfs, InterpolatesUntimedStops) {
  Feed f;
  f.stop("A", 0, 0);
  f.stop("B", 0, 1000);
  f.stop("C", 0, 2000);
  f.stop("D", 0, 4000);
  f.routes += "L,L,3\n";
  f.trips += "L,WK,T\n";
  f.stop_times += "T,07:00:00,07:00:00,A,1\nT,,,B,2\nT,,,C,3\nT,07:09:00,07:09:00,D,4\n";
  Gtfs g = load(f);
  EXPECT_TRUE(g.warnings.empty()) << all_warnings(g);
  ASSERT_EQ(g.routes.size(), 1u);
  EXPECT_EQ(g.routes[0].arrivals[0], (std::vector<int32_t>{H7, H7 + 180, H7 + 360, H7 + 540}));
}

TEST(TransitGtfs, OvertakingTripsSplitIntoRoutes) {
  Feed f;
  f.stop("A", 0, 0);
  f.stop("B", 0, 2000);
  f.stop("C", 0, 4000);
  f.routes += "L,L,3\n";
  f.trips += "L,WK,SLOW\nL,WK,FAST\n";
  f.stop_times +=
      "SLOW,07:00:00,07:00:00,A,1\nSLOW,07:15:00,07:15:00,B,2\nSLOW,07:30:00,07:30:00,C,3\n"
      "FAST,07:05:00,07:05:00,A,1\nFAST,07:10:00,07:10:00,B,2\nFAST,07:15:00,07:15:00,C,3\n";
  Gtfs g = load(f);
  ASSERT_EQ(g.routes.size(), 2u);
  EXPECT_EQ(g.routes[0].stops, g.routes[1].stops);
  EXPECT_EQ(g.routes[0].departures.size(), 1u);
  // Leaving A at 07:00 the fast 07:05 bus arrives at C first: 15 minutes.
  auto t = raptor_window(g, {{0, 0.0f}}, H7, H7 + 60);
  EXPECT_EQ(t.median_s[2], 900.0f);
  EXPECT_EQ(t.median_s[1], 600.0f);
}

TEST(TransitGtfs, WalkingTransfersWithinDistance) {
  Feed f;
  f.stop("A", 0, 0);
  f.stop("B", 300, 0);
  f.stop("C", 300, 400);  // 500 m from A, 400 m from B
  f.stop("D", 5000, 0);
  f.line("L", {"A", "D"}, H7, 600, 1, 600);
  Gtfs g = load(f, kMonday, 450);
  ASSERT_EQ(g.transfer_offsets.size(), 5u);
  // A: B (300 m); B: A, C; C: B; D: none.
  EXPECT_EQ(g.transfer_offsets, (std::vector<uint32_t>{0, 1, 3, 4, 4}));
  EXPECT_EQ(g.transfer_targets, (std::vector<uint32_t>{1, 0, 2, 1}));
  // 300 m at 4.5 km/h = 240 s; 400 m = 320 s.
  EXPECT_NEAR(g.transfer_seconds[0], 240, 1);
  EXPECT_NEAR(g.transfer_seconds[2], 320, 1);
}

// ------------------------------------------------------------------------------------- RAPTOR

TEST(TransitRaptor, SingleLineMedianAndPercentile) {
  Gtfs g = load(one_line());
  // Departing at 07:00 + m (m = 0..59) from A, the wait is (10 - m % 10) % 10 minutes: each of
  // 0..9 six times. To B: wait + 5 min = 5..14 min, six minutes each; the median (30th of 60
  // sorted) is 9 min, the 90th percentile (54th) 13 min. To C: 5 minutes more.
  auto t = raptor_window(g, {{0, 0.0f}}, H7, H7 + 3600, 90);
  EXPECT_EQ(t.median_s[0], 0.0f);
  EXPECT_EQ(t.pessimistic_s[0], 0.0f);
  EXPECT_EQ(t.median_s[1], 9 * 60.0f);
  EXPECT_EQ(t.pessimistic_s[1], 13 * 60.0f);
  EXPECT_EQ(t.median_s[2], 14 * 60.0f);
  EXPECT_EQ(t.pessimistic_s[2], 18 * 60.0f);
  // The worst minute (07:01) waits 9 minutes; the best (on the hour) none.
  EXPECT_EQ(raptor_window(g, {{0, 0.0f}}, H7, H7 + 3600, 100).pessimistic_s[2], 19 * 60.0f);
  EXPECT_EQ(raptor_window(g, {{0, 0.0f}}, H7, H7 + 3600, 1).pessimistic_s[2], 10 * 60.0f);
  // From C nothing is reachable (the line runs one way).
  auto back = raptor_window(g, {{2, 0.0f}}, H7, H7 + 3600);
  EXPECT_EQ(back.median_s[0], kInf);
  EXPECT_EQ(back.median_s[2], 0.0f);
  // After the last trip (08:30) the stops are unreachable.
  EXPECT_EQ(raptor_window(g, {{0, 0.0f}}, 9 * 3600, 10 * 3600).median_s[2], kInf);
}

TEST(TransitRaptor, AccessTimesAndMultipleOrigins) {
  Gtfs g = load(one_line());
  // Origin A with 2 minutes' access misses the 07:00 bus: 07:10 -> B 07:15, C 07:20. Origin C
  // with 10 minutes' access reaches C itself at 07:10.
  auto t = raptor_window(g, {{0, 120.0f}, {2, 600.0f}}, H7, H7 + 60);
  EXPECT_EQ(t.median_s[0], 120.0f);
  EXPECT_EQ(t.median_s[1], 900.0f);
  EXPECT_EQ(t.median_s[2], 600.0f);
}

// A -> B -> C (line 1), C -> D (line 2); E is 100 m east of C, line 3 runs E -> D.
Feed two_lines(bool via_footpath) {
  Feed f;
  f.stop("A", 0, 0);
  f.stop("B", 0, 2000);
  f.stop("C", 0, 4000);
  f.stop("D", 3000, 6000);
  f.stop("E", 100, 4000);
  f.line("L1", {"A", "B", "C"}, H7, 600, 1, 300);  // C at 07:10
  if (via_footpath) {
    f.line("L3", {"E", "D"}, H7 + 660, 60, 2, 480);  // E 07:11 / 07:12 -> D 07:19 / 07:20
  } else {
    f.line("L2", {"C", "D"}, H7 + 720, 1800, 2, 480);  // C 07:12 / 07:42 -> D 07:20 / 07:50
  }
  return f;
}

TEST(TransitRaptor, TransferAtSharedStop) {
  Gtfs g = load(two_lines(false));
  auto t = raptor_window(g, {{0, 0.0f}}, H7, H7 + 60, 90, 1);
  EXPECT_EQ(t.median_s[2], 600.0f);
  EXPECT_EQ(t.median_s[3], 1200.0f);   // 07:12 from C, D at 07:20
  EXPECT_NEAR(t.median_s[4], 680, 1);  // E: a walk of 100 m from C
  auto direct = raptor_window(g, {{0, 0.0f}}, H7, H7 + 60, 90, 0);
  EXPECT_EQ(direct.median_s[2], 600.0f);
  EXPECT_EQ(direct.median_s[3], kInf);
}

TEST(TransitRaptor, TransferViaFootpath) {
  Gtfs g = load(two_lines(true));
  // C -> E: 100 m at 4.5 km/h = 80 s: at E by 07:11:20, too late for 07:11, in time for 07:12.
  ASSERT_EQ(g.transfer_offsets[3] - g.transfer_offsets[2], 1u);
  EXPECT_EQ(g.transfer_targets[g.transfer_offsets[2]], 4u);
  EXPECT_NEAR(g.transfer_seconds[g.transfer_offsets[2]], 80, 0.5);
  auto t = raptor_window(g, {{0, 0.0f}}, H7, H7 + 60);
  EXPECT_NEAR(t.median_s[4], 680, 1);
  EXPECT_EQ(t.median_s[3], 1200.0f);
  // Without walking transfers D is out of reach.
  Gtfs no_walk = load(two_lines(true), kMonday, 50);
  EXPECT_EQ(raptor_window(no_walk, {{0, 0.0f}}, H7, H7 + 60).median_s[3], kInf);
  // Walking from the origin itself: from E's neighbour C.
  auto from_c = raptor_window(g, {{2, 0.0f}}, H7 + 600, H7 + 660);
  EXPECT_NEAR(from_c.median_s[4], 80, 1);
  EXPECT_EQ(from_c.median_s[3], 600.0f);  // 07:10 + 80 s -> the 07:12 bus, D at 07:20
}

TEST(TransitRaptor, MaxTransfersLimitsReach) {
  Feed f;
  f.stop("A", 0, 0);
  f.stop("B", 0, 2000);
  f.stop("C", 0, 4000);
  f.stop("D", 0, 6000);
  f.line("L1", {"A", "B"}, H7, 600, 6, 300);
  f.line("L2", {"B", "C"}, H7 + 360, 600, 6, 300);
  f.line("L3", {"C", "D"}, H7 + 720, 600, 6, 300);
  Gtfs g = load(f);
  // From A at 07:00: B 07:05, C 07:11, D 07:17.
  const std::vector<std::vector<float>> expected = {
      {0, 300, kInf, kInf}, {0, 300, 660, kInf}, {0, 300, 660, 1020}, {0, 300, 660, 1020}};
  for (int k = 0; k <= 3; ++k) {
    auto t = raptor_window(g, {{0, 0.0f}}, H7, H7 + 60, 90, k);
    EXPECT_EQ(t.median_s, expected[static_cast<std::size_t>(k)]) << "max_transfers " << k;
  }
}

TEST(TransitRaptor, RejectsBadArguments) {
  Gtfs g = load(one_line());
  EXPECT_THROW(raptor_window(g, {{7, 0.0f}}, H7, H7 + 60), Error);
  EXPECT_THROW(raptor_window(g, {{0, 0.0f}}, H7, H7), Error);
  EXPECT_THROW(raptor_window(g, {{0, 0.0f}}, H7, H7 + 60, 0), Error);
  EXPECT_THROW(raptor_window(g, {{0, 0.0f}}, H7, H7 + 60, 90, -1), Error);
  Gtfs bad = g;
  std::swap(bad.routes[0].departures[0], bad.routes[0].departures[1]);
  EXPECT_THROW(raptor_window(bad, {{0, 0.0f}}, H7, H7 + 60), Error);
}

// Earliest arrivals with at most `trips` trips leaving at t, by brute force: every round tries
// every trip from every stop; one walk after the origins and after each trip. A vehicle can be
// boarded at a stop reached on foot (or as an origin) at once, after another vehicle only after
// the stop's change time (none where changing is forbidden).
std::vector<float> brute_force(const Gtfs& g,
                               const std::vector<std::pair<uint32_t, float>>& origins, int t,
                               int trips) {
  const std::size_t n = g.stops.size();
  const double inf = std::numeric_limits<double>::infinity();
  auto walk = [&](std::vector<double>& label, const std::vector<double>& from) {
    for (std::size_t s = 0; s < n; ++s)
      for (uint32_t i = g.transfer_offsets[s]; i < g.transfer_offsets[s + 1]; ++i)
        label[g.transfer_targets[i]] =
            std::min(label[g.transfer_targets[i]], from[s] + std::ceil(g.transfer_seconds[i]));
  };
  auto change = [&](std::size_t s) {
    if (g.min_change_s.empty()) return 0.0;
    return g.min_change_s[s] == Gtfs::kNoChange ? inf : static_cast<double>(g.min_change_s[s]);
  };
  std::vector<double> foot(n, inf), ride(n, inf);  // best arrival on foot / on a vehicle
  for (auto [s, a] : origins) foot[s] = std::min(foot[s], t + std::round(static_cast<double>(a)));
  walk(foot, std::vector<double>(foot));
  for (int k = 1; k <= trips; ++k) {
    std::vector<double> board(n), by_trip(n, inf);
    for (std::size_t s = 0; s < n; ++s) board[s] = std::min(foot[s], ride[s] + change(s));
    for (const auto& r : g.routes)
      for (std::size_t trip = 0; trip < r.departures.size(); ++trip) {
        bool on = false;
        for (std::size_t p = 0; p < r.stops.size(); ++p) {
          if (on) by_trip[r.stops[p]] = std::min<double>(by_trip[r.stops[p]], r.arrivals[trip][p]);
          on = on || board[r.stops[p]] <= r.departures[trip][p];
        }
      }
    for (std::size_t s = 0; s < n; ++s) ride[s] = std::min(ride[s], by_trip[s]);
    walk(foot, by_trip);
  }
  std::vector<float> out(n);
  for (std::size_t s = 0; s < n; ++s) out[s] = static_cast<float>(std::min(foot[s], ride[s]) - t);
  return out;
}

// A random network built directly: range-RAPTOR over a window must give, minute by minute,
// exactly what independent one-minute runs give; and no minute of the window can beat the best
// single run.
class TransitRaptorRandom : public ::testing::TestWithParam<unsigned> {};

// Minute by minute against brute force and against the window, for each limit on transfers.
void check_window(const Gtfs& g, const std::vector<std::pair<uint32_t, float>>& origins, int from,
                  int minutes, std::initializer_list<int> transfers);

TEST_P(TransitRaptorRandom, WindowAgreesWithBruteForceAndIndependentRuns) {
  std::mt19937 rng(GetParam());
  Gtfs g;
  const int W = 10, Hgt = 8;
  for (int y = 0; y < Hgt; ++y)
    for (int x = 0; x < W; ++x) {
      Gtfs::Stop s;
      s.id = fmt::format("{}_{}", x, y);
      s.x = x * 500.0;
      s.y = y * 500.0;
      g.stops.push_back(s);
    }
  const std::size_t n = g.stops.size();
  for (int r = 0; r < 40; ++r) {
    Gtfs::Route route;
    int x = static_cast<int>(rng() % W), y = static_cast<int>(rng() % Hgt);
    std::vector<bool> seen(n, false);
    int len = 6 + static_cast<int>(rng() % 10);
    for (int i = 0; i < len; ++i) {
      uint32_t s = static_cast<uint32_t>(y * W + x);
      if (seen[s]) break;
      seen[s] = true;
      route.stops.push_back(s);
      int dir = static_cast<int>(rng() % 4);
      x = std::clamp(x + (dir == 0) - (dir == 1), 0, W - 1);
      y = std::clamp(y + (dir == 2) - (dir == 3), 0, Hgt - 1);
    }
    if (route.stops.size() < 2) continue;
    std::vector<int> seg;
    for (std::size_t i = 0; i + 1 < route.stops.size(); ++i)
      seg.push_back(60 + static_cast<int>(rng() % 240));
    int t0 = 6 * 3600 + static_cast<int>(rng() % 1200);
    while (t0 < 10 * 3600) {
      std::vector<int32_t> arr, dep;
      int t = t0;
      for (std::size_t i = 0; i < route.stops.size(); ++i) {
        arr.push_back(t);
        t += static_cast<int>(rng() % 2) * 30;  // dwell
        dep.push_back(t);
        if (i < seg.size()) t += seg[i];
      }
      // Keep FIFO: never earlier than the previous trip at any stop.
      if (!route.arrivals.empty())
        for (std::size_t i = 0; i < arr.size(); ++i) {
          arr[i] = std::max(arr[i], route.arrivals.back()[i]);
          dep[i] = std::max({dep[i], arr[i], route.departures.back()[i]});
          if (i > 0) arr[i] = std::max(arr[i], dep[i - 1]);
          dep[i] = std::max(dep[i], arr[i]);
        }
      route.arrivals.push_back(arr);
      route.departures.push_back(dep);
      t0 += 300 + static_cast<int>(rng() % 1200);
    }
    g.routes.push_back(route);
  }
  g.transfer_offsets.push_back(0);
  for (std::size_t i = 0; i < n; ++i) {
    for (std::size_t j = 0; j < n; ++j) {
      double d = std::hypot(g.stops[i].x - g.stops[j].x, g.stops[i].y - g.stops[j].y);
      if (i != j && d <= 500 && rng() % 3 == 0) {
        g.transfer_targets.push_back(static_cast<uint32_t>(j));
        g.transfer_seconds.push_back(static_cast<float>(d / 1.25));
      }
    }
    g.transfer_offsets.push_back(static_cast<uint32_t>(g.transfer_targets.size()));
  }
  const std::vector<std::pair<uint32_t, float>> origins = {{3, 0.0f}, {45, 120.0f}, {77, 61.5f}};
  const int from = H7, minutes = 60;
  check_window(g, origins, from, minutes, {0, 1, 3});
  // Minimum change times (transfers.txt): 0 to 4 minutes per stop, no change at every 7th.
  g.min_change_s.resize(n);
  for (std::size_t s = 0; s < n; ++s)
    g.min_change_s[s] = s % 7 == 0 ? Gtfs::kNoChange : static_cast<int32_t>(rng() % 240);
  check_window(g, origins, from, minutes, {1, 3});
}

void check_window(const Gtfs& g, const std::vector<std::pair<uint32_t, float>>& origins, int from,
                  int minutes, std::initializer_list<int> transfers) {
  const std::size_t n = g.stops.size();
  for (int max_transfers : transfers) {
    std::vector<std::vector<float>> per_stop(n);
    for (int m = 0; m < minutes; ++m) {
      auto one = raptor_window(g, origins, from + 60 * m, from + 60 * (m + 1), 90, max_transfers);
      auto exact = brute_force(g, origins, from + 60 * m, max_transfers + 1);
      for (std::size_t s = 0; s < n; ++s) {
        EXPECT_EQ(one.median_s[s], exact[s]) << "stop " << s << " minute " << m;
        EXPECT_EQ(one.median_s[s], one.pessimistic_s[s]);
        per_stop[s].push_back(one.median_s[s]);
      }
    }
    auto window = raptor_window(g, origins, from, from + 60 * minutes, 80, max_transfers);
    std::size_t reached = 0;
    for (std::size_t s = 0; s < n; ++s) {
      auto v = per_stop[s];
      std::sort(v.begin(), v.end());
      EXPECT_EQ(window.median_s[s], v[29]) << "stop " << s << " max_transfers " << max_transfers;
      EXPECT_EQ(window.pessimistic_s[s], v[47]) << "stop " << s;
      EXPECT_GE(window.median_s[s], v[0]);
      EXPECT_GE(window.pessimistic_s[s], window.median_s[s]);
      reached += std::isfinite(window.median_s[s]);
    }
    EXPECT_GT(reached, n / 4) << "the random network should reach a good part of the stops";
  }
}

INSTANTIATE_TEST_SUITE_P(TransitSeeds, TransitRaptorRandom, ::testing::Values(42u, 7u, 2024u, 99u));

}  // namespace
}  // namespace casco::access
