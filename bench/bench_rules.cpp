// The afwegingskader on the Drenthe model at 25 m: judging one plan (`casco assess`) and mapping
// where woningbouw fits (`casco suitability`), against gdal_calc.py (Debian python3-gdal)
// computing the same condition on the same rasters, measured in the same run.
//
// Goals (issue): judge one plan of 1-100 ha against 30 rules in < 20 ms; a suitability map of
// Drenthe at 25 m (≈ 4.3 M cells inside the province) for one kind with 30 rules in < 1 s on
// 2 cores; at least 5x faster than gdal_calc.py on the same condition.
//
// The store is built (or found up to date) in /tmp/casco_bench_rules. Besides the real rule file
// (data/drenthe/rules.toml, ~10 enabled rules for woningbouw) the benchmark generates a rule set
// of 30 enabled woningbouw rules over the model's layers, and an 8-rule set (5 verdict rules,
// 3 score rules) that gdal_calc.py computes as one numpy expression per output band.
//
// Run: build/bench/bench_rules [--benchmark_filter=...]
#include <benchmark/benchmark.h>
#include <gdal_priv.h>
#include <tbb/global_control.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "core/error.hpp"
#include "core/grid.hpp"
#include "core/progress.hpp"
#include "median_reporter.hpp"
#include "model/build.hpp"
#include "model/definition.hpp"
#include "model/store.hpp"
#include "rules/assess.hpp"
#include "rules/rules.hpp"

namespace fs = std::filesystem;
using namespace casco;
using namespace casco::rules;

