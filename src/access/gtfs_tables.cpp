// The tables of a GTFS feed read for one service date: calendars, stops, routes, trips, stop
// times and frequencies, each row checked and a broken one reported with file:line and skipped.
// See docs/access_transit.md.
#include <cpl_vsi.h>

#include <algorithm>
#include <cmath>

#include "access/gtfs_read.hpp"
#include "core/error.hpp"

namespace casco::access::detail {

Days service_days(const std::string& date) {
  auto day = parse_date(date);
  if (!day) fail("GTFS: service date '{}' is not a valid date: write it as YYYYMMDD", date);
  const std::chrono::year_month_day days[2] = {
      *day, std::chrono::year_month_day{std::chrono::sys_days{*day} - std::chrono::days{1}}};
  Days d;
  for (int i = 0; i < 2; ++i) {
    d.number[i] = date_number(days[i]);
    d.weekday[i] = static_cast<int>(
        (std::chrono::weekday{std::chrono::sys_days{days[i]}}.c_encoding() + 6) % 7);
  }
  return d;
}

Feed open_feed(const std::filesystem::path& path) {
  Feed feed;
  feed.display = path.string();
  std::error_code ec;
  if (!std::filesystem::exists(path, ec))
    fail("GTFS feed {} not found: give a folder of GTFS .txt files or a GTFS .zip", feed.display);
  if (std::filesystem::is_directory(path, ec)) {
    feed.base = path.string();
  } else {
    feed.base = "/vsizip/" + std::filesystem::absolute(path).string();
    VSIStatBufL st;
    if (VSIStatL(feed.base.c_str(), &st) != 0)
      fail(
          "GTFS feed {} is neither a folder nor a readable .zip: give a folder of GTFS .txt files "
          "or a GTFS .zip",
          feed.display);
  }
  for (const char* name : {"stops.txt", "routes.txt", "trips.txt", "stop_times.txt"}) {
    if (!feed.has(name))
      fail(
          "GTFS feed {}: required file {} is missing: add it (see the GTFS reference) or use a "
          "complete feed",
          feed.display, name);
  }
  if (!feed.has("calendar.txt") && !feed.has("calendar_dates.txt"))
    fail(
        "GTFS feed {}: calendar.txt and calendar_dates.txt are both missing: a feed needs at least "
        "one of them to say on which dates trips run",
        feed.display);
  return feed;
}

// calendar.txt: the services running on the date (and the day before).
void read_calendar(const Feed& feed, const Days& d, Services& service, Warnings& warn) {
  Table t(feed, "calendar.txt");
  static const char* names[7] = {"monday", "tuesday",  "wednesday", "thursday",
                                 "friday", "saturday", "sunday"};
  int c_id = t.col("service_id"), c_start = t.col("start_date"), c_end = t.col("end_date");
  int c_day[7];
  for (int i = 0; i < 7; ++i) c_day[i] = t.col(names[i]);
  while (t.next()) {
    const std::string& id = t[c_id];
    if (id.empty()) {
      warn.add("calendar.txt:{}: missing service_id", t.line());
      continue;
    }
    auto s = parse_date(t[c_start]), e = parse_date(t[c_end]);
    if (!s || !e) {
      warn.add("calendar.txt:{}: broken date '{}'", t.line(), !s ? t[c_start] : t[c_end]);
      continue;
    }
    auto& act = service[id];
    for (int i = 0; i < 2; ++i)
      act[i] = date_number(*s) <= d.number[i] && d.number[i] <= date_number(*e) &&
               t[c_day[d.weekday[i]]] == "1";
  }
}

// calendar_dates.txt: exceptions for the date override the calendar.
void read_calendar_dates(const Feed& feed, const Days& d, Services& service, Warnings& warn) {
  Table t(feed, "calendar_dates.txt");
  int c_id = t.col("service_id"), c_date = t.col("date"), c_type = t.col("exception_type");
  while (t.next()) {
    const std::string& id = t[c_id];
    if (id.empty()) {
      warn.add("calendar_dates.txt:{}: missing service_id", t.line());
      continue;
    }
    auto date = parse_date(t[c_date]);
    if (!date) {
      warn.add("calendar_dates.txt:{}: broken date '{}'", t.line(), t[c_date]);
      continue;
    }
    const std::string& type = t[c_type];
    if (type != "1" && type != "2") {
      warn.add("calendar_dates.txt:{}: broken exception_type '{}' (1 adds, 2 removes)", t.line(),
               type);
      continue;
    }
    const int dn = date_number(*date);
    for (int i = 0; i < 2; ++i)
      if (dn == d.number[i]) service[id][i] = type == "1";
  }
}

// stops.txt: the stops (location_type empty or 0); stations only as parents of their stops
// (transfers.txt may name a station).
void read_stops(const Feed& feed, Gtfs& g, StopIndex& index, Warnings& warn) {
  Table t(feed, "stops.txt");
  int c_id = t.col("stop_id"), c_lat = t.col("stop_lat"), c_lon = t.col("stop_lon");
  int c_name = t.col("stop_name", false), c_type = t.col("location_type", false);
  int c_parent = t.col("parent_station", false);
  while (t.next()) {
    const std::string& id = t[c_id];
    if (id.empty()) {
      warn.add("stops.txt:{}: missing stop_id", t.line());
      continue;
    }
    const std::string& type = t[c_type];
    if (!type.empty() && type != "0") continue;  // stations, entrances, nodes: not in stop_times
    auto lat = parse_double(t[c_lat]), lon = parse_double(t[c_lon]);
    if (!lat || !lon || std::abs(*lat) > 90 || std::abs(*lon) > 180) {
      warn.add("stops.txt:{}: broken coordinates '{}', '{}' for stop '{}'", t.line(), t[c_lat],
               t[c_lon], id);
      continue;
    }
    const auto k = static_cast<uint32_t>(g.stops.size());
    if (!index.stops.emplace(id, k).second) {
      warn.add("stops.txt:{}: duplicate stop_id '{}'", t.line(), id);
      continue;
    }
    if (!t[c_parent].empty()) index.children[t[c_parent]].push_back(k);
    Gtfs::Stop s;
    s.id = id;
    s.name = t[c_name];
    s.lon = *lon;
    s.lat = *lat;
    g.stops.push_back(std::move(s));
  }
}

std::unordered_set<std::string> read_routes(const Feed& feed, Gtfs& g, Warnings& warn) {
  std::unordered_set<std::string> route_ids;
  Table t(feed, "routes.txt");
  int c_id = t.col("route_id");
  while (t.next()) {
    if (t[c_id].empty())
      warn.add("routes.txt:{}: missing route_id", t.line());
    else if (route_ids.insert(t[c_id]).second)
      g.route_ids.push_back(t[c_id]);
  }
  return route_ids;
}

Trips read_trips(const Feed& feed, const std::unordered_set<std::string>& route_ids,
                 const Services& service, const std::vector<std::string>& without_routes,
                 Warnings& warn) {
  Trips trips;
  Table t(feed, "trips.txt");
  int c_route = t.col("route_id"), c_service = t.col("service_id"), c_id = t.col("trip_id");
  while (t.next()) {
    const std::string& id = t[c_id];
    if (id.empty() || t[c_route].empty() || t[c_service].empty()) {
      warn.add("trips.txt:{}: missing {}", t.line(),
               id.empty()           ? "trip_id"
               : t[c_route].empty() ? "route_id"
                                    : "service_id");
      continue;
    }
    if (!route_ids.count(t[c_route])) {
      warn.add("trips.txt:{}: unknown route_id '{}'", t.line(), t[c_route]);
      continue;
    }
    if (!trips.index.emplace(id, static_cast<uint32_t>(trips.list.size())).second) {
      warn.add("trips.txt:{}: duplicate trip_id '{}'", t.line(), id);
      continue;
    }
    Trip trip;
    trip.id = id;
    auto it = service.find(t[c_service]);
    bool cut =
        std::find(without_routes.begin(), without_routes.end(), t[c_route]) != without_routes.end();
    if (it != service.end() && !cut) trip.active = it->second;
    trips.list.push_back(std::move(trip));
  }
  return trips;
}

void read_stop_times(const Feed& feed, Trips& trips, const StopIndex& stops, Warnings& warn) {
  Table t(feed, "stop_times.txt");
  int c_trip = t.col("trip_id"), c_arr = t.col("arrival_time"), c_dep = t.col("departure_time");
  int c_stop = t.col("stop_id"), c_seq = t.col("stop_sequence");
  int c_dist = t.col("shape_dist_traveled", false);
  while (t.next()) {
    const std::string& tid = t[c_trip];
    if (tid.empty()) {
      warn.add("stop_times.txt:{}: missing trip_id", t.line());
      continue;
    }
    auto ti = trips.index.find(tid);
    if (ti == trips.index.end()) {
      warn.add("stop_times.txt:{}: unknown trip_id '{}'", t.line(), tid);
      continue;
    }
    Trip& trip = trips.list[ti->second];
    if (!trip.active[0] && !trip.active[1]) continue;
    const std::string& sid = t[c_stop];
    if (sid.empty()) {
      warn.add("stop_times.txt:{}: missing stop_id", t.line());
      continue;
    }
    auto si = stops.stops.find(sid);
    if (si == stops.stops.end()) {
      warn.add("stop_times.txt:{}: unknown stop_id '{}'", t.line(), sid);
      continue;
    }
    const std::string& seq_s = t[c_seq];
    auto seq = parse_count(seq_s);
    if (!seq) {
      warn.add("stop_times.txt:{}: {} stop_sequence '{}'", t.line(),
               seq_s.empty() ? "missing" : "broken", seq_s);
      continue;
    }
    int32_t arr = parse_time(t[c_arr]), dep = parse_time(t[c_dep]);
    if (arr == kBadTime || dep == kBadTime) {
      warn.add("stop_times.txt:{}: broken time '{}'", t.line(),
               arr == kBadTime ? t[c_arr] : t[c_dep]);
      continue;
    }
    auto dist = parse_double(t[c_dist]);
    trip.times.push_back(StopTime{static_cast<uint32_t>(*seq), arr, dep, si->second,
                                  dist ? *dist : std::nan(""), t.line()});
  }
}

// frequencies.txt: periods of frequency-based trips. A broken row is reported and skipped; a trip
// whose every row is broken is dropped later (its template times are no timetable).
void read_frequencies(const Feed& feed, Trips& trips, Warnings& warn) {
  if (!feed.has("frequencies.txt")) return;
  Table t(feed, "frequencies.txt");
  int c_trip = t.col("trip_id"), c_start = t.col("start_time"), c_end = t.col("end_time");
  int c_headway = t.col("headway_secs"), c_exact = t.col("exact_times", false);
  while (t.next()) {
    auto ti = trips.index.find(t[c_trip]);
    if (ti == trips.index.end()) {
      warn.add("frequencies.txt:{}: {} trip_id '{}'", t.line(),
               t[c_trip].empty() ? "missing" : "unknown", t[c_trip]);
      continue;
    }
    Trip& trip = trips.list[ti->second];
    trip.frequency_based = true;
    const int32_t start = parse_time(t[c_start]), end = parse_time(t[c_end]);
    if (start < 0 || end < 0 || end <= start) {
      warn.add("frequencies.txt:{}: broken times '{}' to '{}' (H:MM:SS, end after start)", t.line(),
               t[c_start], t[c_end]);
      continue;
    }
    auto headway = parse_count(t[c_headway]);
    if (!headway || *headway <= 0) {
      warn.add("frequencies.txt:{}: broken headway_secs '{}' (whole seconds above 0)", t.line(),
               t[c_headway]);
      continue;
    }
    const std::string& exact = t[c_exact];
    if (!exact.empty() && exact != "0" && exact != "1") {
      warn.add("frequencies.txt:{}: broken exact_times '{}' (0 or 1)", t.line(), exact);
      continue;
    }
    trip.periods.push_back({start, end, static_cast<int32_t>(*headway), exact == "1"});
  }
}

}  // namespace casco::access::detail
