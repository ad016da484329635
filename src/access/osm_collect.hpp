#pragma once
// Reading an OpenStreetMap extract for one mode (internal to the access module): the usable ways
// (as runs of located nodes, with how the mode reads them), the nodes closed to the mode and the
// turn restriction relations. See docs/access_network.md.
#include <filesystem>
#include <osmium/handler.hpp>
#include <osmium/osm/location.hpp>
#include <osmium/osm/node.hpp>
#include <osmium/osm/relation.hpp>
#include <osmium/osm/types.hpp>
#include <osmium/osm/way.hpp>
#include <vector>

#include "access/osm_tags.hpp"
#include "access/turns.hpp"

namespace casco::access::detail {

using osmium::object_id_type;

// One usable way (or the part of a way between nodes missing from the extract).
struct WayRun {
  std::size_t first = 0, count = 0;  // into Collector::refs / locs
  object_id_type way = 0;
  WayRule rule;
};

class Collector : public osmium::handler::Handler {
 public:
  Collector(Mode mode, const Profile& profile)
      : p_(profile.mode(mode)), ferry_kmh_(profile.ferry_kmh) {}

  std::vector<object_id_type> refs;
  std::vector<osmium::Location> locs;
  std::vector<WayRun> runs;
  std::vector<object_id_type> blocked;  // nodes closed to the mode
  std::vector<RestrictionRelation> restrictions;
  std::size_t highway_ways = 0;

  void node(const osmium::Node& n);
  void way(const osmium::Way& w);
  void relation(const osmium::Relation& r);

 private:
  void finish(WayRun& run);

  const ModeProfile& p_;
  double ferry_kmh_;
};

// Reads the extract's nodes, ways and relations into `col`; errors name the file.
void read_extract(const std::filesystem::path& osm, Collector& col);

}  // namespace casco::access::detail
