// Snapping onto roads: the nearest point of the nearest usable road (against brute force), the
// road split virtually at both ends of a trip (against a graph split for real), and the rules on
// drawn maps: partial costs, one-way roads, the maximum distance, roads points never join.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <map>
#include <random>

#include "access/network.hpp"
#include "core/error.hpp"
#include "drawn_map.hpp"
#include "random_graph.hpp"

using namespace casco;
using namespace casco::access;
using casco::test::DrawnMap;

namespace {

// The point at `along` metres along a road's shape (scaled to the road's metres).
std::pair<double, double> point_along(const Graph& g, const RoadSnap& s) {
  const Road& r = g.roads[s.road];
  double total = 0;
  for (uint32_t i = r.shape; i + 1 < r.shape + r.points; ++i)
    total += std::hypot(g.shape_x[i + 1] - g.shape_x[i], g.shape_y[i + 1] - g.shape_y[i]);
  double left = total > 0 ? s.along_m * total / r.metres : 0;
  for (uint32_t i = r.shape; i + 1 < r.shape + r.points; ++i) {
    double len = std::hypot(g.shape_x[i + 1] - g.shape_x[i], g.shape_y[i + 1] - g.shape_y[i]);
    if (left <= len || i + 2 == r.shape + r.points) {
      double t = len > 0 ? std::min(1.0, left / len) : 0;
      return {g.shape_x[i] + t * (g.shape_x[i + 1] - g.shape_x[i]),
              g.shape_y[i] + t * (g.shape_y[i + 1] - g.shape_y[i])};
    }
    left -= len;
  }
  return {g.shape_x[r.shape], g.shape_y[r.shape]};
}

double brute_nearest(const Graph& g, double px, double py) {
  double best = 1e300;
  for (const Road& r : g.roads) {
    if (r.flags & Road::kNoSnap) continue;
    for (uint32_t i = r.shape; i + 1 < r.shape + r.points; ++i) {
      double ax = g.shape_x[i], ay = g.shape_y[i], dx = g.shape_x[i + 1] - ax,
             dy = g.shape_y[i + 1] - ay;
      double l2 = dx * dx + dy * dy;
      double t = l2 > 0 ? std::clamp(((px - ax) * dx + (py - ay) * dy) / l2, 0.0, 1.0) : 0;
      best = std::min(best, std::hypot(px - ax - t * dx, py - ay - t * dy));
    }
  }
  return best;
}

void expect_nearest(const Graph& g, const std::vector<double>& xs, const std::vector<double>& ys,
                    double max_m) {
  auto s = snap_to_roads(g, xs, ys, max_m);
  ASSERT_EQ(s.size(), xs.size());
  std::size_t snapped = 0;
  for (std::size_t i = 0; i < xs.size(); ++i) {
    double best = brute_nearest(g, xs[i], ys[i]);
    if (best > max_m + 0.01) {
      ASSERT_EQ(s[i].road, kNoRoad) << i << ": " << best << " m away";
      continue;
    }
    if (best < max_m - 0.01) {
      ASSERT_NE(s[i].road, kNoRoad) << i;
    }
    if (s[i].road == kNoRoad) continue;
    ++snapped;
    ASSERT_NEAR(s[i].distance_m, best, 0.02 + 1e-5 * best) << i;
    auto [qx, qy] = point_along(g, s[i]);
    ASSERT_NEAR(std::hypot(qx - xs[i], qy - ys[i]), best, 0.05 + 1e-5 * best) << i;
  }
  EXPECT_GT(snapped, xs.size() / 4);
}

}  // namespace

TEST(SnapToRoads, NearestPointOfTheNearestRoadAsBruteForce) {
  Graph g = test::random_graph(30, 9);
  g.add_straight_roads();
  std::mt19937 rng(2);
  std::uniform_real_distribution<double> pos(-800, 3700);  // partly outside the graph
  std::vector<double> xs, ys;
  for (int i = 0; i < 3000; ++i) {
    xs.push_back(pos(rng));
    ys.push_back(pos(rng));
  }
  expect_nearest(g, xs, ys, 1e9);
  expect_nearest(g, xs, ys, 60);  // the maximum distance cuts some off
  EXPECT_TRUE(snap_to_roads(g, {}, {}, 100).empty());
  EXPECT_THROW(snap_to_roads(g.reversed(), {1.0}, {1.0}, 100), Error);
}

