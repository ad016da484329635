// The whole Drenthe model build at 25 m (data/drenthe/model.toml), forced and as a no-change
// rebuild, with per-layer seconds, peak memory and bytes per cell.
//
// Goals: the whole Drenthe model build at 25 m, with the dasymetric population and the other
// derived layers, under 15 s on 2 cores; the kernen (delineation and classification) under 2 s.
//
// Run: build/bench/bench_build [--benchmark_filter=...]
#include <benchmark/benchmark.h>
#include <gdal_priv.h>
#include <sys/resource.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "access/kernen.hpp"
#include "core/crs.hpp"
#include "core/error.hpp"
#include "core/progress.hpp"
#include "model/build.hpp"
#include "model/definition.hpp"
#include "model/store.hpp"
#include "model/vector_source.hpp"

namespace fs = std::filesystem;
using namespace casco;

namespace {

const fs::path kModel = fs::path(CASCO_DATA_DIR) / "model.toml";

ModelDef g_def;
fs::path g_store;
std::optional<BuildReport> g_forced, g_unchanged;
std::map<std::string, int> g_warnings;  // each distinct warning once, with how often it came

double rss_mb() {  // current resident set size
  std::ifstream in("/proc/self/statm");
  long pages = 0, resident = 0;
  in >> pages >> resident;
  return static_cast<double>(resident) * static_cast<double>(sysconf(_SC_PAGESIZE)) / 1048576.0;
}

double peak_rss_mb() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  return static_cast<double>(u.ru_maxrss) / 1024.0;  // ru_maxrss is in KiB on Linux
}

BuildReport build(bool force) {
  return build_model(g_def, BuildOptions{g_store, std::nullopt, force});
}

void bm_build_forced(benchmark::State& st) {
  for (auto _ : st) g_forced = build(true);
  st.counters["layers"] = static_cast<double>(g_forced->layers.size());
  st.counters["Mcells"] = static_cast<double>(g_forced->grid.size()) / 1e6;
  st.counters["peak_RSS_MB"] = peak_rss_mb();
}

void bm_build_unchanged(benchmark::State& st) {
  if (!fs::exists(g_store)) build(true);  // needs a previous store; outside the timing
  for (auto _ : st) g_unchanged = build(false);
  if (g_unchanged->rebuilt() != 0)
    st.SkipWithError("the no-change rebuild rebuilt layers; see the per-layer table");
  st.counters["rebuilt"] = static_cast<double>(g_unchanged->rebuilt());
  st.counters["peak_RSS_MB"] = peak_rss_mb();
}

// Kernen on the 25 m store: the whole `casco kernen` computation (facilities, places, areas,
// classes), and the delineation alone (crystal growth over the built-up cells).
void bm_kernen(benchmark::State& st) {
  if (!fs::exists(g_store)) build(true);
  Store s = Store::open(g_store);
  access::KernenConfig cfg = access::load_kernen_config(fs::path(CASCO_DATA_DIR) / "kernen.toml");
  std::size_t kernen = 0;
  for (auto _ : st) kernen = access::classify_places(cfg, s).zones.size();
  st.counters["kernen"] = static_cast<double>(kernen);
}

void bm_kern_delineation(benchmark::State& st) {
  if (!fs::exists(g_store)) build(true);
  Store s = Store::open(g_store);
  const Grid& g = s.grid();
  Raster built = s.read("bebouwd");
  std::vector<uint8_t> mask(g.size());
  for (std::size_t i = 0; i < mask.size(); ++i) mask[i] = built.values[i] > 0;
  OGRSpatialReference srs = make_srs(g.crs, "bench");
  SourceDef places;
  places.path = fs::path(CASCO_DATA_DIR) / "sources/places/drenthe_populated_places_geonames.csv";
  places.crs = "EPSG:4326";
  places.open_options = {"X_POSSIBLE_NAMES=longitude", "Y_POSSIBLE_NAMES=latitude",
                         "AUTODETECT_TYPE=YES"};
  VectorData v = read_vector(places, srs);
  std::vector<double> x, y, speed;
  for (const auto& f : v.features) {
    OGRPoint c;
    f->GetGeometryRef()->Centroid(&c);
    x.push_back(c.getX());
    y.push_back(c.getY());
    double n = f->GetFieldAsDouble("population");
    speed.push_back(std::sqrt(std::max(n, 150.0)));
  }
  std::size_t unnamed = 0;
  for (auto _ : st)
    unnamed = access::delineate_kernen(g, mask, x, y, speed, 1000, 200, 100).unnamed_cells;
  st.counters["places"] = static_cast<double>(x.size());
  st.counters["unnamed_cells"] = static_cast<double>(unnamed);
}

// Shows the median of each benchmark and keeps it for the summary.
class Reporter : public benchmark::ConsoleReporter {
 public:
  std::map<std::string, double> median_s;
  void ReportRuns(const std::vector<Run>& runs) override {
    std::vector<Run> shown;
    for (const Run& r : runs) {
      if (r.run_type != Run::RT_Aggregate || r.aggregate_name != "median") continue;
      median_s[r.run_name.function_name] = r.GetAdjustedRealTime();
      shown.push_back(r);
    }
    if (!shown.empty()) ConsoleReporter::ReportRuns(shown);
  }
};

