// RAPTOR (Delling, Pajor, Werneck 2012) over a departure window, run as range-RAPTOR: the
// departure minutes are processed from the latest to the earliest and the per-round labels are
// kept, so each minute only explores what the earlier departure improves. The window is cut into
// a few chunks that run in parallel (TBB), each an independent range-RAPTOR. See
// docs/access_transit.md.
#include <tbb/blocked_range.h>
#include <tbb/parallel_for.h>
#include <tbb/task_arena.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <vector>

#include "access/transit.hpp"
#include "core/error.hpp"

namespace casco::access {
namespace {

constexpr int32_t kInf = std::numeric_limits<int32_t>::max() / 2;
constexpr uint32_t kNone = std::numeric_limits<uint32_t>::max();

// The feed flattened for scanning: per route its stops and the times column by column
// ([position][trip]) so the earliest-trip search is a binary search over contiguous memory.
struct Index {
  std::size_t n_stops = 0;
  std::vector<uint32_t> route_stop_begin;  // size routes+1, into route_stops
  std::vector<uint32_t> route_stops;
  std::vector<uint32_t> route_trips;
  std::vector<std::size_t> route_time_begin;  // into dep/arr
  std::vector<int32_t> dep, arr;
  std::vector<uint32_t> stop_route_begin;                  // size stops+1, into stop_routes
  std::vector<std::pair<uint32_t, uint32_t>> stop_routes;  // (route, position)
  std::vector<uint32_t> foot_begin, foot_to;
  std::vector<int32_t> foot_s;
  std::vector<int32_t> change;  // per stop: minimum change time, kInf for none; empty: all 0
};

Index make_index(const Gtfs& g) {
  Index ix;
  ix.n_stops = g.stops.size();
  const std::size_t R = g.routes.size();
  ix.route_stop_begin.assign(R + 1, 0);
  ix.route_trips.resize(R);
  ix.route_time_begin.assign(R + 1, 0);
  std::vector<uint32_t> count(ix.n_stops, 0);
  for (std::size_t r = 0; r < R; ++r) {
    const auto& route = g.routes[r];
    const std::size_t L = route.stops.size(), T = route.departures.size();
    if (route.arrivals.size() != T)
      fail("transit route {}: {} arrival rows but {} departure rows", r, route.arrivals.size(), T);
    for (uint32_t s : route.stops) {
      if (s >= ix.n_stops) fail("transit route {}: stop index {} out of range", r, s);
      ++count[s];
    }
    for (std::size_t t = 0; t < T; ++t) {
      if (route.arrivals[t].size() != L || route.departures[t].size() != L)
        fail("transit route {} trip {}: {} stops but {} / {} times", r, t, L,
             route.arrivals[t].size(), route.departures[t].size());
    }
    for (std::size_t t = 1; t < T; ++t)
      for (std::size_t p = 0; p < L; ++p)
        if (route.departures[t][p] < route.departures[t - 1][p] ||
            route.arrivals[t][p] < route.arrivals[t - 1][p])
          fail(
              "transit route {}: trip {} overtakes trip {} at position {}: trips of a route must "
              "keep their order (load_gtfs splits such routes)",
              r, t, t - 1, p);
    ix.route_stop_begin[r + 1] = ix.route_stop_begin[r] + static_cast<uint32_t>(L);
    ix.route_trips[r] = static_cast<uint32_t>(T);
    ix.route_time_begin[r + 1] = ix.route_time_begin[r] + L * T;
  }
  ix.route_stops.reserve(ix.route_stop_begin[R]);
  ix.dep.resize(ix.route_time_begin[R]);
  ix.arr.resize(ix.route_time_begin[R]);
  for (std::size_t r = 0; r < R; ++r) {
    const auto& route = g.routes[r];
    const std::size_t L = route.stops.size(), T = route.departures.size();
    ix.route_stops.insert(ix.route_stops.end(), route.stops.begin(), route.stops.end());
    for (std::size_t p = 0; p < L; ++p)
      for (std::size_t t = 0; t < T; ++t) {
        ix.dep[ix.route_time_begin[r] + p * T + t] = route.departures[t][p];
        ix.arr[ix.route_time_begin[r] + p * T + t] = route.arrivals[t][p];
      }
  }
  ix.stop_route_begin.assign(ix.n_stops + 1, 0);
  for (std::size_t s = 0; s < ix.n_stops; ++s)
    ix.stop_route_begin[s + 1] = ix.stop_route_begin[s] + count[s];
  ix.stop_routes.resize(ix.stop_route_begin[ix.n_stops]);
  std::vector<uint32_t> fill(ix.stop_route_begin.begin(), ix.stop_route_begin.end() - 1);
  for (std::size_t r = 0; r < R; ++r)
    for (uint32_t p = 0; p < g.routes[r].stops.size(); ++p)
      ix.stop_routes[fill[g.routes[r].stops[p]]++] = {static_cast<uint32_t>(r), p};

  ix.foot_begin.assign(ix.n_stops + 1, 0);
  if (!g.transfer_offsets.empty()) {
    if (g.transfer_offsets.size() != ix.n_stops + 1 ||
        g.transfer_targets.size() != g.transfer_seconds.size() ||
        g.transfer_offsets.back() != g.transfer_targets.size())
      fail("transit feed: transfer arrays are inconsistent ({} offsets for {} stops)",
           g.transfer_offsets.size(), ix.n_stops);
    ix.foot_begin = g.transfer_offsets;
    ix.foot_to = g.transfer_targets;
    ix.foot_s.resize(g.transfer_seconds.size());
    for (std::size_t i = 0; i < ix.foot_to.size(); ++i) {
      if (ix.foot_to[i] >= ix.n_stops) fail("transit feed: transfer to stop {} out of range", i);
      ix.foot_s[i] = static_cast<int32_t>(std::ceil(std::max(0.0f, g.transfer_seconds[i])));
    }
  }
  if (!g.min_change_s.empty()) {
    if (g.min_change_s.size() != ix.n_stops)
      fail("transit feed: {} change times for {} stops", g.min_change_s.size(), ix.n_stops);
    ix.change.resize(ix.n_stops);
    for (std::size_t s = 0; s < ix.n_stops; ++s)
      ix.change[s] = g.min_change_s[s] == Gtfs::kNoChange ? kInf : std::max(0, g.min_change_s[s]);
  }
  return ix;
}

// One range-RAPTOR over a run of departure minutes; labels persist between minutes.
//
// Two labels per round and stop, as in R5: `tau` the earliest arrival by any means (boarding
// uses it) and `ride` the earliest arrival on a vehicle (or at an origin). Walks start from
// `ride` only, so walks are never chained, yet a later vehicle arrival still gets its walk when
// the stop itself was reached earlier on foot (footpaths need not be transitively closed).
// With minimum change times (transfers.txt) a third label, `board`, is the earliest time a
// vehicle can be boarded: a vehicle arrival plus the stop's change time, or a walk arrival.
class Search {
 public:
  Search(const Index& ix, const std::vector<std::pair<uint32_t, int32_t>>& origins, int rounds)
      : ix_(ix),
        origins_(origins),
        K_(rounds),
        n_(ix.n_stops),
        tau_(static_cast<std::size_t>(rounds + 1) * ix.n_stops, kInf),
        ride_(static_cast<std::size_t>(rounds + 1) * ix.n_stops, kInf),
        board_(ix.change.empty() ? 0 : static_cast<std::size_t>(rounds + 1) * ix.n_stops, kInf),
        improved_(rounds + 1),
        rode_(rounds + 1),
        changed_(rounds + 1),
        imp_stamp_(ix.n_stops, 0),
        rode_stamp_(ix.n_stops, 0),
        chg_stamp_(ix.n_stops, 0),
        route_pos_(ix.route_trips.size(), kNone) {}

