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
  std::size_t cache_bytes = 1024u << 20;  // layers kept in memory (tiles, values)
  std::size_t max_body_bytes = 2u << 20;  // POST bodies (413 above)
  std::size_t max_plan_vertices = 10000;  // per request
  std::size_t max_plans = 50;             // per request
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

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace casco::viewer
