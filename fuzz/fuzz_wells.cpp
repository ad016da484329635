// Well readings (src/water/wells.cpp: read_wells, which reads a path): the well table CSV,
// DINOloket exports (a first line "Titel:..." or "Locatie,Filternummer,..." selects DINO) and a
// single BRO GLD or GMW XML file (input starting with '<'; the joining of GLDs to their wells is
// fuzzed by fuzz_bro_wells), then GHG/GLG and trend per well (well_statistics). Oracles: kept
// readings are finite, sorted by day with one per day; a GHG lies at or above its GLG.
#include <cmath>

#include "fuzz_util.hpp"
#include "water/groundwater.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace casco;
  fuzz::quiet();
  const std::string text = fuzz::text_of(data, size);
  const auto file = fuzz::write_input("wells/wells.csv", text);
  fuzz::expect_clean(file.string(), text, [&] {
    water::WellSet set = water::read_wells(file, {}, "EPSG:28992");
    for (const auto& w : set.wells) {
      for (std::size_t i = 0; i < w.readings.size(); ++i) {
        if (!std::isfinite(w.readings[i].head)) fuzz::finding("a kept reading without a value");
        if (i > 0 && w.readings[i].day <= w.readings[i - 1].day)
          fuzz::finding("readings out of order or two on one day in well " + w.id);
      }
      water::WellStats s = water::well_statistics(w, {});
      if (s.ghg < s.glg) fuzz::finding("GHG below GLG in well " + w.id);
    }
  });
  return 0;
}
