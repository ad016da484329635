#pragma once
// `casco serve`: a local web map viewer over a model store. An HTTP server (cpp-httplib) with a
// JSON API — the model and its legends, XYZ raster tiles, the values at a point, zone borders, an
// offline base map, search, travel time from a point, scenario comparison and plan assessment by
// the afwegingskader — and the static viewer bundle (web/dist). docs/api.md describes the
// endpoints.
#include <cstddef>
#include <filesystem>
#include <memory>
#include <string>

namespace casco::viewer {

struct ServerOptions {
  std::filesystem::path store;    // model store (.gpkg)
  std::filesystem::path rules;    // rule file; "" = no plan assessment (503)
  std::filesystem::path viewer;   // viewer file (base map, search, travel time); "" = defaults
  std::filesystem::path web_dir;  // the viewer bundle; missing = a page saying how to build it
  std::string host = "127.0.0.1";
  int port = 8765;                        // 0 = any free port
  std::size_t cache_bytes = 512u << 20;   // layers kept in memory (tiles, values)
  std::size_t max_body_bytes = 2u << 20;  // POST bodies (413 above)
  std::size_t max_plan_vertices = 10000;  // per request
  std::size_t max_plans = 50;             // per request
  // Plan assessment work per request: plan cells (the plans' extent on the grid) times the rules
  // of their kind; above it 413 (casco assess has no limit).
  double max_cell_checks = 2e8;
  // Connections (guard.hpp): served at once, open at most (503 beyond), and how long a connection
  // may take to send a request head (closed after that). A POST body must arrive within
  // body_seconds of its head (408).
  std::size_t workers = 16;
  std::size_t max_connections = 128;
  double head_seconds = 10;
  double body_seconds = 30;
  // Requests that compute (assessment, travel time, comparison) at once; 0 = one per processor
  // core. Beyond: 429 with Retry-After.
  std::size_t compute_slots = 0;
};

class Server {
 public:
  // Opens the store and the rule file; throws casco::Error when either cannot be read.
  explicit Server(ServerOptions options);
  ~Server();
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  // Binds the socket; returns the port (the chosen one when options.port is 0). Throws
  // casco::Error when the address is taken.
  int bind();
  // Serves until stop() (from another thread); requests run on httplib's thread pool.
  void run();
  void stop();
  std::string url() const;
  // Connections served, refused (503) and cut (no request head in time) so far.
  struct Counts {
    std::size_t served = 0, refused = 0, cut = 0;
  };
  Counts counts() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace casco::viewer
