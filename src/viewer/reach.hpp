#pragma once
// Travel time from one point: how far someone gets in 5, 10, 15 … minutes by a mode of the
// access configuration. Over the road network when the configuration names one (the same graphs
// and speeds as `casco access`), else the documented straight-line estimate of docs/access.md:
// straight-line distance x the mode's detour factor at its speed, plus its extra minutes.
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "access/access.hpp"
#include "access/network.hpp"
#include "core/grid.hpp"

class OGRCoordinateTransformation;

namespace casco::viewer {

struct ReachMinutes {
  const access::ModeSettings* mode = nullptr;
  bool estimate = true;
  std::string method;  // for people, Dutch: how the minutes were made
  double max_minutes = 30;
  Raster minutes;  // on a window grid around the point; NaN beyond reach
};

class Reach {
 public:
  // `crs`: the store's CRS (the graphs are built in it).
  Reach(access::AccessConfig config, std::string crs, double store_cell);
  const access::AccessConfig& config() const { return config_; }
  bool estimate() const { return config_.network.empty(); }
  // The modes over roads (walk, bike, car), in the configuration's order.
  std::vector<const access::ModeSettings*> modes() const;

  // Minutes from (x, y) in the store's CRS to every cell within `max_minutes`. Throws casco::Error
  // for an unknown mode. The first request of a mode over a network builds its graph.
  ReachMinutes minutes_from(double x, double y, const std::string& mode, double max_minutes);

 private:
  const access::Graph& graph(access::Mode m);
  access::AccessConfig config_;
  std::string crs_;
  double cell_;
  std::mutex graph_mutex_;
  std::map<access::Mode, std::unique_ptr<access::Graph>> graphs_;
};

// The bands [0, s1), [s1, s2) … up to max minutes: 5-minute steps to 20, then 10 to 60.
std::vector<double> reach_steps(double max_minutes);

// The bands as GeoJSON features in WGS 84 (properties from, to, label "10–15 min"), from the
// slowest band to the quickest so that the quickest draws on top.
std::string reach_geojson(const ReachMinutes& r, const std::vector<double>& steps,
                          const OGRSpatialReference& store_srs,
                          OGRCoordinateTransformation& to_wgs84);

}  // namespace casco::viewer
