// Travel times from every cell and origin to the nearest facility of each kind, per mode: over the
// road network when the model has one (else a documented straight-line estimate), and by public
// transport (RAPTOR over a GTFS feed) per departure window.
#include <algorithm>
#include <cmath>
#include <map>

#include "access/access.hpp"
#include "access/network.hpp"
#include "access/transit.hpp"
#include "core/error.hpp"
#include "core/progress.hpp"
#include "model/dasymetric.hpp"
#include "model/rasterize.hpp"

namespace casco::access {
namespace {

constexpr double kStopWalkRadius = 800;  // metres walked to or from a public-transport stop
constexpr double kWalkKmh = 4.5;         // to and from stops

// Origins sorted by x, to find those within a radius of a point without scanning them all.
struct OriginIndex {
  std::vector<std::pair<double, uint32_t>> by_x;
  explicit OriginIndex(const std::vector<Origin>& origins) {
    for (uint32_t i = 0; i < origins.size(); ++i) by_x.push_back({origins[i].x, i});
    std::sort(by_x.begin(), by_x.end());
  }
  template <class F>
  void within(const std::vector<Origin>& origins, double x, double y, double radius, F f) const {
    auto it =
        std::lower_bound(by_x.begin(), by_x.end(), std::pair<double, uint32_t>{x - radius, 0});
    for (; it != by_x.end() && it->first <= x + radius; ++it) {
      const Origin& o = origins[it->second];
      double d = std::hypot(o.x - x, o.y - y);
      if (d <= radius) f(it->second, d);
    }
  }
};

// Metres from every cell centre to the nearest facility (its cell centre), facilities in the
// surroundings beyond the grid included.
Raster straight_line_metres(const Grid& g, const std::vector<const Facility*>& facilities,
                            double surroundings_m) {
  if (facilities.empty()) return Raster(g, kNoData);
  double xmin = 1e300, ymin = 1e300, xmax = -1e300, ymax = -1e300;
  for (const Facility* f : facilities) {
    xmin = std::min(xmin, f->x), xmax = std::max(xmax, f->x);
    ymin = std::min(ymin, f->y), ymax = std::max(ymax, f->y);
  }
  auto shapes_on = [&](const Grid& on) {
    std::vector<Shape> shapes;
    for (const Facility* f : facilities) {
      Shape s;
      s.type = Shape::Type::Point;
      s.parts.push_back({{on.px(f->x), on.py(f->y)}});
      s.anchor = s.parts.back().front();
      shapes.push_back(std::move(s));
    }
    return shapes;
  };
  return distance_beyond(g, xmin, ymin, xmax, ymax, surroundings_m, shapes_on);
}

OriginTimes empty_times(const std::string& set, const std::string& kind, const std::string& mode,
                        std::size_t n, bool metres) {
  OriginTimes t{set, kind, mode, std::vector<float>(n, kNoData), {}};
  if (metres) t.metres.assign(n, kNoData);
  return t;
}

// What every part of the computation shares.
struct Job {
  const AccessConfig& cfg;
  const Store& store;
  const std::vector<std::vector<Origin>>& origins;
  std::map<std::string, std::vector<const Facility*>> by_kind;
  Progress& progress;
  AccessResult& res;
  const Grid& grid() const { return store.grid(); }
};

// ------------------------------------------------------------------ straight-line estimate

void estimate_kind(Job& job, const FacilityKind& fk,
                   const std::vector<const ModeSettings*>& modes) {
  const Grid& g = job.grid();
  const auto& facilities = job.by_kind[fk.kind];
  Raster metres = straight_line_metres(g, facilities, job.store.manifest().surroundings_m);
  // Origins: the exact straight line from the origin to the nearest facility.
  std::vector<std::vector<float>> origin_m(job.origins.size());
  for (std::size_t set = 0; set < job.origins.size(); ++set) {
    origin_m[set].assign(job.origins[set].size(), kNoData);
    for (std::size_t i = 0; i < job.origins[set].size(); ++i) {
      double best = std::numeric_limits<double>::infinity();
      for (const Facility* f : facilities)
        best =
            std::min(best, std::hypot(f->x - job.origins[set][i].x, f->y - job.origins[set][i].y));
      if (std::isfinite(best)) origin_m[set][i] = static_cast<float>(best);
    }
  }
  for (const ModeSettings* m : modes) {
    check_interrupted();
    Raster minutes(g, Raster::Uninitialized{}), travelled(g, Raster::Uninitialized{});
    const double per_m = m->detour / (m->speed_kmh * 1000.0 / 60.0);
    for (std::size_t i = 0; i < g.size(); ++i) {
      minutes.values[i] = static_cast<float>(metres.values[i] * per_m + m->extra_minutes);
      travelled.values[i] = static_cast<float>(metres.values[i] * m->detour);
    }
    job.res.layers.push_back({fk.kind, m->id, std::move(minutes), std::move(travelled)});
    for (std::size_t set = 0; set < job.origins.size(); ++set) {
      OriginTimes t =
          empty_times(job.cfg.origins[set].id, fk.kind, m->id, job.origins[set].size(), true);
      for (std::size_t i = 0; i < job.origins[set].size(); ++i) {
        float d = origin_m[set][i];
        if (std::isnan(d)) continue;
        t.minutes[i] = static_cast<float>(d * per_m + m->extra_minutes);
        t.metres[i] = static_cast<float>(d * m->detour);
      }
      job.res.origin_times.push_back(std::move(t));
    }
    job.progress.advance();
  }
}

// ------------------------------------------------------------------ over the road network

// The points joined to the network: the populated cells, then the origins of every set.
struct NetworkPoints {
  std::vector<std::size_t> cells;
  std::vector<double> xs, ys;
  std::vector<std::size_t> set_start;
};

NetworkPoints network_points(const Job& job) {
  const Grid& g = job.grid();
  const Raster pop = job.store.read(job.cfg.population);
  NetworkPoints p;
  for (std::size_t i = 0; i < g.size(); ++i)
    if (pop.values[i] > 0) {
      p.cells.push_back(i);
      p.xs.push_back(g.cx(static_cast<int>(i % g.cols)));
      p.ys.push_back(g.cy(static_cast<int>(i / g.cols)));
    }
  for (const auto& set : job.origins) {
    p.set_start.push_back(p.xs.size());
    for (const auto& o : set) {
      p.xs.push_back(o.x);
      p.ys.push_back(o.y);
    }
  }
  return p;
}

// Points beyond the maximum snap distance get no time; the furthest snap is reported.
void report_snaps(const Job& job, const ModeSettings& m, const std::vector<RoadSnap>& snapped,
                  std::size_t from, std::size_t to, const std::string& what, double max_snap) {
  std::size_t lost = 0;
  float furthest = 0;
  for (std::size_t k = from; k < to; ++k) {
    if (snapped[k].road == kNoRoad)
      ++lost;
    else
      furthest = std::max(furthest, snapped[k].distance_m);
  }
  const std::string net = job.cfg.network.string();
  if (lost)
    warn("{}: {} {} lie more than {:.0f} m from every road for {} and get no time", net, lost, what,
         max_snap, m.id);
  if (furthest > 500)
    warn(
        "{}: {} lie up to {:.0f} m from the {} network; their times include that distance at {} "
        "km/h",
        net, what, furthest, m.id, m.speed_kmh);
  else
    info("{}: {} {} joined the {} network, the furthest {:.0f} m from it", m.id, to - from - lost,
         what, m.id, furthest);
}

// One mode's network, its snapped points, and the times over it.
struct ModeNetwork {
  const ModeSettings& m;
  Graph graph, back;  // back: reversed, for times *to* the facilities
  std::vector<RoadSnap> snapped;
  PointJoins joins;
  double max_snap;
};

void network_kind(Job& job, const ModeNetwork& net, const RoadSnapper& roads,
                  const NetworkPoints& pts, const FacilityKind& fk) {
  const Grid& g = job.grid();
  const ModeSettings& m = net.m;
  const double m_per_s = m.speed_kmh / 3.6;
  std::vector<double> fx, fy;
  for (const Facility* f : job.by_kind[fk.kind]) {
    fx.push_back(f->x);
    fy.push_back(f->y);
  }
  auto at = roads.snap(fx, fy, net.max_snap);
  if (auto off = std::count_if(at.begin(), at.end(),
                               [](const RoadSnap& sn) { return sn.road == kNoRoad; }))
    warn(
        "{}: {} facilit(y/ies) of '{}' lie more than {:.0f} m from every road for {} and are left "
        "out for {}",
        job.cfg.network.string(), off, fk.kind, net.max_snap, m.id, m.id);
  std::vector<float> start_s, start_m;
  for (const auto& sn : at) {
    start_s.push_back(static_cast<float>(sn.distance_m / m_per_s));
    start_m.push_back(sn.distance_m);
  }
  PointTimes t = times_to_nearest(net.graph, net.back, at, start_s, start_m, net.joins);
  auto minutes_at = [&](std::size_t k) {
    float sec = t.seconds[k];
    return std::isfinite(sec)
               ? static_cast<float>((sec + net.snapped[k].distance_m / m_per_s) / 60.0 +
                                    m.extra_minutes)
               : kNoData;
  };
  auto metres_at = [&](std::size_t k) {
    return std::isfinite(t.seconds[k]) ? t.metres[k] + net.snapped[k].distance_m : kNoData;
  };
  Raster minutes(g, kNoData), travelled(g, kNoData);
  for (std::size_t k = 0; k < pts.cells.size(); ++k) {
    minutes.values[pts.cells[k]] = minutes_at(k);
    travelled.values[pts.cells[k]] = metres_at(k);
  }
  job.res.layers.push_back({fk.kind, m.id, std::move(minutes), std::move(travelled)});
  for (std::size_t set = 0; set < job.origins.size(); ++set) {
    OriginTimes ot =
        empty_times(job.cfg.origins[set].id, fk.kind, m.id, job.origins[set].size(), true);
    for (std::size_t i = 0; i < job.origins[set].size(); ++i) {
      ot.minutes[i] = minutes_at(pts.set_start[set] + i);
      ot.metres[i] = metres_at(pts.set_start[set] + i);
    }
    job.res.origin_times.push_back(std::move(ot));
  }
  job.progress.advance();
}

void network_mode(Job& job, const ModeSettings& m, const Profile& profile,
                  const NetworkPoints& pts) {
  const Grid& g = job.grid();
  const Mode mode = parse_mode(m.id);
  Graph graph = build_graph(job.cfg.network, mode, profile, g.crs_wkt.empty() ? g.crs : g.crs_wkt);
  info("{}: {} closed node(s), {} destination-only edge(s), {} turn restriction(s) applied", m.id,
       graph.stats.blocked_nodes, graph.stats.destination_edges, graph.stats.restrictions_applied);
  if (graph.stats.restrictions_skipped)
    warn("{}: {} turn restriction(s) for {} do not fit the network and are left out, e.g. {}",
         job.cfg.network.string(), graph.stats.restrictions_skipped, m.id,
         graph.stats.skipped_examples.front());
  Graph back = graph.reversed();
  ModeNetwork net{m, std::move(graph), std::move(back), {}, {}, profile.mode(mode).snap_max_m};
  const RoadSnapper roads(net.graph);
  net.snapped = roads.snap(pts.xs, pts.ys, net.max_snap);
  net.joins = join_points(net.graph, net.snapped);
  report_snaps(job, m, net.snapped, 0, pts.cells.size(), "populated cell(s)", net.max_snap);
  for (std::size_t set = 0; set < job.origins.size(); ++set)
    report_snaps(job, m, net.snapped, pts.set_start[set],
                 pts.set_start[set] + job.origins[set].size(),
                 fmt::format("origin(s) of '{}'", job.cfg.origins[set].id), net.max_snap);
  for (const auto& fk : job.cfg.facilities) {
    check_interrupted();
    network_kind(job, net, roads, pts, fk);
  }
}

// ------------------------------------------------------------------ public transport

// Stops within walking distance of a facility of the kind, with the seconds walked to them
// (travel times are taken as symmetric).
std::vector<std::pair<uint32_t, float>> stops_near(const Gtfs& feed,
                                                   const std::vector<const Facility*>& facilities) {
  const double walk = kWalkKmh / 3.6;
  std::vector<std::pair<uint32_t, float>> sources;
  for (uint32_t st = 0; st < feed.stops.size(); ++st) {
    double best = kStopWalkRadius + 1;
    for (const Facility* f : facilities)
      best = std::min(best, std::hypot(feed.stops[st].x - f->x, feed.stops[st].y - f->y));
    if (best <= kStopWalkRadius) sources.push_back({st, static_cast<float>(best / walk)});
  }
  return sources;
}

void transit_window(Job& job, const Gtfs& feed, const ModeSettings& pt, const FacilityKind& fk,
                    const std::vector<std::pair<uint32_t, float>>& sources,
                    const DepartureWindow& win, const std::vector<OriginIndex>& index) {
  const Grid& g = job.grid();
  const auto& cfg = job.cfg;
  const double walk = kWalkKmh / 3.6;
  const int reach = static_cast<int>(std::ceil(kStopWalkRadius / g.cell));
  const std::string median_mode = win.mode(),
                    p_mode = fmt::format("{}_p{:.0f}", win.mode(), cfg.percentile);
  Raster minutes(g, kNoData), pessimistic(g, kNoData);
  std::vector<OriginTimes> om, op;
  for (std::size_t set = 0; set < job.origins.size(); ++set) {
    const std::size_t n = job.origins[set].size();
    om.push_back(empty_times(cfg.origins[set].id, fk.kind, median_mode, n, false));
    op.push_back(empty_times(cfg.origins[set].id, fk.kind, p_mode, n, false));
  }
  auto keep_min = [](float& cell, float t) {
    if (std::isnan(cell) || t < cell) cell = t;
  };
  if (!sources.empty()) {
    TransitTimes tt = raptor_window(feed, sources, win.from_s, win.to_s, cfg.percentile);
    for (uint32_t st = 0; st < feed.stops.size(); ++st) {
      float ts = tt.median_s[st], tp = tt.pessimistic_s[st];
      if (!std::isfinite(ts)) continue;
      const double sx = feed.stops[st].x, sy = feed.stops[st].y;
      auto at = [&](float stop_s, double d) {
        return static_cast<float>((stop_s + d / walk) / 60.0 + pt.extra_minutes);
      };
      int sc = g.col_of(sx), sr = g.row_of(sy);
      for (int r = std::max(0, sr - reach); r <= std::min(g.rows - 1, sr + reach); ++r)
        for (int c = std::max(0, sc - reach); c <= std::min(g.cols - 1, sc + reach); ++c) {
          double d = std::hypot(g.cx(c) - sx, g.cy(r) - sy);
          if (d > kStopWalkRadius) continue;
          keep_min(minutes.at(r, c), at(ts, d));
          if (std::isfinite(tp)) keep_min(pessimistic.at(r, c), at(tp, d));
        }
      for (std::size_t set = 0; set < job.origins.size(); ++set)
        index[set].within(job.origins[set], sx, sy, kStopWalkRadius, [&](uint32_t i, double d) {
          keep_min(om[set].minutes[i], at(ts, d));
          if (std::isfinite(tp)) keep_min(op[set].minutes[i], at(tp, d));
        });
    }
  }
  job.res.layers.push_back({fk.kind, median_mode, std::move(minutes), Raster()});
  job.res.layers.push_back({fk.kind, p_mode, std::move(pessimistic), Raster()});
  for (std::size_t set = 0; set < job.origins.size(); ++set) {
    job.res.origin_times.push_back(std::move(om[set]));
    job.res.origin_times.push_back(std::move(op[set]));
  }
  job.progress.advance();
}

void transit(Job& job, const ModeSettings& pt, const std::vector<std::string>& without_routes) {
  const auto& cfg = job.cfg;
  const Grid& g = job.grid();
  if (cfg.gtfs.empty()) {
    warn("mode 'pt' needs a GTFS feed ([access] gtfs = \"...\"); public transport is left out");
    return;
  }
  Gtfs feed = load_gtfs(cfg.gtfs, cfg.date, g.crs_wkt.empty() ? g.crs : g.crs_wkt, 400, kWalkKmh,
                        without_routes);
  for (const auto& w : feed.warnings) warn("{}", w);
  std::string windows;
  for (const auto& w : cfg.windows)
    windows +=
        fmt::format("{}{} {:02d}:{:02d}-{:02d}:{:02d}", windows.empty() ? "" : ", ", w.id,
                    w.from_s / 3600, w.from_s % 3600 / 60, w.to_s / 3600, w.to_s % 3600 / 60);
  job.res.method += fmt::format("; openbaar vervoer: RAPTOR over {}, mediaan en {:.0f}e percentiel",
                                windows, cfg.percentile);
  std::vector<OriginIndex> index;
  for (const auto& set : job.origins) index.emplace_back(set);
  for (const auto& fk : cfg.facilities) {
    const auto sources = stops_near(feed, job.by_kind[fk.kind]);
    for (const auto& win : cfg.windows) {
      check_interrupted();
      transit_window(job, feed, pt, fk, sources, win, index);
    }
  }
}

}  // namespace

AccessResult compute_access(const AccessConfig& cfg, const Store& store,
                            const std::vector<Facility>& facilities,
                            const std::vector<std::string>& without_routes,
                            const std::vector<std::vector<Origin>>& origins) {
  if (origins.size() != 0 && origins.size() != cfg.origins.size())
    fail("compute_access: {} origin sets given for {} in the config", origins.size(),
         cfg.origins.size());
  std::vector<const ModeSettings*> road_modes;
  const ModeSettings* pt = nullptr;
  for (const auto& m : cfg.modes) {
    if (m.id == "pt")
      pt = &m;
    else
      road_modes.push_back(&m);
  }
  std::size_t steps = cfg.facilities.size() * road_modes.size();
  if (pt) steps += cfg.facilities.size() * cfg.windows.size();
  Progress progress("bereikbaarheid", steps);
  AccessResult res;
  res.estimate = cfg.network.empty();
  Job job{cfg, store, origins, {}, progress, res};
  for (const auto& f : facilities) job.by_kind[f.kind].push_back(&f);

  if (res.estimate) {
    res.method =
        "schatting hemelsbreed: afstand in rechte lijn tussen celmiddens x omrijfactor per "
        "vervoerwijze, bij een vaste snelheid (geen wegennet in het model)";
    for (const auto& fk : cfg.facilities) estimate_kind(job, fk, road_modes);
  } else {
    res.method = fmt::format("over het wegennet van {} (OpenStreetMap), snelheden per wegtype",
                             cfg.network.filename().string());
    const Profile profile = cfg.profile.empty() ? Profile::defaults() : Profile::load(cfg.profile);
    const NetworkPoints pts = network_points(job);
    for (const ModeSettings* m : road_modes) network_mode(job, *m, profile, pts);
  }
  if (pt) transit(job, *pt, without_routes);
  return res;
}

}  // namespace casco::access
