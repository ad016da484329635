// Road graphs and searches: search invariants on random graphs (also with destination-only
// edges, against an independent layered graph), the reversed graph, nearest-node snapping, bad
// files, and the Groningen city-centre extract. The tag rules are in test_routing_rules.cpp
// (drawn maps), snapping onto roads in test_snap.cpp.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <random>
#include <string>
#include <vector>

#include "access/network.hpp"
#include "core/crs.hpp"
#include "core/error.hpp"
#include "drawn_map.hpp"
#include "random_graph.hpp"
#include "test_util.hpp"

using namespace casco;
using namespace casco::access;
using casco::test::random_graph;

namespace {

const std::string kRd = "EPSG:28992";

std::size_t count_if_finite(const std::vector<float>& t) {
  return static_cast<std::size_t>(
      std::count_if(t.begin(), t.end(), [](float v) { return v != kUnreachable; }));
}

}  // namespace

TEST(NetworkGraph, MissingOrUnreadableFileThrows) {
  test::TempDir dir;
  try {
    build_graph(dir / "nowhere.osm.pbf", Mode::Car, Profile::defaults(), kRd);
    FAIL();
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("nowhere.osm.pbf"), std::string::npos);
  }
  test::write_file(dir / "junk.osm.pbf", "this is not a PBF file at all");
  EXPECT_THROW(build_graph(dir / "junk.osm.pbf", Mode::Car, Profile::defaults(), kRd), Error);
  test::write_file(dir / "junk.osm", "<osm version=\"0.6\"><node id=");
  EXPECT_THROW(build_graph(dir / "junk.osm", Mode::Car, Profile::defaults(), kRd), Error);
  test::write_file(dir / "empty.osm", "<osm version=\"0.6\"></osm>");
  EXPECT_THROW(build_graph(dir / "empty.osm", Mode::Walk, Profile::defaults(), kRd), Error);
}

TEST(NetworkGraph, ReversedTwiceIsTheGraph) {
  Graph g = random_graph(30, 3);
  Graph rr = g.reversed().reversed();
  ASSERT_EQ(rr.offsets, g.offsets);
  for (std::size_t u = 0; u < g.nodes(); ++u) {
    std::vector<std::pair<uint32_t, float>> a, b;
    for (uint32_t e = g.offsets[u]; e < g.offsets[u + 1]; ++e) {
      a.push_back({g.targets[e], g.seconds[e]});
      b.push_back({rr.targets[e], rr.seconds[e]});
    }
    std::sort(a.begin(), a.end());
    std::sort(b.begin(), b.end());
    ASSERT_EQ(a, b);
  }
}

// ------------------------------------------------------------------------------------ searches

TEST(NetworkRouting, MultiSourceIsTheMinimumOfSingleSources) {
  Graph g = random_graph(60, 7);
  std::mt19937 rng(11);
  std::uniform_int_distribution<uint32_t> node(0, static_cast<uint32_t>(g.nodes() - 1));
  std::uniform_real_distribution<float> start(0, 120);
  std::vector<std::pair<uint32_t, float>> sources;
  for (int i = 0; i < 12; ++i) sources.push_back({node(rng), i % 3 == 0 ? 0.0f : start(rng)});
  auto multi = multi_source(g, sources);
  std::vector<float> expect(g.nodes(), kUnreachable);
  for (const auto& s : sources) {
    auto one = multi_source(g, {{s.first, 0.0f}});
    for (std::size_t v = 0; v < g.nodes(); ++v) expect[v] = std::min(expect[v], one[v] + s.second);
  }
  for (std::size_t v = 0; v < g.nodes(); ++v) {
    if (expect[v] == kUnreachable) {
      EXPECT_EQ(multi[v], kUnreachable);
    } else {
      ASSERT_NEAR(multi[v], expect[v], 1e-3f * std::max(1.0f, expect[v])) << v;
    }
  }
  for (const auto& s : sources) EXPECT_LE(multi[s.first], s.second);
}

