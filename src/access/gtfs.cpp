// GTFS for one service date: load_gtfs() reads the tables (gtfs_tables.cpp), cleans each trip
// (interpolation of untimed stops), expands frequency-based trips into timed runs, groups the
// runs into RAPTOR routes without overtaking, reprojects the stops and adds the transfers
// (gtfs_transfers.cpp). See docs/access_transit.md.
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
