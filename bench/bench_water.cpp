// Hydrology on a 100 M-cell elevation model (a synthetic Drenthe at 5 m: 10,000 x 10,000 cells):
// depression filling + D8 directions + flow accumulation by casco, then the same by GRASS GIS
// (r.terraflow -s: fill, SFD directions and accumulation; r.watershed -s: A* least-cost
// directions and accumulation, in memory) on the same DEM, in the same run, with the ratio.
//
// Goal (issue 16): < 30 s on 2 cores, >= 5x faster than GRASS, at most 8 bytes per cell of
// working memory beyond the DEM (peak resident memory above the DEM, measured with the kernel's
// high-water mark, VmHWM, reset before the run).
//
// Run: build/bench/bench_water [--rows 10000] [--cols 10000] [--grass watershed,terraflow|none]
// (default: r.watershed only; r.terraflow takes about half an hour on 100 M cells)
// GRASS comes from Debian's grass-core; without it the GRASS part is skipped with a line saying so.
#include <gdal_priv.h>
#include <sys/resource.h>
#include <tbb/global_control.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <thread>

#include "core/crs.hpp"
#include "model/store.hpp"
#include "synthetic_terrain.hpp"
#include "water/hydrology.hpp"

namespace fs = std::filesystem;
using namespace casco;
using Clock = std::chrono::steady_clock;

namespace {

double seconds_since(Clock::time_point t) {
  return std::chrono::duration<double>(Clock::now() - t).count();
}

// CPU seconds of this process (all threads): on a machine shared with other work, the wall time
// of a step also measures the others; its CPU time does not.
double cpu_seconds() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  return u.ru_utime.tv_sec + u.ru_stime.tv_sec + (u.ru_utime.tv_usec + u.ru_stime.tv_usec) / 1e6;
}

// Resident memory now and its high-water mark (kB), from /proc/self/status.
std::size_t status_kb(const char* key) {
  std::ifstream in("/proc/self/status");
  std::string line;
  while (std::getline(in, line))
    if (line.rfind(key, 0) == 0) return std::strtoull(line.c_str() + std::strlen(key), nullptr, 10);
  return 0;
}
double load_average() {
  double l[1] = {0};
  return getloadavg(l, 1) == 1 ? l[0] : 0;
}
void reset_peak() {
  std::ofstream("/proc/self/clear_refs") << "5";
}

bool have(const char* program) {
  std::string cmd = std::string("command -v ") + program + " >/dev/null 2>&1";
  return std::system(cmd.c_str()) == 0;
}

std::string arg(int argc, char** argv, const std::string& name, const std::string& fallback) {
  for (int i = 1; i + 1 < argc; ++i)
    if (argv[i] == name) return argv[i + 1];
  return fallback;
}

// Runs GRASS modules on `tif` in a temporary location and returns seconds per module.
std::map<std::string, double> run_grass(const fs::path& tif, const fs::path& dir,
                                        const std::string& modules) {
  const fs::path script = dir / "grass_bench.sh", out = dir / "grass_times.txt";
  std::ofstream s(script);
  s << "set -e\n"
    << "t() { local a=$(date +%s.%N); \"$@\" >/dev/null 2>&1; local b=$(date +%s.%N); "
    << "echo \"$1 $(echo \"$b - $a\" | bc)\" >> '" << out.string() << "'; }\n"
    << "r.in.gdal -o input='" << tif.string() << "' output=dem >/dev/null 2>&1\n"
    << "g.region raster=dem\n";
  if (modules.find("terraflow") != std::string::npos)
    s << "t r.terraflow -s elevation=dem filled=tf_filled direction=tf_dir accumulation=tf_acc "
      << "memory=4000 directory='" << dir.string() << "'\n";
  if (modules.find("watershed") != std::string::npos)
    s << "t r.watershed -s elevation=dem accumulation=ws_acc drainage=ws_dir memory=8000\n";
  s.close();
  fs::remove(out);
  const std::string cmd = "grass --tmp-location EPSG:28992 --exec bash '" + script.string() +
                          "' > '" + (dir / "grass.log").string() + "' 2>&1";
  if (std::system(cmd.c_str()) != 0)
    std::printf("GRASS failed; see %s\n", (dir / "grass.log").c_str());
  std::map<std::string, double> t;
  std::ifstream in(out);
  std::string name;
  double sec;
  while (in >> name >> sec) t[name] = sec;
  return t;
}

}  // namespace

