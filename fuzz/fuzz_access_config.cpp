// access.toml (src/access/access: load_access_config, which reads a path).
#include "access/access.hpp"
#include "fuzz_util.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace casco;
  fuzz::quiet();
  const std::string text = fuzz::text_of(data, size);
  const auto file = fuzz::write_input("access/access.toml", text);
  fuzz::expect_clean(file.string(), text, [&] {
    access::AccessConfig c = access::load_access_config(file);
    for (const auto& w : c.windows)
      if (w.to_s <= w.from_s) fuzz::finding("a departure window that ends before it starts");
  });
  return 0;
}
