#pragma once
// Road networks per mode from OpenStreetMap (libosmium): compact graphs in CSR arrays, points
// snapped onto their nearest usable road, and one multi-source shortest-path search per facility
// kind and mode. The routing profile (speeds, access, barriers, one-way rules, …) is data: see
// profile.hpp and docs/access_network.md.
#include <cstdint>
#include <filesystem>
#include <limits>
#include <memory>
#include <string>
#include <vector>

#include "access/profile.hpp"

namespace casco::access {

inline constexpr uint32_t kNoRoad = std::numeric_limits<uint32_t>::max();

// One piece of a way between two graph nodes, with its drawn shape: what points snap onto.
struct Road {
  enum Flags : uint8_t { kFwdDestination = 1, kBwdDestination = 2, kNoSnap = 4 };
  uint32_t from = 0, to = 0;            // graph nodes at its ends (in the way's drawing direction)
  uint32_t fwd_head = 0, bwd_head = 0;  // node reached going from→to (to, or a turn-restriction
                                        // copy of it), resp. to→from
  uint32_t shape = 0, points = 0;       // its points: [shape, shape + points) of shape_x/shape_y
  float metres = 0;
  float fwd_seconds = 0, bwd_seconds = 0;  // kUnreachable when that direction is not allowed
  uint8_t flags = 0;
  bool destination(bool forward) const {
    return flags & (forward ? kFwdDestination : kBwdDestination);
  }
};

// Counts of what build_graph did with the extract's special tags, for the user's report.
struct GraphStats {
  std::size_t blocked_nodes = 0;              // barriers / node access closed to the mode
  std::size_t destination_edges = 0;          // directed edges usable only at a trip's start or end
  std::size_t ferries = 0;                    // ferry ways used
  std::size_t restrictions_applied = 0;       // turn restrictions built into the graph
  std::size_t restrictions_skipped = 0;       // that did not fit the graph (see skipped_examples)
  std::vector<std::string> skipped_examples;  // "relation 123: via node not on the from way", …
};

struct Graph {
  // CSR: the edges leaving node v are [offsets[v], offsets[v+1]) — the edges any trip may use.
  std::vector<uint32_t> offsets, targets;
  std::vector<float> seconds, metres;
  // Destination-only edges (access=destination …) in a second CSR over the same nodes: a trip may
  // use them only at its start and its end. Empty when there are none.
  std::vector<uint32_t> dest_offsets, dest_targets;
  std::vector<float> dest_seconds, dest_metres;
  std::vector<double> x, y;  // node coordinates in the model CRS
  // Nodes [junctions, nodes()) are copies of a junction made for turn restrictions (a copy is
  // the junction as entered over one particular edge); copy_of[i] is the junction of node
  // junctions + i.
  uint32_t junctions = 0;
  std::vector<uint32_t> copy_of;
  // Road geometry (the forward graph only; reversed() leaves these empty).
  std::vector<Road> roads;
  std::vector<double> shape_x, shape_y;
  GraphStats stats;

  std::size_t nodes() const { return x.size(); }
  std::size_t edges() const { return targets.size() + dest_targets.size(); }
  bool has_destination_edges() const { return !dest_targets.empty(); }
  uint32_t junction_of(uint32_t v) const { return v < junctions ? v : copy_of[v - junctions]; }
  Graph reversed() const;  // for one-way streets: times *to* facilities
  // For graphs made by hand (tests, benchmarks): one straight road per pair of linked nodes,
  // every node a junction.
  void add_straight_roads();
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

// A point joined to the nearest point of its nearest road (roads flagged kNoSnap excluded).
struct RoadSnap {
  uint32_t road = kNoRoad;  // kNoRoad: no road within the maximum distance
  float along_m = 0;        // from the road's `from` end, along its shape
  float distance_m = 0;     // straight line from the point to the road
};
std::vector<RoadSnap> snap_to_roads(const Graph& g, const std::vector<double>& xs,
                                    const std::vector<double>& ys, double max_distance_m);
// The same with the roads' index built once, for snapping several sets of points onto one graph
// (the graph must outlive it).
class RoadSnapper {
 public:
  explicit RoadSnapper(const Graph& g);
  ~RoadSnapper();
  std::vector<RoadSnap> snap(const std::vector<double>& xs, const std::vector<double>& ys,
                             double max_distance_m) const;