namespace {

const fs::path kData = CASCO_DATA_DIR;
const fs::path kDir = "/tmp/casco_bench_rules";
const fs::path kStorePath = kDir / "drenthe.gpkg";
const fs::path kTifDir = kDir / "tif";
const char* const kGdalCalc = "/usr/bin/gdal_calc.py";
const char* const kPython = "/usr/bin/python3";
const double kPlanX = 240000, kPlanY = 545000;  // countryside between Beilen and Westerbork
const int kSizesHa[] = {1, 10, 100};

// ------------------------------------------------------------------------------ rule sets

struct BenchRule {
  const char* id;
  const char* verdict;  // verboden, nee_tenzij, afstemming, voorwaarde or score
  double score;
  const char* when;
};

// 30 enabled woningbouw rules: the real ones plus realistic extra conditions over the model's
// layers (20 verdict rules, 10 score rules; comparisons, and/or, arithmetic and functions).
const std::vector<BenchRule> kRules30 = {
    {"n2000", "verboden", 0, "natura2000 > 0"},
    {"n2000_omgeving", "nee_tenzij", 0, "afstand_natura2000 <= 250 and natura2000 == 0"},
    {"n2000_stikstof", "nee_tenzij", 0, "natura2000_stikstofgevoelig > 0.5"},
    {"n2000_gebied", "afstemming", 0, "natura2000_gebieden > 0 and afstand_natura2000 <= 500"},
    {"hunebed", "verboden", 0, "hunebedden > 0"},
    {"hunebed_omgeving", "nee_tenzij", 0, "afstand_hunebed < 100"},
    {"hunebed_zicht", "voorwaarde", 0, "afstand_hunebed >= 100 and afstand_hunebed < 1000"},
    {"monument", "verboden", 0, "rijksmonumenten > 0"},
    {"monument_erf", "voorwaarde", 0, "afstand_rijksmonument < 50"},
    {"molen", "voorwaarde", 0, "molens > 0"},
    {"buitengebied", "voorwaarde", 0, "inwoners_per_ha < 0.8 and afstand_bushalte > 800"},
    {"heide_bos", "afstemming", 0, "heide_en_bos > 0"},
    {"water", "voorwaarde", 0, "afstand_water <= 25"},
    {"zuidoost", "afstemming", 0, "regios == 2"},
    {"ziekenhuis_ver", "afstemming", 0, "afstand_ziekenhuis > 15000"},
    {"natuur_overgang", "voorwaarde", 0,
     "between(afstand_natura2000, 250, 1000) and heide_en_bos == 0"},
    {"provinciegrens", "nee_tenzij", 0, "provincie < 0.5"},
    {"dicht_bebouwd", "voorwaarde", 0, "woningen > 20 or inwoners > 40"},
    {"scholen", "voorwaarde", 0, "leerlingen_basisonderwijs > 0"},
    {"natuur_max", "afstemming", 0, "max(natura2000, natura2000_stikstofgevoelig) >= 0.5"},
    {"binnenstedelijk", "score", 1, "inwoners_per_ha >= 3.2 and afstand_natura2000 > 250"},
    {"station", "score", 2,
     "afstand_station < 2000 and afstand_natura2000 > 250 and afstand_hunebed >= 100"},
    {"bushalte", "score", 1, "between(afstand_bushalte, 0, 400)"},
    {"basisschool", "score", 1, "afstand_basisschool < 1000 and afstand_natura2000 > 250"},
    {"ver_weg", "score", -1, "afstand_basisschool > 3000 and afstand_bushalte > 1500"},
    {"ziekenhuis", "score", 0.5, "afstand_ziekenhuis < 5000"},
    {"station_dicht", "score", 1, "afstand_station < 2000 and inwoners_per_ha >= 3.2"},
    {"ov_knoop", "score", 1, "abs(afstand_station - afstand_bushalte) < 1500"},
    {"kern", "score", 0.5, "inwoners_per_ha >= 1 and woningen > 0 and not (heide_en_bos > 0)"},
    {"natuur_min", "score", -2, "heide_en_bos > 0 or natura2000 > 0"},
};

// The rules gdal_calc.py computes: 5 verdict rules (strictest wins) and 3 score rules (summed).
const std::vector<BenchRule> kRulesCmp = {
    {"n2000", "verboden", 0, "natura2000 > 0"},
    {"n2000_omgeving", "nee_tenzij", 0, "natura2000 == 0 and afstand_natura2000 <= 250"},
    {"hunebed_omgeving", "nee_tenzij", 0, "afstand_hunebed < 100"},
    {"buitengebied", "voorwaarde", 0, "inwoners_per_ha < 0.8 and afstand_bushalte > 800"},
    {"monument_erf", "voorwaarde", 0, "afstand_rijksmonument < 50"},
    {"binnenstedelijk", "score", 1,
     "inwoners_per_ha >= 3.2 and afstand_natura2000 > 250 and afstand_hunebed >= 100"},
    {"station", "score", 2,
     "afstand_station < 2000 and afstand_natura2000 > 250 and afstand_hunebed >= 100"},
    {"ver_weg", "score", -1, "afstand_basisschool > 3000 and afstand_bushalte > 1500"},
};
// The same, in numpy for gdal_calc.py (inputs A..H in this order).
const std::vector<std::string> kCmpLayers = {
    "natura2000",       "afstand_natura2000",    "afstand_hunebed", "inwoners_per_ha",
    "afstand_bushalte", "afstand_rijksmonument", "afstand_station", "afstand_basisschool"};
const char* const kNumpyVerdict =
    "maximum.reduce([4*(A>0), 3*((A==0)&(B<=250)), 3*(C<100), 1*((D<0.8)&(E>800)), 1*(F<50)])";
const char* const kNumpyScore =
    "1*((D>=3.2)&(B>250)&(C>=100)) + 2*((G<2000)&(B>250)&(C>=100)) - 1*((H>3000)&(E>1500))";

std::string rules_toml(const std::string& name, const std::vector<BenchRule>& rules) {
  std::string t = fmt::format(
      "[ruleset]\nname = \"{}\"\nversion = \"bench\"\n\n[kinds.woningbouw]\ntitle = "
      "\"Woningbouw\"\n",
      name);
  for (const auto& r : rules) {
    t += fmt::format(
        "\n[[rule]]\nid = \"{}\"\ntitle = \"{}\"\nkinds = [\"woningbouw\"]\nwhen = \"{}\"\n"
        "verdict = \"{}\"\nreason = \"Benchmark.\"\npolicy = {{ document = \"benchmark\" }}\n",
        r.id, r.id, r.when, r.verdict);
    const std::string v = r.verdict;
    if (v == "score") t += fmt::format("score = {:.1f}\n", r.score);
    if (v == "nee_tenzij") t += "conditions = [\"aantonen dat het kan\"]\n";
    if (v == "afstemming") t += "party = \"provincie\"\n";
  }
  return t;
}

struct RuleCase {
  std::string name;
  RuleSet set;  // CompiledRules points into it: never moved after compile
  std::unique_ptr<CompiledRules> compiled;
  std::vector<const Raster*> layers;  // in memory, in the compiled slot order
};

std::unique_ptr<Store> g_store;
std::map<std::string, Raster> g_rasters;
std::vector<std::unique_ptr<RuleCase>> g_cases;  // drenthe, 30rules, cmp8
std::vector<Plan> g_plans;                       // 1, 10, 100 ha
std::map<std::string, double> g_numpy_s;         // numpy-only timings (python)
std::map<std::string, double> g_agree;           // gdal_calc.py vs casco, share of cells
std::size_t g_inside_cells = 0;
double g_host_parallel = 0;  // throughput of 2 threads / 1 thread on a pure CPU loop

RuleCase& rule_case(const std::string& name) {
  for (auto& c : g_cases)
    if (c->name == name) return *c;
  fail("no rule case {}", name);
}

// GDAL's block cache would otherwise serve repeated reads from memory.
void flush_gdal_block_cache() {
  const GIntBig max = GDALGetCacheMax64();
  GDALSetCacheMax64(0);
  GDALSetCacheMax64(max);
}

// ------------------------------------------------------------------------------ files

void write_plans(const fs::path& file) {
  std::string fc =
      "{\"type\":\"FeatureCollection\",\"crs\":{\"type\":\"name\",\"properties\":{\"name\":"
      "\"urn:ogc:def:crs:EPSG::28992\"}},\"features\":[";
  for (std::size_t i = 0; i < std::size(kSizesHa); ++i) {
    const double h = std::sqrt(kSizesHa[i] * 10000.0) / 2;
    const double x0 = kPlanX - h, x1 = kPlanX + h, y0 = kPlanY - h, y1 = kPlanY + h;
    fc += fmt::format(
        "{}{{\"type\":\"Feature\",\"properties\":{{\"naam\":\"{} ha\",\"kind\":\"woningbouw\"}},"
        "\"geometry\":{{\"type\":\"Polygon\",\"coordinates\":[[[{},{}],[{},{}],[{},{}],[{},{}],"
        "[{},{}]]]}}}}",
        i ? "," : "", kSizesHa[i], x0, y0, x1, y0, x1, y1, x0, y1, x0, y0);
  }
  fc += "]}\n";
  std::ofstream(file) << fc;
}

// Uncompressed, tiled 512 x 512 (as the store's tiles), no nodata tag: NaN stays NaN, so numpy's
// comparisons are false there, as casco's are.
void write_tif(const Raster& r, const fs::path& path, int bands = 1,
               const Raster* second = nullptr) {
  GDALDriver* gtiff = GetGDALDriverManager()->GetDriverByName("GTiff");
  char** opts = nullptr;
  opts = CSLSetNameValue(opts, "TILED", "YES");
  opts = CSLSetNameValue(opts, "BLOCKXSIZE", "512");
  opts = CSLSetNameValue(opts, "BLOCKYSIZE", "512");
  const Grid& g = r.grid;
  GDALDatasetUniquePtr ds(gtiff->Create(path.c_str(), g.cols, g.rows, bands, GDT_Float32, opts));
  CSLDestroy(opts);
  if (!ds) fail("cannot write {}: {}", path.string(), CPLGetLastErrorMsg());
  auto gt = g.geotransform();
  ds->SetGeoTransform(gt.data());
  if (!g.crs_wkt.empty()) ds->SetProjection(g.crs_wkt.c_str());
  for (int b = 1; b <= bands; ++b) {
    const Raster& src = b == 1 ? r : *second;
    if (ds->GetRasterBand(b)->RasterIO(GF_Write, 0, 0, g.cols, g.rows,
                                       const_cast<float*>(src.values.data()), g.cols, g.rows,
                                       GDT_Float32, 0, 0) != CE_None)
      fail("cannot write {}: {}", path.string(), CPLGetLastErrorMsg());
  }
}

Raster read_tif(const fs::path& path, int band = 1) {
  GDALDatasetUniquePtr ds(GDALDataset::Open(path.c_str(), GDAL_OF_RASTER | GDAL_OF_READONLY));
  if (!ds) fail("cannot open {}: {}", path.string(), CPLGetLastErrorMsg());
  Raster r(g_store->grid(), Raster::Uninitialized{});
  if (ds->GetRasterXSize() != r.grid.cols || ds->GetRasterYSize() != r.grid.rows)
    fail("{} is not on the store grid", path.string());
  if (ds->GetRasterBand(band)->RasterIO(GF_Read, 0, 0, r.grid.cols, r.grid.rows, r.values.data(),
                                        r.grid.cols, r.grid.rows, GDT_Float32, 0, 0) != CE_None)
    fail("cannot read {}: {}", path.string(), CPLGetLastErrorMsg());
  return r;
}

fs::path tif_of(const std::string& layer) {
  return kTifDir / (layer + ".tif");
}

std::string gdal_calc_command() {
  std::string cmd = kGdalCalc;
  for (std::size_t i = 0; i < kCmpLayers.size(); ++i)
    cmd += fmt::format(" -{} '{}'", static_cast<char>('A' + i), tif_of(kCmpLayers[i]).string());
  cmd += fmt::format(
      " --outfile='{}' --calc='{}' --calc='{}' --type=Float32 --overwrite --quiet 2>/dev/null",
      (kDir / "gdal_calc_out.tif").string(), kNumpyVerdict, kNumpyScore);
  return cmd;
}

// Times only the numpy expressions on arrays already in memory (loaded with GDAL first).
const char* const kNumpyScript = R"(import sys, time, statistics
import numpy
from osgeo import gdal
gdal.UseExceptions()
V, S, runs = sys.argv[1], sys.argv[2], int(sys.argv[3])
ns = {}
for i, f in enumerate(sys.argv[4:]):
    ds = gdal.Open(f)  # keep the dataset alive while its band is read
    ns[chr(ord('A') + i)] = ds.GetRasterBand(1).ReadAsArray()
g = dict(vars(numpy))
ts = []
with numpy.errstate(all='ignore'):
    for _ in range(runs):
        t = time.perf_counter()
        v = eval(V, g, ns).astype(numpy.float32)
        s = eval(S, g, ns).astype(numpy.float32)
        ts.append(time.perf_counter() - t)
print(statistics.median(ts), min(ts))
)";