  // Earliest arrival at every stop (with at most K_ trips) departing at `t`; must be called with
  // decreasing t.
  const int32_t* run(int32_t t) {
    ++stamp_;
    for (int k = 0; k <= K_; ++k) {
      improved_[k].clear();
      rode_[k].clear();
      changed_[k].clear();
    }
    for (auto [s, access] : origins_) arrive(0, s, t + access);
    relax_footpaths(0);
    for (int k = 1; k <= K_; ++k) {
      ++stamp_;
      const std::size_t off = static_cast<std::size_t>(k) * n_;
      int32_t *tk = tau_.data() + off, *rk = ride_.data() + off;
      const int32_t *tp = tk - n_, *rp = rk - n_;
      int32_t* bk = board_.empty() ? tk : board_.data() + off;
      const int32_t* bp = bk - n_;  // boarding times of the round before
      // Labels with fewer trips bound those with more.
      for (uint32_t s : changed_[k - 1]) {
        if (tp[s] < tk[s] || rp[s] < rk[s] || bp[s] < bk[s]) {
          tk[s] = std::min(tk[s], tp[s]);
          rk[s] = std::min(rk[s], rp[s]);
          bk[s] = std::min(bk[s], bp[s]);
          mark(changed_[k], chg_stamp_, s);
        }
      }
      // Routes through stops improved in the previous round, from their first such stop.
      routes_.clear();
      for (uint32_t s : improved_[k - 1]) {
        for (uint32_t i = ix_.stop_route_begin[s]; i < ix_.stop_route_begin[s + 1]; ++i) {
          auto [r, p] = ix_.stop_routes[i];
          if (route_pos_[r] == kNone) routes_.push_back(r);
          if (p < route_pos_[r]) route_pos_[r] = p;
        }
      }
      for (uint32_t r : routes_) {
        scan_route(r, route_pos_[r], bp, k);
        route_pos_[r] = kNone;
      }
      relax_footpaths(k);
      if (changed_[k].empty()) break;
    }
    return tau_.data() + static_cast<std::size_t>(K_) * n_;
  }