// Destination-only edges may start and end a path, never sit between normal ones (D* N* D*). An
// independent check: three copies of the graph (before, on, after the normal part) joined at no
// cost, searched without any staging.
TEST(NetworkRouting, DestinationSearchEqualsALayeredGraph) {
  Graph g = random_graph(40, 21, 0.25);
  ASSERT_TRUE(g.has_destination_edges());
  const uint32_t n = static_cast<uint32_t>(g.nodes());
  Graph layered;
  layered.x.resize(3 * n);
  layered.y.resize(3 * n);
  std::vector<std::vector<std::pair<uint32_t, float>>> adj(3 * n);
  for (uint32_t u = 0; u < n; ++u) {
    for (uint32_t e = g.dest_offsets[u]; e < g.dest_offsets[u + 1]; ++e) {
      adj[u].push_back({g.dest_targets[e], g.dest_seconds[e]});                  // layer 0: D*
      adj[2 * n + u].push_back({2 * n + g.dest_targets[e], g.dest_seconds[e]});  // layer 2
    }
    for (uint32_t e = g.offsets[u]; e < g.offsets[u + 1]; ++e)
      adj[n + u].push_back({n + g.targets[e], g.seconds[e]});  // layer 1: N*
    adj[u].push_back({n + u, 0.0f});
    adj[n + u].push_back({2 * n + u, 0.0f});
  }
  layered.offsets.push_back(0);
  for (const auto& list : adj) {
    for (auto [v, s] : list) {
      layered.targets.push_back(v);
      layered.seconds.push_back(s);
      layered.metres.push_back(0);
    }
    layered.offsets.push_back(static_cast<uint32_t>(layered.targets.size()));
  }
  std::mt19937 rng(3);
  std::uniform_int_distribution<uint32_t> node(0, n - 1);
  std::vector<Source> sources;
  std::vector<std::pair<uint32_t, float>> layered_sources;
  for (int i = 0; i < 6; ++i) {
    Source s{node(rng), static_cast<float>(i * 20), 0, i % 2 == 0};
    sources.push_back(s);
    layered_sources.push_back({s.destination ? s.node : n + s.node, s.seconds});
  }
  SearchResult r = search(g, sources);
  auto want = multi_source(layered, layered_sources);
  ASSERT_EQ(r.then_normal.size(), n);
  std::size_t differ = 0;
  for (uint32_t v = 0; v < n; ++v) {
    auto same = [](float a, float b) { return a == b || std::fabs(a - b) <= 1e-2f; };
    EXPECT_TRUE(same(r.seconds[v], want[2 * n + v]))
        << v << ": " << r.seconds[v] << " vs " << want[2 * n + v];
    EXPECT_TRUE(same(r.then_normal[v], want[n + v]))
        << v << ": " << r.then_normal[v] << " vs " << want[n + v];
    differ += r.seconds[v] < r.then_normal[v];
  }
  EXPECT_GT(differ, 0u);  // the rule matters somewhere
  // The reversed graph keeps the destination-only edges apart.
  std::vector<std::pair<uint32_t, float>> plain;
  for (const Source& s : sources) plain.push_back({s.node, s.seconds});
  EXPECT_EQ(multi_source(g.reversed().reversed(), plain), multi_source(g, plain));
  EXPECT_EQ(g.reversed().dest_targets.size(), g.dest_targets.size());
}

TEST(NetworkRouting, UnreachableIsInfinityAndMaxSecondsStops) {
  test::DrawnMap map(R"(
    A---------B

    C---------D
  )");
  map.ways(R"(
    | nodes | highway     |
    | AB    | residential |
    | CD    | residential |
  )");
  const Graph& car = map.graph(Mode::Car);
  auto node = [&](char c) { return snap(car, {map.x(c)}, {map.y(c)})[0].node; };
  auto t = multi_source(car, {{node('A'), 0.0f}});
  EXPECT_EQ(t[node('C')], kUnreachable);
  EXPECT_EQ(t[node('D')], kUnreachable);
  float t12 = t[node('B')];
  EXPECT_NEAR(t12, 120, 1e-2);
  EXPECT_EQ(multi_source(car, {{node('A'), 0.0f}}, t12 - 1)[node('B')], kUnreachable);
  EXPECT_EQ(multi_source(car, {{node('A'), 0.0f}}, t12 + 1)[node('B')], t12);

  Graph g = random_graph(40, 5);
  auto full = multi_source(g, {{0, 0.0f}, {800, 30.0f}});
  auto capped = multi_source(g, {{0, 0.0f}, {800, 30.0f}}, 300);
  for (std::size_t v = 0; v < g.nodes(); ++v)
    EXPECT_EQ(capped[v], full[v] <= 300 ? full[v] : kUnreachable);
  EXPECT_THROW(multi_source(g, {{static_cast<uint32_t>(g.nodes()), 0.0f}}), Error);
  EXPECT_THROW(multi_source(g, {{0, -1.0f}}), Error);
}

TEST(NetworkSnap, ReturnsTheNearestNode) {
  Graph g = random_graph(50, 9);
  std::mt19937 rng(2);
  std::uniform_real_distribution<double> pos(-2000, 7000);  // partly outside the graph
  std::vector<double> xs, ys;
  for (int i = 0; i < 3000; ++i) {
    xs.push_back(pos(rng));
    ys.push_back(pos(rng));
  }
  xs.push_back(g.x[17]);
  ys.push_back(g.y[17]);
  auto s = snap(g, xs, ys);
  ASSERT_EQ(s.size(), xs.size());
  for (std::size_t i = 0; i < xs.size(); ++i) {
    double best = 1e300;
    for (std::size_t v = 0; v < g.nodes(); ++v)
      best = std::min(best, std::hypot(g.x[v] - xs[i], g.y[v] - ys[i]));
    ASSERT_NEAR(s[i].distance_m, best, 1e-3 * std::max(1.0, best)) << i;
    ASSERT_NEAR(std::hypot(g.x[s[i].node] - xs[i], g.y[s[i].node] - ys[i]), best,
                1e-6 * best + 1e-9);
  }
  EXPECT_EQ(s.back().node, 17u);
  EXPECT_EQ(s.back().distance_m, 0.0f);
  EXPECT_TRUE(snap(g, {}, {}).empty());
}

