#pragma once
// The state of `casco serve` shared by its handlers (server.cpp wires the routes; the handlers
// live in api_layers.cpp — model, tiles, values, borders, points — and api_tools.cpp — base map,
// search, travel time, scenario comparison, plan assessment).
#include <httplib.h>

#include <atomic>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>

#include "model/store.hpp"
#include "rules/rules.hpp"
#include "viewer/basemap.hpp"
#include "viewer/compare.hpp"
#include "viewer/config.hpp"
#include "viewer/guard.hpp"
#include "viewer/http.hpp"
#include "viewer/layers.hpp"
#include "viewer/places.hpp"
#include "viewer/plans.hpp"
#include "viewer/reach.hpp"
#include "viewer/search.hpp"
#include "viewer/server.hpp"
#include "viewer/tiles.hpp"
#include "viewer/transforms.hpp"

namespace casco::viewer {

// A value computed once, on first use, by whichever request needs it first.
template <typename T>
class Lazy {
 public:
  template <typename F>
  const T& get(F&& make) {
    std::call_once(once_, [&] { value_.emplace(make()); });
    return *value_;
  }

 private:
  std::once_flag once_;
  std::optional<T> value_;
};

struct Server::Impl {
  using Req = const httplib::Request&;
  using Res = httplib::Response&;

  ServerOptions opt;
  Store store;
  ViewerConfig config;
  std::unique_ptr<Transforms> crs;
  std::unique_ptr<LayerSet> layers;
  std::optional<rules::RuleSet> rules;
  std::unique_ptr<PlanJudge> judge;
  std::unique_ptr<Reach> reach;
  Box grid_box;
  struct BundleFile {
    std::string body, gzipped, type;  // gzipped: empty when not worth it (images, source maps)
  };
  std::map<std::string, BundleFile> files;  // the web bundle, read once at start
  std::string empty_tile;
  json model_json;

  Lazy<std::string> basemap;
  Lazy<SearchData> search_data;
  Lazy<SearchIndex> search_index;
  std::mutex borders_mutex, compare_mutex;
  std::map<std::string, std::string> borders, points;  // GeoJSON by layer id
  std::map<std::pair<std::string, std::string>, std::shared_ptr<const Comparison>> comparisons;

  httplib::Server http;
  int port = 0;
  std::shared_ptr<GuardCounts> guard_counts = std::make_shared<GuardCounts>();
  std::atomic<std::size_t> computing{0};  // requests in compute_slots

  // Holds one of the compute slots while a request computes; refuses (429) when none is free.
  class ComputeSlot {
   public:
    explicit ComputeSlot(Impl& server);
    ~ComputeSlot() { --server_.computing; }
    ComputeSlot(const ComputeSlot&) = delete;
    ComputeSlot& operator=(const ComputeSlot&) = delete;

   private:
    Impl& server_;
  };
  // run() and stop() in either order, from different threads (stop() before httplib listens
  // would be lost otherwise, and run() would wait for connections for ever).
  std::atomic<bool> run_entered{false}, run_done{false}, stopping{false};
  std::thread warmup;  // prepares the base map and the search while the first screen loads

  explicit Impl(ServerOptions o);
  ~Impl();
  void warm_up();
  void load_bundle();
  void routes();

  const LayerRecord& known_layer(const std::string& id);
  bool not_modified(Req req, Res res, const std::string& etag);
  // (col, row) of a point given as ?lon=&lat=, or nothing outside the grid; x, y in the store CRS.
  std::optional<std::pair<int, int>> cell_of(double lon, double lat, double& x, double& y);

  // api_layers.cpp
  json make_model_json();
  void tile(Req req, Res res);
  void value(Req req, Res res);
  void border(Req req, Res res);
  void point_layer(Req req, Res res);
  std::string borders_geojson(const LayerRecord& L);

  // api_tools.cpp
  void basemap_file(Req req, Res res);
  void search(Req req, Res res);
  void zone_outline(Req req, Res res);
  void travel_time(Req req, Res res);
  void compare(Req req, Res res);
  void difference_tile(Req req, Res res);
  void assess(Req req, Res res, const httplib::ContentReader& reader);
  const SearchData& searchable();
  std::shared_ptr<const Comparison> comparison(const std::string& a, const std::string& b);
  json reach_json() const;
};

}  // namespace casco::viewer
