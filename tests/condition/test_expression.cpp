#include <gtest/gtest.h>

#include <cmath>

#include "condition/expression.hpp"
#include "core/error.hpp"

using namespace casco;
using namespace casco::condition;

namespace {

std::vector<float> run(const std::string& text, const std::vector<std::string>& names,
                       const std::vector<std::vector<float>>& columns,
                       const std::string& kind = "woningbouw") {
  Expression e = Expression::parse(text, {"rules.toml", 1, 1});
  e.bind(names, kind);
  std::vector<const float*> ptrs;
  for (const auto& c : columns) ptrs.push_back(c.data());
  std::size_t n = columns.empty() ? 3 : columns[0].size();
  std::vector<float> out(n);
  e.evaluate(ptrs.data(), n, out.data());
  return out;
}

std::string error_of(const std::string& text, const std::vector<std::string>& names = {"a", "b"}) {
  try {
    Expression e = Expression::parse(text, {"rules.toml", 12, 8});
    e.bind(names, "woningbouw");
  } catch (const Error& err) {
    return err.what();
  }
  return "";
}

}  // namespace

TEST(Expression, ArithmeticComparisonsAndLogic) {
  std::vector<std::vector<float>> cols = {{0, 0.5f, 1}, {100, 300, 200}};
  EXPECT_EQ(run("a > 0", {"a", "b"}, cols), (std::vector<float>{0, 1, 1}));
  EXPECT_EQ(run("a > 0 and b < 250", {"a", "b"}, cols), (std::vector<float>{0, 0, 1}));
  EXPECT_EQ(run("a > 0 or b < 250", {"a", "b"}, cols), (std::vector<float>{1, 1, 1}));
  EXPECT_EQ(run("not (a > 0)", {"a", "b"}, cols), (std::vector<float>{1, 0, 0}));
  EXPECT_EQ(run("b / 100 + a * 2 - 1", {"a", "b"}, cols), (std::vector<float>{0, 3, 3}));
  EXPECT_EQ(run("-b + 2 * 3 >= -94", {"a", "b"}, cols), (std::vector<float>{1, 0, 0}));
  EXPECT_EQ(run("between(b, 150, 250)", {"a", "b"}, cols), (std::vector<float>{0, 0, 1}));
  EXPECT_EQ(run("max(a, b / 400, 0.6)", {"a", "b"}, cols), (std::vector<float>{0.6f, 0.75f, 1}));
  EXPECT_EQ(run("min(a, 0.7) == 0.5", {"a", "b"}, cols), (std::vector<float>{0, 1, 0}));
  EXPECT_EQ(run("abs(a - 1) < 0.6", {"a", "b"}, cols), (std::vector<float>{0, 1, 1}));
}

TEST(Expression, PrecedenceFollowsArithmeticThenComparisonThenNotAndOr) {
  std::vector<std::vector<float>> cols = {{1, 2, 3}};
  EXPECT_EQ(run("a + 2 * 3", {"a"}, cols), (std::vector<float>{7, 8, 9}));
  EXPECT_EQ(run("(a + 2) * 3", {"a"}, cols), (std::vector<float>{9, 12, 15}));
  EXPECT_EQ(run("a == 1 or a == 3 and a > 2", {"a"}, cols), (std::vector<float>{1, 0, 1}));
  EXPECT_EQ(run("not a == 2", {"a"}, cols), (std::vector<float>{1, 0, 1}));
}

TEST(Expression, NoDataComparesFalse) {
  float nan = std::nanf("");
  std::vector<std::vector<float>> cols = {{nan, 5, nan}};
  EXPECT_EQ(run("a > 0", {"a"}, cols), (std::vector<float>{0, 1, 0}));
  EXPECT_EQ(run("a <= 0", {"a"}, cols), (std::vector<float>{0, 0, 0}));
  EXPECT_EQ(run("a != 3", {"a"}, cols), (std::vector<float>{0, 1, 0}));
  EXPECT_EQ(run("isnodata(a)", {"a"}, cols), (std::vector<float>{1, 0, 1}));
  EXPECT_EQ(run("a > 0 or isnodata(a)", {"a"}, cols), (std::vector<float>{1, 1, 1}));
}

TEST(Expression, KindIsFoldedToAConstant) {
  std::vector<std::vector<float>> cols = {{0, 1, 2}};
  EXPECT_EQ(run("a > 0 and kind == \"woningbouw\"", {"a"}, cols, "woningbouw"),
            (std::vector<float>{0, 1, 1}));
  EXPECT_EQ(run("a > 0 and kind == 'woningbouw'", {"a"}, cols, "zonnepark"),
            (std::vector<float>{0, 0, 0}));
  EXPECT_EQ(run("kind != \"zonnepark\" or a == 2", {"a"}, cols, "zonnepark"),
            (std::vector<float>{0, 0, 1}));
}