void numpy_only() {
  const fs::path script = kDir / "numpy_only.py";
  std::ofstream(script) << kNumpyScript;
  std::string cmd =
      fmt::format("{} '{}' '{}' '{}' 5", kPython, script.string(), kNumpyVerdict, kNumpyScore);
  for (const auto& l : kCmpLayers) cmd += " '" + tif_of(l).string() + "'";
  FILE* p = popen(cmd.c_str(), "r");
  if (!p) fail("cannot run {}", kPython);
  double median = NAN, best = NAN;
  if (std::fscanf(p, "%lf %lf", &median, &best) != 2) median = best = NAN;
  if (pclose(p) != 0 || std::isnan(median)) fail("the numpy-only script failed: {}", cmd);
  g_numpy_s["median"] = median;
  g_numpy_s["min"] = best;
}

// How much a second thread buys on this host (shared or oversubscribed virtual CPUs give less
// than 2x): the same fixed CPU-bound loop on one thread, then on two at once.
double host_parallelism() {
  auto spin = [] {
    volatile double x = 1;
    for (int i = 0; i < 60'000'000; ++i) x = x * 1.0000001 + 1e-9;
    return x;
  };
  auto time = [](auto&& f) {
    auto t0 = std::chrono::steady_clock::now();
    f();
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  };
  double one = time(spin);
  double two = time([&] {
    std::thread t(spin);
    spin();
    t.join();
  });
  return 2 * one / two;
}