TEST(SnapToRoads, NearestPointOnRealShapes) {
  const auto osm = std::filesystem::path(CASCO_DATA_DIR) / "sources/osm/groningen-centrum.osm.pbf";
  if (!std::filesystem::exists(osm)) GTEST_SKIP() << "no " << osm;
  Graph walk = build_graph(osm, Mode::Walk, Profile::defaults(), "EPSG:28992");
  auto [x0, x1] = std::minmax_element(walk.x.begin(), walk.x.end());
  auto [y0, y1] = std::minmax_element(walk.y.begin(), walk.y.end());
  std::mt19937 rng(5);
  std::uniform_real_distribution<double> px(*x0 - 200, *x1 + 200), py(*y0 - 200, *y1 + 200);
  std::vector<double> xs, ys;
  for (int i = 0; i < 2000; ++i) {
    xs.push_back(px(rng));
    ys.push_back(py(rng));
  }
  expect_nearest(walk, xs, ys, 1000);
}

// The virtual split of times_to_nearest against a graph with the roads really cut at every
// point and target (new nodes, partial edges), searched plainly.
TEST(SnapToRoads, VirtualSplitEqualsARealSplit) {
  const auto osm = std::filesystem::path(CASCO_DATA_DIR) / "sources/osm/groningen-centrum.osm.pbf";
  if (!std::filesystem::exists(osm)) GTEST_SKIP() << "no " << osm;
  for (Mode mode : {Mode::Car, Mode::Walk}) {
    Graph g = build_graph(osm, mode, Profile::defaults(), "EPSG:28992");
    Graph back = g.reversed();
    auto [x0, x1] = std::minmax_element(g.x.begin(), g.x.end());
    auto [y0, y1] = std::minmax_element(g.y.begin(), g.y.end());
    std::mt19937 rng(7);
    std::uniform_real_distribution<double> px(*x0, *x1), py(*y0, *y1);
    std::vector<double> xs, ys, tx, ty;
    for (int i = 0; i < 400; ++i) {
      xs.push_back(px(rng));
      ys.push_back(py(rng));
    }
    for (int i = 0; i < 5; ++i) {
      tx.push_back(px(rng));
      ty.push_back(py(rng));
    }
    // Two points on the road of a target, to test the straight way along one road.
    auto targets = snap_to_roads(g, tx, ty, 500);
    auto points = snap_to_roads(g, xs, ys, 500);
    std::vector<float> start_s = {0, 10, 0, 30, 5}, start_m = {0, 100, 0, 50, 20};
    PointTimes got = times_to_nearest(g, back, targets, start_s, start_m, points);

    // The real split.
    Graph split;
    split.x = g.x;
    split.y = g.y;
    std::vector<std::vector<std::pair<uint32_t, float>>> adj(g.nodes());
    for (uint32_t u = 0; u < g.nodes(); ++u)
      for (uint32_t e = g.offsets[u]; e < g.offsets[u + 1]; ++e)
        adj[u].push_back({g.targets[e], g.seconds[e]});
    std::map<uint32_t, std::vector<std::pair<float, uint32_t>>> cuts;  // road → (along, node)
    auto add_node = [&](const RoadSnap& s) {
      uint32_t v = static_cast<uint32_t>(adj.size());
      adj.emplace_back();
      split.x.push_back(0);
      split.y.push_back(0);
      if (s.road != kNoRoad) cuts[s.road].push_back({s.along_m, v});
      return v;
    };
    std::vector<uint32_t> point_node, target_node;
    for (const auto& s : points) point_node.push_back(add_node(s));
    for (const auto& s : targets) target_node.push_back(add_node(s));
    for (auto& [road, list] : cuts) {
      const Road& r = g.roads[road];
      std::sort(list.begin(), list.end());
      float prev_along = 0;
      uint32_t prev = r.from;
      auto piece = [&](uint32_t a, uint32_t b, float len) {
        float f = r.metres > 0 ? len / r.metres : 0;
        if (r.fwd_seconds != kUnreachable) adj[a].push_back({b, f * r.fwd_seconds});
        if (r.bwd_seconds != kUnreachable) adj[b].push_back({a, f * r.bwd_seconds});
      };
      for (auto [along, v] : list) {
        piece(prev, v, along - prev_along);
        prev = v;
        prev_along = along;
      }
      piece(prev, r.to, r.metres - prev_along);
    }
    split.offsets.push_back(0);
    for (const auto& list : adj) {
      for (auto [v, s] : list) {
        split.targets.push_back(v);
        split.seconds.push_back(s);
        split.metres.push_back(0);
      }
      split.offsets.push_back(static_cast<uint32_t>(split.targets.size()));
    }
    std::vector<std::pair<uint32_t, float>> sources;
    for (std::size_t i = 0; i < targets.size(); ++i)
      if (targets[i].road != kNoRoad) sources.push_back({target_node[i], start_s[i]});
    auto want = multi_source(split.reversed(), sources);
    std::size_t reached = 0;
    for (std::size_t k = 0; k < points.size(); ++k) {
      float w = points[k].road == kNoRoad ? kUnreachable : want[point_node[k]];
      if (w == kUnreachable) {
        EXPECT_EQ(got.seconds[k], kUnreachable) << to_string(mode) << " point " << k;
      } else {
        ++reached;
        EXPECT_NEAR(got.seconds[k], w, 0.02 + 1e-5 * w) << to_string(mode) << " point " << k;
      }
    }
    EXPECT_GT(reached, points.size() * 8 / 10) << to_string(mode);
  }
}

