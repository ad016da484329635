// Multi-source shortest paths over a road graph of Drenthe size (≈300 k nodes, ≈750 k directed
// edges): casco's multi_source() against Boost.Graph's dijkstra_shortest_paths on the same graph
// and sources (a virtual super-source joined to every source at its start cost), in the same run;
// snapping every 25 m cell onto its nearest road (and, for comparison, onto its nearest node); and
// the whole accessibility pass: 10 facility kinds × 3 modes for every 25 m cell.
//
// Goals (issues 8 and 13): one multi-source search per facility kind ≤ 25 ms for bike or car;
// snapping the ≈4.3 M cells of Drenthe onto roads ≤ 0.5 s on 2 cores; all 10 kinds × 3 modes for
// every 25 m cell < 10 s on 2 cores.
//
// Without a real Drenthe extract the graph is synthetic: a perturbed grid of 548 × 548 nodes at
// 95 m (≈52 km square, like the province envelope), ≈65 % of the grid links kept, ≈8 % of them
// one-way, car speeds drawn from a class mix. Set CASCO_BENCH_OSM=/path/to/drenthe.osm.pbf to
// use real car and bike graphs instead (built with the default profile, EPSG:28992).
//
// Run: build/bench/bench_routing [--benchmark_filter=...]
// GCC 12 reports a false -Warray-bounds deep inside Boost's CSR graph constructor (inlined
// std::vector code); the reference code is Boost's, so silence it for this file only.
#pragma GCC diagnostic ignored "-Warray-bounds"
#include <benchmark/benchmark.h>
#include <tbb/global_control.h>
#include <tbb/parallel_for.h>
#include <tbb/task_arena.h>

#include <algorithm>
#include <boost/graph/compressed_sparse_row_graph.hpp>
#include <boost/graph/dijkstra_shortest_paths.hpp>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "access/network.hpp"
#include "core/error.hpp"
#include "median_reporter.hpp"

using namespace casco;
using namespace casco::access;