// ------------------------------------------------------------------- Groningen city centre

class NetworkGroningen : public ::testing::Test {
 protected:
  static std::filesystem::path file() {
    return std::filesystem::path(CASCO_DATA_DIR) / "sources/osm/groningen-centrum.osm.pbf";
  }
  void SetUp() override {
    if (!std::filesystem::exists(file())) GTEST_SKIP() << "no " << file();
  }
};

TEST_F(NetworkGroningen, GraphsPerModeArePlausible) {
  Profile p = Profile::defaults();
  Graph car = build_graph(file(), Mode::Car, p, kRd);
  Graph bike = build_graph(file(), Mode::Bike, p, kRd);
  Graph walk = build_graph(file(), Mode::Walk, p, kRd);
  // 873 nodes, 1,264 two-node ways of which 683 one-way.
  for (const Graph* g : {&car, &bike, &walk}) {
    EXPECT_GT(g->nodes(), 500u);
    EXPECT_LE(g->nodes(), 873u);
    EXPECT_GT(g->edges(), 1000u);
    EXPECT_LE(g->edges(), 2u * 1264u);
    EXPECT_EQ(g->offsets.size(), g->nodes() + 1);
    EXPECT_EQ(g->offsets.back(), g->edges());
    for (float s : g->seconds) ASSERT_TRUE(s >= 0 && std::isfinite(s));
  }
  std::printf("groningen-centrum: car %zu nodes %zu edges, bike %zu/%zu, walk %zu/%zu\n",
              car.nodes(), car.edges(), bike.nodes(), bike.edges(), walk.nodes(), walk.edges());
  EXPECT_LT(car.edges(), walk.edges());  // one-way streets
  EXPECT_LE(bike.edges(), walk.edges());
  for (double x : walk.x) {
    EXPECT_GT(x, 230000);
    EXPECT_LT(x, 237000);
  }
}

TEST_F(NetworkGroningen, TimesBetweenFarCornersArePlausible) {
  Graph car = build_graph(file(), Mode::Car, Profile::defaults(), kRd);
  Graph walk = build_graph(file(), Mode::Walk, Profile::defaults(), kRd);
  // Corners of the extract's bounding box, in RD New.
  double x0 = 6.5486, y0 = 53.2065, x1 = 6.5845, y1 = 53.2280;
  transform_point("EPSG:4326", kRd, x0, y0);
  transform_point("EPSG:4326", kRd, x1, y1);
  for (const Graph* g : {&car, &walk}) {
    auto s = snap(*g, {x0, x1}, {y0, y1});
    double straight =
        std::hypot(g->x[s[1].node] - g->x[s[0].node], g->y[s[1].node] - g->y[s[0].node]);
    EXPECT_GT(straight, 1500);
    float t = multi_source(*g, {{s[0].node, 0.0f}})[s[1].node];
    float back = multi_source(g->reversed(), {{s[1].node, 0.0f}})[s[0].node];
    std::printf("corner to corner by %s: %.0f m straight, %.1f min\n", g == &car ? "car" : "walk",
                straight, t / 60);
    EXPECT_NEAR(t, back, 1e-3);
    if (g == &car) {
      // e.g. 2.4 km straight line: 3 to 15 minutes by car.
      EXPECT_GT(t, straight / (70 / 3.6));
      EXPECT_LT(t, 15 * 60 * straight / 2400);
      EXPECT_GT(t, 180 * straight / 2400);
    } else {
      EXPECT_GT(t, straight / (4.5 / 3.6));
      EXPECT_LT(t, 2.0 * straight / (4.5 / 3.6));
    }
    // Most of the city centre is reachable from a corner.
    EXPECT_GT(count_if_finite(multi_source(*g, {{s[0].node, 0.0f}})), g->nodes() * 8 / 10);
  }
}

TEST_F(NetworkGroningen, MultiSourceIsTheMinimumOfSingleSources) {
  Graph bike = build_graph(file(), Mode::Bike, Profile::defaults(), kRd);
  std::vector<std::pair<uint32_t, float>> sources = {
      {0, 0.0f}, {100, 10.0f}, {300, 0.0f}, {600, 45.0f}};
  for (auto& s : sources) s.first %= static_cast<uint32_t>(bike.nodes());
  auto multi = multi_source(bike, sources);
  std::vector<float> best(bike.nodes(), kUnreachable);
  for (const auto& s : sources) {
    auto one = multi_source(bike, {s});
    for (std::size_t v = 0; v < bike.nodes(); ++v) best[v] = std::min(best[v], one[v]);
  }
  for (std::size_t v = 0; v < bike.nodes(); ++v) {
    if (best[v] == kUnreachable)
      ASSERT_EQ(multi[v], kUnreachable) << v;
    else
      ASSERT_NEAR(multi[v], best[v], 1e-3) << v;
  }
}
