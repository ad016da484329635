// GTFS frequencies.txt (frequency-based trips expanded into timed ones) and transfers.txt
// (minimum transfer times, forbidden transfers) on hand-made feeds; times worked out by hand.
#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <vector>

#include "access/transit.hpp"
#include "gtfs_feed.hpp"

namespace casco::access {
namespace {

// Departures at the first stop of every route, sorted.
std::vector<int32_t> first_departures(const Gtfs& g) {
  std::vector<int32_t> out;
  for (const auto& r : g.routes)
    for (const auto& d : r.departures) out.push_back(d[0]);
  std::sort(out.begin(), out.end());
  return out;
}

// A, B, C on a line, 2 km apart; trip F1 is a template A 00:00, B 00:05, C 00:10.
Feed template_trip(const std::string& trip = "F1") {
  Feed f;
  f.stop("A", 0, 0);
  f.stop("B", 0, 2000);
  f.stop("C", 0, 4000);
  f.routes += "R,R,3\n";
  f.trips += "R,WK," + trip + "\n";
  f.stop_times += trip + ",00:00:00,00:00:00,A,1\n" + trip + ",00:05:00,00:05:00,B,2\n" + trip +
                  ",00:10:00,00:10:00,C,3\n";
  return f;
}

// ---------------------------------------------------------------------------------- frequencies

TEST(TransitFrequencies, PeriodsExpandIntoTimedTrips) {
  Feed f = template_trip();
  f.frequencies =
      "trip_id,start_time,end_time,headway_secs,exact_times\n"
      "F1,07:00:00,09:00:00,600,1\n"   // 07:00 07:10 … 08:50 (the end is not a departure)
      "F1,09:00:00,09:20:00,900,0\n";  // 09:00 09:15 (exact_times 0: the same expansion)
  Gtfs g = load(f);
  EXPECT_TRUE(g.warnings.empty()) << all_warnings(g);
  std::vector<int32_t> want;
  for (int i = 0; i < 12; ++i) want.push_back(H7 + 600 * i);
  want.push_back(9 * 3600);
  want.push_back(9 * 3600 + 900);
  EXPECT_EQ(first_departures(g), want);
  // Every run keeps the template's stop times: C ten minutes after A.
  for (const auto& r : g.routes)
    for (std::size_t t = 0; t < r.departures.size(); ++t)
      EXPECT_EQ(r.arrivals[t][2] - r.departures[t][0], 600);
  // A bus every 10 minutes, 10 minutes to C: from A over 07:00-08:00 the travel times are 10 to
  // 19 minutes, six times each; median (30th of 60) 14 min, 90th percentile (54th) 18 min.
  auto t = raptor_window(g, {{0, 0.0f}}, H7, H7 + 3600);
  EXPECT_EQ(t.median_s[2], 14 * 60.0f);
  EXPECT_EQ(t.pessimistic_s[2], 18 * 60.0f);
}

TEST(TransitFrequencies, RunsOfTheDayBeforeAfterMidnight) {
  Feed f = template_trip();
  f.calendar =
      "service_id,monday,tuesday,wednesday,thursday,friday,saturday,sunday,start_date,end_date\n"
      "WK,1,1,1,1,1,1,1,20240101,20241231\n";
  f.frequencies = "trip_id,start_time,end_time,headway_secs\nF1,23:30:00,24:30:00,1800\n";
  Gtfs g = load(f, kTuesday);
  // Tuesday's runs at 23:30 and 24:00, Monday's 24:00 run as 00:00 on Tuesday; Monday's 23:30 run
  // arrives 23:40 on Monday and is over.
  EXPECT_EQ(first_departures(g), (std::vector<int32_t>{0, 23 * 3600 + 1800, 24 * 3600}));
}

TEST(TransitFrequencies, BrokenRowsAreReportedWithTheirLineAndSkipped) {
  Feed f = template_trip();
  f.routes += "R3,R3,3\n";
  f.trips += "R3,WK,F3\n";
  f.stop_times += "F3,00:00:00,00:00:00,A,1\nF3,00:05:00,00:05:00,C,2\n";
  f.frequencies =
      "trip_id,start_time,end_time,headway_secs,exact_times\n"
      "F1,07:00:00,07:30:00,600,\n"    // line 2: good
      "F1,07:00:00,08:00:00,0,\n"      // 3
      "F1,08:00:00,07:00:00,600,\n"    // 4
      "F1,07:60:00,08:00:00,600,\n"    // 5
      "NOPE,07:00:00,08:00:00,600,\n"  // 6
      "F1,07:00:00,08:00:00,600,2\n"   // 7
      "F3,07:00:00,07:30:00,ten,\n";   // 8: F3's only row
  Gtfs g = load(f);
  EXPECT_TRUE(has_warning(g, "frequencies.txt:3: broken headway_secs '0'")) << all_warnings(g);
  EXPECT_TRUE(has_warning(g, "frequencies.txt:4: broken times '08:00:00' to '07:00:00'"));
  EXPECT_TRUE(has_warning(g, "frequencies.txt:5: broken times '07:60:00'"));
  EXPECT_TRUE(has_warning(g, "frequencies.txt:6: unknown trip_id 'NOPE'"));
  EXPECT_TRUE(has_warning(g, "frequencies.txt:7: broken exact_times '2'"));
  EXPECT_TRUE(has_warning(g, "frequencies.txt:8: broken headway_secs 'ten'"));
  EXPECT_TRUE(has_warning(g, "trip 'F3' has no usable period; trip dropped"));
  EXPECT_EQ(first_departures(g), (std::vector<int32_t>{H7, H7 + 600, H7 + 1200}));
}

// ------------------------------------------------------------------------------------ transfers

// Line L1: A 07:00 → B 07:05 (one trip). Line L2: B → C every 10 minutes from 07:06, 5 minutes.
// E lies 100 m from B (a walking transfer of 80 s); line L3 leaves E for F at 07:08 and 07:18.
Feed change_at_b() {
  Feed f;
  f.stop("A", 0, 0);
  f.stop("B", 0, 2000);
  f.stop("C", 0, 4000);
  f.stop("E", 100, 2000);
  f.stop("F", 2100, 2000);
  f.line("L1", {"A", "B"}, H7, 600, 1, 300);
  f.line("L2", {"B", "C"}, H7 + 360, 600, 6, 300);
  f.line("L3", {"E", "F"}, H7 + 480, 600, 6, 300);
  return f;
}

TEST(TransitTransfers, WithoutTransfersTxtChangesTakeNoTime) {
  Gtfs g = load(change_at_b());
  EXPECT_TRUE(g.min_change_s.empty());
  auto t = raptor_window(g, {{0, 0.0f}}, H7, H7 + 60);
  EXPECT_EQ(t.median_s[2], 660.0f);  // B 07:05, the 07:06 bus, C 07:11
  EXPECT_EQ(t.median_s[4], 780.0f);  // B 07:05, E 07:06:20, the 07:08 bus, F 07:13
}

TEST(TransitTransfers, MinimumChangeTimeAtAStop) {
  Feed f = change_at_b();
  f.transfers = "from_stop_id,to_stop_id,transfer_type,min_transfer_time\nB,B,2,120\n";
  Gtfs g = load(f);
  ASSERT_EQ(g.min_change_s.size(), 5u);
  EXPECT_EQ(g.min_change_s[1], 120);
  auto t = raptor_window(g, {{0, 0.0f}}, H7, H7 + 60);
  EXPECT_EQ(t.median_s[2], 1260.0f);  // 07:05 + 2 min: the 07:16 bus, C 07:21
  EXPECT_EQ(t.median_s[4], 780.0f);   // walking on to E is no change at B
  // Starting at B (no vehicle before): no change time.
  EXPECT_EQ(raptor_window(g, {{1, 0.0f}}, H7 + 360, H7 + 420).median_s[2], 300.0f);
}

TEST(TransitTransfers, ForbiddenTransfers) {
  Feed f = change_at_b();
  f.transfers = "from_stop_id,to_stop_id,transfer_type\nB,B,3\nB,E,3\n";
  Gtfs g = load(f);
  EXPECT_EQ(g.min_change_s[1], Gtfs::kNoChange);
  for (uint32_t e = g.transfer_offsets[1]; e < g.transfer_offsets[2]; ++e)
    EXPECT_NE(g.transfer_targets[e], 3u) << "the walk B → E is forbidden";
  auto t = raptor_window(g, {{0, 0.0f}}, H7, H7 + 60);
  EXPECT_EQ(t.median_s[2], kInf);
  EXPECT_EQ(t.median_s[4], kInf);
  EXPECT_EQ(t.median_s[1], 300.0f);
  // The walk the other way, E → B, is still there.
  bool back = false;
  for (uint32_t e = g.transfer_offsets[3]; e < g.transfer_offsets[4]; ++e)
    back = back || g.transfer_targets[e] == 1;
  EXPECT_TRUE(back);
}

TEST(TransitTransfers, MinimumTransferTimeBetweenStopsBeyondWalkingDistance) {
  // C and F are 2.1 km apart, beyond the 400 m of walking transfers; transfers.txt says 5 min.
  Feed f = change_at_b();
  f.line("L4", {"F", "A"}, H7 + 1500, 600, 3, 300);  // F 07:25 07:35 07:45 → A
  f.transfers = "from_stop_id,to_stop_id,transfer_type,min_transfer_time\nC,F,2,300\n";
  Gtfs g = load(f);
  // A 07:00 → B 07:05 → the 07:06 bus → C 07:11 → 5 min → F 07:16 → the 07:25 bus → A 07:30.
  auto t = raptor_window(g, {{0, 0.0f}}, H7, H7 + 60, 90, 3);
  EXPECT_EQ(t.median_s[4], 780.0f);
  auto back = raptor_window(g, {{2, 0.0f}}, H7 + 660, H7 + 720, 90, 1);
  EXPECT_EQ(back.median_s[4], 300.0f);   // the walk itself
  EXPECT_EQ(back.median_s[0], 1140.0f);  // C 07:11 → F 07:16 → 07:25 → A 07:30
}

TEST(TransitTransfers, StationsApplyToTheirStopsAndAStopsOwnRuleWins) {
  Feed f;
  f.stops =
      "stop_id,stop_name,stop_lat,stop_lon,location_type,parent_station\n"
      "S,Station,52.99,6.56,1,\n"
      "P1,Perron 1,52.99,6.5601,0,S\n"
      "P2,Perron 2,52.99,6.5603,0,S\n"
      "X,Elders,52.999,6.56,0,\n";
  f.line("L", {"P1", "X"}, H7, 600, 2, 300);
  f.transfers =
      "from_stop_id,to_stop_id,transfer_type,min_transfer_time\n"
      "S,S,2,180\n"
      "P1,P1,2,30\n";
  Gtfs g = load(f);
  ASSERT_EQ(g.stops.size(), 3u);
  EXPECT_EQ(g.min_change_s[0], 30);   // P1: its own rule
  EXPECT_EQ(g.min_change_s[1], 180);  // P2: the station's
  EXPECT_EQ(g.min_change_s[2], 0);    // X: none
  // Between the two platforms: 3 minutes instead of the walk of about 14 m.
  ASSERT_EQ(g.transfer_offsets[1] - g.transfer_offsets[0], 1u);
  EXPECT_EQ(g.transfer_seconds[g.transfer_offsets[0]], 180.0f);
  EXPECT_TRUE(g.warnings.empty()) << all_warnings(g);
}

TEST(TransitTransfers, BrokenAndUnsupportedRowsAreReported) {
  Feed f = change_at_b();
  f.transfers =
      "from_stop_id,to_stop_id,transfer_type,min_transfer_time,from_trip_id,to_trip_id\n"
      "B,B,2,,,\n"          // line 2
      "B,NOPE,3,,,\n"       // 3
      "B,B,7,,,\n"          // 4
      "B,B,1,,L1_0,L2_0\n"  // 5
      "B,B,4,,,\n"          // 6
      "B,C,0,,,\n";         // 7: recommended: nothing to do
  Gtfs g = load(f);
  EXPECT_TRUE(has_warning(g, "transfers.txt:2: broken min_transfer_time ''")) << all_warnings(g);
  EXPECT_TRUE(has_warning(g, "transfers.txt:3: unknown stop_id 'NOPE'"));
  EXPECT_TRUE(has_warning(g, "transfers.txt:4: broken transfer_type '7'"));
  EXPECT_TRUE(has_warning(g, "transfers.txt:5: transfer between particular routes or trips"));
  EXPECT_TRUE(has_warning(g, "transfers.txt:6: transfer_type 4 needs from_trip_id"));
  EXPECT_EQ(g.warnings.size(), 5u) << all_warnings(g);
  EXPECT_TRUE(g.min_change_s.empty());
}

}  // namespace
}  // namespace casco::access