TEST(Expression, EvaluatesLongArraysInBlocks) {
  std::vector<float> a(5000);
  for (std::size_t i = 0; i < a.size(); ++i) a[i] = static_cast<float>(i);
  auto out = run("a >= 1024 and a < 2049", {"a"}, {a});
  double sum = 0;
  for (float v : out) sum += v;
  EXPECT_EQ(sum, 1025);
  EXPECT_EQ(out[1023], 0);
  EXPECT_EQ(out[1024], 1);
  EXPECT_EQ(out[2048], 1);
  EXPECT_EQ(out[2049], 0);
}

TEST(Expression, ErrorsPointAtLineAndColumn) {
  // The text starts at line 12, column 8 of rules.toml.
  std::string e1 = error_of("a > ");
  EXPECT_NE(e1.find("rules.toml:12:12:"), std::string::npos) << e1;
  EXPECT_NE(e1.find("expected a layer name"), std::string::npos) << e1;
  std::string e2 = error_of("a > 0 and (b < 3");
  EXPECT_NE(e2.find("rules.toml:12:24:"), std::string::npos) << e2;
  EXPECT_NE(e2.find("expected ')'"), std::string::npos) << e2;
  std::string e3 = error_of("a = 1");
  EXPECT_NE(e3.find("use '=='"), std::string::npos) << e3;
  std::string e4 = error_of("a > 0 && b");
  EXPECT_NE(e4.find("use 'and'"), std::string::npos) << e4;
  std::string e5 = error_of("natura > 0", {"natura2000", "afstand_natura2000"});
  EXPECT_NE(e5.find("rules.toml:12:8: unknown layer 'natura'"), std::string::npos) << e5;
  EXPECT_NE(e5.find("natura2000, afstand_natura2000"), std::string::npos) << e5;
  std::string e6 = error_of("buffer(a, 250) > 0");
  EXPECT_NE(e6.find("unknown function 'buffer'"), std::string::npos) << e6;
  std::string e7 = error_of("between(a, 1)");
  EXPECT_NE(e7.find("takes 3 arguments"), std::string::npos) << e7;
  std::string e8 = error_of("a > 0 b");
  EXPECT_NE(e8.find("unexpected 'b'"), std::string::npos) << e8;
  std::string e9 = error_of("kind > 3");
  EXPECT_NE(e9.find("compared with"), std::string::npos) << e9;
  EXPECT_EQ(error_of("a > 1e3 and b <= 2_500"), "");
}

// Found by fuzz/fuzz_condition: a long chain of operators, brackets, 'not' or signs overflowed the
// stack (parsing, and evaluating: each level holds a block of cells) and killed the process.
TEST(Expression, DeepNestingIsAClearErrorNotAStackOverflow) {
  // `open` n times, then `core`, then `close` m times.
  auto nest = [](const std::string& open, int n, const std::string& core, const std::string& close,
                 int m) {
    std::string out;
    for (int i = 0; i < n; ++i) out += open;
    out += core;
    for (int i = 0; i < m; ++i) out += close;
    return out;
  };
  const std::vector<std::string> deep = {
      nest("", 0, "a", " - a", 3000), nest("(", 5000, "a", ")", 5000),
      nest("not ", 5000, "a", "", 0), nest("-", 5000, "a", "", 0), nest("abs(", 5000, "a", "", 0)};
  for (const auto& text : deep) {
    std::string e = error_of(text);
    EXPECT_NE(e.find("rules.toml:12:"), std::string::npos) << e.substr(0, 200);
    EXPECT_NE(e.find("nests more than 100 levels"), std::string::npos) << e.substr(0, 200);
  }
  std::vector<std::vector<float>> cols = {{1, 2}};
  // A long list of terms or alternatives is one level (a chain), however long: 3,000 `+ 1` terms,
  // 3,000 `or` alternatives, a product of 3,000 ones.
  EXPECT_EQ(run(nest("", 0, "a", " + 1", 3000), {"a"}, cols), (std::vector<float>{3001, 3002}));
  EXPECT_EQ(run(nest("", 0, "a == 7", " or a == 7", 2999) + " or a == 2", {"a"}, cols),
            (std::vector<float>{0, 1}));
  EXPECT_EQ(run(nest("", 0, "a > 0", " and a > 0", 2999) + " and a > 1", {"a"}, cols),
            (std::vector<float>{0, 1}));
  EXPECT_EQ(run(nest("", 0, "a", " * 1", 3000), {"a"}, cols), (std::vector<float>{1, 2}));
  // Up to the limit a condition is fine, and evaluates as written: 1 + 99 times 1 = 100.
  EXPECT_EQ(run(nest("", 0, "a", " + 1", 99), {"a"}, cols), (std::vector<float>{100, 101}));
  EXPECT_EQ(run(nest("(", 99, "a", ")", 99), {"a"}, cols), (std::vector<float>{1, 2}));
  EXPECT_EQ(run(nest("- ", 98, "a", "", 0), {"a"}, cols), (std::vector<float>{1, 2}));
}