int main(int argc, char** argv) {
  const int rows = std::stoi(arg(argc, argv, "--rows", "10000"));
  const int cols = std::stoi(arg(argc, argv, "--cols", "10000"));
  const std::string grass = arg(argc, argv, "--grass", "watershed");
  const int threads = static_cast<int>(std::min(2u, std::thread::hardware_concurrency()));
  tbb::global_control limit(tbb::global_control::max_allowed_parallelism, threads);
  ensure_gdal_registered();

  std::printf(
      "bench_water: fill + D8 + accumulation on a synthetic %d x %d DEM (%.0f M cells, 5 m), "
      "%d threads\n",
      rows, cols, rows * static_cast<double>(cols) / 1e6, threads);
  auto t = Clock::now();
  Raster dem = bench::synthetic_terrain(rows, cols, 5.0, 16);
  dem.grid.crs = "EPSG:28992";
  std::printf("  terrain generated in %.1f s (not timed below)\n", seconds_since(t));

  const fs::path dir =
      fs::temp_directory_path() / ("casco-bench-water-" + std::to_string(getpid()));
  fs::create_directories(dir);
  const fs::path tif = dir / "dem.tif";
  const bool grass_on = grass != "none" && have("grass");
  if (grass_on) write_geotiff(dem, tif);

  const double n = static_cast<double>(dem.grid.size());
  reset_peak();
  const std::size_t base_kb = status_kb("VmRSS:");
  double c = cpu_seconds();
  t = Clock::now();
  water::Routed routed = water::fill_and_route(dem);
  const double t_fill = seconds_since(t), c_fill = cpu_seconds() - c;
  const water::FillStats& fs_ = routed.fill;
  const water::FlowStats& flow = routed.flow;
  auto& dirs = routed.dirs;
  c = cpu_seconds();
  t = Clock::now();
  auto acc = water::d8_accumulation(dem.grid, dirs);
  const double t_acc = seconds_since(t), c_acc = cpu_seconds() - c;
  const double casco_s = t_fill + t_acc, casco_cpu = c_fill + c_acc;
  const std::size_t peak_kb = status_kb("VmHWM:");
  const double bytes_per_cell = (static_cast<double>(peak_kb) - base_kb) * 1024.0 / n;

  std::uint32_t top = 0;
  for (auto a : acc) top = std::max(top, a);
  std::printf("                   wall      CPU (all threads)\n");
  std::printf(
      "casco fill + D8    %7.2f s  %7.2f s  (%zu cells raised; %zu = %.0f%% through the "
      "priority queue, peak %zu; %zu cells routed over flats, %zu outlets)\n",
      t_fill, c_fill, fs_.raised, fs_.queue_pushes, 100.0 * fs_.queue_pushes / n, fs_.queue_peak,
      flow.flat_cells, flow.outlets);
  std::printf("casco accumulation %7.2f s  %7.2f s  (largest catchment %u cells)\n", t_acc, c_acc,
              top);
  std::printf("casco total        %7.2f s  %7.2f s  (goal < 30 s wall; load average now %.1f)\n",
              casco_s, casco_cpu, load_average());
  std::printf(
      "casco memory       %7.2f bytes per cell beyond the DEM (peak %.0f MB above the "
      "%.0f MB DEM; goal <= 8)\n",
      bytes_per_cell, (peak_kb - base_kb) / 1024.0, n * 4 / 1048576.0);
  acc = {};
  dirs = {};

  if (grass == "none") {
    std::printf("GRASS: not run (--grass none)\n");
  } else if (!grass_on) {
    std::printf("GRASS: not installed (Debian package grass-core) — GRASS comparison skipped\n");
  } else {
    dem = Raster();  // give GRASS the memory
    auto g = run_grass(tif, dir, grass);
    for (const char* m : {"r.terraflow", "r.watershed"}) {
      if (!g.count(m)) continue;
      std::printf("GRASS %-12s %7.2f s  -> casco is %.1fx faster (goal >= 5x)\n", m, g[m],
                  g[m] / casco_s);
    }
    if (g.empty()) std::printf("GRASS: no timings (see %s)\n", (dir / "grass.log").c_str());
  }
  std::error_code ec;
  fs::remove_all(dir, ec);
  return 0;
}