namespace {

constexpr int kSide = 548;       // nodes per grid side
constexpr double kSpacing = 95;  // metres between grid nodes
constexpr double kCell = 25;     // model cell size (m)
constexpr int kSources = 250;    // facilities of one kind (≈ schools in Drenthe)
constexpr int kKinds = 10;       // facility kinds
constexpr int kCores = 2;        // the goal's machine

struct EdgeW {
  float w;
};
using BoostGraph = boost::compressed_sparse_row_graph<boost::directedS, boost::no_property, EdgeW>;

struct Case {
  std::string name;  // "car", "bike", "walk"
  Graph graph;
  double origin_speed_ms = 0;  // from a cell centre to its snapped node
  std::vector<std::pair<uint32_t, float>> sources;
  std::unique_ptr<BoostGraph> boost;  // graph + super-source (id = nodes())
};

std::map<std::string, Case> g_cases;
std::string g_graph_kind = "synthetic";
std::vector<double> g_ox, g_oy;  // the cell centres (origins)
double g_max_diff = 0;
std::size_t g_reach_mismatch = 0;

// A road-like graph: perturbed grid, links dropped at random, some one-way; `kmh` maps a random
// draw in [0, 1) to the speed of the link.
template <typename Speed>
Graph synthetic_graph(unsigned seed, Speed kmh) {
  std::mt19937_64 rng(seed);
  std::uniform_real_distribution<double> u01(0, 1), jitter(-0.3 * kSpacing, 0.3 * kSpacing);
  Graph g;
  const std::size_t n = static_cast<std::size_t>(kSide) * kSide;
  g.x.resize(n);
  g.y.resize(n);
  for (std::size_t i = 0; i < n; ++i) {
    g.x[i] = 210000 + static_cast<double>(i % kSide) * kSpacing + jitter(rng);
    g.y[i] = 520000 + static_cast<double>(i / kSide) * kSpacing + jitter(rng);
  }
  struct E {
    uint32_t u, v;
    float s, m;
  };
  std::vector<E> edges;
  edges.reserve(800000);
  auto link = [&](std::size_t a, std::size_t b) {
    if (u01(rng) >= 0.65) return;
    double m = std::hypot(g.x[b] - g.x[a], g.y[b] - g.y[a]) * (1.0 + 0.2 * u01(rng));  // bends
    float s = static_cast<float>(m / (kmh(u01(rng)) / 3.6));
    double dir = u01(rng);
    auto ua = static_cast<uint32_t>(a), ub = static_cast<uint32_t>(b);
    if (dir < 0.96) edges.push_back({ua, ub, s, static_cast<float>(m)});
    if (dir >= 0.04) edges.push_back({ub, ua, s, static_cast<float>(m)});
  };
  for (std::size_t i = 0; i < n; ++i) {
    if (i % kSide + 1 < kSide) link(i, i + 1);
    if (i + kSide < n) link(i, i + kSide);
  }
  std::sort(edges.begin(), edges.end(),
            [](const E& a, const E& b) { return a.u != b.u ? a.u < b.u : a.v < b.v; });
  g.offsets.assign(n + 1, 0);
  for (const E& e : edges) {
    ++g.offsets[e.u + 1];
    g.targets.push_back(e.v);
    g.seconds.push_back(e.s);
    g.metres.push_back(e.m);
  }
  for (std::size_t v = 0; v < n; ++v) g.offsets[v + 1] += g.offsets[v];
  return g;
}

double car_class_speed(double r) {  // residential 55 %, unclassified 15 %, tertiary 15 %, …
  if (r < 0.55) return 30;
  if (r < 0.70) return 40;
  if (r < 0.85) return 50;
  if (r < 0.94) return 60;
  if (r < 0.98) return 70;
  return 100;
}

std::vector<std::pair<uint32_t, float>> random_sources(const Graph& g, unsigned seed) {
  std::mt19937 rng(seed);
  std::uniform_int_distribution<uint32_t> node(0, static_cast<uint32_t>(g.nodes() - 1));
  std::uniform_real_distribution<float> cost(0, 120);  // snap distance of the facility / speed
  std::vector<std::pair<uint32_t, float>> s;
  for (int i = 0; i < kSources; ++i) s.push_back({node(rng), cost(rng)});
  return s;
}

std::unique_ptr<BoostGraph> to_boost(const Graph& g,
                                     const std::vector<std::pair<uint32_t, float>>& sources) {
  std::vector<std::pair<uint32_t, uint32_t>> e;
  std::vector<EdgeW> w;
  e.reserve(g.edges() + sources.size());
  w.reserve(g.edges() + sources.size());
  for (uint32_t u = 0; u < g.nodes(); ++u)
    for (uint32_t k = g.offsets[u]; k < g.offsets[u + 1]; ++k) {
      e.push_back({u, g.targets[k]});
      w.push_back({g.seconds[k]});
    }
  const auto super = static_cast<uint32_t>(g.nodes());
  for (const auto& [v, s] : sources) {
    e.push_back({super, v});
    w.push_back({s});
  }
  return std::make_unique<BoostGraph>(boost::edges_are_sorted, e.begin(), e.end(), w.begin(),
                                      g.nodes() + 1);
}

std::vector<float> boost_dijkstra(const Case& c) {
  const BoostGraph& bg = *c.boost;
  std::vector<float> d(num_vertices(bg));
  boost::dijkstra_shortest_paths(
      bg, static_cast<uint32_t>(c.graph.nodes()),
      boost::weight_map(get(&EdgeW::w, bg))
          .distance_map(boost::make_iterator_property_map(d.begin(), get(boost::vertex_index, bg)))
          .distance_inf(kUnreachable));
  d.pop_back();  // the super-source
  return d;
}

void verify(const Case& c) {
  auto a = multi_source(c.graph, c.sources);
  auto b = boost_dijkstra(c);
  double diff = 0;
  std::size_t mismatch = 0, reached = 0;
  for (std::size_t v = 0; v < a.size(); ++v) {
    bool ra = a[v] != kUnreachable, rb = b[v] != kUnreachable;
    reached += ra;
    if (ra != rb) {
      ++mismatch;
    } else if (ra) {
      diff = std::max(diff, static_cast<double>(std::fabs(a[v] - b[v])));
    }
  }
  g_max_diff = std::max(g_max_diff, diff);
  g_reach_mismatch += mismatch;
  std::printf(
      "  %-4s casco vs Boost.Graph: max |diff| %.3g s over %zu reached nodes; reachability "
      "differs at %zu nodes%s\n",
      c.name.c_str(), diff, reached, mismatch, diff == 0 && mismatch == 0 ? " (identical)" : "");
}

void load() {
  if (const char* osm = std::getenv("CASCO_BENCH_OSM")) {
    g_graph_kind = osm;
    Profile p = Profile::defaults();
    g_cases["car"].graph = build_graph(osm, Mode::Car, p, "EPSG:28992");
    g_cases["bike"].graph = build_graph(osm, Mode::Bike, p, "EPSG:28992");
    g_cases["walk"].graph = build_graph(osm, Mode::Walk, p, "EPSG:28992");
  } else {
    g_cases["car"].graph = synthetic_graph(42, car_class_speed);
    g_cases["bike"].graph = synthetic_graph(42, [](double) { return 15.0; });
    g_cases["walk"].graph = synthetic_graph(42, [](double) { return 4.5; });
    for (auto& [name, c] : g_cases) c.graph.add_straight_roads();  // one straight road per link
  }
  g_cases["car"].origin_speed_ms = 15 / 3.6;  // driving off the network: slow
  g_cases["bike"].origin_speed_ms = 15 / 3.6;
  g_cases["walk"].origin_speed_ms = 4.5 / 3.6;
  unsigned seed = 1;
  for (auto& [name, c] : g_cases) {
    c.name = name;
    c.sources = random_sources(c.graph, seed++);
    c.boost = to_boost(c.graph, c.sources);
  }
  // Origins: the 25 m cell centres over the graph's envelope (≈4.3 M, like Drenthe's cells
  // inside the province).
  const Graph& g = g_cases["car"].graph;
  auto [x0, x1] = std::minmax_element(g.x.begin(), g.x.end());
  auto [y0, y1] = std::minmax_element(g.y.begin(), g.y.end());
  const auto cols = static_cast<long>((*x1 - *x0) / kCell),
             rows = static_cast<long>((*y1 - *y0) / kCell);
  g_ox.reserve(static_cast<std::size_t>(cols * rows));
  g_oy.reserve(static_cast<std::size_t>(cols * rows));
  for (long r = 0; r < rows; ++r)
    for (long c = 0; c < cols; ++c) {
      g_ox.push_back(*x0 + (static_cast<double>(c) + 0.5) * kCell);
      g_oy.push_back(*y0 + (static_cast<double>(r) + 0.5) * kCell);
    }
}

// ---------------------------------------------------------------------------------- benchmarks

// The car graph with 5 % of its links destination-only (access=destination): the staged search
// (D* N* D*) that such real graphs need.
Graph g_car_destination;

Graph with_destination_edges(const Graph& g, double share, unsigned seed) {
  Graph d = g;
  d.offsets.assign(1, 0);
  d.targets.clear();
  d.seconds.clear();
  d.metres.clear();
  d.dest_offsets.assign(1, 0);
  for (uint32_t u = 0; u < g.nodes(); ++u) {
    for (uint32_t e = g.offsets[u]; e < g.offsets[u + 1]; ++e) {
      const uint32_t v = g.targets[e];
      // Both directions of a link alike: decide by a hash of the unordered pair.
      uint64_t h = (static_cast<uint64_t>(std::min(u, v)) << 32 | std::max(u, v)) ^ seed;
      h ^= h >> 33;
      h *= 0xff51afd7ed558ccdULL;
      h ^= h >> 33;
      const bool dest = static_cast<double>(h % 1000000) / 1e6 < share;
      (dest ? d.dest_targets : d.targets).push_back(v);
      (dest ? d.dest_seconds : d.seconds).push_back(g.seconds[e]);
      (dest ? d.dest_metres : d.metres).push_back(g.metres[e]);
    }
    d.offsets.push_back(static_cast<uint32_t>(d.targets.size()));
    d.dest_offsets.push_back(static_cast<uint32_t>(d.dest_targets.size()));
  }
  return d;
}

void bm_casco_destination(benchmark::State& st, const Case* c) {
  for (auto _ : st) benchmark::DoNotOptimize(multi_source(g_car_destination, c->sources));
}

void bm_casco(benchmark::State& st, const Case* c) {
  for (auto _ : st) benchmark::DoNotOptimize(multi_source(c->graph, c->sources));
}

void bm_boost(benchmark::State& st, const Case* c) {
  for (auto _ : st) benchmark::DoNotOptimize(boost_dijkstra(*c));
}

// Snapping the cells onto the roads: the index (built once per graph) and the points, on
// `cores` cores; the index alone is casco_snap_index.
void bm_snap_roads(benchmark::State& st, const Case* c, int cores) {
  tbb::task_arena arena(cores);
  for (auto _ : st)
    arena.execute([&] { benchmark::DoNotOptimize(snap_to_roads(c->graph, g_ox, g_oy, 1000)); });
}

void bm_snap_index(benchmark::State& st, const Case* c) {
  for (auto _ : st) {
    RoadSnapper index(c->graph);
    benchmark::DoNotOptimize(&index);
  }
}

void bm_snap_nodes(benchmark::State& st, const Case* c) {
  tbb::task_arena arena(kCores);
  for (auto _ : st) arena.execute([&] { benchmark::DoNotOptimize(snap(c->graph, g_ox, g_oy)); });
}

// Facilities of one kind: random points over the graph's envelope (seeded), each 0-60 m from
// wherever it falls, as facilities are.
std::pair<std::vector<double>, std::vector<double>> random_points(const Graph& g, unsigned seed) {
  std::mt19937 rng(seed);
  auto [x0, x1] = std::minmax_element(g.x.begin(), g.x.end());
  auto [y0, y1] = std::minmax_element(g.y.begin(), g.y.end());
  std::uniform_real_distribution<double> px(*x0, *x1), py(*y0, *y1);
  std::vector<double> xs, ys;
  for (int i = 0; i < kSources; ++i) {
    xs.push_back(px(rng));
    ys.push_back(py(rng));
  }
  return {xs, ys};
}

// The whole pass on 2 cores: snap the cells onto the roads once per mode, then per (kind, mode)
// snap the facilities, one multi-source search from them and the gather of every cell's time (the
// better end of its road + the off-network leg).
struct Pass {
  double snap_s = 0, search_gather_s = 0;
  double checksum = 0;
};
Pass g_last_pass;

void bm_pass(benchmark::State& st) {
  tbb::task_arena arena(kCores);
  const char* modes[] = {"walk", "bike", "car"};
  for (auto _ : st) {
    Pass p;
    auto t0 = std::chrono::steady_clock::now();
    std::vector<RoadSnap> snaps[3];
    PointJoins joins[3];
    Graph backs[3];
    std::vector<std::unique_ptr<RoadSnapper>> snappers;
    arena.execute([&] {
      for (int m = 0; m < 3; ++m) {
        snappers.push_back(std::make_unique<RoadSnapper>(g_cases.at(modes[m]).graph));
        snaps[m] = snappers.back()->snap(g_ox, g_oy, 1000);
        joins[m] = join_points(g_cases.at(modes[m]).graph, snaps[m]);
        backs[m] = g_cases.at(modes[m]).graph.reversed();
      }
    });
    auto t1 = std::chrono::steady_clock::now();
    std::vector<double> sums(kKinds * 3, 0);
    arena.execute([&] {
      tbb::parallel_for(0, kKinds * 3, [&](int task) {
        const Case& c = g_cases.at(modes[task % 3]);
        const auto& sn = snaps[task % 3];
        // Each kind has its own facilities: a different draw of 250 points.
        auto [fx, fy] = random_points(c.graph, 1000 + static_cast<unsigned>(task));
        auto at = snappers[static_cast<std::size_t>(task % 3)]->snap(fx, fy, 1000);
        const float inv = static_cast<float>(1.0 / c.origin_speed_ms);
        std::vector<float> start_s, start_m;
        for (const auto& f : at) {
          start_s.push_back(f.distance_m * inv);
          start_m.push_back(f.distance_m);
        }
        // Seconds only, as the figures before snapping onto roads (casco access also sums the
        // metres along the paths).
        PointTimes t = times_to_nearest(c.graph, backs[task % 3], at, start_s, start_m,
                                        joins[task % 3], false);
        std::vector<float> cell_t(sn.size());
        double sum = 0;
        for (std::size_t i = 0; i < sn.size(); ++i) {
          cell_t[i] = t.seconds[i] + sn[i].distance_m * inv;
          if (cell_t[i] != kUnreachable) sum += cell_t[i];
        }
        benchmark::DoNotOptimize(cell_t.data());
        sums[static_cast<std::size_t>(task)] = sum;
      });
    });
    auto t2 = std::chrono::steady_clock::now();
    p.snap_s = std::chrono::duration<double>(t1 - t0).count();
    p.search_gather_s = std::chrono::duration<double>(t2 - t1).count();
    for (double s : sums) p.checksum += s;
    g_last_pass = p;
  }
}

using casco::bench::Reporter;

void summary(const Reporter& rep) {
  auto get = [&](const std::string& n) {
    auto it = rep.median_ms.find(n);
    return it == rep.median_ms.end() ? std::nan("") : it->second;
  };
  std::printf(
      "\nSummary: %s graph; %d sources per search; medians of 5 repetitions, wall time; %u "
      "hardware threads\n\n",
      g_graph_kind.c_str(), kSources, std::thread::hardware_concurrency());
  auto cpu = [&](const std::string& n) {
    auto it = rep.median_cpu_ms.find(n);
    return it == rep.median_cpu_ms.end() ? std::nan("") : it->second;
  };
  std::printf("%-5s %8s %8s %10s %10s %8s %10s %10s %10s\n", "mode", "nodes", "edges", "casco",
              "Boost", "ratio", "goal<=25ms", "casco cpu", "Boost cpu");
  for (const char* m : {"car", "bike", "walk"}) {
    const Case& c = g_cases.at(m);
    double a = get(std::string("casco_multi_source/") + m),
           b = get(std::string("boost_dijkstra/") + m);
    bool goal = std::string(m) != "walk";
    double ac = cpu(std::string("casco_multi_source/") + m),
           bc = cpu(std::string("boost_dijkstra/") + m);
    std::printf("%-5s %8zu %8zu %8.2fms %8.2fms %7.2fx %10s %8.2fms %8.2fms\n", m, c.graph.nodes(),
                c.graph.edges(), a, b, a / b, goal ? (a <= 25 ? "met" : "MISSED") : "-", ac, bc);
  }
  std::printf(
      "(ratio = casco / Boost.Graph dijkstra_shortest_paths, wall time; below 1 = casco faster; "
      "cpu = this process's CPU time, less distorted when other work shares the machine)\n");
  std::printf(
      "Results identical to Boost.Graph: max |diff| %.3g s, reachability differs at %zu nodes\n",
      g_max_diff, g_reach_mismatch);
  double dest = get("casco_multi_source/car_5pct_destination");
  if (!std::isnan(dest))
    std::printf(
        "car with 5%% of the links destination-only (staged search D* N* D*): %.2f ms (cpu %.2f "
        "ms), %.2fx the plain car search\n",
        dest, cpu("casco_multi_source/car_5pct_destination"), dest / get("casco_multi_source/car"));
  double roads = get("casco_snap_roads/car"), nodes = get("casco_snap_nodes/car");
  if (!std::isnan(roads))
    std::printf(
        "\nSnap of %.2f M cells onto the nearest road, %d cores: %.0f ms (cpu %.0f ms; goal <= "
        "500 ms: %s); of which building the roads' index %.0f ms; on 1 core %.0f ms; onto the "
        "nearest node (before): %.0f ms\n",
        g_ox.size() / 1e6, kCores, roads, cpu("casco_snap_roads/car"),
        roads <= 500 ? "met" : "MISSED", get("casco_snap_index/car"),
        get("casco_snap_roads_1core/car"), nodes);
  double pass = get("casco_pass_10kinds_x_3modes") / 1000;
  if (std::isnan(pass)) return;  // filtered out
  std::printf(
      "\nAccessibility pass, %d kinds x 3 modes for %.2f M cells of %g m on %d cores: %.2f s "
      "(goal < 10 s: %s)\n  last run: snapping 3 x %.2f M cells onto roads (and joining them to "
      "the graphs, reversing the graphs) %.2f s; 30 facility snaps, searches and gathers %.2f s\n",
      kKinds, g_ox.size() / 1e6, kCell, kCores, pass, pass < 10 ? "met" : "MISSED",
      g_ox.size() / 1e6, g_last_pass.snap_s, g_last_pass.search_gather_s);
}

}  // namespace