// ---------------------------------------------------------------------------------- drawn maps

TEST(SnapToRoads, PointsJoinTheNearestPointOfALongRoad) {
  DrawnMap map(R"(
    A-----1----------B---C
            2
  )");
  map.ways(R"(
    | nodes | highway     |
    | AB    | residential |
    | BC    | residential |
  )");
  // Point 1 lies on AB, 600 m from A; point 2 is 100 m off the road, level with 800 m.
  EXPECT_TRUE(map.check(R"(
    | from | to | mode | route | time | metres | snap |
    | 1    | A  | car  | 1A    | 72   | 600    | 0    |
    | 1    | C  | car  | 1BC   | 180  | 1500   | 0    |
    | 2    | A  | walk |       | 640  | 800    | 100  |
    | 2    | 1  | bike |       | 48   | 200    | 100  |
    | 1    | 2  | bike |       | 48   | 200    | 0    |
  )"));
}

TEST(SnapToRoads, PartialCostsFollowOneWayRoads) {
  DrawnMap map(R"(
    A---1---B
    |       |
    C-------D
  )");
  map.ways(R"(
    | nodes | highway     | oneway |
    | AB    | residential | yes    |
    | BD    | residential |        |
    | DC    | residential |        |
    | CA    | residential |        |
  )");
  // From point 1 a car must drive on to B; to reach 1 it must come from A.
  EXPECT_TRUE(map.check(R"(
    | from | to | mode | route  | time |
    | 1    | B  | car  | 1B     | 48   |
    | 1    | A  | car  | 1BDCA  | 192  |
    | B    | 1  | car  | BDCA1  | 192  |
    | 1    | A  | walk | 1A     | 5:20 |
  )"));
}

TEST(SnapToRoads, TheMaximumDistanceAndRoadsPointsNeverJoin) {
  DrawnMap map(R"(
    A-------------B
          1

    C-------------D

          2
  )");
  map.ways(R"(
    | nodes | highway     |
    | AB    | motorway    |
    | CD    | residential |
  )");
  // A car point never joins the motorway (100 m away) but the street (200 m away); the walk
  // graph has no motorway at all.
  EXPECT_TRUE(map.check(R"(
    | from | to | mode | snap | metres |
    | 1    | D  | car  | 200  | 800    |
    | 1    | D  | walk | 200  | 800    |
    | 2    | C  | car  | 200  | 600    |
  )"));
  Profile p = Profile::defaults();
  p.mode(Mode::Car).snap_max_m = 150;
  map.profile(p);
  EXPECT_TRUE(map.check(R"(
    | from | to | mode | snap | route |
    | 1    | D  | car  | -    | -     |
    | 1    | D  | walk | 200  | *     |
  )"));
}

TEST(SnapToRoads, CellsOnOneRoadAsAFacilityGoStraightAlongIt) {
  DrawnMap map("A---1---2---B");
  map.ways(R"(
    | nodes | highway     |
    | AB    | residential |
  )");
  EXPECT_TRUE(map.check(R"(
    | from | to | mode | route | time |
    | 1    | 2  | car  | 12    | 48   |
    | 2    | 1  | car  | 21    | 48   |
  )"));
}

TEST(SnapToRoads, TimesAddTheTargetsOwnStart) {
  // Three facilities on one street; each point goes to the one that is nearest in time, counting
  // each facility's own start (its walk from the street).
  DrawnMap map("A-1---2-----3-B");
  map.ways(R"(
    | nodes | highway     |
    | AB    | residential |
  )");
  const Graph& g = map.graph(Mode::Car);
  Graph back = g.reversed();
  auto fac = snap_to_roads(g, {map.x('1'), map.x('3')}, {map.y('1'), map.y('3')}, 100);
  auto pts = snap_to_roads(g, {map.x('2'), map.x('A'), map.x('B')},
                           {map.y('2'), map.y('A'), map.y('B')}, 100);
  PointTimes t = times_to_nearest(g, back, fac, {30.0f, 0.0f}, {50.0f, 0.0f}, pts);
  EXPECT_NEAR(t.seconds[0], 72, 0.05);  // 2 → 3: 600 m; 2 → 1 would be 48 + 30 s
  EXPECT_NEAR(t.metres[0], 600, 0.5);
  EXPECT_NEAR(t.seconds[1], 54, 0.05);  // A → 1: 200 m + 30 s
  EXPECT_NEAR(t.metres[1], 250, 0.5);
  EXPECT_NEAR(t.seconds[2], 24, 0.05);  // B → 3: 200 m
}
