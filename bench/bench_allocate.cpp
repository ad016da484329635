// The exact discrete allocation (scenario::allocate) on synthetic instances the size of Drenthe
// and of the Netherlands, against the greedy reference on the same instance and against GLPK's
// simplex on the transportation LP of the largest instance it solves in reasonable time.
//
// Goals (issue): Drenthe-like (4.3 M cells, 6 claims, 12 regions) < 10 s on 2 cores;
// Netherlands-like (4.2 M land cells, 8 claims, 12 regions) < 60 s and < 2 GB peak memory.
//
// Instances are deterministic: spatially smooth suitabilities (sums of sinusoids plus a little
// hashed noise), exclusion holes (NaN) per kind, 12 Voronoi regions. Peak memory is measured in a
// child process (this program with --peak=<instance>) that builds the instance and allocates
// once, so the figure is not inflated by the other benchmarks.
//
// Run: build/bench/bench_allocate [--benchmark_filter=...] [--glpk_cells=N]
#include <benchmark/benchmark.h>
#include <glpk.h>
#include <sys/resource.h>
#include <tbb/parallel_for.h>

#include <chrono>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <map>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "core/error.hpp"
#include "core/progress.hpp"
#include "median_reporter.hpp"
#include "scenario/allocate.hpp"

using namespace casco;
using namespace casco::scenario;

