#pragma once
// The routing profile: how each mode reads OpenStreetMap tags (speeds per highway class, the
// access hierarchy and its values, barriers, one-way keys, closed ways, ferries, turn
// restrictions, snapping). Dutch defaults in Profile::defaults(); a TOML file overrides them.
// See docs/access_network.md ("Routing profile").
#include <filesystem>
#include <map>
#include <string>
#include <vector>

namespace casco::access {

enum class Mode { Walk, Bike, Car };
const char* to_string(Mode m);          // "walk", "bike", "car"
Mode parse_mode(const std::string& s);  // throws casco::Error listing the modes

// What an access value (yes, private, destination, …) means for a mode.
enum class Access { Allow, Destination, Dismount, Forbid };
const char* to_string(Access a);  // "allow", "destination", "dismount", "forbid"

// What a barrier node means for a mode: Pass; Block unless the node's access tags allow the
// mode; Never passable whatever the access tags say (walls, fences).
enum class Barrier { Pass, Block, Never };
const char* to_string(Barrier b);  // "pass", "block", "never"

// "key=value"; value "*" matches any value other than "no".
struct TagMatch {
  std::string key, value;
  bool operator==(const TagMatch&) const = default;
};

struct ModeProfile {
  std::map<std::string, double> speed_kmh;       // highway class → km/h; others not usable
  std::map<std::string, double> if_allowed_kmh;  // usable only when a mode key allows it
  std::vector<std::string> access_keys;          // most specific first, e.g. motorcar … access
  std::map<std::string, Access> access_values;   // other values: the key is ignored
  std::vector<std::string> oneway_keys;          // most specific first; empty: ignore one-way tags
  std::vector<TagMatch> implied_oneway;          // e.g. junction=roundabout (unless oneway=no)
  bool reversible_closed = false;                // oneway=reversible: closed, else both ways
  bool contraflow = false;                       // cycleway=opposite* etc. open the other way
  std::map<std::string, Barrier> barriers;       // barrier value → meaning
  Barrier other_barriers = Barrier::Pass;        // barrier values not listed
  std::vector<TagMatch> closed;                  // ways with such a tag are not usable
  std::vector<TagMatch> no_snap;                 // points never join such ways
  bool ferry = false;     // route=ferry usable when no access key speaks for the mode
  bool maxspeed = false;  // maxspeed below the class speed caps it
  bool turn_restrictions = false;
  double dismount_kmh = 4.5;  // speed where the access value means Dismount
  double snap_max_m = 1000;   // points further from every road get no time
  bool operator==(const ModeProfile&) const = default;
};

struct Profile {
  ModeProfile modes[3];   // indexed by Mode
  double ferry_kmh = 10;  // ferries without a `duration`
  ModeProfile& mode(Mode m) { return modes[static_cast<int>(m)]; }
  const ModeProfile& mode(Mode m) const { return modes[static_cast<int>(m)]; }
  bool operator==(const Profile&) const = default;

  // Loads a profile file (TOML): every table replaces the default it names, every key its
  // setting; the old speeds-only files ([car] residential = 30) still load. Errors name
  // file:line:column.
  static Profile load(const std::filesystem::path& file);
  static Profile defaults();  // the Dutch defaults documented in docs/access_network.md
};

}  // namespace casco::access
