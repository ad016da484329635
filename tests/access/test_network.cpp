// Road networks per mode: tiny hand-drawn OSM maps whose times are computed by hand (in the
// spirit of Valhalla's "gurka" tests), search invariants on random graphs, and the Groningen
// city-centre extract.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <random>
#include <string>
#include <vector>

#include "access/network.hpp"
#include "core/crs.hpp"
#include "core/error.hpp"
#include "test_util.hpp"

using namespace casco;
using namespace casco::access;

namespace {

const std::string kRd = "EPSG:28992";

struct OsmNode {
  long id;
  double lon, lat;
};
struct OsmWay {
  long id;
  std::vector<long> refs;
  std::vector<std::pair<std::string, std::string>> tags;
};

std::string osm_xml(const std::vector<OsmNode>& nodes, const std::vector<OsmWay>& ways) {
  std::string s =
      "<?xml version='1.0' encoding='UTF-8'?>\n<osm version=\"0.6\" generator=\"test\">\n";
  char buf[256];
  for (const auto& n : nodes) {
    std::snprintf(buf, sizeof buf, "  <node id=\"%ld\" version=\"1\" lat=\"%.7f\" lon=\"%.7f\"/>\n",
                  n.id, n.lat, n.lon);
    s += buf;
  }
  for (const auto& w : ways) {
    s += "  <way id=\"" + std::to_string(w.id) + "\" version=\"1\">\n";
    for (long r : w.refs) s += "    <nd ref=\"" + std::to_string(r) + "\"/>\n";
    for (const auto& [k, v] : w.tags) s += "    <tag k=\"" + k + "\" v=\"" + v + "\"/>\n";
    s += "  </way>\n";
  }
  return s + "</osm>\n";
}

// A map written into a scratch folder; positions of its nodes in RD New.
struct Map {
  test::TempDir dir;
  std::filesystem::path file;
  std::map<long, std::pair<double, double>> rd;

  Map(const std::vector<OsmNode>& nodes, const std::vector<OsmWay>& ways) {
    file = dir / "map.osm";
    test::write_file(file, osm_xml(nodes, ways));
    for (const auto& n : nodes) {
      double x = n.lon, y = n.lat;
      transform_point("EPSG:4326", kRd, x, y);
      rd[n.id] = {x, y};
    }
  }
  double dist(long a, long b) const {
    auto [xa, ya] = rd.at(a);
    auto [xb, yb] = rd.at(b);
    return std::hypot(xb - xa, yb - ya);
  }
  // The graph node at an OSM node (exactly on it).
  uint32_t node(const Graph& g, long id) const {
    auto [x, y] = rd.at(id);
    Snap s = snap(g, {x}, {y})[0];
    EXPECT_LT(s.distance_m, 1e-3) << "OSM node " << id << " is not a graph node";
    return s.node;
  }
  Graph graph(Mode m) const { return build_graph(file, m, Profile::defaults(), kRd); }
};

float from_to(const Graph& g, uint32_t a, uint32_t b) {
  return multi_source(g, {{a, 0.0f}})[b];
}

std::size_t count_if_finite(const std::vector<float>& t) {
  return static_cast<std::size_t>(
      std::count_if(t.begin(), t.end(), [](float v) { return v != kUnreachable; }));
}

// A random road-like graph: a perturbed grid with random speeds, most streets two-way.
Graph random_graph(int side, unsigned seed) {
  std::mt19937 rng(seed);
  std::uniform_real_distribution<double> jitter(-20, 20), speed(15, 70);
  std::uniform_int_distribution<int> pct(0, 99);
  Graph g;
  const int n = side * side;
  for (int i = 0; i < n; ++i) {
    g.x.push_back((i % side) * 100.0 + jitter(rng));
    g.y.push_back((i / side) * 100.0 + jitter(rng));
  }
  std::vector<std::vector<std::pair<uint32_t, float>>> adj(n);
  auto link = [&](int a, int b) {
    int r = pct(rng);
    if (r < 10) return;  // missing street
    double m = std::hypot(g.x[b] - g.x[a], g.y[b] - g.y[a]);
    float s = static_cast<float>(m / (speed(rng) / 3.6));
    if (r < 85 || r % 2 == 0) adj[a].push_back({static_cast<uint32_t>(b), s});
    if (r < 85 || r % 2 == 1) adj[b].push_back({static_cast<uint32_t>(a), s});
  };
  for (int i = 0; i < n; ++i) {
    if (i % side + 1 < side) link(i, i + 1);
    if (i + side < n) link(i, i + side);
  }
  g.offsets.push_back(0);
  for (int u = 0; u < n; ++u) {
    for (auto [v, s] : adj[u]) {
      g.targets.push_back(v);
      g.seconds.push_back(s);
      g.metres.push_back(0);
    }
    g.offsets.push_back(static_cast<uint32_t>(g.targets.size()));
  }
  return g;
}

const double kLat = 52.99, kLon = 6.56;

}  // namespace

