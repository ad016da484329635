// OpenStreetMap tags as each mode reads them (src/access/osm_tags.cpp: way_rule, node_blocks,
// parse_maxspeed, parse_duration) under the default profile, without libosmium's XML reader in
// between (fuzz_osm covers that). Input: one "key=value" tag a line.
// Oracles: a way's speed is 0 or within [1, 200] km/h and never above its class speed; a maxspeed
// is -1 or within [1, 300] km/h; a ferry duration is -1 or within (0, 7 days]: times stay finite
// when the graph builder turns them into float seconds.
#include <cmath>
#include <osmium/builder/attr.hpp>
#include <osmium/memory/buffer.hpp>
#include <osmium/osm/node.hpp>
#include <osmium/osm/way.hpp>
#include <string>
#include <utility>
#include <vector>

#include "access/osm_tags.hpp"
#include "fuzz_util.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace casco;
  using namespace casco::access;
  using namespace osmium::builder::attr;
  if (size > 4096) return 0;
  const std::string text = fuzz::text_of(data, size);
  std::vector<std::pair<std::string, std::string>> tags;
  std::size_t at = 0;
  while (at < text.size()) {
    std::size_t end = text.find('\n', at);
    if (end == std::string::npos) end = text.size();
    const std::string line = text.substr(at, end - at);
    const std::size_t eq = line.find('=');
    // Keys and values as OSM allows them: 1 to 255 characters without NUL.
    if (eq != std::string::npos && eq > 0 && line.size() - eq - 1 <= 255 && eq <= 255 &&
        line.find('\0') == std::string::npos)
      tags.emplace_back(line.substr(0, eq), line.substr(eq + 1));
    at = end + 1;
  }
  for (const auto& [k, v] : tags) {
    const double ms = parse_maxspeed(v);
    if (ms != -1 && !(ms >= 1 && ms <= 300))
      fuzz::finding("maxspeed '" + v + "' read as " + std::to_string(ms) + " km/h");
    const double d = parse_duration(v);
    if (d != -1 && !(d > 0 && d <= 7 * 24 * 3600))
      fuzz::finding("duration '" + v + "' read as " + std::to_string(d) + " s");
  }
  osmium::memory::Buffer buf(4096, osmium::memory::Buffer::auto_grow::yes);
  const auto way_at = osmium::builder::add_way(buf, _id(1), _nodes({1, 2}), _tags(tags));
  const auto node_at = osmium::builder::add_node(buf, _id(1), _tags(tags));
  const osmium::TagList& way_tags = buf.get<osmium::Way>(way_at).tags();
  const osmium::TagList& node_tags = buf.get<osmium::Node>(node_at).tags();
  static const Profile profile = Profile::defaults();
  for (Mode m : {Mode::Walk, Mode::Bike, Mode::Car}) {
    const ModeProfile& mp = profile.mode(m);
    const WayRule r = way_rule(way_tags, mp, profile.ferry_kmh);
    double fastest = profile.ferry_kmh;
    for (const auto& [cls, kmh] : mp.speed_kmh) fastest = std::max(fastest, kmh);
    for (const auto& [cls, kmh] : mp.if_allowed_kmh) fastest = std::max(fastest, kmh);
    for (double kmh : {r.fwd_kmh, r.bwd_kmh})
      if (kmh != 0 && !(kmh >= 1 && kmh <= fastest))
        fuzz::finding(std::string(to_string(m)) + " speed " + std::to_string(kmh) + " km/h");
    if (r.usable != (r.fwd_kmh > 0 || r.bwd_kmh > 0)) fuzz::finding("usable without a speed");
    if (r.ferry_seconds != -1 && !(r.ferry_seconds > 0 && std::isfinite(r.ferry_seconds)))
      fuzz::finding("ferry of " + std::to_string(r.ferry_seconds) + " s");
    node_blocks(node_tags, mp);
  }
  return 0;
}