// ------------------------------------------------------------------------------ set-up

void setup() {
  fs::create_directories(kTifDir);
  auto t0 = std::chrono::steady_clock::now();
  BuildReport br = build_model(load_model_definition(kData / "model.toml"),
                               BuildOptions{kStorePath, std::nullopt, false});
  double build_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  g_store = std::make_unique<Store>(Store::open(kStorePath));
  const Grid& g = g_store->grid();
  std::vector<std::string> model_layers;
  for (const auto& L : g_store->manifest().layers) model_layers.push_back(L.id);
  std::printf(
      "Store %s: %zu layers, grid %d x %d = %.2f M cells of %g m (build check %.1f s, %zu "
      "layers rebuilt); %u hardware threads\n",
      kStorePath.c_str(), model_layers.size(), g.cols, g.rows, g.size() / 1e6, g.cell, build_s,
      br.rebuilt(), std::thread::hardware_concurrency());

  auto add_case = [&](const std::string& name, RuleSet set) {
    auto c = std::make_unique<RuleCase>();
    c->name = name;
    c->set = std::move(set);
    c->compiled = std::make_unique<CompiledRules>(c->set, "woningbouw", model_layers);
    for (const auto& id : c->compiled->layers()) {
      if (!g_rasters.count(id)) g_rasters.emplace(id, g_store->read(id));
      c->layers.push_back(&g_rasters.at(id));
    }
    std::size_t scores = 0;
    for (const Rule* r : c->compiled->rules()) scores += r->is_score;
    std::printf(
        "Rules %-8s %2zu enabled for woningbouw (%zu verdict, %zu score) over %zu layers%s\n",
        name.c_str(), c->compiled->rules().size(), c->compiled->rules().size() - scores, scores,
        c->compiled->layers().size(), c->compiled->notes().empty() ? "" : " (with notes)");
    g_cases.push_back(std::move(c));
  };
  add_case("drenthe", load_rules(kData / "rules.toml"));
  add_case("30rules", parse_rules(rules_toml("Bench 30", kRules30), "bench30.toml"));
  add_case("cmp8", parse_rules(rules_toml("Bench gdal_calc", kRulesCmp), "bench_cmp.toml"));
  if (rule_case("30rules").compiled->rules().size() != 30) fail("the 30-rule set is not 30 rules");
  if (rule_case("cmp8").compiled->layers() != kCmpLayers)
    fail("cmp8 layer order does not match the gdal_calc inputs A..H");
  if (!g_rasters.count("provincie")) g_rasters.emplace("provincie", g_store->read("provincie"));
  const Raster& prov = g_rasters.at("provincie");
  for (float v : prov.values) g_inside_cells += v > 0;

  // Plans, read once.
  const fs::path plans = kDir / "plans.geojson";
  write_plans(plans);
  g_plans = read_plans(plans, *g_store, "woningbouw");
  std::printf("\nPlans (square, centred on RD %.0f, %.0f):\n", kPlanX, kPlanY);
  for (const auto& p : g_plans)
    for (const char* cn : {"drenthe", "30rules"}) {
      Assessment a = assess(*g_store, *rule_case(cn).compiled, p);
      std::string hits;
      for (const auto& r : a.results)
        if (r.area_ha > 0) hits += fmt::format(" {}({:.0f}%)", r.rule->id, r.share * 100);
      std::printf("  %-6s %-8s %6.2f ha  verdict %-10s score %+5.2f  hits:%s\n", p.name.c_str(), cn,
                  a.area_ha, to_string(a.verdict), a.score, hits.empty() ? " -" : hits.c_str());
    }

  // Suitability sanity: hectares per class inside the province.
  std::printf("\nSuitability for woningbouw, share of the %.2f M cells inside the province:\n",
              g_inside_cells / 1e6);
  for (const char* cn : {"drenthe", "30rules", "cmp8"}) {
    RuleCase& c = rule_case(cn);
    Suitability s = evaluate_suitability(*c.compiled, c.layers, g_store->grid());
    double cls[5] = {0, 0, 0, 0, 0};
    std::size_t inside = 0;
    for (std::size_t i = 0; i < s.verdict.values.size(); ++i) {
      if (!(prov.values[i] > 0)) continue;
      ++inside;
      cls[static_cast<int>(s.verdict.values[i])] += 1;
    }
    std::printf("  %-8s", cn);
    for (int k = 0; k < 5; ++k)
      std::printf(" %s %.1f%%", to_string(static_cast<Verdict>(k)), 100.0 * cls[k] / inside);
    std::printf("  (contradictory cells %zu)\n", s.contradictory_cells);
  }

  // The reference: the comparison layers as GeoTIFFs, gdal_calc.py once, checked against casco.
  for (const auto& l : kCmpLayers) write_tif(g_rasters.at(l), tif_of(l));
  const std::string cmd = gdal_calc_command();
  if (std::system(cmd.c_str()) != 0) fail("gdal_calc.py failed: {}", cmd);
  RuleCase& cmp = rule_case("cmp8");
  Suitability s = evaluate_suitability(*cmp.compiled, cmp.layers, g_store->grid());
  Raster gv = read_tif(kDir / "gdal_calc_out.tif", 1), gs = read_tif(kDir / "gdal_calc_out.tif", 2);
  std::size_t same_v = 0, same_s = 0, same_inside = 0;
  for (std::size_t i = 0; i < gv.values.size(); ++i) {
    same_v += gv.values[i] == s.verdict.values[i];
    same_s += gs.values[i] == s.score.values[i];
    same_inside += (gv.values[i] == s.verdict.values[i] && gs.values[i] == s.score.values[i] &&
                    prov.values[i] > 0);
  }
  const double n = static_cast<double>(gv.values.size());
  g_agree["verdict"] = same_v / n;
  g_agree["score"] = same_s / n;
  g_agree["inside"] = static_cast<double>(same_inside) / static_cast<double>(g_inside_cells);
  std::printf(
      "\ngdal_calc.py vs casco on the 8 comparison rules: verdict band %.4f %% of cells agree, "
      "score band %.4f %%, both inside the province %.4f %%\n",
      100 * g_agree["verdict"], 100 * g_agree["score"], 100 * g_agree["inside"]);
  numpy_only();
  g_host_parallel = host_parallelism();
  std::printf("numpy-only (arrays in memory, python, 1 thread): median %.3f s, best %.3f s\n",
              g_numpy_s["median"], g_numpy_s["min"]);
  std::printf("Host check: 2 threads of a pure CPU loop do %.2fx the work of 1 thread\n\n",
              g_host_parallel);
}

