// BRO groundwater XML read as a folder (src/water/bro.cpp, wells.cpp: read_wells), so that GLD
// dossiers are joined to their GMW wells. The input holds the files one after the other, each
// starting with a line "@@ <name>.xml" (see corpus/bro_wells: real GLD and GMW dispatches, cut
// down); they are written to a fresh folder. Oracles: kept readings are finite, sorted, one a
// day; every reading of the files is accounted for once (kept, merged into a daily mean, or
// skipped with a reason); a GHG lies at or above its GLG; positions are finite.
#include <cmath>

#include "fuzz_util.hpp"
#include "water/groundwater.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace casco;
  fuzz::quiet();
  const std::string text = fuzz::text_of(data, size);
  const auto dir = fuzz::write_folder("bro", text, ".xml");
  fuzz::expect_clean(dir.string(), "", [&] {
    water::WellSet set = water::read_wells(dir, {}, "EPSG:28992");
    std::size_t accounted = 0;
    for (const auto& w : set.wells) {
      if (!std::isfinite(w.x) || !std::isfinite(w.y)) fuzz::finding("a well without a position");
      for (std::size_t i = 0; i < w.readings.size(); ++i) {
        if (!std::isfinite(w.readings[i].head)) fuzz::finding("a kept reading without a value");
        if (i > 0 && w.readings[i].day <= w.readings[i - 1].day)
          fuzz::finding("readings out of order or two on one day in well " + w.id);
      }
      accounted += w.readings.size() + w.averaged + w.skipped.total();
      water::WellStats s = water::well_statistics(w, {});
      if (s.ghg < s.glg) fuzz::finding("GHG below GLG in well " + w.id);
    }
    if (accounted != set.rows)
      fuzz::finding(std::to_string(set.rows) + " readings in the files, " +
                    std::to_string(accounted) + " kept, merged or skipped");
  });
  return 0;
}
