// Transfers between stops: walking transfers within a straight-line distance (a grid of buckets,
// not all pairs), then transfers.txt: minimum transfer times and forbidden transfers between
// stops or stations, and the minimum change time at a stop. See docs/access_transit.md.
#include <algorithm>
#include <cmath>
#include <map>
#include <numbers>

#include "access/gtfs_read.hpp"

namespace casco::access::detail {

void walking_transfers(Gtfs& g, double max_m, double walk_kmh, bool geographic) {
  const std::size_t n = g.stops.size();
  g.transfer_offsets.assign(n + 1, 0);
  g.transfer_targets.clear();
  g.transfer_seconds.clear();
  if (!(max_m > 0) || n == 0) return;
  std::vector<double> mx(n), my(n);
  double lat0 = 0;
  for (const auto& s : g.stops) lat0 += s.y / static_cast<double>(n);
  const double kx = geographic ? 111320.0 * std::cos(lat0 * std::numbers::pi / 180) : 1.0,
               ky = geographic ? 110540.0 : 1.0;
  for (std::size_t i = 0; i < n; ++i) {
    mx[i] = g.stops[i].x * kx;
    my[i] = g.stops[i].y * ky;
  }
  const double x0 = *std::min_element(mx.begin(), mx.end()),
               y0 = *std::min_element(my.begin(), my.end());
  auto cell_of = [&](std::size_t i) {
    return std::pair<int64_t, int64_t>{static_cast<int64_t>((mx[i] - x0) / max_m),
                                       static_cast<int64_t>((my[i] - y0) / max_m)};
  };
  std::unordered_map<int64_t, std::vector<uint32_t>> buckets;
  auto key = [](int64_t cx, int64_t cy) { return cx * 1000003LL + cy; };
  for (std::size_t i = 0; i < n; ++i) {
    auto [cx, cy] = cell_of(i);
    buckets[key(cx, cy)].push_back(static_cast<uint32_t>(i));
  }
  const double speed = walk_kmh / 3.6;
  for (std::size_t i = 0; i < n; ++i) {
    auto [cx, cy] = cell_of(i);
    std::vector<std::pair<uint32_t, float>> near;
    for (int64_t dx = -1; dx <= 1; ++dx)
      for (int64_t dy = -1; dy <= 1; ++dy) {
        auto it = buckets.find(key(cx + dx, cy + dy));
        if (it == buckets.end()) continue;
        for (uint32_t j : it->second) {
          if (j == i) continue;
          double d = std::hypot(mx[i] - mx[j], my[i] - my[j]);
          if (d <= max_m) near.emplace_back(j, static_cast<float>(d / speed));
        }
      }
    std::sort(near.begin(), near.end());
    for (auto& [j, s] : near) {
      g.transfer_targets.push_back(j);
      g.transfer_seconds.push_back(s);
    }
    g.transfer_offsets[i + 1] = static_cast<uint32_t>(g.transfer_targets.size());
  }
}

namespace {

// One transfers.txt rule between two stops: type 2 with its time, or type 3 (forbidden).
struct Rule {
  uint32_t from, to;
  int type;
  int32_t seconds;
};

}  // namespace

namespace {

// The rules of transfers.txt, stations expanded to their stops: those naming stations first, so
// that a stop's own rule, applied later, wins.
std::vector<Rule> read_rules(const Feed& feed, const StopIndex& stops, Warnings& warn) {
  Table t(feed, "transfers.txt");
  const int c_from = t.col("from_stop_id", false), c_to = t.col("to_stop_id", false);
  const int c_type = t.col("transfer_type"), c_min = t.col("min_transfer_time", false);
  const int c_specific[4] = {t.col("from_route_id", false), t.col("to_route_id", false),
                             t.col("from_trip_id", false), t.col("to_trip_id", false)};
  std::vector<Rule> station_rules, stop_rules;
  auto resolve = [&](const std::string& id, std::vector<uint32_t>& out) {
    auto s = stops.stops.find(id);
    if (s != stops.stops.end()) {
      out = {s->second};
      return 1;
    }
    auto c = stops.children.find(id);
    if (c != stops.children.end()) {
      out = c->second;
      return 2;
    }
    return 0;
  };
  while (t.next()) {
    if (std::any_of(std::begin(c_specific), std::end(c_specific),
                    [&](int c) { return !t[c].empty(); })) {
      warn.add(
          "transfers.txt:{}: transfer between particular routes or trips: not used (only "
          "stop-to-stop transfers are)",
          t.line());
      continue;
    }
    const std::string& ts = t[c_type];
    auto type = ts.empty() ? std::optional<long>(0) : parse_count(ts);
    if (!type || *type > 5) {
      warn.add("transfers.txt:{}: broken transfer_type '{}' (0 to 5)", t.line(), ts);
      continue;
    }
    if (*type == 0 || *type == 1) continue;  // recommended or timed: no constraint
    if (*type >= 4) {
      warn.add("transfers.txt:{}: transfer_type {} needs from_trip_id and to_trip_id", t.line(),
               *type);
      continue;
    }
    std::vector<uint32_t> from, to;
    const int kf = resolve(t[c_from], from), kt = resolve(t[c_to], to);
    if (!kf || !kt) {
      const std::string& id = kf ? t[c_to] : t[c_from];
      warn.add("transfers.txt:{}: {} stop_id '{}'", t.line(), id.empty() ? "missing" : "unknown",
               id);
      continue;
    }
    int32_t seconds = 0;
    if (*type == 2) {
      auto m = parse_count(t[c_min]);
      if (!m) {
        warn.add(
            "transfers.txt:{}: broken min_transfer_time '{}' (whole seconds, needed for "
            "transfer_type 2)",
            t.line(), t[c_min]);
        continue;
      }
      seconds = static_cast<int32_t>(*m);
    }
    auto& rules = kf == 1 && kt == 1 ? stop_rules : station_rules;
    for (uint32_t a : from)
      for (uint32_t b : to) rules.push_back({a, b, static_cast<int>(*type), seconds});
  }
  station_rules.insert(station_rules.end(), stop_rules.begin(), stop_rules.end());
  return station_rules;
}

}  // namespace

void read_transfers(const Feed& feed, Gtfs& g, const StopIndex& stops, Warnings& warn) {
  if (!feed.has("transfers.txt")) return;
  const std::vector<Rule> rules = read_rules(feed, stops, warn);
  if (rules.empty()) return;
  const std::size_t n = g.stops.size();
  std::map<std::pair<uint32_t, uint32_t>, float> walks;
  for (uint32_t s = 0; s < n; ++s)
    for (uint32_t e = g.transfer_offsets[s]; e < g.transfer_offsets[s + 1]; ++e)
      walks[{s, g.transfer_targets[e]}] = g.transfer_seconds[e];
  std::vector<int32_t> change(n, 0);
  bool any_change = false;
  for (const Rule& r : rules) {
    if (r.from == r.to) {
      change[r.from] = r.type == 3 ? Gtfs::kNoChange : r.seconds;
      any_change = true;
    } else if (r.type == 3) {
      walks.erase({r.from, r.to});
    } else {
      walks[{r.from, r.to}] = static_cast<float>(r.seconds);
    }
  }
  g.transfer_offsets.assign(n + 1, 0);
  g.transfer_targets.clear();
  g.transfer_seconds.clear();
  for (const auto& [k, s] : walks) {
    ++g.transfer_offsets[k.first + 1];
    g.transfer_targets.push_back(k.second);
    g.transfer_seconds.push_back(s);
  }
  for (std::size_t s = 0; s < n; ++s) g.transfer_offsets[s + 1] += g.transfer_offsets[s];
  if (any_change) g.min_change_s = std::move(change);
}

}  // namespace casco::access::detail