// ------------------------------------------------------------------------------ benchmarks

void bm_assess(benchmark::State& st, const RuleCase* c, const Plan* p) {
  for (auto _ : st) benchmark::DoNotOptimize(assess(*g_store, *c->compiled, *p));
}

// As a fresh `casco assess`: a newly opened store (outside the timing), so the raster tables are
// opened and their tiles read and decoded inside it.
void bm_assess_cold(benchmark::State& st, const RuleCase* c, const Plan* p) {
  for (auto _ : st) {
    st.PauseTiming();
    auto store = std::make_unique<Store>(Store::open(kStorePath));
    flush_gdal_block_cache();
    st.ResumeTiming();
    benchmark::DoNotOptimize(assess(*store, *c->compiled, *p));
    st.PauseTiming();
    store.reset();
    st.ResumeTiming();
  }
}

// Where assess spends its time: the windowed layer reads alone (the window as assess takes it).
void bm_read_windows(benchmark::State& st, const RuleCase* c, const Plan* p, bool cold) {
  const Grid& g = g_store->grid();
  OGREnvelope e;
  p->geometry->getEnvelope(&e);
  int c0 = std::max(0, static_cast<int>(std::floor(g.px(e.MinX))));
  int c1 = std::min(g.cols, static_cast<int>(std::ceil(g.px(e.MaxX))));
  int r0 = std::max(0, static_cast<int>(std::floor(g.py(e.MaxY))));
  int r1 = std::min(g.rows, static_cast<int>(std::ceil(g.py(e.MinY))));
  for (auto _ : st) {
    std::unique_ptr<Store> fresh;
    if (cold) {
      st.PauseTiming();
      fresh = std::make_unique<Store>(Store::open(kStorePath));
      flush_gdal_block_cache();
      st.ResumeTiming();
    }
    const Store& s = cold ? *fresh : *g_store;
    for (const auto& id : c->compiled->layers())
      benchmark::DoNotOptimize(s.read_window(id, c0, r0, c1 - c0, r1 - r0));
    if (cold) {
      st.PauseTiming();
      fresh.reset();
      st.ResumeTiming();
    }
  }
}