int main(int argc, char** argv) {
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  try {
    load();
  } catch (const std::exception& e) {
    std::fprintf(stderr, "bench_routing: %s\n", e.what());
    return 1;
  }
  std::printf("Graph: %s\n", g_graph_kind.c_str());
  for (const char* m : {"car", "bike", "walk"}) {
    const Case& c = g_cases.at(m);
    std::printf("  %-4s %zu nodes, %zu directed edges, %zu sources\n", m, c.graph.nodes(),
                c.graph.edges(), c.sources.size());
  }
  std::printf("Origins: %.2f M cell centres of %g m\n\n", g_ox.size() / 1e6, kCell);
  std::printf("Agreement (same graph, same sources and start costs):\n");
  for (const char* m : {"car", "bike", "walk"}) verify(g_cases.at(m));
  std::printf("\n");

  auto reg = [](const std::string& name, auto fn, auto arg, int reps, double min_time) {
    auto* b = benchmark::RegisterBenchmark(name.c_str(), fn, arg);
    b->Unit(benchmark::kMillisecond)->UseRealTime()->Repetitions(reps)->DisplayAggregatesOnly(true);
    b->MeasureProcessCPUTime();  // the CPU time of all threads (the snaps run on 2)
    if (min_time > 0)
      b->MinTime(min_time);
    else
      b->Iterations(1);
  };
  for (const char* m : {"car", "bike", "walk"}) {
    const Case* c = &g_cases.at(m);
    reg(std::string("casco_multi_source/") + m, bm_casco, c, 5, 0.2);
    if (std::string(m) == "car") {
      g_car_destination = with_destination_edges(c->graph, 0.05, 7);
      reg("casco_multi_source/car_5pct_destination", bm_casco_destination, c, 5, 0.2);
    }
    reg(std::string("boost_dijkstra/") + m, bm_boost, c, 5, 0.2);
  }
  auto snap_roads_2 = [](benchmark::State& st, const Case* c) { bm_snap_roads(st, c, kCores); };
  auto snap_roads_1 = [](benchmark::State& st, const Case* c) { bm_snap_roads(st, c, 1); };
  reg("casco_snap_roads/car", snap_roads_2, &g_cases.at("car"), 5, 0);
  reg("casco_snap_roads_1core/car", snap_roads_1, &g_cases.at("car"), 5, 0);
  reg("casco_snap_index/car", bm_snap_index, &g_cases.at("car"), 5, 0);
  reg("casco_snap_nodes/car", bm_snap_nodes, &g_cases.at("car"), 5, 0);
  auto* p = benchmark::RegisterBenchmark("casco_pass_10kinds_x_3modes", bm_pass);
  p->Unit(benchmark::kMillisecond)->UseRealTime()->Repetitions(3)->Iterations(1);
  p->DisplayAggregatesOnly(true);

  Reporter rep;
  benchmark::RunSpecifiedBenchmarks(&rep);
  summary(rep);
  benchmark::Shutdown();
  return 0;
}
