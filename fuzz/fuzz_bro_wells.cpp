// BRO groundwater XML read as a folder (src/water/bro.cpp, wells.cpp: read_wells), so that GLD
// dossiers are joined to their GMW wells. The input holds the files one after the other, each
// starting with a line "@@ <name>.xml" (see corpus/bro_wells: real GLD and GMW dispatches, cut
// down); they are written to a fresh folder. Oracles: kept readings are finite, sorted, one a
// day; every reading of the files is accounted for once (kept, merged into a daily mean, or
// skipped with a reason); a GHG lies at or above its GLG; positions are finite.
#include <cmath>

#include "fuzz_util.hpp"
#include "water/groundwater.hpp"

namespace {

// "@@ gld.xml\n...\n@@ gmw.xml\n..." → the files of the folder (names: a-z, 0-9, _ and .xml).
void write_folder(const std::filesystem::path& dir, const std::string& text) {
  std::error_code ec;
  std::filesystem::remove_all(dir, ec);
  std::filesystem::create_directories(dir);
  std::size_t at = 0;
  std::string name, body;
  auto flush = [&] {
    if (!name.empty()) casco::fuzz::write_input("bro/" + name, body);
    name.clear();
    body.clear();
  };
  while (at < text.size()) {
    std::size_t end = text.find('\n', at);
    if (end == std::string::npos) end = text.size();
    const std::string line = text.substr(at, end - at);
    if (line.rfind("@@ ", 0) == 0) {
      flush();
      name = line.substr(3);
      bool plain = name.size() > 4 && name.size() < 40 && name.ends_with(".xml");
      for (char c : name.substr(0, name.size() - 4))
        plain = plain && ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_');
      if (!plain) name = "other.xml";
    } else {
      body += line;
      if (end < text.size()) body += '\n';
    }
    at = end + 1;
  }
  flush();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace casco;
  fuzz::quiet();
  const std::string text = fuzz::text_of(data, size);
  const auto dir = fuzz::scratch() / "bro";
  write_folder(dir, text);
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
