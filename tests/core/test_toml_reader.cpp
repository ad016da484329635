// Numbers in casco's TOML files are finite: `nan` and `inf` are valid TOML but never a threshold,
// weight or distance, so they are refused with file:line:column.
#include <gtest/gtest.h>

#include "core/error.hpp"
#include "core/toml_reader.hpp"

namespace casco {
namespace {

std::string number_error(const std::string& text) {
  TomlReader r("scenario.toml");
  toml::table t = r.parse(text);
  try {
    r.number(t, "vrij", 1.0, "weights");
  } catch (const Error& e) {
    return e.what();
  }
  return "";
}

TEST(TomlReader, NumbersMustBeFinite) {
  EXPECT_EQ(number_error("vrij = 2.5\n"), "");
  EXPECT_EQ(number_error("anders = 1\n"), "");  // absent: the default
  const std::string nan = number_error("\nvrij = nan\n");
  EXPECT_NE(nan.find("scenario.toml:2:"), std::string::npos) << nan;
  EXPECT_NE(nan.find("must be a finite number, not nan"), std::string::npos) << nan;
  EXPECT_NE(number_error("vrij = -inf\n").find("not inf"), std::string::npos);
  EXPECT_NE(number_error("vrij = \"twee\"\n").find("must be a number"), std::string::npos);
}

}  // namespace
}  // namespace casco