// ------------------------------------------------------------------------------------ profiles

TEST(NetworkProfile, DefaultsHaveTheDocumentedSpeeds) {
  Profile p = Profile::defaults();
  const auto& walk = p.speed_kmh[static_cast<int>(Mode::Walk)];
  const auto& bike = p.speed_kmh[static_cast<int>(Mode::Bike)];
  const auto& car = p.speed_kmh[static_cast<int>(Mode::Car)];
  EXPECT_DOUBLE_EQ(walk.at("footway"), 4.5);
  EXPECT_DOUBLE_EQ(walk.at("residential"), 4.5);
  EXPECT_LT(walk.at("steps"), 4.5);
  EXPECT_FALSE(walk.count("motorway"));
  EXPECT_DOUBLE_EQ(bike.at("cycleway"), 15);
  EXPECT_DOUBLE_EQ(bike.at("secondary"), 15);
  EXPECT_FALSE(bike.count("motorway"));
  EXPECT_FALSE(bike.count("trunk"));
  EXPECT_DOUBLE_EQ(car.at("motorway"), 100);
  EXPECT_DOUBLE_EQ(car.at("trunk"), 80);
  EXPECT_DOUBLE_EQ(car.at("primary"), 70);
  EXPECT_DOUBLE_EQ(car.at("secondary"), 60);
  EXPECT_DOUBLE_EQ(car.at("tertiary"), 50);
  EXPECT_DOUBLE_EQ(car.at("unclassified"), 40);
  EXPECT_DOUBLE_EQ(car.at("residential"), 30);
  EXPECT_DOUBLE_EQ(car.at("living_street"), 15);
  EXPECT_DOUBLE_EQ(car.at("service"), 15);
  EXPECT_DOUBLE_EQ(car.at("secondary_link"), car.at("secondary"));
  EXPECT_FALSE(car.count("footway"));
  EXPECT_FALSE(car.count("cycleway"));
}

TEST(NetworkProfile, LoadReplacesTheListedModes) {
  test::TempDir dir;
  test::write_file(dir / "speeds.toml", "[car]\nresidential = 25\nprimary = 60.5\n");
  Profile p = Profile::load(dir / "speeds.toml");
  const auto& car = p.speed_kmh[static_cast<int>(Mode::Car)];
  EXPECT_EQ(car.size(), 2u);
  EXPECT_DOUBLE_EQ(car.at("residential"), 25);
  EXPECT_DOUBLE_EQ(car.at("primary"), 60.5);
  EXPECT_EQ(p.speed_kmh[static_cast<int>(Mode::Walk)],
            Profile::defaults().speed_kmh[static_cast<int>(Mode::Walk)]);
}

TEST(NetworkProfile, LoadErrorsNameFileLineColumn) {
  test::TempDir dir;
  auto expect_error = [&](const std::string& text, const std::string& where,
                          const std::string& what) {
    auto f = dir / "p.toml";
    test::write_file(f, text);
    try {
      Profile::load(f);
      FAIL() << "no error for: " << text;
    } catch (const Error& e) {
      std::string m = e.what();
      EXPECT_NE(m.find(f.string() + ":" + where), std::string::npos) << m;
      EXPECT_NE(m.find(what), std::string::npos) << m;
    }
  };
  expect_error("[car]\nresidential = \"fast\"\n", "2:15", "must be a number");
  expect_error("[car]\nresidential = 0\n", "2:15", "above 0");
  expect_error("[boat]\nriver = 10\n", "1:1", "unknown key 'boat'");
  expect_error("[car\n", "1:", "malformed TOML");
  EXPECT_THROW(Profile::load(dir / "missing.toml"), Error);
}

