#pragma once
// Drawn maps: a test draws its road network in ASCII and states, as tables, its ways, node tags,
// relations and the trips it expects per mode — in the spirit of Valhalla's gurka tests and OSRM's
// cucumber tables. The map is written as an .osm file and read by the real loader
// (build_graph), so the whole path from OSM tags to travel times is tested.
//
//   DrawnMap map(R"(
//       A---1---B---C
//               |
//               D
//   )");                                   // one character = 100 m across and down
//   map.ways(R"(
//     | nodes | highway     | oneway |
//     | AB    | residential |        |
//     | BC    | residential | yes    |
//     | BD    | footway     |        |
//   )");
//   map.nodes("| node | barrier |\n| B | bollard |");
//   EXPECT_TRUE(map.check(R"(
//     | from | to | mode | route | time |
//     | 1    | C  | car  | 1BC   | 72   |
//     | C    | 1  | car  | -     |      |
//   )"));
//
// Letters are OSM nodes; digits are points (origins and targets) that join the nearest road.
// Ways are named by their node letters (AB, BCD); relations name their members that way:
//   | restriction  | from | via | to |        via: a node letter, or way name(s) for a via way
//   | no_left_turn | AB   | B   | BD |
// Check columns: from, to, mode (walk, bike, car); route: the letters and digits passed ("-"
// unreachable, "*" reachable by any route), compared by its drawn length; time in seconds ("72")
// or minutes:seconds ("1:12"); metres; snap: metres from `from` to its road. Times and lengths
// are on the roads (a point's leg to its road is not included). Empty cells are not checked.
#include <gtest/gtest.h>

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "access/network.hpp"
#include "test_util.hpp"

namespace casco::test {

class DrawnMap {
 public:
  explicit DrawnMap(std::string drawing, double grid_m = 100);

  DrawnMap& ways(const std::string& table);
  DrawnMap& nodes(const std::string& table);
  DrawnMap& relations(const std::string& table);
  DrawnMap& profile(const access::Profile& p);

  // The graph of a mode, built from the written .osm file (cached until the map changes).
  const access::Graph& graph(access::Mode m);
  std::filesystem::path osm_file();

  struct Trip {
    float seconds = access::kUnreachable, metres = access::kUnreachable;
    float from_snap = -1, to_snap = -1;  // -1: no road within the profile's snap distance
  };
  Trip trip(const std::string& from, const std::string& to, access::Mode m);

  ::testing::AssertionResult check(const std::string& table);

  double x(char c) const { return at(c).first; }
  double y(char c) const { return at(c).second; }
  // Drawn length of a sequence of letters and digits (straight lines between them).
  double length(const std::string& route) const;
  std::string picture() const;

 private:
  std::pair<double, double> at(char c) const;
  void changed() {
    ++version_;
    graphs_.clear();
    backs_.clear();
  }

  struct Way {
    std::string nodes;
    std::vector<std::pair<std::string, std::string>> tags;
  };
  struct Relation {
    std::vector<std::pair<std::string, std::string>> tags;
    std::vector<std::pair<std::string, std::string>> members;  // role, way name or node letter
  };
  std::string drawing_;
  double grid_m_;
  std::map<char, std::pair<double, double>> pos_;  // RD New
  std::vector<Way> ways_;
  std::map<char, std::vector<std::pair<std::string, std::string>>> node_tags_;
  std::vector<Relation> relations_;
  access::Profile profile_ = access::Profile::defaults();
  TempDir dir_;
  int version_ = 0;
  std::map<int, std::unique_ptr<access::Graph>> graphs_;
  std::map<int, std::unique_ptr<access::Graph>> backs_;
};

// Routability tables, as OSRM's: one map A---B---C per row (100 m between letters), the way ABC
// tagged with the row's plain columns and node B with its node/<key> columns; the columns walk,
// bike and car say which way the mode can travel: "<>" both, ">" A to C only, "<" C to A only,
// "" not at all. Here points may join any way (no_snap is ignored), motorways and ferries too.
::testing::AssertionResult routability(
    const std::string& table, const access::Profile& profile = access::Profile::defaults());

}  // namespace casco::test
