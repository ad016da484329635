#pragma once
// Public transport from a GTFS feed: RAPTOR over a departure window, with the median and a
// pessimistic percentile of the travel time over the window's departure minutes.
// See docs/access_transit.md.
#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

namespace casco::access {

struct Gtfs {
  struct Stop {
    std::string id, name;
    double lon = 0, lat = 0;
    double x = 0, y = 0;  // model CRS
  };
  std::vector<Stop> stops;
  // Trips grouped into RAPTOR routes (same stop sequence); times in seconds after midnight.
  struct Route {
    std::vector<uint32_t> stops;  // stop indices in order
    std::vector<std::vector<int32_t>> arrivals,
        departures;  // [trip][position], trips sorted by departure
  };
  std::vector<Route> routes;
  // Walking transfers between stops within a distance (seconds), CSR by stop; transfers.txt
  // overrides them (minimum transfer times, forbidden transfers).
  std::vector<uint32_t> transfer_offsets, transfer_targets;
  std::vector<float> transfer_seconds;
  // Minimum time between arriving on one vehicle and leaving on another at the same stop
  // (transfers.txt); kNoChange: no change between vehicles there. Empty: 0 at every stop.
  static constexpr int32_t kNoChange = -1;
  std::vector<int32_t> min_change_s;
  std::vector<std::string> warnings;   // rows skipped: "stop_times.txt:123: broken time '25:61:00'"
  std::vector<std::string> route_ids;  // every route_id of routes.txt (for what-if line removal)
};

// Reads a GTFS folder (or .zip) for one service date (YYYYMMDD; calendar + calendar_dates),
// frequency-based trips (frequencies.txt) expanded into timed trips and transfers.txt applied;
// reprojects stops to `crs`. Throws casco::Error naming the missing required file.
// `without_routes` leaves the trips of those route_ids out (what-if: a bus line is cut).
Gtfs load_gtfs(const std::filesystem::path& feed, const std::string& date, const std::string& crs,
               double transfer_max_m = 400, double walk_speed_kmh = 4.5,
               const std::vector<std::string>& without_routes = {});

struct TransitTimes {
  std::vector<float> median_s, pessimistic_s;  // per stop; infinity when unreachable
};

// From origin stops (stop index, access seconds) departing at every minute of [from_s, to_s):
// per stop the median and the `percentile` (e.g. 90) of the travel time, up to `max_transfers`.
TransitTimes raptor_window(const Gtfs& feed, const std::vector<std::pair<uint32_t, float>>& origins,
                           int from_s, int to_s, double percentile = 90, int max_transfers = 3);

}  // namespace casco::access
