// water.toml (src/water/config: load_water_config, which reads a path).
#include "fuzz_util.hpp"
#include "water/water.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace casco;
  fuzz::quiet();
  const std::string text = fuzz::text_of(data, size);
  const auto file = fuzz::write_input("water/water.toml", text);
  fuzz::expect_clean(file.string(), text, [&] { water::load_water_config(file); });
  return 0;
}
