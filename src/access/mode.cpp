#include "access/profile.hpp"
#include "core/error.hpp"

namespace casco::access {

const char* to_string(Mode m) {
  switch (m) {
    case Mode::Walk:
      return "walk";
    case Mode::Bike:
      return "bike";
    case Mode::Car:
      return "car";
  }
  return "?";
}

Mode parse_mode(const std::string& s) {
  if (s == "walk" || s == "lopen") return Mode::Walk;
  if (s == "bike" || s == "fiets") return Mode::Bike;
  if (s == "car" || s == "auto") return Mode::Car;
  fail(
      "unknown mode '{}': use walk, bike, car (or pt for public transport where a GTFS feed is "
      "given)",
      s);
}

const char* to_string(Access a) {
  switch (a) {
    case Access::Allow:
      return "allow";
    case Access::Destination:
      return "destination";
    case Access::Dismount:
      return "dismount";
    case Access::Forbid:
      return "forbid";
  }
  return "?";
}

const char* to_string(Barrier b) {
  switch (b) {
    case Barrier::Pass:
      return "pass";
    case Barrier::Block:
      return "block";
    case Barrier::Never:
      return "never";
  }
  return "?";
}

}  // namespace casco::access
