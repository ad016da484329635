// The Dutch default routing profile. Every value here is documented in docs/access_network.md and
// written out in data/profiles/nl.toml (a test checks that the file loads to exactly these).
#include "access/profile.hpp"

namespace casco::access {

namespace {

std::vector<TagMatch> matches(std::initializer_list<const char*> list) {
  std::vector<TagMatch> out;
  for (const char* s : list) {
    std::string t(s);
    auto eq = t.find('=');
    out.push_back({t.substr(0, eq), t.substr(eq + 1)});
  }
  return out;
}

void set(std::map<std::string, Barrier>& m, Barrier b, std::initializer_list<const char*> values) {
  for (const char* v : values) m[v] = b;
}

void set(std::map<std::string, Access>& m, Access a, std::initializer_list<const char*> values) {
  for (const char* v : values) m[v] = a;
}

// Barriers every mode passes: gates (open unless tagged otherwise), grids, booths, entrances.
constexpr std::initializer_list<const char*> kOpenBarriers = {
    "gate",           "lift_gate",  "swing_gate", "cattle_grid",       "toll_booth",
    "border_control", "sally_port", "entrance",   "height_restrictor", "hampshire_gate",
    "bump_gate",      "no"};
// Never passable, whatever the node's access tags say.
constexpr std::initializer_list<const char*> kWalls = {"wall",           "fence",     "hedge",
                                                       "retaining_wall", "city_wall", "ditch"};

ModeProfile walk_defaults() {
  ModeProfile m;
  // 4.5 km/h on every class a pedestrian may use (not motorway/trunk); steps slower.
  for (const char* c :
       {"footway", "path", "pedestrian", "living_street", "residential", "service", "track",
        "unclassified", "tertiary", "tertiary_link", "secondary", "secondary_link", "primary",
        "primary_link", "cycleway", "bridleway", "road", "corridor"})
    m.speed_kmh[c] = 4.5;
  m.speed_kmh["steps"] = 2.0;
  m.access_keys = {"foot", "access"};
  set(m.access_values, Access::Allow,
      {"yes", "permissive", "designated", "official", "discouraged", "destination", "customers",
       "dismount"});
  set(m.access_values, Access::Forbid,
      {"no", "private", "permit", "agricultural", "forestry", "delivery", "use_sidepath", "psv",
       "bus", "emergency", "military"});
  m.oneway_keys = {"oneway:foot"};
  set(m.barriers, Barrier::Pass, kOpenBarriers);
  set(m.barriers, Barrier::Pass,
      {"bollard", "block", "cycle_barrier", "kissing_gate", "stile", "turnstile",
       "full-height_turnstile", "chain", "jersey_barrier", "log", "planter", "bus_trap",
       "sump_buster", "motorcycle_barrier", "kerb", "debris", "spikes", "rope", "door"});
  set(m.barriers, Barrier::Never, kWalls);
  m.other_barriers = Barrier::Pass;
  m.closed = matches({"motorroad=yes", "construction=*"});
  m.no_snap = matches({"route=ferry"});
  m.ferry = true;
  return m;
}

ModeProfile bike_defaults() {
  ModeProfile m;
  // 15 km/h on cycleways and every road a bicycle may use (not motorway/trunk); footways,
  // pedestrian streets and bridleways only where a bicycle key allows it.
  for (const char* c : {"cycleway", "path", "living_street", "residential", "service", "track",
                        "unclassified", "tertiary", "tertiary_link", "secondary", "secondary_link",
                        "primary", "primary_link", "road"})
    m.speed_kmh[c] = 15.0;
  for (const char* c : {"footway", "pedestrian", "bridleway"}) m.if_allowed_kmh[c] = 15.0;
  m.access_keys = {"bicycle", "vehicle", "access"};
  set(m.access_values, Access::Allow,
      {"yes", "permissive", "designated", "official", "discouraged"});
  set(m.access_values, Access::Destination, {"destination", "customers"});
  set(m.access_values, Access::Dismount, {"dismount"});
  set(m.access_values, Access::Forbid,
      {"no", "private", "permit", "agricultural", "forestry", "delivery", "use_sidepath", "psv",
       "bus", "emergency", "military"});
  m.oneway_keys = {"oneway:bicycle", "oneway:vehicle", "oneway"};
  m.implied_oneway = matches({"junction=roundabout", "junction=circular"});
  m.reversible_closed = true;
  m.contraflow = true;
  set(m.barriers, Barrier::Pass, kOpenBarriers);
  set(m.barriers, Barrier::Pass,
      {"bollard", "block", "cycle_barrier", "chain", "planter", "bus_trap", "sump_buster",
       "motorcycle_barrier", "kerb", "rope"});
  set(m.barriers, Barrier::Block,
      {"kissing_gate", "stile", "turnstile", "full-height_turnstile", "jersey_barrier", "log",
       "debris", "spikes", "door", "yes"});
  set(m.barriers, Barrier::Never, kWalls);
  m.other_barriers = Barrier::Block;
  m.closed = matches({"motorroad=yes", "construction=*"});
  m.no_snap = matches({"route=ferry"});
  m.ferry = true;
  return m;
}

ModeProfile car_defaults() {
  ModeProfile m;
  // A typical free-flow speed per class; links like their class.
  const std::pair<const char*, double> cars[] = {
      {"motorway", 100},    {"trunk", 80},          {"primary", 70},        {"secondary", 60},
      {"tertiary", 50},     {"unclassified", 40},   {"residential", 30},    {"living_street", 15},
      {"service", 15},      {"road", 30},           {"motorway_link", 100}, {"trunk_link", 80},
      {"primary_link", 70}, {"secondary_link", 60}, {"tertiary_link", 50}};
  for (const auto& [c, v] : cars) m.speed_kmh[c] = v;
  m.access_keys = {"motorcar", "motor_vehicle", "vehicle", "access"};
  set(m.access_values, Access::Allow,
      {"yes", "permissive", "designated", "official", "discouraged"});
  set(m.access_values, Access::Destination, {"destination", "customers", "delivery"});
  set(m.access_values, Access::Forbid,
      {"no", "private", "permit", "agricultural", "forestry", "use_sidepath", "dismount", "psv",
       "bus", "emergency", "military"});
  m.oneway_keys = {"oneway:motorcar", "oneway:motor_vehicle", "oneway:vehicle", "oneway"};
  m.implied_oneway = matches({"junction=roundabout", "junction=circular", "highway=motorway"});
  m.reversible_closed = true;
  set(m.barriers, Barrier::Pass, kOpenBarriers);
  set(m.barriers, Barrier::Block,
      {"bollard",
       "block",
       "cycle_barrier",
       "kissing_gate",
       "stile",
       "turnstile",
       "full-height_turnstile",
       "chain",
       "jersey_barrier",
       "log",
       "planter",
       "bus_trap",
       "sump_buster",
       "motorcycle_barrier",
       "kerb",
       "debris",
       "spikes",
       "rope",
       "door",
       "yes"});
  set(m.barriers, Barrier::Never, kWalls);
  m.other_barriers = Barrier::Block;
  m.closed = matches({"construction=*", "service=emergency_access"});
  m.no_snap = matches({"highway=motorway", "highway=motorway_link", "highway=trunk",
                       "highway=trunk_link", "motorroad=yes", "route=ferry"});
  m.ferry = false;
  m.maxspeed = true;
  m.turn_restrictions = true;
  return m;
}

}  // namespace

Profile Profile::defaults() {
  Profile p;
  p.mode(Mode::Walk) = walk_defaults();
  p.mode(Mode::Bike) = bike_defaults();
  p.mode(Mode::Car) = car_defaults();
  p.ferry_kmh = 10;
  return p;
}

}  // namespace casco::access