void bm_store_open(benchmark::State& st) {
  for (auto _ : st) benchmark::DoNotOptimize(Store::open(kStorePath));
}

void bm_eval(benchmark::State& st, const RuleCase* c) {
  for (auto _ : st)
    benchmark::DoNotOptimize(evaluate_suitability(*c->compiled, c->layers, g_store->grid()));
}

void bm_eval_1thread(benchmark::State& st, const RuleCase* c) {
  tbb::global_control one(tbb::global_control::max_allowed_parallelism, 1);
  for (auto _ : st)
    benchmark::DoNotOptimize(evaluate_suitability(*c->compiled, c->layers, g_store->grid()));
}

// suitability() reading every layer from the GeoPackage (GDAL's block cache emptied first).
void bm_suitability(benchmark::State& st, const RuleCase* c) {
  for (auto _ : st) {
    st.PauseTiming();
    flush_gdal_block_cache();
    st.ResumeTiming();
    benchmark::DoNotOptimize(suitability(*g_store, *c->compiled));
  }
}

// casco doing what gdal_calc.py does: read the same GeoTIFFs, evaluate, write a 2-band GeoTIFF.
void bm_casco_files(benchmark::State& st, const RuleCase* c) {
  const fs::path out = kDir / "casco_out.tif";
  for (auto _ : st) {
    st.PauseTiming();
    flush_gdal_block_cache();
    st.ResumeTiming();
    std::vector<Raster> layers;
    for (const auto& id : c->compiled->layers()) layers.push_back(read_tif(tif_of(id)));
    std::vector<const Raster*> ptrs;
    for (const auto& r : layers) ptrs.push_back(&r);
    Suitability s = evaluate_suitability(*c->compiled, ptrs, g_store->grid());
    write_tif(s.verdict, out, 2, &s.score);
  }
}

