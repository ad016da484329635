// JSON output never fails on names that are not UTF-8: the bad bytes become U+FFFD, with a warning.
#include <gtest/gtest.h>

#include "core/error.hpp"
#include "core/json_text.hpp"

namespace casco {
namespace {

TEST(JsonText, ValidTextIsWrittenAsIsWithoutWarning) {
  std::vector<std::string> warnings;
  auto old = set_warning_sink([&](std::string_view m) { warnings.emplace_back(m); });
  EXPECT_EQ(json_text(nlohmann::json{{"naam", "Nieuw-Weerdinge ë"}}, -1),
            "{\"naam\":\"Nieuw-Weerdinge ë\"}");
  set_warning_sink(old);
  EXPECT_TRUE(warnings.empty());
}

TEST(JsonText, ALatin1NameIsReplacedAndNamedInAWarning) {
  std::vector<std::string> warnings;
  auto old = set_warning_sink([&](std::string_view m) { warnings.emplace_back(m); });
  // "Café" with its e-acute in Latin-1 (0xE9) instead of UTF-8.
  const std::string text = json_text(nlohmann::json{{"naam", "Caf\xe9"}}, -1, "the kernen table");
  set_warning_sink(old);
  EXPECT_EQ(text, "{\"naam\":\"Caf\xef\xbf\xbd\"}");  // U+FFFD
  ASSERT_EQ(warnings.size(), 1u);
  EXPECT_NE(warnings[0].find("the kernen table"), std::string::npos);
  EXPECT_NE(warnings[0].find("UTF-8"), std::string::npos);
}

}  // namespace
}  // namespace casco
