// Scenario files (src/scenario/scenario: load_scenario, which reads a path), and the climate
// parameters of their variants as the water stress test reads them (water::climate_from).
#include "fuzz_util.hpp"
#include "scenario/scenario.hpp"
#include "water/water.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace casco;
  fuzz::quiet();
  const std::string text = fuzz::text_of(data, size);
  const auto file = fuzz::write_input("scenarios/scenario.toml", text);
  fuzz::expect_clean(file.string(), text, [&] {
    scenario::ScenarioDef d = scenario::load_scenario(file);
    for (const auto& c : d.claims)
      if (!(c.min_ha >= 0 && c.min_ha <= c.max_ha))
        fuzz::finding("claim '" + c.kind + "' accepted with hectares " + std::to_string(c.min_ha) +
                      " to " + std::to_string(c.max_ha));
    for (const auto& v : d.variants)
      water::climate_from(v.id, v.title, v.knmi, v.climate,
                          file.string() + ": variant '" + v.id + "'");
  });
  return 0;
}
