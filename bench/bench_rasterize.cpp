// Rasterising Drenthe polygon layers on the province grid at 25 m (the
// envelope: 2624 x 2638 ≈ 6.9 M cells, of which ≈ 4.3 M inside the province), casco against
// GDAL's rasterizer (the engine inside gdal_rasterize) on the same grid, measured in the same run.
//
// Goal (issue): casco presence at least as fast as GDAL burning the same layer; casco coverage
// (exact cell fractions, which gdal_rasterize cannot do) within 3x of GDAL.
//
// Run: build/bench/bench_rasterize [--benchmark_filter=...]
#include <benchmark/benchmark.h>
#include <gdal.h>
#include <gdal_alg.h>
#include <gdal_priv.h>
#include <ogr_api.h>
#include <ogr_geometry.h>
#include <tbb/global_control.h>
#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <map>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "core/crs.hpp"
#include "core/error.hpp"
#include "core/grid.hpp"
#include "median_reporter.hpp"
#include "model/build.hpp"
#include "model/rasterize.hpp"
#include "model/vector_source.hpp"

namespace fs = std::filesystem;
using namespace casco;

namespace {

const fs::path kData = CASCO_DATA_DIR;

struct Layer {
  std::string name;
  fs::path path;
  VectorData data;                  // owns the OGR features (model CRS, repaired)
  std::vector<OGRGeometryH> geoms;  // the same geometries, for GDAL
  std::vector<Shape> shapes;        // casco pixel shapes, converted once
  std::unique_ptr<OGRGeometry> dissolved;
  std::vector<Shape> dissolved_shapes;  // what the build hands to coverage()
  std::vector<uint8_t> mask;            // casco presence as 0/1
  std::size_t vertices = 0;
  std::size_t rings = 0;
};

Grid g_grid;
std::vector<std::unique_ptr<Layer>> g_layers;
std::string g_tif;  // scratch output of the gdal_rasterize binary

// As union_polygons() in model/build.cpp: every polygon into one multipolygon, UnionCascaded.
std::unique_ptr<OGRGeometry> dissolve(const Layer& L) {
  OGRMultiPolygon mp;
  for (const auto& f : L.data.features) {
    const OGRGeometry* g = f->GetGeometryRef();
    auto t = wkbFlatten(g->getGeometryType());
    if (t == wkbPolygon) {
      mp.addGeometry(g);
    } else if (t == wkbMultiPolygon || t == wkbGeometryCollection) {
      for (const auto* sub : *g->toGeometryCollection()) {
        if (wkbFlatten(sub->getGeometryType()) == wkbPolygon) mp.addGeometry(sub);
      }
    }
  }
  std::unique_ptr<OGRGeometry> u(mp.UnionCascaded());
  if (!u) fail("UnionCascaded failed for {}", L.name);
  return u;
}

std::vector<Shape> convert(const Layer& L) {
  std::vector<Shape> shapes;
  shapes.reserve(L.data.features.size());
  for (const auto& f : L.data.features)
    shapes.push_back(to_pixel_shape(*f->GetGeometryRef(), g_grid));
  return shapes;
}

GDALDatasetUniquePtr mem_dataset() {
  GDALDriver* mem = GetGDALDriverManager()->GetDriverByName("MEM");
  GDALDatasetUniquePtr ds(mem->Create("", g_grid.cols, g_grid.rows, 1, GDT_Byte, nullptr));
  auto gt = g_grid.geotransform();
  ds->SetGeoTransform(gt.data());
  return ds;
}

// What gdal_rasterize -burn 1 does after reading the layer: burn every geometry into band 1.
GDALDatasetUniquePtr gdal_burn(const Layer& L) {
  auto ds = mem_dataset();
  int band = 1;
  std::vector<double> burn(L.geoms.size(), 1.0);
  CPLErr err = GDALRasterizeGeometries(GDALDataset::ToHandle(ds.get()), 1, &band,
                                       static_cast<int>(L.geoms.size()), L.geoms.data(), nullptr,
                                       nullptr, burn.data(), nullptr, nullptr, nullptr);
  if (err != CE_None) fail("GDALRasterizeGeometries failed: {}", CPLGetLastErrorMsg());
  return ds;
}

std::vector<uint8_t> read_band(GDALDataset& ds) {
  std::vector<uint8_t> v(g_grid.size());
  if (ds.GetRasterBand(1)->RasterIO(GF_Read, 0, 0, g_grid.cols, g_grid.rows, v.data(), g_grid.cols,
                                    g_grid.rows, GDT_Byte, 0, 0, nullptr) != CE_None)
    fail("cannot read band: {}", CPLGetLastErrorMsg());
  return v;
}

std::string cli_command(const Layer& L) {
  char cmd[2048];
  std::snprintf(
      cmd, sizeof cmd,
      "gdal_rasterize -q -burn 1 -ot Byte -of GTiff -te %.17g %.17g %.17g %.17g -tr %.17g "
      "%.17g '%s' '%s'",
      g_grid.x0, g_grid.y1(), g_grid.x1(), g_grid.y0, g_grid.cell, g_grid.cell, L.path.c_str(),
      g_tif.c_str());
  return cmd;
}

void run_cli(const Layer& L) {
  fs::remove(g_tif);
  if (std::system(cli_command(L).c_str()) != 0) fail("gdal_rasterize failed: {}", cli_command(L));
}

struct Agreement {
  std::size_t differ = 0, casco_set = 0, gdal_set = 0;
  double share() const {
    return 1.0 - static_cast<double>(differ) / static_cast<double>(g_grid.size());
  }
};
Agreement agree(const std::vector<uint8_t>& a, const std::vector<uint8_t>& b) {
  Agreement r;
  for (std::size_t i = 0; i < a.size(); ++i) {
    r.casco_set += a[i] != 0;
    r.gdal_set += b[i] != 0;
    r.differ += (a[i] != 0) != (b[i] != 0);
  }
  return r;
}

void load() {
  OGRSpatialReference srs = make_srs("EPSG:28992", "benchmark");
  SourceDef prov;
  prov.path = kData / "sources/base/boundaries/provincie_2024.geojson";
  prov.where = "statnaam = 'Drenthe'";
  VectorData study = read_vector(prov, srs);
  OGREnvelope env;
  for (const auto& f : study.features) {
    OGREnvelope e;
    f->GetGeometryRef()->getEnvelope(&e);
    env.Merge(e);
  }
  g_grid = make_grid(env.MinX, env.MinY, env.MaxX, env.MaxY, 25.0, 0.0);

  const std::pair<const char*, const char*> layers[] = {
      {"wijken", "sources/base/boundaries/wijken_2024.geojson"},
      {"natura2000", "sources/base/nature/natura2000_drenthe_rd.geojson"}};
  for (const auto& [name, rel] : layers) {
    auto L = std::make_unique<Layer>();
    L->name = name;
    L->path = kData / rel;
    SourceDef s;
    s.path = L->path;
    L->data = read_vector(s, srs);
    for (const auto& f : L->data.features)
      L->geoms.push_back(OGRGeometry::ToHandle(f->GetGeometryRef()));
    L->shapes = convert(*L);
    for (const auto& s : L->shapes) {
      L->rings += s.parts.size();
      for (const auto& p : s.parts) L->vertices += p.size();
    }
    L->dissolved = dissolve(*L);
    L->dissolved_shapes.push_back(to_pixel_shape(*L->dissolved, g_grid));
    Raster p = presence(g_grid, L->shapes);
    L->mask.resize(p.values.size());
    for (std::size_t i = 0; i < p.values.size(); ++i) L->mask[i] = p.values[i] != 0;
    g_layers.push_back(std::move(L));
  }
}

// Checks, once and outside any timing, that casco and GDAL burn the same cells.
void verify() {
  std::printf("Agreement with GDAL (both use the cell-centre rule; goal >= 99.9 %%):\n");
  for (const auto& L : g_layers) {
    auto gdal = read_band(*gdal_burn(*L));
    Agreement a = agree(L->mask, gdal);
    std::printf(
        "  %-10s casco presence vs GDALRasterizeGeometries: %.4f %% of cells agree "
        "(%zu differ; set: casco %zu, GDAL %zu)%s\n",
        L->name.c_str(), 100.0 * a.share(), a.differ, a.casco_set, a.gdal_set,
        a.share() >= 0.999 ? "" : "  << BELOW 99.9 %");
    run_cli(*L);
    GDALDatasetUniquePtr tif(GDALDataset::Open(g_tif.c_str(), GDAL_OF_RASTER));
    if (!tif) fail("cannot open {}", g_tif);
    Agreement c = agree(read_band(*tif), gdal);
    std::printf(
        "  %-10s gdal_rasterize binary vs GDALRasterizeGeometries:  %.4f %% of cells agree\n",
        L->name.c_str(), 100.0 * c.share());
    // Coverage sanity: summed fractions against the exact area of the dissolved polygons inside
    // the grid (natura2000 reaches beyond the province envelope).
    Raster cov = coverage(g_grid, L->dissolved_shapes);
    double sum = 0;
    for (float v : cov.values) sum += v;
    OGRLinearRing ring;
    ring.addPoint(g_grid.x0, g_grid.y0);
    ring.addPoint(g_grid.x1(), g_grid.y0);
    ring.addPoint(g_grid.x1(), g_grid.y1());
    ring.addPoint(g_grid.x0, g_grid.y1());
    ring.closeRings();
    OGRPolygon extent;
    extent.addRing(&ring);
    std::unique_ptr<OGRGeometry> inside(L->dissolved->Intersection(&extent));
    double area = inside ? OGR_G_Area(OGRGeometry::ToHandle(inside.get())) : 0;
    std::printf(
        "  %-10s coverage sums to %.2f ha; the dissolved polygons cover %.2f ha of the grid\n",
        L->name.c_str(), sum * g_grid.cell_area_ha(), area / 10000.0);
  }
  fs::remove(g_tif);
  std::printf("\n");
}

// ---------------------------------------------------------------------------------- benchmarks

void bm_presence(benchmark::State& st, const Layer* L) {
  for (auto _ : st) benchmark::DoNotOptimize(presence(g_grid, L->shapes));
}

void bm_presence_1thread(benchmark::State& st, const Layer* L) {
  tbb::global_control one(tbb::global_control::max_allowed_parallelism, 1);
  for (auto _ : st) benchmark::DoNotOptimize(presence(g_grid, L->shapes));
}

void bm_presence_convert(benchmark::State& st, const Layer* L) {
  for (auto _ : st) benchmark::DoNotOptimize(presence(g_grid, convert(*L)));
}

void bm_label_cells(benchmark::State& st, const Layer* L) {
  for (auto _ : st) benchmark::DoNotOptimize(label_cells(g_grid, L->shapes));
}

void bm_coverage(benchmark::State& st, const Layer* L) {
  for (auto _ : st) benchmark::DoNotOptimize(coverage(g_grid, L->dissolved_shapes));
}

void bm_coverage_1thread(benchmark::State& st, const Layer* L) {
  tbb::global_control one(tbb::global_control::max_allowed_parallelism, 1);
  for (auto _ : st) benchmark::DoNotOptimize(coverage(g_grid, L->dissolved_shapes));
}

void bm_dissolve(benchmark::State& st, const Layer* L) {
  for (auto _ : st) benchmark::DoNotOptimize(dissolve(*L));
}

void bm_distance(benchmark::State& st, const Layer* L) {
  for (auto _ : st) benchmark::DoNotOptimize(distance(g_grid, L->mask));
}

void bm_gdal(benchmark::State& st, const Layer* L) {
  for (auto _ : st) benchmark::DoNotOptimize(gdal_burn(*L));
}

void bm_gdal_cli(benchmark::State& st, const Layer* L) {
  for (auto _ : st) run_cli(*L);
  fs::remove(g_tif);
}

using casco::bench::Reporter;

std::string fmt_ratio(double r) {
  return fmt::format("{:.2f}x", r);
}

void summary(const Reporter& rep) {
  auto get = [&](const std::string& n) {
    auto it = rep.median_ms.find(n);
    return it == rep.median_ms.end() ? std::nan("") : it->second;
  };
  std::printf(
      "\nSummary: grid %d x %d = %.2f M cells of %g m; medians of 5 repetitions, wall time; "
      "%u hardware threads\n(casco uses TBB over row bands; GDAL's rasterizer is "
      "single-threaded)\n\n",
      g_grid.cols, g_grid.rows, g_grid.size() / 1e6, g_grid.cell,
      std::thread::hardware_concurrency());
  std::printf("%-10s %9s %9s %9s %9s %9s %9s %9s\n", "layer", "GDAL", "presence", "pres+conv",
              "pres/1thr", "coverage", "cov/1thr", "dissolve");
  for (const auto& L : g_layers) {
    const std::string& n = L->name;
    std::printf("%-10s %7.2fms %7.2fms %7.2fms %7.2fms %7.2fms %7.2fms %7.2fms\n", n.c_str(),
                get("gdal_rasterize_api/" + n), get("casco_presence/" + n),
                get("casco_presence+to_pixel_shape/" + n), get("casco_presence_1thread/" + n),
                get("casco_coverage/" + n), get("casco_coverage_1thread/" + n),
                get("geos_dissolve/" + n));
  }
  std::printf("\nRatios, casco / GDALRasterizeGeometries (below 1 = casco faster):\n");
  for (const auto& L : g_layers) {
    const std::string& n = L->name;
    double gdal = get("gdal_rasterize_api/" + n);
    double pres = get("casco_presence/" + n) / gdal;
    double pres_conv = get("casco_presence+to_pixel_shape/" + n) / gdal;
    double pres1 = get("casco_presence_1thread/" + n) / gdal;
    double cov = get("casco_coverage/" + n) / gdal;
    double cov1 = get("casco_coverage_1thread/" + n) / gdal;
    double cov_diss = (get("casco_coverage/" + n) + get("geos_dissolve/" + n)) / gdal;
    std::printf(
        "  %-10s presence vs GDAL %s (goal <= 1x: %s)  [incl. to_pixel_shape %s, 1 thread %s]\n",
        n.c_str(), fmt_ratio(pres).c_str(), pres <= 1.0 ? "met" : "MISSED",
        fmt_ratio(pres_conv).c_str(), fmt_ratio(pres1).c_str());
    std::printf("  %-10s coverage vs GDAL %s (goal <= 3x: %s)  [1 thread %s; incl. dissolve %s]\n",
                n.c_str(), fmt_ratio(cov).c_str(), cov <= 3.0 ? "met" : "MISSED",
                fmt_ratio(cov1).c_str(), fmt_ratio(cov_diss).c_str());
  }
  std::printf("\nOther references:\n");
  for (const auto& L : g_layers) {
    const std::string& n = L->name;
    std::printf("  %-10s gdal_rasterize binary (reads GeoJSON, writes GTiff): %.1f ms\n", n.c_str(),
                get("gdal_rasterize_cli/" + n));
  }
  for (const auto& L : g_layers) {
    if (rep.median_ms.count("casco_distance/" + L->name))
      std::printf("  %-10s casco distance from the presence mask: %.1f ms\n", L->name.c_str(),
                  get("casco_distance/" + L->name));
  }
}

}  // namespace