void bm_gdal_calc(benchmark::State& st) {
  const std::string cmd = gdal_calc_command();
  for (auto _ : st) {
    auto t0 = std::chrono::steady_clock::now();
    if (std::system(cmd.c_str()) != 0) st.SkipWithError("gdal_calc.py failed");
    st.SetIterationTime(
        std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count());
  }
}

using casco::bench::Reporter;

const char* met(bool ok) {
  return ok ? "met" : "MISSED";
}

void summary(const Reporter& rep) {
  auto get = [&](const std::string& n) {
    auto it = rep.median_ms.find(n);
    return it == rep.median_ms.end() ? std::nan("") : it->second;
  };
  const Grid& g = g_store->grid();
  std::printf(
      "\nSummary: Drenthe at %g m, grid %d x %d = %.2f M cells (%.2f M inside the province); "
      "medians, wall time; %u hardware threads (2 threads of a pure CPU loop: %.2fx one)\n",
      g.cell, g.cols, g.rows, g.size() / 1e6, g_inside_cells / 1e6,
      std::thread::hardware_concurrency(), g_host_parallel);

  std::printf(
      "\nJudging one plan (assess, plan read once; goal < 20 ms with 30 rules)\n"
      "  warm: store open, GDAL block cache holds the tiles (repeated plans in one process)\n"
      "  cold: freshly opened store, as one `casco assess` run (tables opened, tiles decoded)\n");
  std::printf("  %-8s %6s %10s %10s %12s %12s\n", "rules", "plan", "warm", "cold", "reads warm",
              "reads cold");
  for (const char* cn : {"30rules", "drenthe"})
    for (int ha : kSizesHa) {
      const std::string sfx = fmt::format("{}/{}ha", cn, ha);
      double w = get("assess/" + sfx), c = get("assess_cold/" + sfx);
      std::printf("  %-8s %4dha %8.2fms %8.2fms %10.2fms %10.2fms", cn, ha, w, c,
                  get("read_windows/" + sfx), get("read_windows_cold/" + sfx));
      if (std::string(cn) == "30rules")
        std::printf("   goal < 20 ms: warm %s, cold %s", met(w < 20), met(c < 20));
      std::printf("\n");
    }
  for (const char* cn : {"30rules", "drenthe"}) {
    const double layers = static_cast<double>(rule_case(cn).layers.size());
    const std::string sfx = fmt::format("{}/100ha", cn);
    std::printf(
        "  %-8s 100 ha: the windowed reads alone take %.0f ms of the %.0f ms cold assess; %.0f "
        "layers, %.1f ms per layer cold, %.4f ms warm\n",
        cn, get("read_windows_cold/" + sfx), get("assess_cold/" + sfx), layers,
        get("read_windows_cold/" + sfx) / layers, get("read_windows/" + sfx) / layers);
  }
  std::printf("  a `casco assess` run also opens the store first: Store::open %.1f ms\n",
              get("store_open"));

  const double eval30 = get("suitability_eval/30rules") / 1000;
  std::printf(
      "\nSuitability map for woningbouw (whole grid; goal < 1 s with 30 rules on 2 cores)\n");
  for (const char* cn : {"30rules", "drenthe", "cmp8"})
    std::printf(
        "  %-8s %2zu rules: evaluate (layers in memory) %.3f s [1 thread %.3f s]; incl. reading "
        "%zu layers from the store %.3f s\n",
        cn, rule_case(cn).compiled->rules().size(),
        get(std::string("suitability_eval/") + cn) / 1000,
        get(std::string("suitability_eval_1thread/") + cn) / 1000, rule_case(cn).layers.size(),
        get(std::string("suitability_with_reads/") + cn) / 1000);
  std::printf("  30 rules evaluate %.3f s: goal < 1 s %s; incl. reads %.3f s: %s\n", eval30,
              met(eval30 < 1), get("suitability_with_reads/30rules") / 1000,
              met(get("suitability_with_reads/30rules") < 1000));
  std::printf(
      "  reading a whole layer from the store (one thread, %d TIFF tiles of 512 x 512): ≈ %.0f "
      "ms per layer\n",
      ((g.cols + 511) / 512) * ((g.rows + 511) / 512),
      (get("suitability_with_reads/30rules") - get("suitability_eval/30rules")) /
          static_cast<double>(rule_case("30rules").layers.size()));

  const double calc = get("gdal_calc_py/cmp8") / 1000;
  const double files = get("casco_same_files/cmp8") / 1000;
  const double ev = get("suitability_eval/cmp8") / 1000;
  const double ev1 = get("suitability_eval_1thread/cmp8") / 1000;
  const double np = g_numpy_s["median"];
  std::printf(
      "\nAgainst gdal_calc.py: 8 rules (strictest of 5 verdict rules + sum of 3 score rules) on "
      "the same %zu uncompressed GeoTIFFs\n"
      "  cells agreeing with casco: verdict %.4f %%, score %.4f %%\n",
      kCmpLayers.size(), 100 * g_agree["verdict"], 100 * g_agree["score"]);
  std::printf("  gdal_calc.py total (python start-up, read, compute, write 2 bands)  %7.3f s\n",
              calc);
  std::printf("  casco same job (read the same GeoTIFFs, evaluate, write 2 bands)   %7.3f s\n",
              files);
  std::printf("  numpy-only (the expressions on arrays in memory, 1 thread)         %7.3f s\n", np);
  std::printf(
      "  casco evaluate only (layers in memory), 2 threads / 1 thread       %7.3f s / %.3f s\n", ev,
      ev1);
  std::printf("Ratios (how many times faster casco is; goal >= 5x):\n");
  std::printf("  gdal_calc.py total / casco same job on files    %6.1fx  %s\n", calc / files,
              met(calc / files >= 5));
  std::printf("  gdal_calc.py total / casco evaluate in memory   %6.1fx  %s\n", calc / ev,
              met(calc / ev >= 5));
  std::printf("  numpy-only / casco evaluate, 2 threads          %6.1fx  %s\n", np / ev,
              met(np / ev >= 5));
  std::printf("  numpy-only / casco evaluate, 1 thread           %6.1fx  %s\n", np / ev1,
              met(np / ev1 >= 5));
}

}  // namespace

