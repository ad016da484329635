#include "core/toml_reader.hpp"

#include <algorithm>
#include <cmath>
#include <fstream>
#include <sstream>

#include "core/error.hpp"
#include "core/toml_text.hpp"

namespace casco {

toml::table TomlReader::parse(const std::string& text) const {
  try {
    return toml::parse(toml_text_for_parser(text, file_), file_);
  } catch (const toml::parse_error& e) {
    const auto& s = e.source().begin;
    fail("{}:{}:{}: malformed TOML: {}", file_, s.line, s.column, e.description());
  }
}

std::string TomlReader::read_file(const std::string& path, const char* what) {
  std::ifstream in(path);
  if (!in) fail("cannot open {} '{}': check the path", what, path);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

void TomlReader::error_at(const toml::node& n, const std::string& message) const {
  const auto& s = n.source().begin;
  fail("{}:{}:{}: {}", file_, s.line, s.column, message);
}

void TomlReader::check_keys(const toml::table& t, const std::string& where,
                            std::initializer_list<const char*> allowed) const {
  for (auto&& [k, v] : t) {
    const std::string_view key = k.str();  // (clang 14 cannot capture a structured binding)
    if (std::any_of(allowed.begin(), allowed.end(), [&](const char* a) { return key == a; }))
      continue;
    std::string list;
    for (auto a : allowed) list += std::string(list.empty() ? "" : ", ") + a;
    error_at(v, fmt::format("unknown key '{}' in {} (allowed: {})", k.str(), where, list));
  }
}

std::string TomlReader::text(const toml::table& t, const char* key, bool required,
                             const std::string& where, std::string fallback) const {
  const toml::node* n = t.get(key);
  if (!n) {
    if (required) error_at(t, fmt::format("{} needs a '{}' (a text value)", where, key));
    return fallback;
  }
  if (!n->is_string())
    error_at(*n, fmt::format("'{}' in {} must be a text value in quotes", key, where));
  return n->as_string()->get();
}

double TomlReader::number(const toml::table& t, const char* key, double fallback,
                          const std::string& where) const {
  const toml::node* n = t.get(key);
  if (!n) return fallback;
  if (auto v = n->value<double>()) {
    if (!std::isfinite(*v))
      error_at(*n, fmt::format("'{}' in {} must be a finite number, not {}", key, where,
                               std::isnan(*v) ? "nan" : "inf"));
    return *v;
  }
  error_at(*n, fmt::format("'{}' in {} must be a number", key, where));
}

std::vector<std::string> TomlReader::texts(const toml::table& t, const char* key,
                                           const std::string& where) const {
  std::vector<std::string> out;
  const toml::node* n = t.get(key);
  if (!n) return out;
  const toml::array* a = n->as_array();
  if (!a) error_at(*n, fmt::format("'{}' in {} must be a list of texts", key, where));
  for (const auto& item : *a) {
    if (!item.is_string())
      error_at(item, fmt::format("'{}' in {} must hold texts in quotes", key, where));
    out.push_back(item.as_string()->get());
  }
  return out;
}

}  // namespace casco