int main(int argc, char** argv) {
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  GDALAllRegister();
  g_tif =
      (fs::temp_directory_path() / ("casco-bench-rasterize-" + std::to_string(getpid()) + ".tif"))
          .string();
  try {
    load();
  } catch (const std::exception& e) {
    std::fprintf(stderr, "bench_rasterize: %s\n", e.what());
    return 1;
  }
  std::printf(
      "Grid: Drenthe province envelope at %g m: %d x %d = %.2f M cells (x0 %.0f, y0 %.0f)\n",
      g_grid.cell, g_grid.cols, g_grid.rows, g_grid.size() / 1e6, g_grid.x0, g_grid.y0);
  for (const auto& L : g_layers)
    std::printf(
        "Layer %-10s %3zu features, %4zu rings, %6zu vertices; dissolved: %zu rings, %zu "
        "vertices\n",
        L->name.c_str(), L->data.features.size(), L->rings, L->vertices,
        L->dissolved_shapes[0].parts.size(), [&] {
          std::size_t n = 0;
          for (const auto& p : L->dissolved_shapes[0].parts) n += p.size();
          return n;
        }());
  std::printf("\n");
  verify();

  auto reg = [](const std::string& name, auto fn, const Layer* L, double min_time) {
    auto* b = benchmark::RegisterBenchmark(name.c_str(), fn, L);
    b->Unit(benchmark::kMillisecond)->UseRealTime()->Repetitions(5)->DisplayAggregatesOnly(true);
    if (min_time > 0)
      b->MinTime(min_time);
    else
      b->Iterations(1);
  };
  for (const auto& Lp : g_layers) {
    const Layer* L = Lp.get();
    const std::string& n = L->name;
    reg("gdal_rasterize_api/" + n, bm_gdal, L, 0.1);
    reg("casco_presence/" + n, bm_presence, L, 0.1);
    reg("casco_presence+to_pixel_shape/" + n, bm_presence_convert, L, 0.1);
    reg("casco_presence_1thread/" + n, bm_presence_1thread, L, 0.1);
    reg("casco_label_cells/" + n, bm_label_cells, L, 0.1);
    reg("casco_coverage/" + n, bm_coverage, L, 0.1);
    reg("casco_coverage_1thread/" + n, bm_coverage_1thread, L, 0.1);
    reg("geos_dissolve/" + n, bm_dissolve, L, 0);
    reg("gdal_rasterize_cli/" + n, bm_gdal_cli, L, 0);
  }
  for (const auto& Lp : g_layers)
    if (Lp->name == "natura2000") reg("casco_distance/natura2000", bm_distance, Lp.get(), 0.1);

  Reporter rep;
  benchmark::RunSpecifiedBenchmarks(&rep);
  summary(rep);
  benchmark::Shutdown();
  return 0;
}