// --------------------------------------------------------------------------- hand-drawn maps

TEST(NetworkGraph, StraightResidentialStreetCarTime) {
  // Three nodes on one street: the middle one joins no other way, so the graph has 2 nodes.
  Map map({{1, kLon, kLat}, {2, kLon + 0.004, kLat + 0.0005}, {3, kLon + 0.009, kLat}},
          {{10, {1, 2, 3}, {{"highway", "residential"}}}});
  Graph car = map.graph(Mode::Car);
  ASSERT_EQ(car.nodes(), 2u);
  ASSERT_EQ(car.edges(), 2u);
  double length = map.dist(1, 2) + map.dist(2, 3);  // along the street, in RD New
  EXPECT_GT(length, 600);
  uint32_t a = map.node(car, 1), b = map.node(car, 3);
  EXPECT_NEAR(car.metres[car.offsets[a]], length, 1e-3);
  EXPECT_NEAR(from_to(car, a, b), length / (30 / 3.6), 1e-3);
  EXPECT_NEAR(from_to(car, b, a), length / (30 / 3.6), 1e-3);

  Graph walk = map.graph(Mode::Walk), bike = map.graph(Mode::Bike);
  EXPECT_NEAR(from_to(walk, map.node(walk, 1), map.node(walk, 3)), length / (4.5 / 3.6), 1e-2);
  EXPECT_NEAR(from_to(bike, map.node(bike, 1), map.node(bike, 3)), length / (15 / 3.6), 1e-2);
}

TEST(NetworkGraph, MaxspeedBelowTheClassSpeedCapsCars) {
  Map map({{1, kLon, kLat}, {2, kLon + 0.01, kLat}, {3, kLon + 0.02, kLat}},
          {{10, {1, 2}, {{"highway", "secondary"}, {"maxspeed", "50"}}},
           {11, {2, 3}, {{"highway", "residential"}, {"maxspeed", "50"}}}});
  Graph car = map.graph(Mode::Car);
  uint32_t n1 = map.node(car, 1), n2 = map.node(car, 2), n3 = map.node(car, 3);
  EXPECT_NEAR(from_to(car, n1, n2), map.dist(1, 2) / (50 / 3.6), 1e-2);  // 60 capped to 50
  EXPECT_NEAR(from_to(car, n2, n3), map.dist(2, 3) / (30 / 3.6), 1e-2);  // 30 stays 30
}

TEST(NetworkGraph, OnewayStreetBlocksCarsAndBikesNotWalkers) {
  Map map({{1, kLon, kLat}, {2, kLon + 0.005, kLat}},
          {{10, {1, 2}, {{"highway", "residential"}, {"oneway", "yes"}}}});
  Graph car = map.graph(Mode::Car);
  ASSERT_EQ(car.edges(), 1u);
  uint32_t a = map.node(car, 1), b = map.node(car, 2);
  float t = static_cast<float>(map.dist(1, 2) / (30 / 3.6));
  EXPECT_NEAR(from_to(car, a, b), t, 1e-3);
  EXPECT_EQ(from_to(car, b, a), kUnreachable);
  // The reversed graph gives times *to* a node: from a to b is the time b is reached from a.
  Graph rev = car.reversed();
  EXPECT_NEAR(from_to(rev, b, a), t, 1e-3);
  EXPECT_EQ(from_to(rev, a, b), kUnreachable);

  // Walkers ignore one-way streets; cyclists follow them unless oneway:bicycle=no.
  Graph walk = map.graph(Mode::Walk);
  EXPECT_EQ(walk.edges(), 2u);
  EXPECT_NEAR(from_to(walk, map.node(walk, 2), map.node(walk, 1)), map.dist(1, 2) / (4.5 / 3.6),
              1e-2);
  Graph bike = map.graph(Mode::Bike);
  EXPECT_EQ(bike.edges(), 1u);
  EXPECT_EQ(from_to(bike, map.node(bike, 2), map.node(bike, 1)), kUnreachable);

  Map contra(
      {{1, kLon, kLat}, {2, kLon + 0.005, kLat}},
      {{10, {1, 2}, {{"highway", "residential"}, {"oneway", "yes"}, {"oneway:bicycle", "no"}}}});
  Graph bike2 = contra.graph(Mode::Bike);
  EXPECT_EQ(bike2.edges(), 2u);
  EXPECT_NEAR(from_to(bike2, contra.node(bike2, 2), contra.node(bike2, 1)),
              contra.dist(1, 2) / (15 / 3.6), 1e-2);
  EXPECT_EQ(contra.graph(Mode::Car).edges(), 1u);
}