 private:
  static void mark(std::vector<uint32_t>& list, std::vector<uint32_t>& stamps, uint32_t s,
                   uint32_t stamp) {
    if (stamps[s] != stamp) {
      stamps[s] = stamp;
      list.push_back(s);
    }
  }
  void mark(std::vector<uint32_t>& list, std::vector<uint32_t>& stamps, uint32_t s) {
    mark(list, stamps, s, stamp_);
  }

  // A vehicle (or the access walk, in round 0) reaches stop s at time a in round k.
  void arrive(int k, uint32_t s, int32_t a) {
    const std::size_t i = static_cast<std::size_t>(k) * n_ + s;
    if (a >= ride_[i]) return;
    ride_[i] = a;
    mark(rode_[k], rode_stamp_, s);
    mark(changed_[k], chg_stamp_, s);
    if (a < tau_[i]) {
      tau_[i] = a;
      if (board_.empty()) mark(improved_[k], imp_stamp_, s);
    }
    if (!board_.empty()) {
      // From an origin (round 0) straight on; after a vehicle, the change time first.
      const int32_t b = k == 0 ? a : ix_.change[s] >= kInf ? kInf : a + ix_.change[s];
      if (b < board_[i]) {
        board_[i] = b;
        mark(improved_[k], imp_stamp_, s);
      }
    }
  }

  // `tp`: the boarding times of round k - 1.
  void scan_route(uint32_t r, uint32_t from, const int32_t* tp, int k) {
    const uint32_t* stops = ix_.route_stops.data() + ix_.route_stop_begin[r];
    const uint32_t L = ix_.route_stop_begin[r + 1] - ix_.route_stop_begin[r];
    const uint32_t T = ix_.route_trips[r];
    if (T == 0) return;
    const int32_t* dep = ix_.dep.data() + ix_.route_time_begin[r];
    const int32_t* arr = ix_.arr.data() + ix_.route_time_begin[r];
    uint32_t trip = kNone;
    for (uint32_t p = from; p < L; ++p) {
      const uint32_t s = stops[p];
      if (trip != kNone) arrive(k, s, arr[static_cast<std::size_t>(p) * T + trip]);
      // Catch an earlier trip here? Earliest trip with departure >= the label of the round before.
      const int32_t b = tp[s];
      if (b >= kInf || p + 1 == L) continue;
      const int32_t* col = dep + static_cast<std::size_t>(p) * T;
      const uint32_t hi = trip == kNone ? T : trip;
      if (trip != kNone && (trip == 0 || b > col[trip - 1])) continue;
      const uint32_t t = static_cast<uint32_t>(std::lower_bound(col, col + hi, b) - col);
      if (t < hi) trip = t;
    }
  }

