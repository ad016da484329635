// GTFS for one service date: the service calendars, stops, routes and trips, stop times (with
// interpolation of untimed stops), frequency-based trips expanded into timed ones, grouping of
// trips into RAPTOR routes without overtaking, and reprojection. Walking transfers and
// transfers.txt: gtfs_transfers.cpp; CSV and times: gtfs_read.cpp. See docs/access_transit.md.
#include <cpl_vsi.h>

#include <algorithm>
#include <array>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "access/gtfs_read.hpp"
#include "access/transit.hpp"
#include "core/crs.hpp"
#include "core/error.hpp"

namespace casco::access {
namespace {

using namespace detail;

// The service date and the day before (whose trips after midnight still run), as YYYYMMDD
// numbers and weekdays (Monday = 0, as the calendar.txt columns).
struct Days {
  int number[2];
  int weekday[2];
};

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

using Services = std::unordered_map<std::string, std::array<bool, 2>>;

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

struct StopTime {
  uint32_t seq;
  int32_t arr, dep;
  uint32_t stop;
  double dist;  // shape_dist_traveled or NaN
  std::size_t line;
};

// One frequencies.txt period: trips leave the first stop at start, start + headway, … < end.
struct Period {
  int32_t start, end, headway;
  bool exact;
};

struct Trip {
  std::string id;
  std::array<bool, 2> active{};  // [0] on the date, [1] on the day before (times shifted -24 h)
  std::vector<StopTime> times;
  bool frequency_based = false;  // listed in frequencies.txt: its times are a template
  std::vector<Period> periods;
};

struct Trips {
  std::vector<Trip> list;
  std::unordered_map<std::string, uint32_t> index;
};

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

// Fills in untimed intermediate stops (GTFS allows empty times between timepoints): linear in
// shape_dist_traveled when known along the gap, otherwise evenly by stop count.
bool interpolate(std::vector<StopTime>& st) {
  if (st.front().arr == kNoTime && st.front().dep == kNoTime) return false;
  if (st.back().arr == kNoTime && st.back().dep == kNoTime) return false;
  for (auto& s : st) {
    if (s.arr == kNoTime) s.arr = s.dep;
    if (s.dep == kNoTime) s.dep = s.arr;
  }
  std::size_t prev = 0;
  for (std::size_t i = 1; i < st.size(); ++i) {
    if (st[i].arr == kNoTime) continue;
    if (i > prev + 1) {
      bool by_dist =
          !std::isnan(st[prev].dist) && !std::isnan(st[i].dist) && st[i].dist > st[prev].dist;
      for (std::size_t j = prev + 1; j < i; ++j) by_dist = by_dist && !std::isnan(st[j].dist);
      for (std::size_t j = prev + 1; j < i; ++j) {
        double f = by_dist ? (st[j].dist - st[prev].dist) / (st[i].dist - st[prev].dist)
                           : static_cast<double>(j - prev) / static_cast<double>(i - prev);
        f = std::clamp(f, 0.0, 1.0);
        st[j].arr = st[j].dep =
            st[prev].dep + static_cast<int32_t>(std::lround(f * (st[i].arr - st[prev].dep)));
      }
    }
    prev = i;
  }
  return true;
}

// A trip's stop times sorted, cleaned and interpolated; false (warned) when the trip is dropped.
bool clean_trip(Trip& trip, Warnings& warn) {
  auto& st = trip.times;
  std::stable_sort(st.begin(), st.end(),
                   [](const StopTime& a, const StopTime& b) { return a.seq < b.seq; });
  std::vector<StopTime> kept;
  kept.reserve(st.size());
  for (const auto& s : st) {
    if (!kept.empty() && kept.back().seq == s.seq) {
      warn.add("stop_times.txt:{}: duplicate stop_sequence {} in trip '{}'", s.line, s.seq,
               trip.id);
      continue;
    }
    kept.push_back(s);
  }
  if (kept.size() < 2) {
    warn.add("stop_times.txt: trip '{}' has fewer than 2 usable stop times; trip dropped", trip.id);
    return false;
  }
  if (!interpolate(kept)) {
    warn.add("stop_times.txt:{}: trip '{}' has no time at its {} stop; trip dropped",
             kept.front().arr == kNoTime ? kept.front().line : kept.back().line, trip.id,
             kept.front().arr == kNoTime ? "first" : "last");
    return false;
  }
  for (std::size_t i = 0; i < kept.size(); ++i) {
    if (kept[i].dep < kept[i].arr || (i > 0 && kept[i].arr < kept[i - 1].dep)) {
      warn.add("stop_times.txt:{}: trip '{}' goes back in time; trip dropped", kept[i].line,
               trip.id);
      return false;
    }
  }
  if (trip.frequency_based && trip.periods.empty()) {
    warn.add("frequencies.txt: trip '{}' has no usable period; trip dropped", trip.id);
    return false;
  }
  st = std::move(kept);
  return true;
}

struct TripTimes {
  std::vector<int32_t> arr, dep;
};

struct VecHash {
  std::size_t operator()(const std::vector<uint32_t>& v) const {
    std::size_t h = v.size();
    for (uint32_t x : v) h ^= x + 0x9e3779b97f4a7c15ULL + (h << 6) + (h >> 2);
    return h;
  }
};

// Trips of one stop sequence, in the order their patterns were first seen.
struct Patterns {
  std::unordered_map<std::vector<uint32_t>, std::vector<TripTimes>, VecHash> trips;
  std::vector<const std::vector<uint32_t>*> order;
  void add(const std::vector<uint32_t>& seq, TripTimes tt) {
    auto [it, fresh] = trips.try_emplace(seq);
    if (fresh) order.push_back(&it->first);
    it->second.push_back(std::move(tt));
  }
};

// The timed runs of a trip on each active day: itself, or for a frequency-based trip one run per
// headway in each period (its stop times shifted to each departure).
void add_runs(const Trip& trip, Patterns& patterns) {
  const auto& st = trip.times;
  std::vector<uint32_t> seq(st.size());
  for (std::size_t i = 0; i < st.size(); ++i) seq[i] = st[i].stop;
  std::vector<int32_t> starts;
  if (!trip.frequency_based) {
    starts.push_back(st.front().dep);
  } else {
    for (const Period& p : trip.periods)
      for (int32_t t = p.start; t < p.end; t += p.headway) starts.push_back(t);
  }
  for (int d = 0; d < 2; ++d) {
    if (!trip.active[d]) continue;
    const int32_t day_shift = d == 0 ? 0 : -86400;
    for (int32_t start : starts) {
      const int32_t shift = start - st.front().dep + day_shift;
      if (d == 1 && st.back().arr + shift < 0) continue;  // yesterday's run over before today
      TripTimes tt;
      tt.arr.resize(st.size());
      tt.dep.resize(st.size());
      for (std::size_t i = 0; i < st.size(); ++i) {
        tt.arr[i] = st[i].arr + shift;
        tt.dep[i] = st[i].dep + shift;
      }
      patterns.add(seq, std::move(tt));
    }
  }
}

// Trips of one pattern, sorted by departure, split so that no trip overtakes another in the same
// route (RAPTOR's earliest-trip binary search needs times sorted at every stop).
void make_routes(Patterns& patterns, Gtfs& g) {
  for (const auto* key : patterns.order) {
    auto& list = patterns.trips.at(*key);
    std::sort(list.begin(), list.end(), [](const TripTimes& a, const TripTimes& b) {
      return std::tie(a.dep[0], a.arr) < std::tie(b.dep[0], b.arr);
    });
    std::vector<Gtfs::Route> split;
    for (auto& tt : list) {
      Gtfs::Route* target = nullptr;
      for (auto& r : split) {
        const auto &la = r.arrivals.back(), &ld = r.departures.back();
        bool fifo = true;
        for (std::size_t i = 0; i < la.size() && fifo; ++i)
          fifo = tt.arr[i] >= la[i] && tt.dep[i] >= ld[i];
        if (fifo) {
          target = &r;
          break;
        }
      }
      if (!target) {
        split.emplace_back();
        target = &split.back();
        target->stops = *key;
      }
      target->arrivals.push_back(std::move(tt.arr));
      target->departures.push_back(std::move(tt.dep));
    }
    for (auto& r : split) g.routes.push_back(std::move(r));
  }
}

void reproject(Gtfs& g, const Feed& feed, const OGRSpatialReference& target,
               const std::string& crs) {
  auto wgs84 = make_srs("EPSG:4326", "GTFS stops");
  auto ct = make_transform(wgs84, target);
  if (g.stops.empty()) return;
  std::vector<double> xs(g.stops.size()), ys(g.stops.size());
  for (std::size_t i = 0; i < g.stops.size(); ++i) {
    xs[i] = g.stops[i].lon;
    ys[i] = g.stops[i].lat;
  }
  std::vector<int> ok(g.stops.size(), TRUE);
  if (ct && !ct->Transform(static_cast<int>(xs.size()), xs.data(), ys.data(), nullptr, ok.data()))
    fail("GTFS feed {}: PROJ cannot transform the stops to {}", feed.display, crs);
  for (std::size_t i = 0; i < g.stops.size(); ++i) {
    if (!ok[i])
      fail("GTFS feed {}: PROJ cannot transform stop '{}' ({}, {}) to {}", feed.display,
           g.stops[i].id, g.stops[i].lon, g.stops[i].lat, crs);
    g.stops[i].x = xs[i];
    g.stops[i].y = ys[i];
  }
}

}  // namespace

Gtfs load_gtfs(const std::filesystem::path& feed_path, const std::string& date,
               const std::string& crs, double transfer_max_m, double walk_speed_kmh,
               const std::vector<std::string>& without_routes) {
  ensure_gdal_registered();
  const Feed feed = open_feed(feed_path);
  if (!(walk_speed_kmh > 0))
    fail("GTFS: walking speed must be positive, got {} km/h", walk_speed_kmh);
  const Days days = service_days(date);
  const OGRSpatialReference target = make_srs(crs, "GTFS target CRS");

  Gtfs g;
  Warnings warn{g.warnings};
  Services service;
  if (feed.has("calendar.txt")) read_calendar(feed, days, service, warn);
  if (feed.has("calendar_dates.txt")) read_calendar_dates(feed, days, service, warn);
  StopIndex stops;
  read_stops(feed, g, stops, warn);
  const auto route_ids = read_routes(feed, g, warn);
  Trips trips = read_trips(feed, route_ids, service, without_routes, warn);
  read_stop_times(feed, trips, stops, warn);
  read_frequencies(feed, trips, warn);

  Patterns patterns;
  for (Trip& trip : trips.list) {
    if ((!trip.active[0] && !trip.active[1]) || trip.times.empty()) continue;
    if (clean_trip(trip, warn)) add_runs(trip, patterns);
  }
  make_routes(patterns, g);
  reproject(g, feed, target, crs);
  walking_transfers(g, transfer_max_m, walk_speed_kmh, target.IsGeographic());
  read_transfers(feed, g, stops, warn);

  if (warn.dropped > 0)
    g.warnings.push_back(fmt::format("... and {} more rows skipped", warn.dropped));
  if (!g.warnings.empty())
    casco::warn("GTFS feed {}: {} row problem(s) skipped, first: {}", feed.display,
                g.warnings.size() + warn.dropped - (warn.dropped > 0 ? 1 : 0), g.warnings[0]);
  return g;
}

}  // namespace casco::access
