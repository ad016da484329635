// Routing as OpenStreetMap means it, rule by rule, on drawn maps (drawn_map.hpp): barriers and
// node access, the access hierarchy and its values, one-way variants, closed ways, ferries,
// destination-only roads, turn restrictions and speeds. Each expectation is worked out by hand
// from the drawing (one character = 100 m unless said otherwise): a residential street takes a car
// 12 s per 100 m (30 km/h), a bike 24 s (15 km/h), a walker 80 s (4.5 km/h).
#include <gtest/gtest.h>

#include "access/network.hpp"
#include "drawn_map.hpp"

using namespace casco;
using namespace casco::access;
using casco::test::DrawnMap;
using casco::test::routability;

// --------------------------------------------------------------------------------------- speeds

TEST(RoutingRules, SpeedsPerClassAndMode) {
  DrawnMap map("A---B---C---D");
  map.ways(R"(
    | nodes | highway     | maxspeed |
    | AB    | residential |          |
    | BC    | secondary   | 50       |
    | CD    | steps       |          |
  )");
  EXPECT_TRUE(map.check(R"(
    | from | to | mode | route | time  |
    | A    | B  | car  | AB    | 48    |
    | A    | B  | bike | AB    | 96    |
    | A    | B  | walk | AB    | 5:20  |
    | B    | C  | car  | BC    | 28.8  |
    | A    | C  | car  | ABC   | 76.8  |
    | C    | D  | walk | CD    | 12:00 |
  )"));
  // D is on no car road: it joins the nearest one, 400 m away at C.
  EXPECT_TRUE(map.check(R"(
    | from | to | mode | time | snap |
    | D    | A  | car  | 76.8 | 400  |
  )"));
  // Graph nodes are way ends and junctions only: B and C join two ways, A and D end one.
  EXPECT_EQ(map.graph(Mode::Walk).nodes(), 4u);
  EXPECT_EQ(map.graph(Mode::Car).nodes(), 3u);
}

TEST(RoutingRules, DismountMeansWalkingTheBike) {
  DrawnMap map("A---B---C");
  map.ways(R"(
    | nodes | highway     | bicycle  |
    | AB    | footway     | dismount |
    | BC    | residential |          |
  )");
  // 400 m pushed at 4.5 km/h (320 s), then 400 m ridden at 15 km/h (96 s).
  EXPECT_TRUE(map.check(R"(
    | from | to | mode | route | time |
    | A    | C  | bike | ABC   | 416  |
    | A    | B  | walk | AB    | 320  |
  )"));
}

TEST(RoutingRules, OsmnxListsTakeTheFirstKnownClassAndTheMeanMaxspeed) {
  DrawnMap map("A---B---C");
  map.ways(R"(
    | nodes | highway                           | maxspeed       |
    | AB    | ['unclassified', 'residential']   | ['30', '50']   |
    | BC    | nan                               |                |
  )");
  // unclassified (40 km/h) capped at the mean maxspeed 40: 400 m in 36 s; 'nan' is not a road.
  EXPECT_TRUE(map.check(R"(
    | from | to | mode | time |
    | A    | B  | car  | 36   |
    | A    | C  | car  | 36   |
  )"));
  EXPECT_EQ(map.graph(Mode::Car).nodes(), 2u);
}

// Found by fuzz/fuzz_osm: maxspeed=1e-300 made the edge take longer than its float seconds can hold
// (an infinite time, a float overflow for the sanitizers). A limit below 1 km/h or above 300 km/h
// is a tagging error: it is not understood, and the class speed stands.
TEST(RoutingRules, MaxspeedOutsideOneTo300KmhLeavesTheClassSpeed) {
  DrawnMap map("A---B---C---D");
  map.ways(R"(
    | nodes | highway     | maxspeed  |
    | AB    | residential | 1e-300    |
    | BC    | residential | 0.5       |
    | CD    | residential | 1e300 mph |
  )");
  // Three times 400 m at the residential 30 km/h: 48 s each.
  EXPECT_TRUE(map.check(R"(
    | from | to | mode | time |
    | A    | D  | car  | 144  |
  )"));
}

TEST(RoutingRules, InteriorNodesAreShapeNotJunctions) {
  // Two ways crossing at E; B, D, F, H only bend the ways.
  DrawnMap map(R"(
        A
        |
        B
        |
    C-D-E-F-G
        |
        H
        |
        I
  )");
  map.ways(R"(
    | nodes | highway |
    | ABEHI | footway |
    | CDEFG | path    |
  )");
  const Graph& walk = map.graph(Mode::Walk);
  EXPECT_EQ(walk.nodes(), 5u);
  EXPECT_EQ(walk.edges(), 8u);
  EXPECT_TRUE(map.check(R"(
    | from | to | mode | route | time |
    | A    | G  | walk | ABEFG | 10:40 |
    | C    | I  | walk | CDEHI | 10:40 |
  )"));
}

// ------------------------------------------------------------------------- barriers, node access

TEST(RoutingRules, BarriersAndNodeAccess) {
  EXPECT_TRUE(routability(R"(
    | highway     | node/barrier  | node/access | node/motor_vehicle | node/bicycle | node/foot | node/locked | walk | bike | car |
    | residential |               |             |                    |              |           |             | <>   | <>   | <>  |
    | residential | bollard       |             |                    |              |           |             | <>   | <>   |     |
    | residential | block         |             |                    |              |           |             | <>   | <>   |     |
    | residential | gate          |             |                    |              |           |             | <>   | <>   | <>  |
    | residential | lift_gate     |             |                    |              |           |             | <>   | <>   | <>  |
    | residential | gate          | private     |                    |              |           |             |      |      |     |
    | residential | gate          | private     |                    |              | yes       |             | <>   |      |     |
    | residential | gate          |             |                    |              |           | yes         |      |      |     |
    | residential | lift_gate     | no          |                    | yes          |           |             |      | <>   |     |
    | residential | cycle_barrier |             |                    |              |           |             | <>   | <>   |     |
    | residential | kissing_gate  |             |                    |              |           |             | <>   |      |     |
    | residential | stile         |             |                    |              |           |             | <>   |      |     |
    | residential | cattle_grid   |             |                    |              |           |             | <>   | <>   | <>  |
    | residential | wall          |             |                    |              |           |             |      |      |     |
    | residential | fence         | yes         |                    |              |           |             |      |      |     |
    | residential | bollard       |             | yes                |              |           |             | <>   | <>   | <>  |
    | residential | bollard       | yes         |                    |              |           |             | <>   | <>   | <>  |
    | residential | some_tag      |             |                    |              |           |             | <>   |      |     |
    | residential |               | no          |                    |              |           |             |      |      |     |
    | residential |               | no          |                    | yes          |           |             |      | <>   |     |
    | residential |               |             | no                 |              |           |             | <>   | <>   |     |
    | residential |               |             | agricultural       |              |           |             | <>   | <>   |     |
    | residential |               | unknown     |                    |              |           |             | <>   | <>   | <>  |
  )"));
}

TEST(RoutingRules, ABollardClosesAJunctionToCarsFromEverySide) {
  DrawnMap map(R"(
    A---B---C
        |
        D
  )");
  map.ways(R"(
    | nodes | highway     |
    | ABC   | residential |
    | BD    | residential |
  )");
  map.nodes(R"(
    | node | barrier |
    | B    | bollard |
  )");
  EXPECT_TRUE(map.check(R"(
    | from | to | mode | route |
    | A    | C  | car  | -     |
    | A    | D  | car  | -     |
    | D    | C  | car  | -     |
    | A    | D  | bike | ABD   |
    | D    | C  | walk | DBC   |
  )"));
  EXPECT_EQ(map.graph(Mode::Car).stats.blocked_nodes, 1u);
  EXPECT_EQ(map.graph(Mode::Bike).stats.blocked_nodes, 0u);
}

// ---------------------------------------------------------------------------- access hierarchy

TEST(RoutingRules, AccessHierarchyAndValues) {
  EXPECT_TRUE(routability(R"(
    | highway     | access       | vehicle | motor_vehicle | motorcar | bicycle      | foot | walk | bike | car |
    | residential |              |         |               |          |              |      | <>   | <>   | <>  |
    | residential | no           |         |               |          |              |      |      |      |     |
    | residential | private      |         |               |          |              |      |      |      |     |
    | residential | no           |         |               | yes      |              |      |      |      | <>  |
    | residential | no           |         | yes           |          |              |      |      |      | <>  |
    | residential | no           | yes     |               |          |              |      |      | <>   | <>  |
    | residential | no           |         |               |          | yes          |      |      | <>   |     |
    | residential | no           |         |               |          |              | yes  | <>   |      |     |
    | residential | yes          |         |               | no       |              |      | <>   | <>   |     |
    | residential |              |         | agricultural  |          |              |      | <>   | <>   |     |
    | residential |              |         | forestry      |          |              |      | <>   | <>   |     |
    | residential | agricultural |         |               |          |              |      |      |      |     |
    | residential | forestry     |         |               |          | yes          |      |      | <>   |     |
    | residential | permissive   |         |               |          |              |      | <>   | <>   | <>  |
    | residential | designated   |         |               |          |              |      | <>   | <>   | <>  |
    | residential | destination  |         |               |          |              |      | <>   | <>   | <>  |
    | residential | customers    |         |               |          |              |      | <>   | <>   | <>  |
    | residential | delivery     |         |               |          |              |      |      |      | <>  |
    | residential |              | no      |               |          |              |      | <>   |      |     |
    | residential |              |         | no            |          |              |      | <>   | <>   |     |
    | residential |              |         |               |          | use_sidepath |      | <>   |      | <>  |
    | residential |              |         |               |          | dismount     |      | <>   | <>   | <>  |
    | residential | no           |         |               |          | unknown      |      |      |      |     |
    | residential | unknown      |         |               |          |              |      | <>   | <>   | <>  |
    | residential | psv          |         |               |          |              |      |      |      |     |
    | residential | bus          |         |               |          |              |      |      |      |     |
    | residential | emergency    |         |               |          |              |      |      |      |     |
    | residential | military     |         |               |          |              |      |      |      |     |
    | residential | permit       |         |               |          |              |      |      |      |     |
    | residential | psv          |         |               |          | yes          | yes  | <>   | <>   |     |
    | residential | use_sidepath |         |               |          |              |      |      |      |     |
    | residential |              |         |               | dismount |              |      | <>   | <>   |     |
    | residential |              |         |               | use_sidepath |          |      | <>   | <>   |     |
    | footway     |              |         |               |          |              |      | <>   |      |     |
    | footway     |              |         |               |          | yes          |      | <>   | <>   |     |
    | footway     | yes          |         |               |          |              |      | <>   |      |     |
    | footway     |              | yes     |               |          |              |      | <>   | <>   |     |
    | pedestrian  |              |         |               |          | designated   |      | <>   | <>   |     |
    | cycleway    |              |         |               |          |              | no   |      | <>   |     |
    | track       |              |         |               |          |              |      | <>   | <>   |     |
    | track       |              |         | yes           |          |              |      | <>   | <>   |     |
    | motorway    |              |         |               |          |              |      |      |      | >   |
    | motorway    |              |         |               |          | yes          | yes  |      |      | >   |
  )"));
}

// A value may list several groups; the list names everyone who may use the way, so the most
// permissive value the mode knows decides.
TEST(RoutingRules, AccessValueListsLetTheMostPermissiveKnownValueDecide) {
  EXPECT_TRUE(routability(R"(
    | highway     | access                 | motor_vehicle            | bicycle              | walk | bike | car |
    | residential |                        | agricultural;forestry    |                      | <>   | <>   |     |
    | residential |                        | agricultural; forestry   |                      | <>   | <>   |     |
    | residential | agricultural;forestry  |                          |                      |      |      |     |
    | residential | no                     | agricultural;destination |                      |      |      | <>  |
    | residential | no                     | forestry;yes             |                      |      |      | <>  |
    | residential | no                     | unknown;other            |                      |      |      |     |
    | residential |                        | unknown;other            |                      | <>   | <>   | <>  |
    | residential | no                     |                          | dismount;no          |      | <>   |     |
    | residential | destination;delivery   |                          |                      | <>   | <>   | <>  |
  )"));
}

TEST(RoutingRules, DirectionalAccess) {
  EXPECT_TRUE(routability(R"(
    | highway     | access:backward | motor_vehicle:backward | bicycle:forward | vehicle:forward | foot:backward | walk | bike | car |
    | residential | no              |                        |                 |                 |               | >    | >    | >   |
    | residential |                 | no                     |                 |                 |               | <>   | <>   | >   |
    | residential |                 |                        | no              |                 |               | <>   | <    | <>  |
    | residential |                 |                        |                 | no              |               | <>   | <    | <   |
    | residential |                 |                        |                 |                 | no            | >    | <>   | <>  |
    | residential | no              |                        |                 |                 | yes           | <>   | >    | >   |
  )"));
  EXPECT_TRUE(routability(R"(
    | highway     | access:forward | access | bicycle:backward | walk | bike | car |
    | residential | no             |        |                  | <    | <    | <   |
    | residential | yes            | no     |                  | >    | >    | >   |
    | residential | yes            | no     | yes              | >    | <>   | >   |
  )"));
}

// ----------------------------------------------------------------------------------- one way

TEST(RoutingRules, OnewayVariants) {
  EXPECT_TRUE(routability(R"(
    | highway     | oneway      | oneway:bicycle | cycleway      | junction   | walk | bike | car |
    | residential | yes         |                |               |            | <>   | >    | >   |
    | residential | true        |                |               |            | <>   | >    | >   |
    | residential | 1           |                |               |            | <>   | >    | >   |
    | residential | -1          |                |               |            | <>   | <    | <   |
    | residential | reverse     |                |               |            | <>   | <    | <   |
    | residential | reversible  |                |               |            | <>   |      |     |
    | residential | alternating |                |               |            | <>   | <>   | <>  |
    | residential | no          |                |               |            | <>   | <>   | <>  |
    | residential | nonsense    |                |               |            | <>   | <>   | <>  |
    | residential | yes         | no             |               |            | <>   | <>   | >   |
    | residential | yes         |                | opposite      |            | <>   | <>   | >   |
    | residential | yes         |                | opposite_lane |            | <>   | <>   | >   |
    | residential | yes         | yes            | opposite_lane |            | <>   | >    | >   |
    | residential |             | yes            |               |            | <>   | >    | <>  |
    | residential |             | -1             |               |            | <>   | <    | <>  |
    | residential |             |                |               | roundabout | <>   | >    | >   |
    | residential |             |                |               | circular   | <>   | >    | >   |
    | residential | no          |                |               | roundabout | <>   | <>   | <>  |
    | residential | -1          |                |               | roundabout | <>   | <    | <   |
    | motorway    | no          |                |               |            |      |      | <>  |
  )"));
  EXPECT_TRUE(routability(R"(
    | highway     | oneway | oneway:motor_vehicle | oneway:motorcar | oneway:vehicle | oneway:foot | cycleway:left | cycleway:right:oneway | walk | bike | car |
    | residential |        | yes                  |                 |                |             |               |                       | <>   | <>   | >   |
    | residential | yes    | no                   |                 |                |             |               |                       | <>   | >    | <>  |
    | residential |        |                      | -1              |                |             |               |                       | <>   | <>   | <   |
    | residential |        |                      |                 | yes            |             |               |                       | <>   | >    | >   |
    | footway     |        |                      |                 |                | yes         |               |                       | >    |      |     |
    | residential | yes    |                      |                 |                |             | opposite_lane |                       | <>   | <>   | >   |
    | residential | yes    |                      |                 |                |             |               | -1                    | <>   | <>   | >   |
  )"));
}

TEST(RoutingRules, OnewayStreetsMakeDetoursForCarsAndBikes) {
  DrawnMap map(R"(
    A---B---C
    |       |
    D-------E
  )");
  map.ways(R"(
    | nodes | highway     | oneway | oneway:bicycle |
    | AB    | residential | yes    | no             |
    | BC    | residential | yes    |                |
    | AD    | residential |        |                |
    | DE    | residential |        |                |
    | CE    | residential |        |                |
  )");
  // C to A: cars and bikes go round by E and D (200 + 800 + 200 m), bikes may ride back on AB.
  EXPECT_TRUE(map.check(R"(
    | from | to | mode | route | time  |
    | A    | C  | car  | ABC   | 96    |
    | C    | A  | car  | CEDA  | 144   |
    | C    | A  | bike | CEDA  | 288   |
    | B    | A  | bike | BA    | 96    |
    | B    | A  | car  | BCEDA | 192   |
    | C    | A  | walk | CBA   | 10:40 |
  )"));
}

// -------------------------------------------------------------------------------- closed ways

TEST(RoutingRules, ClosedWays) {
  EXPECT_TRUE(routability(R"(
    | highway      | motorroad | construction | service          | motor_vehicle | bicycle | walk | bike | car |
    | primary      | yes       |              |                  |               |         |      |      | <>  |
    | primary      | no        |              |                  |               |         | <>   | <>   | <>  |
    | residential  |           | yes          |                  |               |         |      |      |     |
    | residential  |           | minor        |                  |               |         |      |      |     |
    | residential  |           | no           |                  |               |         | <>   | <>   | <>  |
    | construction |           | residential  |                  |               |         |      |      |     |
    | service      |           |              | emergency_access |               |         | <>   | <>   |     |
    | service      |           |              | emergency_access | yes           |         | <>   | <>   | <>  |
    | service      |           |              | driveway         |               |         | <>   | <>   | <>  |
    | residential  |           | yes          |                  |               | yes     |      | <>   |     |
  )"));
}

// ------------------------------------------------------------------------------------- ferries

TEST(RoutingRules, FerriesAndWhoMayBoard) {
  EXPECT_TRUE(routability(R"(
    | highway | route | motor_vehicle | foot | bicycle | walk | bike | car |
    |         | ferry |               |      |         | <>   | <>   |     |
    |         | ferry | yes           |      |         | <>   | <>   | <>  |
    |         | ferry |               | no   |         |      | <>   |     |
    |         | ferry | no            |      | no      | <>   |      |     |
  )"));
}

TEST(RoutingRules, FerryTimeFromItsDurationOrItsSpeed) {
  DrawnMap map(R"(
    E---A---B-------C---F
            |
            D
  )");
  map.ways(R"(
    | nodes | route | duration | motor_vehicle |
    | ABC   | ferry | 00:12    | yes           |
  )");
  map.ways(R"(
    | nodes | highway     |
    | EA    | residential |
    | CF    | residential |
    | BD    | residential |
  )");
  // 12 minutes for the ferry's 1200 m, shared by length: 4 minutes from A to B. Cars may board
  // (motor_vehicle=yes).
  EXPECT_TRUE(map.check(R"(
    | from | to | mode | route   | time  |
    | E    | D  | walk | EABD    | 12:00 |
    | E    | F  | car  | EABCF   | 816   |
  )"));
  EXPECT_EQ(map.graph(Mode::Walk).stats.ferries, 1u);
  DrawnMap slow("E---A---B---F");
  slow.ways(R"(
    | nodes | highway     | route |
    | EA    | residential |       |
    | AB    |             | ferry |
    | BF    | residential |       |
  )");
  // No duration: 10 km/h, 400 m in 144 s. Cars may not board an untagged ferry. Points never join
  // a ferry: A joins EA.
  EXPECT_TRUE(slow.check(R"(
    | from | to | mode | route | time |
    | E    | F  | walk | EABF  | 784  |
    | E    | F  | car  | -     |      |
  )"));
}

// Found by fuzz/fuzz_osm_tags: duration=PT1e40S gave a ferry more seconds than a float holds. A
// duration longer than a week is not understood: the ferry runs at its speed (10 km/h).
TEST(RoutingRules, FerryDurationLongerThanAWeekIsNotUnderstood) {
  DrawnMap map("E---A---B---F");
  map.ways(R"(
    | nodes | highway     | route | duration |
    | EA    | residential |       |          |
    | AB    |             | ferry | PT1e40S  |
    | BF    | residential |       |          |
  )");
  // As an untagged ferry: walk 320 s, ferry 400 m at 10 km/h 144 s, walk 320 s.
  EXPECT_TRUE(map.check(R"(
    | from | to | mode | route | time |
    | E    | F  | walk | EABF  | 784  |
  )"));
}

// ---------------------------------------------------------------------- destination-only roads

TEST(RoutingRules, DestinationRoadsOnlyAtTheStartOrEndOfATrip) {
  DrawnMap map(R"(
    A---B--1--C---D
        |         |
        E---------F
  )");
  map.ways(R"(
    | nodes | highway     | motor_vehicle |
    | AB    | residential |               |
    | BC    | residential | destination   |
    | CD    | residential |               |
    | BE    | residential |               |
    | EF    | residential |               |
    | FD    | residential |               |
  )");
  // Through traffic goes round (1800 m, not 1400 m); trips to and from point 1 may use BC.
  EXPECT_TRUE(map.check(R"(
    | from | to | mode | route | time |
    | A    | D  | car  | ABEFD | 216  |
    | D    | A  | car  | DFEBA | 216  |
    | A    | 1  | car  | AB1   | 84   |
    | 1    | A  | car  | 1BA   | 84   |
    | 1    | D  | car  | 1CD   | 84   |
    | A    | D  | bike | ABCD  | 336  |
  )"));
  EXPECT_EQ(map.graph(Mode::Car).stats.destination_edges, 2u);
  EXPECT_EQ(map.graph(Mode::Bike).stats.destination_edges, 0u);
}

// Every value that means "only to get somewhere here" keeps through traffic out of BC, for the
// modes it applies to (docs/access_network.md, Access values).
TEST(RoutingRules, EveryDestinationValueKeepsThroughTrafficOut) {
  const std::pair<const char*, const char*> cases[] = {{"car", "destination"},
                                                       {"car", "customers"},
                                                       {"car", "delivery"},
                                                       {"bike", "destination"},
                                                       {"bike", "customers"}};
  for (const auto& [mode, value] : cases) {
    DrawnMap map(R"(
      A---B--1--C---D
          |         |
          E---------F
    )");
    map.ways(std::string("| nodes | highway | access |\n") +
             "| AB | residential | |\n| BC | residential | " + value +
             " |\n| CD | residential | |\n| BE | residential | |\n| EF | residential | |\n"
             "| FD | residential | |\n");
    const std::string m = mode;
    EXPECT_TRUE(map.check("| from | to | mode | route |\n| A | D | " + m +
                          " | ABEFD |\n| D | A | " + m + " | DFEBA |\n| A | 1 | " + m +
                          " | AB1 |\n| 1 | D | " + m + " | 1CD |\n"))
        << mode << " on access=" << value;
  }
}

TEST(RoutingRules, FromOneDestinationZoneIntoAnother) {
  // P and Q lie in destination-only zones: P→Q leaves one and enters the other (allowed);
  // P→R would cross the zone of Q to reach a normal road again (not allowed: it goes round).
  DrawnMap map(R"(
    P---A---B---Q---R
            |       |
            C-------D
  )");
  map.ways(R"(
    | nodes | highway     | access      |
    | PA    | residential | destination |
    | AB    | residential |             |
    | BQ    | residential | destination |
    | QR    | residential |             |
    | BC    | residential |             |
    | CD    | residential |             |
    | DR    | residential |             |
  )");
  EXPECT_TRUE(map.check(R"(
    | from | to | mode | route   |
    | P    | Q  | car  | PABQ    |
    | P    | R  | car  | PABCDR  |
    | R    | P  | car  | RDCBAP  |
    | Q    | P  | car  | QBAP    |
  )"));
}

// -------------------------------------------------------------------------- turn restrictions

namespace {

// A block of streets: A to D turns right at B (800 m; round by C and E 1832 m); A to E goes
// straight on at B and right at C (1200 m; by D 1432 m).
DrawnMap block() {
  DrawnMap map(R"(
    A---B-----C
        |     |
        |     E
        |    /
        D---/
  )");
  map.ways(R"(
    | nodes | highway     |
    | AB    | residential |
    | BC    | residential |
    | BD    | residential |
    | CE    | residential |
    | DE    | residential |
  )");
  return map;
}

}  // namespace

TEST(RoutingRules, NoTurnViaNode) {
  DrawnMap map = block();
  EXPECT_TRUE(map.check(R"(
    | from | to | mode | route |
    | A    | D  | car  | ABD   |
  )"));
  map.relations(R"(
    | restriction   | from | via | to |
    | no_right_turn | AB   | B   | BD |
  )");
  // Cars go round by C and E; the other turns, other modes and the way back are not affected.
  EXPECT_TRUE(map.check(R"(
    | from | to | mode | route  |
    | A    | D  | car  | ABCED  |
    | A    | C  | car  | ABC    |
    | D    | A  | car  | DBA    |
    | C    | A  | car  | CBA    |
    | A    | D  | bike | ABD    |
    | A    | D  | walk | ABD    |
  )"));
  EXPECT_EQ(map.graph(Mode::Car).stats.restrictions_applied, 1u);
  EXPECT_EQ(map.graph(Mode::Car).stats.restrictions_skipped, 0u);
}

TEST(RoutingRules, OnlyTurnViaNode) {
  DrawnMap map = block();
  map.relations(R"(
    | restriction      | from | via | to |
    | only_straight_on | AB   | B   | BC |
  )");
  EXPECT_TRUE(map.check(R"(
    | from | to | mode | route |
    | A    | D  | car  | ABCED |
    | A    | C  | car  | ABC   |
  )"));
}

TEST(RoutingRules, NoTurnViaWay) {
  DrawnMap map = block();
  EXPECT_TRUE(map.check(R"(
    | from | to | mode | route |
    | A    | E  | car  | ABCE  |
  )"));
  map.relations(R"(
    | restriction   | from | via | to |
    | no_right_turn | AB   | BC  | CE |
  )");
  // From A the right turn at C after BC is forbidden; coming from BD it is not.
  EXPECT_TRUE(map.check(R"(
    | from | to | mode | route |
    | A    | E  | car  | ABDE  |
    | D    | E  | car  | DE    |
    | C    | E  | car  | CE    |
  )"));
  EXPECT_EQ(map.graph(Mode::Car).stats.restrictions_applied, 1u);
}

TEST(RoutingRules, OnlyTurnViaWay) {
  // After AB and BC a car must turn right into CE; it turns round at E (the shortest way back
  // to C, 1800 m; round by D 2032 m). Starting at B, or by bike, BC leads straight on to F.
  DrawnMap map(R"(
    A---B-----C---F
        |     |
        |     E
        |    /
        D---/
  )");
  map.ways(R"(
    | nodes | highway     |
    | AB    | residential |
    | BC    | residential |
    | CF    | residential |
    | BD    | residential |
    | CE    | residential |
    | DE    | residential |
  )");
  EXPECT_TRUE(map.check(R"(
    | from | to | mode | route |
    | A    | F  | car  | ABCF  |
  )"));
  map.relations(R"(
    | restriction     | from | via | to |
    | only_right_turn | AB   | BC  | CE |
  )");
  EXPECT_TRUE(map.check(R"(
    | from | to | mode | route  |
    | A    | F  | car  | ABCECF |
    | A    | E  | car  | ABCE   |
    | B    | F  | car  | BCF    |
    | A    | F  | bike | ABCF   |
  )"));
  EXPECT_EQ(map.graph(Mode::Car).stats.restrictions_applied, 1u);
}

TEST(RoutingRules, NoEntryFromSeveralWaysAndNoExitIntoSeveral) {
  DrawnMap map = block();
  // no_entry: BD may not be entered at B, whether from AB or from BC.
  map.relations(R"(
    | restriction | from  | via | to |
    | no_entry    | AB,BC | B   | BD |
  )");
  EXPECT_TRUE(map.check(R"(
    | from | to | mode | route |
    | A    | D  | car  | ABCED |
    | D    | A  | car  | DBA   |
  )"));
  // no_exit: from BD at B, neither AB nor BC may be taken.
  map.relations(R"(
    | restriction | from | via | to    |
    | no_exit     | BD   | B   | AB,BC |
  )");
  EXPECT_TRUE(map.check(R"(
    | from | to | mode | route |
    | D    | A  | car  | DECBA |
    | A    | D  | car  | ABCED |
  )"));
}

TEST(RoutingRules, RestrictionsHoldForPointsOnTheRoads) {
  DrawnMap map(R"(
    A-1-B-----C
        |     |
        2     E
        |    /
        D---/
  )");
  map.ways(R"(
    | nodes | highway     |
    | AB    | residential |
    | BC    | residential |
    | BD    | residential |
    | CE    | residential |
    | DE    | residential |
  )");
  map.relations(R"(
    | restriction   | from | via | to |
    | no_right_turn | AB   | B   | BD |
  )");
  // From point 1 (on AB) to point 2 (on BD): not right at B. The graph is node-based, so a car
  // may turn back at any junction: back from C (1600 m) beats round by E and D (1832 m).
  EXPECT_TRUE(map.check(R"(
    | from | to | mode | route    |
    | 1    | 2  | car  | 1BCB2    |
    | 1    | 2  | walk | 1B2      |
    | 2    | 1  | car  | 2B1      |
  )"));
}

TEST(RoutingRules, RestrictionsThatDoNotFitAreSkippedAndCounted) {
  DrawnMap map(R"(
    A---B-----C
        |     |
        |     |
        D-----E
  )");
  map.ways(R"(
    | nodes | highway     |
    | ABC   | residential |
    | BD    | residential |
    | CE    | residential |
    | DE    | residential |
    | AD    | footway     |
  )");
  // ABC passes through B (a from way must end at the via node); 'maybe_left' is no restriction
  // value; AD is not a car road; except=motorcar and restriction:bicycle are not for cars.
  map.relations(R"(
    | restriction       | from | via | to | except   | restriction:bicycle |
    | no_right_turn     | ABC  | B   | BD |          |                     |
    | maybe_left        | BD   | B   | ABC|          |                     |
    | no_left_turn      | AD   | D   | DE |          |                     |
    | no_left_turn      | BD   | D   | DE | motorcar |                     |
    |                   | BD   | D   | DE |          | no_left_turn        |
  )");
  const Graph& car = map.graph(Mode::Car);
  EXPECT_EQ(car.stats.restrictions_applied, 0u);
  EXPECT_EQ(car.stats.restrictions_skipped, 3u);
  ASSERT_EQ(car.stats.skipped_examples.size(), 3u);
  EXPECT_NE(car.stats.skipped_examples[0].find("does not start or end at the via node"),
            std::string::npos)
      << car.stats.skipped_examples[0];
  EXPECT_NE(car.stats.skipped_examples[1].find("unknown restriction value"), std::string::npos);
  EXPECT_NE(car.stats.skipped_examples[2].find("not in the graph"), std::string::npos);
  EXPECT_TRUE(map.check(R"(
    | from | to | mode | route |
    | A    | D  | car  | ABD   |
  )"));
  // A profile may apply restrictions to bikes: then the restriction:bicycle one counts.
  Profile p = Profile::defaults();
  p.mode(Mode::Bike).turn_restrictions = true;
  map.profile(p);
  EXPECT_EQ(map.graph(Mode::Bike).stats.restrictions_applied, 2u);
  EXPECT_TRUE(map.check(R"(
    | from | to | mode | route  |
    | B    | E  | bike | BCE    |
  )"));
}

TEST(RoutingRules, UTurnsAtDeadEndsStillAllowed) {
  // With no way round, a car that may not turn left at B turns back at the end of BC.
  DrawnMap map(R"(
    A---B---C
        |
        D
  )");
  map.ways(R"(
    | nodes | highway     |
    | AB    | residential |
    | BC    | residential |
    | BD    | residential |
  )");
  map.relations(R"(
    | restriction  | from | via | to |
    | no_left_turn | AB   | B   | BD |
  )");
  EXPECT_TRUE(map.check(R"(
    | from | to | mode | route  |
    | A    | D  | car  | ABCBD  |
  )"));
}