 private:
  struct Index;
  std::unique_ptr<Index> index_;
};

inline constexpr float kUnreachable = std::numeric_limits<float>::infinity();

// Earliest arrival (seconds) at every node from any of the sources (node, start seconds). With
// `path_metres`, also the length of that fastest path per node, starting from `start_metres[i]` at
// source i (0 when not given). Destination-only edges are used at the start and end of paths only.
std::vector<float> multi_source(const Graph& g,
                                const std::vector<std::pair<uint32_t, float>>& sources,
                                float max_seconds = kUnreachable,
                                std::vector<float>* path_metres = nullptr,
                                const std::vector<float>* start_metres = nullptr);

// The general search behind multi_source(). A source may start on a destination-only road
// (`destination`: its first stretch is one). Paths must be D* N* D* (D destination-only, N other
// edges). `seconds[v]` is the best path to v that may go on over destination-only edges only (or
// stop); `then_normal[v]` the best one that may still go on over a normal edge (D* N*). Without
// destination-only edges the two are equal and then_normal is left empty.
struct Source {
  uint32_t node = 0;
  float seconds = 0, metres = 0;
  bool destination = false;
};
struct SearchResult {
  std::vector<float> seconds, metres;
  std::vector<float> then_normal, then_normal_metres;  // empty: equal to seconds / metres
  float at(uint32_t v, bool next_is_destination) const {
    return next_is_destination || then_normal.empty() ? seconds[v] : then_normal[v];
  }
  float metres_at(uint32_t v, bool next_is_destination) const {
    return next_is_destination || then_normal.empty() ? metres[v] : then_normal_metres[v];
  }
};
SearchResult search(const Graph& g, const std::vector<Source>& sources,
                    float max_seconds = kUnreachable, bool with_metres = true);

// The ways from snapped points into the graph, worked out once per graph and set of points and
// used by every search from targets (casco access: one per facility kind): per point the node
// reached leaving towards each end of its road (as one-way rules allow; a turn-restriction copy
// where the road leads into one) with the partial time and length, and the points per road.
inline constexpr uint32_t kNoNode = std::numeric_limits<uint32_t>::max();
struct PointJoins {
  std::vector<uint32_t> node;          // 2 per point; kNoNode: not that way (or not snapped)
  std::vector<float> seconds, metres;  // 2 per point
  std::vector<uint8_t> destination;    // per point, bit e: end e is left over a destination-only
                                       // stretch (or the point lies at the node)
  std::vector<uint32_t> road_start, road_points;  // CSR over roads: the points on each road
  std::vector<float> road_along;                  // their along_m, in the same order
  std::size_t size() const { return destination.size(); }
};
PointJoins join_points(const Graph& g, const std::vector<RoadSnap>& points);

// Travel from every point to its nearest target over the roads of `g` (forward graph; `back` is
// g.reversed()), both snapped with snap_to_roads(). A target starts at its own seconds and metres
// (e.g. the walk from the road to the facility). Per point: seconds and metres on the roads,
// without the point's own leg to its road; kUnreachable where not snapped or not reachable.
// Without `with_metres` only the seconds are computed (metres left empty).
struct PointTimes {
  std::vector<float> seconds, metres;
};
PointTimes times_to_nearest(const Graph& g, const Graph& back, const std::vector<RoadSnap>& targets,
                            const std::vector<float>& target_seconds,
                            const std::vector<float>& target_metres, const PointJoins& points,
                            bool with_metres = true);
PointTimes times_to_nearest(const Graph& g, const Graph& back, const std::vector<RoadSnap>& targets,
                            const std::vector<float>& target_seconds,
                            const std::vector<float>& target_metres,
                            const std::vector<RoadSnap>& points, bool with_metres = true);

}  // namespace casco::access