void print_layers(const BuildReport& forced, const BuildReport* unchanged) {
  std::printf("\nPer layer, last forced build%s:\n",
              unchanged ? " (and last no-change rebuild)" : "");
  std::printf("  %-28s %8s%s\n", "layer", "forced", unchanged ? "  no-change  reason" : "");
  double sum = 0;
  for (std::size_t i = 0; i < forced.layers.size(); ++i) {
    const LayerOutcome& l = forced.layers[i];
    sum += l.seconds;
    if (unchanged && i < unchanged->layers.size()) {
      const LayerOutcome& u = unchanged->layers[i];
      std::printf("  %-28s %7.2fs %9.2fs  %s\n", l.id.c_str(), l.seconds, u.seconds,
                  u.reason.c_str());
    } else {
      std::printf("  %-28s %7.2fs\n", l.id.c_str(), l.seconds);
    }
  }
  std::printf(
      "  %-28s %7.2fs   (total %.2f s; the rest is study area, grid, store setup and "
      "commit)\n",
      "sum of layers", sum, forced.seconds);
}

}  // namespace

int main(int argc, char** argv) {
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  GDALAllRegister();
  Progress::set_enabled(false);
  set_quiet(true);
  set_warning_sink([](std::string_view w) { ++g_warnings[std::string(w)]; });
  g_store = fs::temp_directory_path() / ("casco-bench-build-" + std::to_string(getpid()) + ".gpkg");
  try {
    g_def = load_model_definition(kModel);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "bench_build: %s\n", e.what());
    return 1;
  }
  std::printf("Model %s: %zu layers, cell %g m; store %s; %u hardware threads\n", kModel.c_str(),
              g_def.layers.size(), g_def.cell_size, g_store.c_str(),
              std::thread::hardware_concurrency());
  const double rss_before = rss_mb();

  benchmark::RegisterBenchmark("build_forced/drenthe_25m", bm_build_forced)
      ->Unit(benchmark::kSecond)
      ->UseRealTime()
      ->Iterations(1)
      ->Repetitions(2)
      ->DisplayAggregatesOnly(true);
  benchmark::RegisterBenchmark("build_unchanged/drenthe_25m", bm_build_unchanged)
      ->Unit(benchmark::kSecond)
      ->UseRealTime()
      ->Iterations(1)
      ->Repetitions(5)
      ->DisplayAggregatesOnly(true);

  benchmark::RegisterBenchmark("kernen/drenthe_25m", bm_kernen)
      ->Unit(benchmark::kSecond)
      ->UseRealTime()
      ->Iterations(1)
      ->Repetitions(3)
      ->DisplayAggregatesOnly(true);
  benchmark::RegisterBenchmark("kern_delineation/drenthe_25m", bm_kern_delineation)
      ->Unit(benchmark::kMillisecond)
      ->UseRealTime()
      ->Repetitions(3)
      ->DisplayAggregatesOnly(true);

  Reporter rep;
  try {
    benchmark::RunSpecifiedBenchmarks(&rep);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "bench_build: %s\n", e.what());
    fs::remove(g_store);
    return 1;
  }

  const BuildReport* last = g_forced ? &*g_forced : g_unchanged ? &*g_unchanged : nullptr;
  if (last) {
    const Grid& g = last->grid;
    if (g_forced) print_layers(*g_forced, g_unchanged ? &*g_unchanged : nullptr);
    std::printf("\nSummary: grid %d x %d = %.2f M cells of %g m, %zu layers\n", g.cols, g.rows,
                g.size() / 1e6, g.cell, last->layers.size());
    if (rep.median_s.count("build_forced/drenthe_25m")) {
      double s = rep.median_s["build_forced/drenthe_25m"];
      std::printf("  forced build     median %.2f s (goal < 15 s on 2 cores: %s)\n", s,
                  s < 15 ? "met" : "MISSED");
    }
    if (rep.median_s.count("kernen/drenthe_25m")) {
      double s = rep.median_s["kernen/drenthe_25m"];
      std::printf("  kernen           median %.2f s (goal < 2 s: %s)\n", s,
                  s < 2 ? "met" : "MISSED");
    }
    if (rep.median_s.count("kern_delineation/drenthe_25m"))
      std::printf("  kern delineation median %.0f ms\n",
                  rep.median_s["kern_delineation/drenthe_25m"]);
    if (rep.median_s.count("build_unchanged/drenthe_25m"))
      std::printf("  no-change build  median %.2f s (%zu layers rebuilt)\n",
                  rep.median_s["build_unchanged/drenthe_25m"],
                  g_unchanged ? g_unchanged->rebuilt() : 0);
    const double peak = peak_rss_mb();
    const double cells = static_cast<double>(g.size());
    std::printf(
        "  peak RSS %.0f MB (%.0f MB before the first build): %.1f bytes per cell overall, "
        "%.1f bytes per cell for the build itself\n",
        peak, rss_before, peak * 1048576.0 / cells, (peak - rss_before) * 1048576.0 / cells);
    std::error_code ec;
    auto bytes = fs::file_size(g_store, ec);
    if (!ec)
      std::printf("  store %.1f MB on disk (%.2f bytes per cell per layer)\n", bytes / 1048576.0,
                  static_cast<double>(bytes) / cells / static_cast<double>(last->layers.size()));
  }
  if (!g_warnings.empty()) {
    std::printf("\nWarnings raised by the builds (each distinct one once):\n");
    for (const auto& [w, n] : g_warnings) std::printf("  [x%d] %s\n", n, w.c_str());
  }
  fs::remove(g_store);
  benchmark::Shutdown();
  return 0;
}
