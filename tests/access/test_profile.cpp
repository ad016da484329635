// The routing profile: the documented Dutch defaults, the shipped profile file that spells them
// out, the old speeds-only files, and errors that name file:line:column.
#include <gtest/gtest.h>

#include <string>

#include "access/profile.hpp"
#include "core/error.hpp"
#include "test_util.hpp"

using namespace casco;
using namespace casco::access;

namespace {

std::filesystem::path shipped() {
  return std::filesystem::path(CASCO_SOURCE_DIR) / "data/profiles/nl.toml";
}

}  // namespace

TEST(RoutingProfile, DefaultsHaveTheDocumentedSpeeds) {
  Profile p = Profile::defaults();
  const auto& walk = p.mode(Mode::Walk).speed_kmh;
  const auto& bike = p.mode(Mode::Bike).speed_kmh;
  const auto& car = p.mode(Mode::Car).speed_kmh;
  EXPECT_DOUBLE_EQ(walk.at("footway"), 4.5);
  EXPECT_DOUBLE_EQ(walk.at("residential"), 4.5);
  EXPECT_LT(walk.at("steps"), 4.5);
  EXPECT_FALSE(walk.count("motorway"));
  EXPECT_DOUBLE_EQ(bike.at("cycleway"), 15);
  EXPECT_DOUBLE_EQ(bike.at("secondary"), 15);
  EXPECT_FALSE(bike.count("motorway"));
  EXPECT_FALSE(bike.count("trunk"));
  EXPECT_FALSE(bike.count("footway"));
  EXPECT_DOUBLE_EQ(p.mode(Mode::Bike).if_allowed_kmh.at("footway"), 15);
  EXPECT_DOUBLE_EQ(car.at("motorway"), 100);
  EXPECT_DOUBLE_EQ(car.at("trunk"), 80);
  EXPECT_DOUBLE_EQ(car.at("primary"), 70);
  EXPECT_DOUBLE_EQ(car.at("secondary"), 60);
  EXPECT_DOUBLE_EQ(car.at("tertiary"), 50);
  EXPECT_DOUBLE_EQ(car.at("unclassified"), 40);
  EXPECT_DOUBLE_EQ(car.at("residential"), 30);
  EXPECT_DOUBLE_EQ(car.at("living_street"), 15);
  EXPECT_DOUBLE_EQ(car.at("service"), 15);
  EXPECT_DOUBLE_EQ(car.at("secondary_link"), car.at("secondary"));
  EXPECT_FALSE(car.count("footway"));
  EXPECT_FALSE(car.count("cycleway"));
  EXPECT_DOUBLE_EQ(p.ferry_kmh, 10);
}

TEST(RoutingProfile, DefaultsReadOsmAsTheDutchDo) {
  Profile p = Profile::defaults();
  const ModeProfile &walk = p.mode(Mode::Walk), &bike = p.mode(Mode::Bike),
                    &car = p.mode(Mode::Car);
  // Access hierarchy, most specific first.
  EXPECT_EQ(car.access_keys,
            (std::vector<std::string>{"motorcar", "motor_vehicle", "vehicle", "access"}));
  EXPECT_EQ(bike.access_keys, (std::vector<std::string>{"bicycle", "vehicle", "access"}));
  EXPECT_EQ(walk.access_keys, (std::vector<std::string>{"foot", "access"}));
  // Agricultural roads are closed to cars; destination roads only at a trip's ends.
  EXPECT_EQ(car.access_values.at("agricultural"), Access::Forbid);
  EXPECT_EQ(car.access_values.at("destination"), Access::Destination);
  EXPECT_EQ(bike.access_values.at("dismount"), Access::Dismount);
  EXPECT_EQ(bike.access_values.at("use_sidepath"), Access::Forbid);
  // Barriers: bollards stop cars only; walls stop everyone.
  EXPECT_EQ(car.barriers.at("bollard"), Barrier::Block);
  EXPECT_EQ(bike.barriers.at("bollard"), Barrier::Pass);
  EXPECT_EQ(walk.barriers.at("kissing_gate"), Barrier::Pass);
  EXPECT_EQ(bike.barriers.at("kissing_gate"), Barrier::Block);
  for (const ModeProfile* m : {&walk, &bike, &car})
    EXPECT_EQ(m->barriers.at("wall"), Barrier::Never);
  EXPECT_TRUE(car.turn_restrictions);
  EXPECT_FALSE(bike.turn_restrictions);
  EXPECT_TRUE(bike.contraflow);
  EXPECT_FALSE(car.ferry);
  EXPECT_TRUE(walk.ferry);
  EXPECT_DOUBLE_EQ(car.snap_max_m, 1000);
}

