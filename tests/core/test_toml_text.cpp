// Text beyond ASCII in casco's TOML files. Debian's toml++ (3.3) reaches undefined behaviour when
// it asks whether such a character is whitespace (found by fuzzing; upstream
// marzer/tomlplusplus#190, #295). casco reads such files to the same values, and refuses what TOML
// refuses with file:line:column — whatever the sanitizers say about the library.
#include <gtest/gtest.h>

#include "core/error.hpp"
#include "core/toml_reader.hpp"
#include "core/toml_text.hpp"

namespace casco {
namespace {

std::string error_of(const std::string& text) {
  try {
    TomlReader("regels.toml").parse(text);
  } catch (const Error& e) {
    return e.what();
  }
  return "";
}

// Text as toml++ reads it after casco's preparation.
std::string value_of(const std::string& text, const char* key = "s") {
  const toml::table t = TomlReader("regels.toml").parse(text);
  const toml::node* n = t.get(key);
  if (n == nullptr || !n->is_string()) return "<no text under " + std::string(key) + ">";
  return std::string(*n->value<std::string_view>());
}

TEST(TomlText, TextBeyondAsciiReadsAsWritten) {
  // | TOML                            | value         |
  EXPECT_EQ(value_of("s = \"Eén kern, één ĳs\"\n"), "Eén kern, één ĳs");
  EXPECT_EQ(value_of("s = 'Eén \\ \"kern\"'\n"), "Eén \\ \"kern\"");  // literal: no escapes
  EXPECT_EQ(value_of("s = \"\"\"§ a\n  ß\"\"\"\n"), "§ a\n  ß");
  EXPECT_EQ(value_of("s = '''§ \\n'''\n"), "§ \\n");
  EXPECT_EQ(value_of("s = '''\né \"q\" \\\n'''''\n"), "é \"q\" \\\n''");  // first newline trimmed
  EXPECT_EQ(value_of("s = \"\"\"\\\n    §\"\"\"\n"), "§");  // after a line-ending backslash
  EXPECT_EQ(value_of("s = \"\"\"é\"\"\"\"\"\n"), "é\"\"");  // ends in quotes
  EXPECT_EQ(value_of("s = \"𝄞 \\u00e9\"\n"), "𝄞 é");        // beyond U+FFFF, and an escape
  EXPECT_EQ(value_of("# Drentsche Aa — één\ns = \"a\" # ß\n"), "a");
  EXPECT_EQ(value_of("\xEF\xBB\xBFs = \"ë\"\n"), "ë");  // a byte-order mark
}

TEST(TomlText, QuotedKeysBeyondAsciiAreTheSameKeys) {
  EXPECT_EQ(value_of("\"één\" = \"x\"\n", "één"), "x");
  EXPECT_EQ(value_of("'Ærø' = \"x\"\n", "Ærø"), "x");
  const toml::table t =
      TomlReader("regels.toml").parse("[gemeente.'Tynaarlo (Zuidlaren)']\n\"ß\" = 1\n");
  EXPECT_EQ(t.at_path("gemeente.Tynaarlo (Zuidlaren).ß").value<int>(), 1);
}

TEST(TomlText, WhatTomlRefusesIsRefusedWithItsPlace) {
  // | TOML                         | message contains                              |
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"s = 1\nß = 2\n", "regels.toml:2:1: malformed TOML: the character 'ß' (U+00DF) stands"},
      {"s = 1§\n", "regels.toml:1:6: malformed TOML: the character '§'"},
      {"\xcc\xaa", "regels.toml:1:1: malformed TOML: the character"},
      {"s = \"a\xff\"\n", "regels.toml:1:7: malformed TOML: byte 0xFF is not UTF-8"},
      {"s = 'é\n", "regels.toml:1:5: malformed TOML: a text opened with ' is not closed"},
      {"s = \"\\é\"\n", "malformed TOML: '\\é' is no escape"},
      // A bare value running into quotes: toml++ reads on through them (fuzzing found this).
      {std::string("ccells= 1~'''\0e0s\0\0\0\xcc\xaa", 22), "regels.toml:1:"},
      {"x = 1~'''é'''\n", "regels.toml:1:"},
      {"# \xc0\xaf\n", "regels.toml:1:3: malformed TOML: byte 0xC0 is not UTF-8"},  // overlong
      {"s = \"\xed\xa0\x80\"\n", "byte 0xED is not UTF-8"},                         // surrogate
  };
  for (const auto& [text, expected] : cases) {
    const std::string e = error_of(text);
    EXPECT_NE(e.find(expected), std::string::npos) << "text: " << text << "\nerror: " << e;
  }
}

TEST(TomlText, PlainAsciiPassesUnchanged) {
  const std::string text = "[a]\ns = 'x\\y' # c\nt = \"\"\"q\"\"\"\nu = '''r'''\n";
  EXPECT_EQ(toml_text_for_parser(text, "f.toml"), text);
}

}  // namespace
}  // namespace casco
