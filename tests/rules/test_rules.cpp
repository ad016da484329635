#include <gtest/gtest.h>

#include "core/error.hpp"
#include "rules/rules.hpp"

using namespace casco;
using namespace casco::rules;

namespace {
const std::string kHead = R"([ruleset]
name = "Proef"
[kinds.woningbouw]
title = "Woningbouw"
[kinds.zonnepark]
title = "Zonnepark"
)";

const std::string kRule = R"(
[[rule]]
id = "n2000"
title = "Natura 2000"
kinds = ["*"]
when = "natura2000 > 0"
verdict = "verboden"
reason = "In Natura 2000."
policy = { document = "NOVEX 2023", quote = "robuuste systemen" }
)";

std::string error_of(const std::string& text) {
  try {
    parse_rules(text, "rules.toml");
  } catch (const Error& e) {
    return e.what();
  }
  return "";
}
}  // namespace

TEST(RuleFile, ParsesKindsRulesAndPolicies) {
  RuleSet set = parse_rules(kHead + kRule + R"(
[[rule]]
id = "lofar"
title = "LOFAR"
kinds = ["zonnepark"]
when = "provincie > 0"
verdict = "afstemming"
party = "ASTRON"
reason = "Radiosterrenkunde."
policy = { document = "NOVEX 2023" }

[[rule]]
id = "ov"
title = "OV"
kinds = ["woningbouw"]
when = "afstand_station < 2000"
verdict = "score"
score = 1.5
reason = "Dicht bij het station."
policy = { document = "NOVEX 2023" }

[[rule]]
id = "beekdal"
title = "Beekdal"
kinds = ["woningbouw"]
when = "beekdalen > 0"
verdict = "nee_tenzij"
conditions = ["geen afname van de waterberging"]
reason = "Beekdal."
policy = { document = "Omgevingsvisie" }
enabled = false
needs = ["beekdalen"]
)",
                            "rules.toml");
  ASSERT_EQ(set.kinds.size(), 2u);
  ASSERT_EQ(set.rules.size(), 4u);
  EXPECT_TRUE(set.rules[0].applies_to("zonnepark"));
  EXPECT_FALSE(set.rules[1].applies_to("woningbouw"));
  EXPECT_EQ(set.rules[1].party, "ASTRON");
  EXPECT_TRUE(set.rules[2].is_score);
  EXPECT_DOUBLE_EQ(set.rules[2].score, 1.5);
  EXPECT_FALSE(set.rules[3].enabled);

  // Compiled for one kind: enabled rules that apply; a disabled rule's missing layer is fine.
  CompiledRules zp(set, "zonnepark", {"natura2000", "provincie", "afstand_station"});
  ASSERT_EQ(zp.rules().size(), 2u);
  EXPECT_EQ(zp.layers(), (std::vector<std::string>{"natura2000", "provincie"}));
  CompiledRules wb(set, "woningbouw", {"natura2000", "provincie", "afstand_station"});
  EXPECT_EQ(wb.rules().size(), 2u);
  EXPECT_TRUE(wb.notes().empty());
  // Once the model has the layer a disabled rule waits for, it stays off but says so.
  CompiledRules ready(set, "woningbouw",
                      {"natura2000", "provincie", "afstand_station", "beekdalen"});
  EXPECT_EQ(ready.rules().size(), 2u);
  ASSERT_EQ(ready.notes().size(), 1u);
  EXPECT_NE(ready.notes()[0].find("rule 'beekdal' is switched off"), std::string::npos)
      << ready.notes()[0];
  EXPECT_NE(ready.notes()[0].find("rules.toml:"), std::string::npos) << ready.notes()[0];
  EXPECT_THROW(CompiledRules(set, "kantoren", {"natura2000"}), Error);
  try {
    CompiledRules(set, "zonnepark", {"natura2000"});
    FAIL();
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("unknown layer 'provincie'"), std::string::npos)
        << e.what();
  }
}