TEST(RoutingProfile, TheShippedFileIsExactlyTheDefaults) {
  Profile p = Profile::load(shipped());
  for (Mode m : {Mode::Walk, Mode::Bike, Mode::Car})
    EXPECT_TRUE(p.mode(m) == Profile::defaults().mode(m)) << to_string(m);
  EXPECT_TRUE(p == Profile::defaults());
}

TEST(RoutingProfile, OldSpeedFilesStillLoad) {
  test::TempDir dir;
  test::write_file(dir / "speeds.toml", "[car]\nresidential = 25\nprimary = 60.5\n");
  Profile p = Profile::load(dir / "speeds.toml");
  const auto& car = p.mode(Mode::Car).speed_kmh;
  EXPECT_EQ(car.size(), 2u);
  EXPECT_DOUBLE_EQ(car.at("residential"), 25);
  EXPECT_DOUBLE_EQ(car.at("primary"), 60.5);
  EXPECT_EQ(p.mode(Mode::Walk), Profile::defaults().mode(Mode::Walk));
  // Everything else about cars keeps its default.
  EXPECT_EQ(p.mode(Mode::Car).barriers, Profile::defaults().mode(Mode::Car).barriers);
  // As before: a footway open to bikes runs at the file's cycleway speed.
  test::write_file(dir / "bike.toml", "[bike]\ncycleway = 18\nresidential = 16\n");
  EXPECT_DOUBLE_EQ(Profile::load(dir / "bike.toml").mode(Mode::Bike).if_allowed_kmh.at("footway"),
                   18);
}

TEST(RoutingProfile, TablesReplaceTheirDefaultKeysTheirSetting) {
  test::TempDir dir;
  test::write_file(dir / "p.toml", R"([car]
snap_max_m = 250
turn_restrictions = false
closed = ["service=emergency_access"]
[car.access]
yes = "allow"
agricultural = "allow"
[car.barriers]
bollard = "pass"
[ferry]
speed_kmh = 12
)");
  Profile p = Profile::load(dir / "p.toml");
  const ModeProfile& car = p.mode(Mode::Car);
  EXPECT_DOUBLE_EQ(car.snap_max_m, 250);
  EXPECT_FALSE(car.turn_restrictions);
  EXPECT_EQ(car.closed, (std::vector<TagMatch>{{"service", "emergency_access"}}));
  EXPECT_EQ(car.access_values.size(), 2u);  // the table replaced the default one
  EXPECT_EQ(car.access_values.at("agricultural"), Access::Allow);
  EXPECT_EQ(car.barriers.size(), 1u);
  EXPECT_EQ(car.speed_kmh, Profile::defaults().mode(Mode::Car).speed_kmh);  // untouched
  EXPECT_DOUBLE_EQ(p.ferry_kmh, 12);
}

TEST(RoutingProfile, ErrorsNameFileLineColumn) {
  test::TempDir dir;
  auto expect_error = [&](const std::string& text, const std::string& where,
                          const std::string& what) {
    auto f = dir / "p.toml";
    test::write_file(f, text);
    try {
      Profile::load(f);
      FAIL() << "no error for: " << text;
    } catch (const Error& e) {
      std::string m = e.what();
      EXPECT_NE(m.find(f.string() + ":" + where), std::string::npos) << m;
      EXPECT_NE(m.find(what), std::string::npos) << m;
    }
  };
  expect_error("[car]\nresidential = \"fast\"\n", "2:15", "must be a number");
  expect_error("[car]\nresidential = 0\n", "2:15", "above 0");
  expect_error("[boat]\nriver = 10\n", "1:1", "unknown key 'boat'");
  expect_error("[car\n", "1:", "malformed TOML");
  expect_error("[car]\nsnap_max = 500\n", "2:12", "unknown key 'snap_max'");
  expect_error("[car]\nturn_restrictions = \"yes\"\n", "2:21", "true or false");
  expect_error("[car.access]\nprivate = \"maybe\"\n", "2:11", "use one of allow, destination");
  expect_error("[bike.barriers]\nbollard = \"open\"\n", "2:11", "pass, block, never");
  expect_error("[car]\nclosed = [\"construction\"]\n", "2:11", "not \"key=value\"");
  expect_error("[car]\nresidential = 30\n[car.speeds]\nprimary = 70\n", "3:1", "in one place");
  expect_error("[walk]\nsnap_max_m = -5\n", "2:14", "above 0");
  expect_error("[ferry]\nspeed = 5\n", "2:9", "unknown key 'speed'");
  EXPECT_THROW(Profile::load(dir / "missing.toml"), Error);
}