namespace {

struct Instance {
  std::string name;
  std::vector<std::vector<float>> layers;
  std::vector<std::int32_t> region_of;
  std::vector<Claim> claims;
  AllocationInput input() const {
    AllocationInput in;
    in.cells = region_of.size();
    for (const auto& l : layers) in.suitability.push_back(l.data());
    in.region_of = region_of.data();
    in.claims = claims;
    return in;
  }
};

// A smooth random field over the grid: a few long-wavelength waves.
struct Field {
  struct Wave {
    double kx, ky, phase, amp;
  };
  std::vector<Wave> waves;
  Field(std::mt19937& rng, double cells_per_wave) {
    std::uniform_real_distribution<double> u(0, 1);
    for (int i = 0; i < 6; ++i) {
      const double angle = 2 * M_PI * u(rng), len = cells_per_wave * (0.3 + u(rng));
      waves.push_back({std::cos(angle) * 2 * M_PI / len, std::sin(angle) * 2 * M_PI / len,
                       2 * M_PI * u(rng), 0.5 + u(rng)});
    }
  }
  double operator()(double x, double y) const {
    double v = 0;
    for (const auto& w : waves) v += w.amp * std::sin(w.kx * x + w.ky * y + w.phase);
    return v;
  }
};

double noise(std::uint64_t a, std::uint64_t b) {  // in [-0.5, 0.5)
  std::uint64_t h = (a * 0x9E3779B97F4A7C15ull) ^ (b + 0x632BE59BD9B4E019ull);
  h ^= h >> 31;
  h *= 0xBF58476D1CE4E5B9ull;
  h ^= h >> 29;
  return static_cast<double>(h >> 11) / 9007199254740992.0 - 0.5;
}

// Mean suitability per kind: some kinds are mostly negative, so their minimums bind.
const double kOffset[6] = {3, 1, 0, -6, -4, -2};

// cols x rows cells, `kinds` suitability layers, 12 regions; claims in cells per million cells.
struct ClaimSpec {
  const char* id;
  int kind, region;
  double min_per_m, max_per_m;
};
Instance make_instance(const std::string& name, int cols, int rows, int kinds,
                       const std::vector<ClaimSpec>& specs, std::uint32_t seed) {
  Instance x;
  x.name = name;
  const std::size_t n = static_cast<std::size_t>(cols) * rows;
  std::mt19937 rng(seed);
  const double scale = std::max(cols, rows) / 4.0;  // a few waves across the area
  std::vector<Field> fields, holes;
  for (int k = 0; k < kinds; ++k) fields.emplace_back(rng, scale), holes.emplace_back(rng, scale);
  std::uniform_real_distribution<double> u(0, 1);
  std::vector<std::pair<double, double>> seeds(12);
  for (auto& s : seeds) s = {u(rng) * cols, u(rng) * rows};
  x.layers.assign(kinds, std::vector<float>(n));
  x.region_of.resize(n);
  tbb::parallel_for(0, rows, [&](int r) {
    for (int c = 0; c < cols; ++c) {
      const std::size_t i = static_cast<std::size_t>(r) * cols + c;
      int best = 0;
      double bd = 1e300;
      for (int s = 0; s < 12; ++s) {
        const double dx = c - seeds[s].first, dy = r - seeds[s].second, d = dx * dx + dy * dy;
        if (d < bd) bd = d, best = s;
      }
      x.region_of[i] = best;
      for (int k = 0; k < kinds; ++k) {
        const double v = kOffset[k % 6] + fields[k](c, r) + 0.8 * noise(i, k);
        x.layers[k][i] = holes[k](c, r) > 2.2 ? std::nanf("") : static_cast<float>(v);
      }
    }
  });
  const double m = static_cast<double>(n) / 1e6;
  for (const auto& s : specs)
    x.claims.push_back(
        {s.id, s.kind, s.region, std::llround(s.min_per_m * m), std::llround(s.max_per_m * m)});
  return x;
}

const std::vector<ClaimSpec> kDrentheClaims = {
    {"woningbouw_assen", 0, 3, 2000, 3000}, {"woningbouw_emmen", 0, 8, 1500, 2500},
    {"bedrijven", 1, -1, 5000, 7000},       {"zon", 2, -1, 15000, 25000},
    {"natuur", 3, -1, 50000, 70000},        {"waterberging", 4, -1, 10000, 20000}};
const std::vector<ClaimSpec> kNlClaims = {{"woningbouw_randstad_n", 0, 1, 6000, 9000},
                                          {"woningbouw_randstad_z", 0, 4, 6000, 9000},
                                          {"woningbouw_brabant", 0, 7, 4000, 6000},
                                          {"woningbouw_overig", 1, -1, 8000, 12000},
                                          {"bedrijven", 2, -1, 8000, 12000},
                                          {"zon", 3, -1, 20000, 35000},
                                          {"natuur", 4, -1, 60000, 90000},
                                          {"waterberging", 5, -1, 15000, 30000}};

Instance drenthe() {
  return make_instance("drenthe", 2400, 1792, 5, kDrentheClaims, 2026);  // 4.30 M cells
}
Instance netherlands() {
  return make_instance("netherlands", 2100, 2000, 6, kNlClaims, 1815);  // 4.20 M cells
}
Instance glpk_instance(std::size_t cells) {  // Drenthe's claims on a smaller area
  const int cols = static_cast<int>(std::sqrt(static_cast<double>(cells) * 4 / 3));
  return make_instance("glpk", cols, static_cast<int>(cells / cols), 5, kDrentheClaims, 2026);
}

double peak_rss_mb() {
  rusage ru{};
  getrusage(RUSAGE_SELF, &ru);
  return static_cast<double>(ru.ru_maxrss) / 1024.0;
}

// User + system CPU time of this process so far (all threads).
double cpu_seconds() {
  rusage ru{};
  getrusage(RUSAGE_SELF, &ru);
  return static_cast<double>(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) +
         static_cast<double>(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e6;
}

double seconds_since(std::chrono::steady_clock::time_point t0) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

// The transportation LP (bounds as rows) in GLPK; returns the optimum, fills `seconds`.
double glpk_optimum(const AllocationInput& in, double& seconds) {
  const auto t0 = std::chrono::steady_clock::now();
  glp_term_out(GLP_OFF);
  glp_prob* lp = glp_create_prob();
  const int K = static_cast<int>(in.claims.size()), n = static_cast<int>(in.cells);
  glp_add_rows(lp, n + K);
  for (int c = 0; c < n; ++c) glp_set_row_bnds(lp, c + 1, GLP_UP, 0, 1);
  for (int k = 0; k < K; ++k) {
    const double lo = static_cast<double>(in.claims[k].min_cells);
    const double hi = static_cast<double>(in.claims[k].max_cells);
    glp_set_row_bnds(lp, n + k + 1, lo == hi ? GLP_FX : GLP_DB, lo, hi);
  }
  std::vector<int> ia{0}, ja{0};
  std::vector<double> ar{0};
  glp_set_obj_dir(lp, GLP_MAX);
  for (int c = 0; c < n; ++c)
    for (int k = 0; k < K; ++k) {
      const Claim& cl = in.claims[k];
      const float s = in.suitability[cl.kind][c];
      if (std::isnan(s) || (cl.region >= 0 && in.region_of[c] != cl.region)) continue;
      const int col = glp_add_cols(lp, 1);
      glp_set_col_bnds(lp, col, GLP_DB, 0, 1);
      glp_set_obj_coef(lp, col, s);
      ia.push_back(c + 1), ja.push_back(col), ar.push_back(1);
      ia.push_back(n + k + 1), ja.push_back(col), ar.push_back(1);
    }
  glp_load_matrix(lp, static_cast<int>(ia.size()) - 1, ia.data(), ja.data(), ar.data());
  glp_smcp parm;
  glp_init_smcp(&parm);
  parm.msg_lev = GLP_MSG_OFF;
  parm.presolve = GLP_ON;
  const int rc = glp_simplex(lp, &parm);
  const double obj = rc == 0 && glp_get_status(lp) == GLP_OPT ? glp_get_obj_val(lp) : std::nan("");
  glp_delete_prob(lp);
  seconds = seconds_since(t0);
  return obj;
}

// ------------------------------------------------------------------------------ benchmarks

std::map<std::string, Instance> g_inst;
std::map<std::string, Allocation> g_exact, g_greedy;

void bm_allocate(benchmark::State& st, const char* name) {
  const AllocationInput in = g_inst.at(name).input();
  for (auto _ : st) g_exact[name] = allocate(in, {.progress = false});
}
void bm_greedy(benchmark::State& st, const char* name) {
  const AllocationInput in = g_inst.at(name).input();
  for (auto _ : st) g_greedy[name] = allocate_greedy(in);
}

const char* met(bool ok) {
  return ok ? "met" : "MISSED";
}

struct Peak {
  double seconds = std::nan(""), rss_mb = std::nan(""), objective = std::nan(""),
         cpu = std::nan("");
};
// This program again, in --peak mode: one allocation in a fresh process.
Peak measure_peak(const char* self, const std::string& name) {
  Peak p;
  const std::string cmd = std::string(self) + " --peak=" + name;
  if (FILE* f = popen(cmd.c_str(), "r")) {
    char line[256];
    while (std::fgets(line, sizeof line, f))
      if (std::sscanf(line, "PEAK %lf %lf %lf %lf", &p.seconds, &p.rss_mb, &p.objective, &p.cpu) ==
          4)
        break;
    pclose(f);
  }
  return p;
}

int peak_mode(const std::string& name) {
  const Instance x = name == "drenthe" ? drenthe() : netherlands();
  const double cpu0 = cpu_seconds();
  const Allocation a = allocate(x.input(), {.progress = false});
  std::printf("PEAK %.6f %.3f %.6f %.6f\n", a.seconds, peak_rss_mb(), a.objective,
              cpu_seconds() - cpu0);
  for (std::size_t k = 0; k < x.claims.size(); ++k)  // for a look by hand; the parent ignores it
    std::printf("  %-24s %8lld %8lld %10lld %9.4f\n", x.claims[k].id.c_str(),
                static_cast<long long>(x.claims[k].min_cells),
                static_cast<long long>(x.claims[k].max_cells),
                static_cast<long long>(a.claims[k].cells), a.claims[k].shadow_price);
  std::printf("  %d iterations\n", a.iterations);
  return 0;
}

void summary(const casco::bench::Reporter& rep, const std::map<std::string, Peak>& peak,
             std::size_t glpk_cells) {
  double load[3] = {0, 0, 0};
  getloadavg(load, 3);
  std::printf(
      "\nSummary (medians, wall time, %u hardware threads; load average %.1f: other work on the "
      "host slows the wall times)\n",
      std::thread::hardware_concurrency(), load[0]);
  const struct {
    const char* name;
    double goal_s;
  } cases[] = {{"drenthe", 10}, {"netherlands", 60}};
  for (const auto& c : cases) {
    const Instance& x = g_inst.at(c.name);
    const Allocation& a = g_exact.at(c.name);
    const Allocation& g = g_greedy.at(c.name);
    const double t = rep.median(std::string("allocate/") + c.name) / 1000;
    const double tg = rep.median(std::string("greedy/") + c.name) / 1000;
    const Peak& p = peak.at(c.name);
    std::printf(
        "\n%s-like: %.2f M cells, %zu claims, 12 regions, %zu suitability layers\n"
        "  exact allocate   %7.2f s  (goal < %.0f s: %s)  objective %.1f, %s, %d iterations\n",
        c.name, static_cast<double>(x.region_of.size()) / 1e6, x.claims.size(), x.layers.size(), t,
        c.goal_s, met(t < c.goal_s), a.objective, a.feasible ? "all minimums met" : "SHORTFALL",
        a.iterations);
    std::printf(
        "  fresh process: allocate %.2f s wall, %.2f s CPU (all threads); peak RSS %.0f MB incl. "
        "the instance (%.0f MB)",
        p.seconds, p.cpu, p.rss_mb,
        static_cast<double>(x.layers.size() + 1) * x.region_of.size() * 4 / 1048576.0);
    if (std::string(c.name) == "netherlands")
      std::printf("  (goal < 2048 MB: %s)", met(p.rss_mb < 2048));
    std::printf("\n  greedy reference %7.2f s  objective %.1f, %s\n", tg, g.objective,
                g.feasible ? "all minimums met" : "SHORTFALL");
    std::printf("  exact / greedy: objective %.4fx (+%.2f %%), time %.2fx\n",
                a.objective / g.objective, 100 * (a.objective / g.objective - 1), t / tg);
    std::printf("  %-24s %8s %8s %10s %8s\n", "claim", "min", "max", "allocated", "price");
    for (std::size_t k = 0; k < x.claims.size(); ++k)
      std::printf("  %-24s %8lld %8lld %10lld %8.4f\n", x.claims[k].id.c_str(),
                  static_cast<long long>(x.claims[k].min_cells),
                  static_cast<long long>(x.claims[k].max_cells),
                  static_cast<long long>(a.claims[k].cells), a.claims[k].shadow_price);
  }
  // GLPK on a smaller instance (same generator and claims per million cells).
  const Instance x = glpk_instance(glpk_cells);
  const AllocationInput in = x.input();
  const Allocation a = allocate(in, {.progress = false});
  double glpk_s = 0;
  const double opt = glpk_optimum(in, glpk_s);
  std::printf(
      "\nAgainst GLPK (glp_simplex, presolve, one thread) on %.0f k cells x %zu claims:\n"
      "  GLPK %.2f s objective %.6f; casco %.4f s objective %.6f (relative difference %.2g)\n"
      "  GLPK / casco time: %.0fx\n",
      static_cast<double>(in.cells) / 1e3, in.claims.size(), glpk_s, opt, a.seconds, a.objective,
      std::fabs(a.objective - opt) / std::fabs(opt), glpk_s / a.seconds);
}

}  // namespace

int main(int argc, char** argv) {
  std::size_t glpk_cells = 20000;  // GLPK needs minutes from 50 k cells on
  for (int i = 1; i < argc; ++i) {
    if (std::strncmp(argv[i], "--peak=", 7) == 0) return peak_mode(argv[i] + 7);
    if (std::strncmp(argv[i], "--glpk_cells=", 13) == 0) glpk_cells = std::stoul(argv[i] + 13);
  }
  // Keep only benchmark's own arguments.
  int kept = 0;
  for (int i = 0; i < argc; ++i)
    if (std::strncmp(argv[i], "--glpk_cells=", 13) != 0) argv[kept++] = argv[i];
  argc = kept;
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  Progress::set_enabled(false);
  set_quiet(true);

  std::map<std::string, Peak> peak;
  for (const char* name : {"drenthe", "netherlands"}) peak[name] = measure_peak(argv[0], name);
  g_inst["drenthe"] = drenthe();
  g_inst["netherlands"] = netherlands();

  for (const char* name : {"drenthe", "netherlands"}) {
    const bool big = std::string(name) == "netherlands";
    benchmark::RegisterBenchmark((std::string("allocate/") + name).c_str(), bm_allocate, name)
        ->Unit(benchmark::kMillisecond)
        ->UseRealTime()
        ->DisplayAggregatesOnly(true)
        ->Iterations(1)
        ->Repetitions(big ? 2 : 3);
    benchmark::RegisterBenchmark((std::string("greedy/") + name).c_str(), bm_greedy, name)
        ->Unit(benchmark::kMillisecond)
        ->UseRealTime()
        ->DisplayAggregatesOnly(true)
        ->Iterations(1)
        ->Repetitions(2);
  }
  casco::bench::Reporter rep;
  benchmark::RunSpecifiedBenchmarks(&rep);
  if (g_exact.size() == 2 && g_greedy.size() == 2) summary(rep, peak, glpk_cells);
  benchmark::Shutdown();
  return 0;
}
