// model.toml (src/model/definition: parse_model_definition). Oracle: build_order() lists every
// layer once, after each layer it is computed from.
#include <algorithm>
#include <map>

#include "fuzz_util.hpp"
#include "model/definition.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace casco;
  fuzz::quiet();
  const std::string text = fuzz::text_of(data, size);
  // Relative paths (sources, include) resolve in the scratch folder, where nothing else lies.
  const auto file = fuzz::scratch() / "model" / "model.toml";
  fuzz::expect_clean(file.string(), text, [&] {
    ModelDef m = parse_model_definition(text, file);
    const auto order = m.build_order();
    if (order.size() != m.layers.size()) fuzz::finding("build_order() loses or repeats layers");
    std::map<std::string, std::size_t> at;
    for (std::size_t i = 0; i < order.size(); ++i) at[order[i]->id] = i;
    for (const LayerDef* L : order)
      for (const auto& in : L->inputs())
        if (at.count(in) && at[in] >= at[L->id])
          fuzz::finding("layer '" + L->id + "' is built before its input '" + in + "'");
  });
  return 0;
}
