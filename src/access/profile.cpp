// Travel speeds per OSM highway class and mode: the documented defaults and the profile file
// (TOML). See docs/access_network.md for the format and the table of defaults.
#include <fstream>
#include <sstream>

#include "access/network.hpp"
#include "core/error.hpp"
#include "core/toml_reader.hpp"

namespace casco::access {

namespace {

constexpr double kMaxSpeedKmh = 200.0;

}  // namespace

Profile Profile::defaults() {
  Profile p;
  auto& walk = p.speed_kmh[static_cast<int>(Mode::Walk)];
  auto& bike = p.speed_kmh[static_cast<int>(Mode::Bike)];
  auto& car = p.speed_kmh[static_cast<int>(Mode::Car)];

  // Walking: 4.5 km/h on every class a pedestrian may use (not motorway/trunk); steps slower.
  for (const char* c :
       {"footway", "path", "pedestrian", "living_street", "residential", "service", "track",
        "unclassified", "tertiary", "tertiary_link", "secondary", "secondary_link", "primary",
        "primary_link", "cycleway", "bridleway", "road", "corridor"})
    walk[c] = 4.5;
  walk["steps"] = 2.0;

  // Cycling: 15 km/h on cycleways and every road a bicycle may use (not motorway/trunk, not
  // footway/pedestrian/steps unless a way says bicycle=yes/designated/permissive).
  for (const char* c : {"cycleway", "path", "living_street", "residential", "service", "track",
                        "unclassified", "tertiary", "tertiary_link", "secondary", "secondary_link",
                        "primary", "primary_link", "road"})
    bike[c] = 15.0;

  // Driving: a typical free-flow speed per class; links like their class.
  const std::pair<const char*, double> cars[] = {
      {"motorway", 100},    {"trunk", 80},          {"primary", 70},        {"secondary", 60},
      {"tertiary", 50},     {"unclassified", 40},   {"residential", 30},    {"living_street", 15},
      {"service", 15},      {"road", 30},           {"motorway_link", 100}, {"trunk_link", 80},
      {"primary_link", 70}, {"secondary_link", 60}, {"tertiary_link", 50}};
  for (const auto& [c, v] : cars) car[c] = v;
  return p;
}

Profile Profile::load(const std::filesystem::path& file) {
  std::ifstream in(file, std::ios::binary);
  if (!in) fail("cannot open the speed profile {}: check the path", file.string());
  std::stringstream ss;
  ss << in.rdbuf();
  TomlReader reader(file.string());
  toml::table root = reader.parse(ss.str());
  reader.check_keys(root, "the speed profile", {"walk", "bike", "car"});

  // A [walk]/[bike]/[car] table replaces the defaults of that mode; a missing table keeps them.
  Profile p = defaults();
  for (Mode m : {Mode::Walk, Mode::Bike, Mode::Car}) {
    const toml::node* n = root.get(to_string(m));
    if (!n) continue;
    const toml::table* t = n->as_table();
    if (!t)
      reader.error_at(*n, fmt::format("'{}' must be a table of highway class = speed in km/h, "
                                      "e.g. [{}] residential = 30",
                                      to_string(m), to_string(m)));
    auto& speeds = p.speed_kmh[static_cast<int>(m)];
    speeds.clear();
    for (auto&& [k, v] : *t) {
      std::optional<double> kmh = v.value<double>();
      if (!kmh)
        reader.error_at(
            v, fmt::format("speed of '{}' for {} must be a number in km/h", k.str(), to_string(m)));
      if (!(*kmh > 0 && *kmh <= kMaxSpeedKmh))
        reader.error_at(v, fmt::format("speed of '{}' for {} must be above 0 and at most {} km/h "
                                       "(leave a class out to forbid it)",
                                       k.str(), to_string(m), kMaxSpeedKmh));
      speeds[std::string(k.str())] = *kmh;
    }
    if (speeds.empty())
      reader.error_at(
          *n, fmt::format("[{}] lists no highway class: give at least one speed", to_string(m)));
  }
  return p;
}

}  // namespace casco::access
