#pragma once
// Road networks per mode from OpenStreetMap (libosmium): compact graphs in CSR arrays, origins
// snapped to them, and one multi-source shortest-path search per facility kind and mode.
// See docs/access_network.md.
#include <cstdint>
#include <filesystem>
#include <limits>
#include <map>
#include <string>
#include <vector>

namespace casco::access {

enum class Mode { Walk, Bike, Car };
const char* to_string(Mode m);          // "walk", "bike", "car"
Mode parse_mode(const std::string& s);  // throws casco::Error listing the modes

// Speeds per OSM highway class and mode (km/h); a class missing for a mode is not usable by it.
struct Profile {
  std::map<std::string, double> speed_kmh[3];  // indexed by Mode
  // Loads a documented profile file (TOML); errors name file:line:column.
  static Profile load(const std::filesystem::path& file);
  static Profile defaults();  // the speeds documented in docs/access.md
};

struct Graph {
  // CSR: the edges leaving node v are [offsets[v], offsets[v+1]).
  std::vector<uint32_t> offsets, targets;
  std::vector<float> seconds, metres;
  std::vector<double> x, y;  // node coordinates in the model CRS
  std::size_t nodes() const { return x.size(); }
  std::size_t edges() const { return targets.size(); }
  Graph reversed() const;  // for one-way streets: times *to* facilities
};

// Builds the graph of one mode from an .osm.pbf/.osm file, reprojected to `crs` (e.g. EPSG:28992).
// Throws casco::Error for a missing file or an extract without usable ways in the area.
Graph build_graph(const std::filesystem::path& osm, Mode mode, const Profile& profile,
                  const std::string& crs);

struct Snap {
  uint32_t node = 0;
  float distance_m = 0;  // straight line from the point to the node
};
// Nearest graph node of each point (model CRS).
std::vector<Snap> snap(const Graph& g, const std::vector<double>& xs,
                       const std::vector<double>& ys);

inline constexpr float kUnreachable = std::numeric_limits<float>::infinity();
// Earliest arrival (seconds) at every node from any of the sources (node, start seconds). With
// `path_metres`, also the length of that fastest path per node, starting from `start_metres[i]` at
// source i (0 when not given).
std::vector<float> multi_source(const Graph& g,
                                const std::vector<std::pair<uint32_t, float>>& sources,
                                float max_seconds = kUnreachable,
                                std::vector<float>* path_metres = nullptr,
                                const std::vector<float>* start_metres = nullptr);

}  // namespace casco::access