TEST(NetworkGraph, OnewayVariantsAndRoundabouts) {
  // Four separate streets: oneway=-1, oneway=1 with oneway:bicycle=no, a roundabout piece,
  // and a roundabout piece explicitly tagged oneway=no.
  const double d = 0.003;
  Map map({{1, kLon, kLat},
           {2, kLon + d, kLat},
           {3, kLon, kLat + d},
           {4, kLon + d, kLat + d},
           {5, kLon, kLat + 2 * d},
           {6, kLon + d, kLat + 2 * d},
           {7, kLon, kLat + 3 * d},
           {8, kLon + d, kLat + 3 * d}},
          {{10, {1, 2}, {{"highway", "tertiary"}, {"oneway", "-1"}}},
           {11, {3, 4}, {{"highway", "tertiary"}, {"oneway", "1"}, {"oneway:bicycle", "no"}}},
           {12, {5, 6}, {{"highway", "tertiary"}, {"junction", "roundabout"}}},
           {13, {7, 8}, {{"highway", "tertiary"}, {"junction", "roundabout"}, {"oneway", "no"}}}});
  Graph car = map.graph(Mode::Car), bike = map.graph(Mode::Bike);
  auto can = [&](const Graph& g, long a, long b) {
    return from_to(g, map.node(g, a), map.node(g, b)) != kUnreachable;
  };
  EXPECT_FALSE(can(car, 1, 2));
  EXPECT_TRUE(can(car, 2, 1));
  EXPECT_FALSE(can(bike, 1, 2));
  EXPECT_TRUE(can(car, 3, 4));
  EXPECT_FALSE(can(car, 4, 3));
  EXPECT_TRUE(can(bike, 4, 3));
  EXPECT_TRUE(can(car, 5, 6));
  EXPECT_FALSE(can(car, 6, 5));
  EXPECT_FALSE(can(bike, 6, 5));
  EXPECT_TRUE(can(car, 8, 7));
  EXPECT_EQ(car.edges(), 5u);
  EXPECT_EQ(map.graph(Mode::Walk).edges(), 8u);
}

TEST(NetworkGraph, MotorwayIsNotForBikes) {
  Map only({{1, kLon, kLat}, {2, kLon + 0.02, kLat}}, {{10, {1, 2}, {{"highway", "motorway"}}}});
  EXPECT_EQ(only.graph(Mode::Car).edges(), 1u);  // motorways are implicitly one-way
  try {
    only.graph(Mode::Bike);
    FAIL() << "a motorway-only map gave a bike graph";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("has no ways usable by bike"), std::string::npos)
        << e.what();
  }
  EXPECT_THROW(only.graph(Mode::Walk), Error);

  // Beside a residential street the motorway nodes are simply absent from the bike graph.
  Map mixed({{1, kLon, kLat}, {2, kLon + 0.02, kLat}, {3, kLon, kLat + 0.01}},
            {{10, {1, 2}, {{"highway", "motorway"}}}, {11, {1, 3}, {{"highway", "residential"}}}});
  Graph bike = mixed.graph(Mode::Bike);
  EXPECT_EQ(bike.nodes(), 2u);
  EXPECT_EQ(bike.edges(), 2u);
  EXPECT_EQ(mixed.graph(Mode::Car).nodes(), 3u);
}