  // One walk from every stop whose vehicle arrival improved in round k.
  void relax_footpaths(int k) {
    const std::size_t off = static_cast<std::size_t>(k) * n_;
    int32_t* tk = tau_.data() + off;
    int32_t* bk = board_.empty() ? nullptr : board_.data() + off;
    const int32_t* rk = ride_.data() + off;
    for (uint32_t s : rode_[k]) {
      const int32_t a0 = rk[s];
      for (uint32_t i = ix_.foot_begin[s]; i < ix_.foot_begin[s + 1]; ++i) {
        const uint32_t q = ix_.foot_to[i];
        const int32_t a = a0 + ix_.foot_s[i];
        if (a < tk[q]) {
          tk[q] = a;
          if (!bk) mark(improved_[k], imp_stamp_, q);
          mark(changed_[k], chg_stamp_, q);
        }
        if (bk && a < bk[q]) {  // on foot: no change time
          bk[q] = a;
          mark(improved_[k], imp_stamp_, q);
          mark(changed_[k], chg_stamp_, q);
        }
      }
    }
  }

  const Index& ix_;
  const std::vector<std::pair<uint32_t, int32_t>>& origins_;
  int K_;
  std::size_t n_;
  std::vector<int32_t> tau_, ride_, board_;  // [round][stop]; board_ only with change times
  std::vector<std::vector<uint32_t>> improved_, rode_, changed_;
  std::vector<uint32_t> imp_stamp_, rode_stamp_, chg_stamp_;
  uint32_t stamp_ = 0;
  std::vector<uint32_t> route_pos_, routes_;
};

// Nearest-rank percentile: the smallest value v such that at least q % of the values are <= v.
float nearest_rank(std::vector<float>& v, double q) {
  std::size_t rank = static_cast<std::size_t>(std::ceil(q / 100.0 * static_cast<double>(v.size())));
  rank = std::clamp<std::size_t>(rank, 1, v.size());
  std::nth_element(v.begin(), v.begin() + static_cast<std::ptrdiff_t>(rank - 1), v.end());
  return v[rank - 1];
}

}  // namespace

TransitTimes raptor_window(const Gtfs& feed, const std::vector<std::pair<uint32_t, float>>& origins,
                           int from_s, int to_s, double percentile, int max_transfers) {
  if (to_s <= from_s)
    fail("transit window: the window end {} s must be after its start {} s", to_s, from_s);
  if (!(percentile > 0 && percentile <= 100))
    fail("transit window: percentile must be in (0, 100], got {}", percentile);
  if (max_transfers < 0) fail("transit window: max_transfers must be >= 0, got {}", max_transfers);
  const Index ix = make_index(feed);
  const std::size_t n = ix.n_stops;
  std::vector<std::pair<uint32_t, int32_t>> orig;
  for (auto [s, access] : origins) {
    if (s >= n) fail("transit window: origin stop index {} out of range ({} stops)", s, n);
    if (!(access >= 0) || !std::isfinite(access))
      fail("transit window: origin stop {} has an invalid access time {}", s, access);
    orig.emplace_back(s, static_cast<int32_t>(std::lround(access)));
  }

  const int minutes = (to_s - from_s + 59) / 60;
  // travel[s * minutes + m]: travel time from departure minute m to stop s
  std::vector<float> travel(n * static_cast<std::size_t>(minutes),
                            std::numeric_limits<float>::infinity());
  const int threads = std::max(1, tbb::this_task_arena::max_concurrency());
  const int chunks = std::clamp(minutes / 15, 1, threads);
  tbb::parallel_for(0, chunks, [&](int c) {
    const int m0 = static_cast<int>(static_cast<int64_t>(minutes) * c / chunks);
    const int m1 = static_cast<int>(static_cast<int64_t>(minutes) * (c + 1) / chunks);
    Search search(ix, orig, max_transfers + 1);
    for (int m = m1 - 1; m >= m0; --m) {
      const int32_t t = from_s + 60 * m;
      const int32_t* best = search.run(t);
      for (std::size_t s = 0; s < n; ++s)
        if (best[s] < kInf)
          travel[s * static_cast<std::size_t>(minutes) + static_cast<std::size_t>(m)] =
              static_cast<float>(best[s] - t);
    }
  });

  TransitTimes out;
  out.median_s.resize(n);
  out.pessimistic_s.resize(n);
  tbb::parallel_for(tbb::blocked_range<std::size_t>(0, n), [&](const auto& range) {
    std::vector<float> v;
    for (std::size_t s = range.begin(); s < range.end(); ++s) {
      auto first = travel.begin() + static_cast<std::ptrdiff_t>(s * minutes);
      v.assign(first, first + minutes);
      out.median_s[s] = nearest_rank(v, 50);
      out.pessimistic_s[s] = nearest_rank(v, percentile);
    }
  });
  return out;
}

}  // namespace casco::access
