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