int main(int argc, char** argv) {
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  GDALAllRegister();
  Progress::set_enabled(false);
  set_quiet(true);
  try {
    setup();
  } catch (const std::exception& e) {
    std::fprintf(stderr, "bench_rules: %s\n", e.what());
    return 1;
  }

  auto reg = [](const std::string& name, auto fn, auto... args) {
    auto* b = benchmark::RegisterBenchmark(name.c_str(), fn, args...);
    b->Unit(benchmark::kMillisecond)->UseRealTime()->DisplayAggregatesOnly(true);
    return b;
  };
  for (const char* cn : {"30rules", "drenthe"}) {
    const RuleCase* c = &rule_case(cn);
    for (std::size_t i = 0; i < g_plans.size(); ++i) {
      const Plan* p = &g_plans[i];
      const std::string sfx = fmt::format("{}/{}ha", cn, kSizesHa[i]);
      reg("assess/" + sfx, bm_assess, c, p)->MinTime(0.1)->Repetitions(5);
      reg("assess_cold/" + sfx, bm_assess_cold, c, p)->Iterations(4)->Repetitions(3);
      reg("read_windows/" + sfx, bm_read_windows, c, p, false)->MinTime(0.05)->Repetitions(3);
      reg("read_windows_cold/" + sfx, bm_read_windows, c, p, true)->Iterations(4)->Repetitions(3);
    }
  }
  reg("store_open", bm_store_open)->Iterations(4)->Repetitions(3);
  for (const char* cn : {"30rules", "drenthe", "cmp8"}) {
    const RuleCase* c = &rule_case(cn);
    reg(std::string("suitability_eval/") + cn, bm_eval, c)->Iterations(3)->Repetitions(5);
    reg(std::string("suitability_eval_1thread/") + cn, bm_eval_1thread, c)
        ->Iterations(1)
        ->Repetitions(3);
    reg(std::string("suitability_with_reads/") + cn, bm_suitability, c)
        ->Iterations(1)
        ->Repetitions(3);
  }
  reg("casco_same_files/cmp8", bm_casco_files, &rule_case("cmp8"))->Iterations(1)->Repetitions(3);
  benchmark::RegisterBenchmark("gdal_calc_py/cmp8", bm_gdal_calc)
      ->Unit(benchmark::kMillisecond)
      ->UseManualTime()  // std::chrono around std::system
      ->DisplayAggregatesOnly(true)
      ->Iterations(1)
      ->Repetitions(3);

  Reporter rep;
  benchmark::RunSpecifiedBenchmarks(&rep);
  summary(rep);
  benchmark::Shutdown();
  return 0;
}
