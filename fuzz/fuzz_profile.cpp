// The routing profile (src/access/profile.cpp: Profile::load, which reads a path).
#include "access/network.hpp"
#include "fuzz_util.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace casco;
  fuzz::quiet();
  const std::string text = fuzz::text_of(data, size);
  const auto file = fuzz::write_input("profile/profile.toml", text);
  fuzz::expect_clean(file.string(), text, [&] {
    access::Profile p = access::Profile::load(file);
    for (const auto& speeds : p.speed_kmh)
      for (const auto& [cls, kmh] : speeds)
        if (!(kmh > 0 && kmh <= 200)) fuzz::finding("speed " + std::to_string(kmh) + " accepted");
  });
  return 0;
}