TEST(RuleFile, ErrorsNameTheLineAndWhatToDo) {
  EXPECT_NE(error_of(kHead + "[[rule]\n").find("rules.toml:7:"), std::string::npos);
  std::string bad_when = kHead + kRule;
  bad_when.replace(bad_when.find("natura2000 > 0"), 14, "natura2000 >> 0");
  std::string e = error_of(bad_when);
  EXPECT_NE(e.find("rules.toml:12:21:"), std::string::npos) << e;  // the second '>' in line 12
  std::string bad_verdict = kHead + kRule;
  bad_verdict.replace(bad_verdict.find("\"verboden\""), 10, "\"nee\"");
  EXPECT_NE(error_of(bad_verdict).find("must be verboden, nee_tenzij"), std::string::npos);
  std::string bad_kind = kHead + kRule;
  bad_kind.replace(bad_kind.find("[\"*\"]"), 5, "[\"kantoren\"]");
  EXPECT_NE(error_of(bad_kind).find("unknown kind 'kantoren'"), std::string::npos);
  std::string no_party = kHead + kRule;
  no_party.replace(no_party.find("\"verboden\""), 10, "\"afstemming\"");
  EXPECT_NE(error_of(no_party).find("names the 'party'"), std::string::npos);
  std::string no_conditions = kHead + kRule;
  no_conditions.replace(no_conditions.find("\"verboden\""), 10, "\"nee_tenzij\"");
  EXPECT_NE(error_of(no_conditions).find("'conditions'"), std::string::npos);
  EXPECT_NE(error_of(kHead + kRule + kRule).find("used twice"), std::string::npos);
  std::string typo = kHead + kRule;
  typo.replace(typo.find("reason"), 6, "reden");
  EXPECT_NE(error_of(typo).find("unknown key 'reden'"), std::string::npos);
  EXPECT_THROW(load_rules("/nonexistent/rules.toml"), Error);
}

TEST(RuleFile, SameConditionWithDifferentVerdictsIsReported) {
  std::string second = kRule;
  second.replace(second.find("\"n2000\""), 7, "\"n2000b\"");
  second.replace(second.find("\"verboden\""), 10, "\"voorwaarde\"");
  RuleSet set = parse_rules(kHead + kRule + second, "rules.toml");
  CompiledRules c(set, "woningbouw", {"natura2000"});
  ASSERT_EQ(c.notes().size(), 1u);
  EXPECT_NE(c.notes()[0].find("same condition"), std::string::npos);
}

namespace {
// The old, weak rule (distance to a named water) and two rules on hydrology layers that take its
// place as soon as the model has those layers.
const std::string kSwitching = R"([ruleset]
name = "Proef"
[kinds.waterberging]
title = "Waterberging"
[kinds.woningbouw]
title = "Woningbouw"

[[rule]]
id = "bij_water"
title = "Bij water"
kinds = ["waterberging"]
when = "afstand_water <= 500"
verdict = "score"
score = 1
reason = "Dicht bij water."
policy = { document = "NOVEX 2023" }
replaced_by = ["in_laagte"]

[[rule]]
id = "in_laagte"
title = "In een laagte"
kinds = ["waterberging"]
when = "bluespot_diepte >= 0.1"
verdict = "score"
score = 2
reason = "Een laagte."
policy = { document = "NOVEX 2023" }
enabled = "when_available"

[[rule]]
id = "bluespot_bouw"
title = "Bluespot"
kinds = ["woningbouw"]
when = "bluespot_diepte >= 0.3 and hand <= 1"
verdict = "nee_tenzij"
conditions = ["compensatie"]
reason = "Een diepe laagte."
policy = { document = "NOVEX 2023" }
enabled = "when_available"
needs = ["hand"]
)";

std::vector<std::string> ids_of(const CompiledRules& c) {
  std::vector<std::string> out;
  for (const Rule* r : c.rules()) out.push_back(r->id);
  return out;
}
}  // namespace

