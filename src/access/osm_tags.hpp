#pragma once
// How one mode reads the tags of an OpenStreetMap way or node, following the routing profile:
// highway class and speed, the access hierarchy per direction, one-way keys, closed ways,
// ferries, barriers. Internal to the access module (osm_graph.cpp); see docs/access_network.md.
#include <osmium/osm/tag.hpp>

#include "access/profile.hpp"

namespace casco::access {

struct WayRule {
  bool usable = false;                                    // some direction is usable
  double fwd_kmh = 0, bwd_kmh = 0;                        // 0: not usable in that direction
  bool fwd_destination = false, bwd_destination = false;  // destination-only that way
  bool ferry = false;
  double ferry_seconds = -1;  // the ferry's `duration` for the whole way, or -1
  bool no_snap = false;       // points never join this way
};

WayRule way_rule(const osmium::TagList& tags, const ModeProfile& mode, double ferry_kmh);

// True when the node closes the way to the mode: a barrier that does not let it pass, or a node
// access tag that forbids it.
bool node_blocks(const osmium::TagList& tags, const ModeProfile& mode);

// maxspeed in km/h: "50", "30 mph", "NL:urban"/"NL:rural"; a negative value when not understood.
double parse_maxspeed(const std::string& s);
// A ferry's duration in seconds: "90" (minutes), "1:30", "01:30:00", "PT1H30M"; -1 when not.
double parse_duration(const std::string& s);

}  // namespace casco::access
