// rules.toml (src/rules/rules: parse_rules), then every kind compiled against a few model layers
// and judged over a small grid (evaluate_suitability).
#include <limits>

#include "fuzz_util.hpp"
#include "rules/assess.hpp"
#include "rules/rules.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace casco;
  fuzz::quiet();
  const std::string text = fuzz::text_of(data, size);
  const auto file = fuzz::scratch() / "rules.toml";
  static const std::vector<std::string> model_layers = {
      "natura2000", "afstand_natura2000", "afstand_hunebed",  "inwoners",  "inwoners_per_ha",
      "bebouwd",    "afstand_station",    "afstand_bushalte", "gemeenten", "studiegebied"};
  fuzz::expect_clean(file.string(), text, [&] {
    rules::RuleSet set = rules::parse_rules(text, file);
    Grid g;
    g.cols = 4;
    g.rows = 3;
    std::vector<Raster> rasters;
    for (std::size_t l = 0; l < model_layers.size(); ++l) {
      Raster r(g, 0.0f);
      for (std::size_t i = 0; i < r.values.size(); ++i)
        r.values[i] = i % 5 == 4 ? std::numeric_limits<float>::quiet_NaN()
                                 : static_cast<float>((i * (l + 1)) % 7) * 50.0f;
      rasters.push_back(std::move(r));
    }
    for (const auto& kind : set.kinds) {
      rules::CompiledRules compiled(set, kind.id, model_layers);
      std::vector<const Raster*> layers;
      for (const auto& name : compiled.layers())
        layers.push_back(&rasters[std::find(model_layers.begin(), model_layers.end(), name) -
                                  model_layers.begin()]);
      rules::Suitability s = rules::evaluate_suitability(compiled, layers, g);
      for (float v : s.verdict.values)
        if (!(v >= 0 && v <= 4) && !std::isnan(v))
          fuzz::finding("a verdict class outside 0..4: " + std::to_string(v));
    }
  });
  return 0;
}
