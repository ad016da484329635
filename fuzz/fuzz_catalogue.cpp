// data/catalogue.toml (src/datakit/catalogue: load_catalogue, which reads a path).
#include "datakit/fetch.hpp"
#include "fuzz_util.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace casco;
  fuzz::quiet();
  const std::string text = fuzz::text_of(data, size);
  const auto file = fuzz::write_input("data/catalogue.toml", text);
  fuzz::expect_clean(file.string(), text, [&] {
    data::Catalogue c = data::load_catalogue(file);
    for (const auto& a : c.areas)
      if (!(a.bbox_rd[0] < a.bbox_rd[2] && a.bbox_rd[1] < a.bbox_rd[3]))
        fuzz::finding("area '" + a.id + "' accepted with an empty or undefined box");
  });
  return 0;
}
