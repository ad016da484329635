// The routing profile file (src/access/profile_file.cpp: Profile::load, which reads a path), then
// the profile applied to a few ways and nodes as the graph builder does (access/osm_tags).
// Oracles: every speed the profile accepts lies in [1, 200] km/h, distances are positive, tag
// matches have a key and a value; a way is never faster than its class allows.
#include <osmium/builder/attr.hpp>
#include <osmium/memory/buffer.hpp>
#include <osmium/osm/way.hpp>

#include "access/osm_tags.hpp"
#include "access/profile.hpp"
#include "fuzz_util.hpp"

namespace {

using namespace casco::access;

void check_speed(double kmh, const std::string& what) {
  if (!(kmh >= 1 && kmh <= 200)) casco::fuzz::finding(what + " " + std::to_string(kmh) + " km/h");
}

void check_matches(const std::vector<TagMatch>& list) {
  for (const auto& m : list)
    if (m.key.empty() || m.value.empty()) casco::fuzz::finding("a tag match without key or value");
}

// Ways and nodes the profile is tried on (tags as they occur in the Drenthe extract).
const osmium::Way& way(osmium::memory::Buffer& buf,
                       const std::vector<std::pair<const char*, const char*>>& tags) {
  using namespace osmium::builder::attr;
  const auto at = osmium::builder::add_way(buf, _id(1), _nodes({1, 2}), _tags(tags));
  return buf.get<osmium::Way>(at);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace casco;
  fuzz::quiet();
  const std::string text = fuzz::text_of(data, size);
  const auto file = fuzz::write_input("profile/profile.toml", text);
  fuzz::expect_clean(file.string(), text, [&] {
    const Profile p = Profile::load(file);
    check_speed(p.ferry_kmh, "ferry speed");
    static const std::vector<std::vector<std::pair<const char*, const char*>>> ways = {
        {{"highway", "residential"}, {"maxspeed", "30"}},
        {{"highway", "cycleway"}, {"oneway", "yes"}, {"moped", "no"}},
        {{"highway", "footway"}, {"bicycle", "designated"}},
        {{"highway", "service"}, {"access", "destination"}, {"motor_vehicle:backward", "no"}},
        {{"highway", "['tertiary', 'unclassified']"}, {"maxspeed", "NL:rural"}},
        {{"route", "ferry"}, {"duration", "00:20"}, {"foot", "yes"}},
        {{"barrier", "gate"}, {"access", "private"}, {"locked", "yes"}}};
    for (Mode m : {Mode::Walk, Mode::Bike, Mode::Car}) {
      const ModeProfile& mp = p.mode(m);
      const std::string name = to_string(m);
      for (const auto& [cls, kmh] : mp.speed_kmh) check_speed(kmh, name + " speed of " + cls);
      for (const auto& [cls, kmh] : mp.if_allowed_kmh) check_speed(kmh, name + " speed of " + cls);
      check_speed(mp.dismount_kmh, name + " dismount speed");
      if (!(mp.snap_max_m > 0)) fuzz::finding("snap_max_m " + std::to_string(mp.snap_max_m));
      check_matches(mp.implied_oneway);
      check_matches(mp.closed);
      check_matches(mp.no_snap);
      for (const auto& tags : ways) {
        osmium::memory::Buffer buf(1024, osmium::memory::Buffer::auto_grow::yes);
        const osmium::TagList& t = way(buf, tags).tags();
        const WayRule r = way_rule(t, mp, p.ferry_kmh);
        for (double kmh : {r.fwd_kmh, r.bwd_kmh})
          if (kmh != 0) check_speed(kmh, name + " speed on a way");
        node_blocks(t, mp);
      }
    }
  });
  return 0;
}
