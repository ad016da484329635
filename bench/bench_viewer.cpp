// The viewer's server (casco serve) on the Drenthe model at 250 m: how soon it answers everything
// the first screen asks for, and how fast a search answers.
//
// Goals (issue 15): the first screen < 1 s after `casco serve` starts with a warm legend cache; a
// search answers < 50 ms. BM_FirstScreen times the server's part: constructing the server (store,
// rule file, viewer file, legends from the cache), listening, and answering the page's first
// requests (/, app.js, /api/model, /api/kinds, /api/basemap.geojson, /api/borders/gemeenten).
// The browser's part (parsing the bundle, drawing) is measured by tests/viewer/e2e.mjs.
// BM_Search is one search over HTTP on a running server (keep-alive, as a browser does); the
// server's own time for the scan is printed as well.
//
// Run: build/bench/bench_viewer
#include <benchmark/benchmark.h>
#include <httplib.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <thread>

#include "median_reporter.hpp"
#include "model/build.hpp"
#include "model/definition.hpp"
#include "viewer/server.hpp"

namespace fs = std::filesystem;
using namespace casco;

namespace {

const fs::path kData = CASCO_DATA_DIR;
const fs::path kDir = fs::temp_directory_path() / "casco_bench_viewer";

viewer::ServerOptions options() {
  viewer::ServerOptions o;
  o.store = kDir / "d.gpkg";
  o.rules = kData / "rules.toml";
  o.viewer = kData / "viewer.toml";
  o.web_dir = fs::path(CASCO_SOURCE_DIR) / "web" / "dist";
  o.port = 0;
  return o;
}

// A server on its own thread for as long as it lives.
struct Running {
  viewer::Server server;
  int port;
  std::thread thread;
  explicit Running(const viewer::ServerOptions& o)
      : server(o), port(server.bind()), thread([this] { server.run(); }) {}
  ~Running() {
    server.stop();
    thread.join();
  }
};

bool get(httplib::Client& c, const std::string& path) {
  auto r = c.Get(path.c_str());
  return r && r->status == 200;
}

void BM_FirstScreen(benchmark::State& st) {
  for (auto _ : st) {
    Running s(options());
    httplib::Client c("127.0.0.1", s.port);
    c.set_read_timeout(60, 0);
    for (const char* path : {"/", "/app.js", "/api/model", "/api/kinds", "/api/basemap.geojson",
                             "/api/borders/gemeenten.geojson"})
      if (!get(c, path)) st.SkipWithError(path);
  }
}
BENCHMARK(BM_FirstScreen)->Unit(benchmark::kMillisecond)->Iterations(3)->Repetitions(3);

double g_scan_ms = 0;

void BM_Search(benchmark::State& st) {
  static Running s(options());
  httplib::Client c("127.0.0.1", s.port);
  c.set_keep_alive(true);
  const char* queries[] = {"assen", "emmen", "9401", "dwingel", "coevorden", "nieuw", "westerbork"};
  get(c, "/api/search?q=assen");  // the index is built in the background at start
  std::size_t i = 0;
  double scan = 0;
  for (auto _ : st) {
    auto r = c.Get((std::string("/api/search?limit=8&q=") + queries[i++ % 7]).c_str());
    if (!r || r->status != 200) st.SkipWithError("search failed");
    scan += nlohmann::json::parse(r->body)["took_ms"].get<double>();
  }
  g_scan_ms = scan / static_cast<double>(st.iterations());
}
BENCHMARK(BM_Search)->Unit(benchmark::kMillisecond)->Repetitions(3);

}  // namespace

int main(int argc, char** argv) {
  fs::create_directories(kDir);
  build_model(load_model_definition(kData / "model.toml"), {kDir / "d.gpkg", 250.0, false});
  { Running warm(options()); }  // writes the legend cache beside the store
  benchmark::Initialize(&argc, argv);
  bench::Reporter reporter;
  benchmark::RunSpecifiedBenchmarks(&reporter);
  std::printf(
      "\nfirst screen, server part (start, listen, first requests): %.0f ms (goal < 1000)\n",
      reporter.median_ms["BM_FirstScreen"]);
  std::printf("search over HTTP: %.2f ms (goal < 50); the scan inside the server: %.3f ms\n",
              reporter.median_ms["BM_Search"], g_scan_ms);
  return 0;
}
