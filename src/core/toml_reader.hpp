#pragma once
// Reading casco's TOML files (model.toml, rules.toml, …): every error names file:line:column and
// says what is expected; unknown keys are errors, so a typo never passes silently.
#include <toml++/toml.h>

#include <initializer_list>
#include <string>
#include <vector>

namespace casco {

class TomlReader {
 public:
  explicit TomlReader(std::string file) : file_(std::move(file)) {}
  const std::string& file() const { return file_; }

  toml::table parse(const std::string& text) const;  // "file:l:c: malformed TOML: …"
  // Reads the file the reader is named after; `what` names it in the error ("rule file").
  static std::string read_file(const std::string& path, const char* what);
  [[noreturn]] void error_at(const toml::node& n, const std::string& message) const;
  void check_keys(const toml::table& t, const std::string& where,
                  std::initializer_list<const char*> allowed) const;
  // A text value; missing → `fallback`, or an error when required.
  std::string text(const toml::table& t, const char* key, bool required, const std::string& where,
                   std::string fallback = {}) const;
  double number(const toml::table& t, const char* key, double fallback,
                const std::string& where) const;
  std::vector<std::string> texts(const toml::table& t, const char* key,
                                 const std::string& where) const;

 private:
  std::string file_;
};

}  // namespace casco
