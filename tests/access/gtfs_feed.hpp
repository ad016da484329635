#pragma once
// Tiny hand-made GTFS feeds for the transit tests: stops placed in metres around Assen, lines with
// regular trips, written to a folder and loaded.
#include <fmt/format.h>

#include <cmath>
#include <filesystem>
#include <limits>
#include <string>
#include <vector>

#include "access/transit.hpp"
#include "test_util.hpp"

namespace casco::access {

using test::TempDir;
using test::write_file;

inline constexpr float kInf = std::numeric_limits<float>::infinity();
inline constexpr const char* kMonday = "20240610";
inline constexpr const char* kSunday = "20240609";
inline constexpr const char* kTuesday = "20240611";

inline std::string hms(int s) {
  return fmt::format("{:02}:{:02}:{:02}", s / 3600, s / 60 % 60, s % 60);
}

// A feed as text; empty members are not written.
struct Feed {
  std::string stops = "stop_id,stop_name,stop_lat,stop_lon\n";
  std::string routes = "route_id,route_short_name,route_type\n";
  std::string trips = "route_id,service_id,trip_id\n";
  std::string stop_times = "trip_id,arrival_time,departure_time,stop_id,stop_sequence\n";
  std::string calendar =
      "service_id,monday,tuesday,wednesday,thursday,friday,saturday,sunday,start_date,end_date\n"
      "WK,1,1,1,1,1,0,0,20240101,20241231\n";
  std::string calendar_dates;
  std::string frequencies, transfers;

  // Stops near Assen; (dx, dy) in metres east and north of (6.56 E, 52.99 N).
  void stop(const std::string& id, double dx_m, double dy_m) {
    double lat = 52.99 + dy_m / 111250.0;
    double lon = 6.56 + dx_m / (111320.0 * std::cos(52.99 * 3.14159265358979 / 180));
    stops += fmt::format("{},Halte {},{:.8f},{:.8f}\n", id, id, lat, lon);
  }
  // `count` trips of a line over `stop_ids`, the first leaving at `first`, every `headway` s,
  // `segment` s between consecutive stops.
  void line(const std::string& route, const std::vector<std::string>& stop_ids, int first,
            int headway, int count, int segment, const std::string& service = "WK") {
    routes += route + "," + route + ",3\n";
    for (int i = 0; i < count; ++i) {
      std::string trip = fmt::format("{}_{}", route, i);
      trips += route + "," + service + "," + trip + "\n";
      for (std::size_t p = 0; p < stop_ids.size(); ++p) {
        int t = first + i * headway + static_cast<int>(p) * segment;
        stop_times += fmt::format("{},{},{},{},{}\n", trip, hms(t), hms(t), stop_ids[p], p + 1);
      }
    }
  }
  void write(const std::filesystem::path& dir) const {
    write_file(dir / "stops.txt", stops);
    write_file(dir / "routes.txt", routes);
    write_file(dir / "trips.txt", trips);
    write_file(dir / "stop_times.txt", stop_times);
    if (!calendar.empty()) write_file(dir / "calendar.txt", calendar);
    if (!calendar_dates.empty()) write_file(dir / "calendar_dates.txt", calendar_dates);
    if (!frequencies.empty()) write_file(dir / "frequencies.txt", frequencies);
    if (!transfers.empty()) write_file(dir / "transfers.txt", transfers);
  }
};

inline constexpr int H7 = 7 * 3600;

// A(0) -> B(2 km) -> C(4 km), trips every 10 minutes from 07:00 to 08:30, 5 minutes per segment.
inline Feed one_line() {
  Feed f;
  f.stop("A", 0, 0);
  f.stop("B", 0, 2000);
  f.stop("C", 0, 4000);
  f.line("L1", {"A", "B", "C"}, H7, 600, 10, 300);
  return f;
}

inline Gtfs load(const Feed& f, const std::string& date = kMonday, double transfer_max_m = 400) {
  TempDir dir;
  f.write(dir.path());
  return load_gtfs(dir.path(), date, "EPSG:28992", transfer_max_m);
}

inline std::size_t trip_count(const Gtfs& g) {
  std::size_t n = 0;
  for (const auto& r : g.routes) n += r.departures.size();
  return n;
}

inline bool has_warning(const Gtfs& g, const std::string& text) {
  for (const auto& w : g.warnings)
    if (w.find(text) != std::string::npos) return true;
  return false;
}

inline std::string all_warnings(const Gtfs& g) {
  std::string s;
  for (const auto& w : g.warnings) s += w + "\n";
  return s;
}

}  // namespace casco::access