// enabled = "when_available": the rule waits for every layer it reads (its `when` and `needs`)
// and is applied as soon as the model has them; replaced_by: the old rule steps aside then.
TEST(RuleSwitches, WhenAvailableRulesSwitchOnWithTheirLayersAndReplaceTheOldRule) {
  RuleSet set = parse_rules(kSwitching, "rules.toml");
  const Rule& laagte = set.rules[1];
  EXPECT_EQ(laagte.switched, Rule::Switch::WhenAvailable);
  EXPECT_EQ(laagte.needs, (std::vector<std::string>{"bluespot_diepte"}));
  // needs written in the file come first; the layers of `when` are added once.
  EXPECT_EQ(set.rules[2].needs, (std::vector<std::string>{"hand", "bluespot_diepte"}));
  // Before a model is seen: waiting, as the file says.
  EXPECT_TRUE(laagte.waiting());

  // Without the hydrology: the old rule applies, the new ones wait for their layers.
  const std::vector<std::string> bundled = {"afstand_water"};
  switch_rules(set, bundled);
  EXPECT_TRUE(set.rules[0].enabled);
  EXPECT_TRUE(set.rules[1].waiting());
  EXPECT_TRUE(set.rules[2].waiting());
  EXPECT_TRUE(set.switches.empty());
  EXPECT_EQ(ids_of(CompiledRules(set, "waterberging", bundled)),
            (std::vector<std::string>{"bij_water"}));
  EXPECT_TRUE(CompiledRules(set, "woningbouw", bundled).rules().empty());

  // One of two layers is not enough for a rule that reads both.
  const std::vector<std::string> half = {"afstand_water", "bluespot_diepte"};
  switch_rules(set, half);
  EXPECT_FALSE(set.rules[0].enabled);
  EXPECT_FALSE(set.rules[0].waiting());  // replaced, not waiting for data
  EXPECT_EQ(set.rules[0].replaced_now, "in_laagte");
  EXPECT_TRUE(set.rules[1].enabled);
  EXPECT_TRUE(set.rules[2].waiting());
  EXPECT_EQ(ids_of(CompiledRules(set, "waterberging", half)),
            (std::vector<std::string>{"in_laagte"}));

  // With every layer: all new rules on; the log says which switched and why.
  const std::vector<std::string> all = {"afstand_water", "bluespot_diepte", "hand"};
  switch_rules(set, all);
  EXPECT_TRUE(set.rules[2].enabled);
  EXPECT_EQ(ids_of(CompiledRules(set, "woningbouw", all)),
            (std::vector<std::string>{"bluespot_bouw"}));
  ASSERT_EQ(set.switches.size(), 3u);
  EXPECT_NE(set.switches[0].find("rule 'bij_water' steps aside: 'in_laagte'"), std::string::npos)
      << set.switches[0];
  EXPECT_NE(set.switches[2].find("rule 'bluespot_bouw' is on: the model has the layer(s) it "
                                 "needs (hand, bluespot_diepte)"),
            std::string::npos)
      << set.switches[2];

  // CompiledRules decides from the layers it is given, whatever the set was switched against.
  EXPECT_EQ(ids_of(CompiledRules(set, "waterberging", bundled)),
            (std::vector<std::string>{"bij_water"}));
  // No note asking a planner to switch a when_available rule on: it switches itself.
  EXPECT_TRUE(CompiledRules(set, "waterberging", all).notes().empty());
}

TEST(RuleSwitches, BadSwitchesAreClearErrors) {
  auto with = [](const std::string& from, const std::string& to) {
    std::string t = kSwitching;
    t.replace(t.find(from), from.size(), to);
    return error_of(t);
  };
  std::string e = with("enabled = \"when_available\"", "enabled = \"yes\"");
  EXPECT_NE(e.find("rules.toml:28:"), std::string::npos) << e;
  EXPECT_NE(e.find("'enabled' is true, false or \"when_available\""), std::string::npos) << e;
  e = with("replaced_by = [\"in_laagte\"]", "replaced_by = [\"in_laage\"]");
  EXPECT_NE(e.find("rules.toml:17:"), std::string::npos) << e;
  EXPECT_NE(e.find("replaced_by names 'in_laage', which is not a rule id"), std::string::npos) << e;
  e = with("replaced_by = [\"in_laagte\"]", "replaced_by = [\"bij_water\"]");
  EXPECT_NE(e.find("cannot replace itself"), std::string::npos) << e;
  // The replacement must cover the kinds of the rule it replaces.
  e = with("replaced_by = [\"in_laagte\"]", "replaced_by = [\"bluespot_bouw\"]");
  EXPECT_NE(e.find("its replacement 'bluespot_bouw' does not apply to kind 'waterberging'"),
            std::string::npos)
      << e;
  // No chains: a replacement is not replaced itself.
  std::string chain = kSwitching;
  chain.replace(chain.find("enabled = \"when_available\"\n"), 0, "replaced_by = [\"bij_water\"]\n");
  e = error_of(chain);
  EXPECT_NE(e.find("is replaced by other rules itself"), std::string::npos) << e;
}
