// casco's TOML reader (src/core/toml_reader) over toml++: parse any text, then read every value of
// every table the way casco's files do (text, number, list of texts, unknown keys) and print the
// tables as the model's canonical text does.
#include <sstream>

#include "core/error.hpp"
#include "core/toml_reader.hpp"
#include "fuzz_util.hpp"

namespace {

void read_all(const casco::TomlReader& r, const std::string& text, const toml::table& t,
              int depth) {
  for (auto&& [k, v] : t) {
    const std::string key(k.str());
    for (auto read : {0, 1, 2}) {
      casco::fuzz::expect_clean(r.file(), text, [&] {
        if (read == 0) r.text(t, key.c_str(), true, "[fuzz]");
        if (read == 1) r.number(t, key.c_str(), 0, "[fuzz]");
        if (read == 2) r.texts(t, key.c_str(), "[fuzz]");
      });
    }
    if (const toml::table* sub = v.as_table(); sub && depth < 64)
      read_all(r, text, *sub, depth + 1);
    if (const toml::array* a = v.as_array())
      for (const auto& item : *a)
        if (const toml::table* sub = item.as_table(); sub && depth < 64)
          read_all(r, text, *sub, depth + 1);
  }
  r.check_keys(t, "[fuzz]", {"id", "name", "path"});
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace casco;
  fuzz::quiet();
  const std::string text = fuzz::text_of(data, size);
  const TomlReader reader("casco.toml");
  fuzz::expect_clean(reader.file(), text, [&] {
    toml::table root = reader.parse(text);
    std::ostringstream os;
    os << root;
    read_all(reader, text, root, 0);
  });
  return 0;
}