TEST(NetworkGraph, PlusJunctionSplitsWays) {
  // Two straight ways crossing at node 5; each way has an interior node between its ends and the
  // junction (not shared), which must not become a graph node.
  const double d = 0.002;
  Map map({{1, kLon - 2 * d, kLat},
           {2, kLon - d, kLat},
           {5, kLon, kLat},
           {3, kLon + d, kLat},
           {4, kLon + 2 * d, kLat},
           {6, kLon, kLat - 2 * d},
           {7, kLon, kLat - d},
           {8, kLon, kLat + d},
           {9, kLon, kLat + 2 * d}},
          {{10, {1, 2, 5, 3, 4}, {{"highway", "footway"}}},
           {11, {6, 7, 5, 8, 9}, {{"highway", "path"}}}});
  Graph walk = map.graph(Mode::Walk);
  EXPECT_EQ(walk.nodes(), 5u);
  EXPECT_EQ(walk.edges(), 8u);
  uint32_t c = map.node(walk, 5);
  EXPECT_EQ(walk.offsets[c + 1] - walk.offsets[c], 4u);
  auto t = multi_source(walk, {{c, 0.0f}});
  const double v = 4.5 / 3.6;
  EXPECT_NEAR(t[map.node(walk, 1)], (map.dist(1, 2) + map.dist(2, 5)) / v, 1e-2);
  EXPECT_NEAR(t[map.node(walk, 9)], (map.dist(5, 8) + map.dist(8, 9)) / v, 1e-2);
  // Not usable by cars at all.
  EXPECT_THROW(map.graph(Mode::Car), Error);
}

TEST(NetworkGraph, UnknownHighwayValuesAreNotUsable) {
  Map map(
      {{1, kLon, kLat}, {2, kLon + 0.005, kLat}, {3, kLon + 0.01, kLat}, {4, kLon, kLat + 0.005}},
      {{10, {1, 2}, {{"highway", "residential"}}},
       {11, {2, 3}, {{"highway", "nan"}}},
       {12,
        {1, 4},
        {{"highway", "['unclassified', 'residential']"}, {"maxspeed", "['30', '50']"}}}});
  Graph car = map.graph(Mode::Car);
  EXPECT_EQ(car.nodes(), 3u);  // node 3 is only on the 'nan' way
  // The OSMnx list takes its first known class (unclassified 40), capped by the mean maxspeed.
  EXPECT_NEAR(from_to(car, map.node(car, 1), map.node(car, 4)), map.dist(1, 4) / (40 / 3.6), 1e-2);
}

TEST(NetworkGraph, AccessTags) {
  Map map(
      {{1, kLon, kLat}, {2, kLon + 0.005, kLat}, {3, kLon + 0.01, kLat}, {4, kLon + 0.015, kLat}},
      {{10, {1, 2}, {{"highway", "residential"}, {"access", "private"}}},
       {11, {2, 3}, {{"highway", "footway"}, {"bicycle", "designated"}}},
       {12, {3, 4}, {{"highway", "cycleway"}, {"foot", "no"}}}});
  Graph bike = map.graph(Mode::Bike);
  EXPECT_EQ(bike.nodes(), 3u);  // footway with bicycle=designated and the cycleway
  EXPECT_NEAR(from_to(bike, map.node(bike, 2), map.node(bike, 3)), map.dist(2, 3) / (15 / 3.6),
              1e-2);
  Graph walk = map.graph(Mode::Walk);
  EXPECT_EQ(walk.nodes(), 2u);  // only the footway
  EXPECT_THROW(map.graph(Mode::Car), Error);
}

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

TEST(NetworkRouting, UnreachableIsInfinityAndMaxSecondsStops) {
  // Two separate streets.
  Map map({{1, kLon, kLat},
           {2, kLon + 0.01, kLat},
           {3, kLon, kLat + 0.01},
           {4, kLon + 0.01, kLat + 0.01}},
          {{10, {1, 2}, {{"highway", "residential"}}}, {11, {3, 4}, {{"highway", "residential"}}}});
  Graph car = map.graph(Mode::Car);
  auto t = multi_source(car, {{map.node(car, 1), 0.0f}});
  EXPECT_EQ(t[map.node(car, 3)], kUnreachable);
  EXPECT_EQ(t[map.node(car, 4)], kUnreachable);
  float t12 = t[map.node(car, 2)];
  EXPECT_GT(t12, 60);
  EXPECT_EQ(multi_source(car, {{map.node(car, 1), 0.0f}}, t12 - 1)[map.node(car, 2)], kUnreachable);
  EXPECT_EQ(multi_source(car, {{map.node(car, 1), 0.0f}}, t12 + 1)[map.node(car, 2)], t12);

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
