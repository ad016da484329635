// kernen.toml (src/access/kernen: load_kernen_config, which reads a path).
#include "access/kernen.hpp"
#include "fuzz_util.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace casco;
  fuzz::quiet();
  const std::string text = fuzz::text_of(data, size);
  const auto file = fuzz::write_input("kernen/kernen.toml", text);
  fuzz::expect_clean(file.string(), text, [&] { access::load_kernen_config(file); });
  return 0;
}
