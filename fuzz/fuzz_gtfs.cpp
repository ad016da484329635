// GTFS text files (src/access/gtfs.cpp: load_gtfs, which reads a folder). The input holds the
// files one after the other, each starting with a line "@@ <name>.txt" (see corpus/gtfs); they
// are written to a fresh feed folder. A feed that loads is searched with RAPTOR from its first
// stop over ten minutes. Oracles: every route's trips have a time per stop and never go back in
// time; the first stop is reached in 0 s from itself; no travel time is negative.
#include <cmath>

#include "access/transit.hpp"
#include "fuzz_util.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace casco;
  fuzz::quiet();
  const std::string text = fuzz::text_of(data, size);
  const auto dir = fuzz::write_folder("gtfs", text, ".txt");
  fuzz::expect_clean(dir.string(), "", [&] {
    access::Gtfs g = access::load_gtfs(dir, "20240115", "EPSG:28992");
    for (const auto& r : g.routes) {
      if (r.stops.size() < 2) fuzz::finding("a route with fewer than two stops");
      for (std::size_t t = 0; t < r.arrivals.size(); ++t)
        for (std::size_t i = 0; i < r.stops.size(); ++i) {
          if (r.arrivals[t].size() != r.stops.size() || r.departures[t].size() != r.stops.size())
            fuzz::finding("a trip without a time at every stop of its route");
          if (r.departures[t][i] < r.arrivals[t][i] ||
              (i > 0 && r.arrivals[t][i] < r.departures[t][i - 1]))
            fuzz::finding("a trip that goes back in time");
        }
    }
    if (g.stops.empty()) return;
    auto times = access::raptor_window(g, {{0, 0.0f}}, 7 * 3600, 7 * 3600 + 600, 90, 3);
    if (times.median_s.size() != g.stops.size() || times.median_s[0] != 0)
      fuzz::finding("the first stop is not reached from itself in 0 s");
    for (float s : times.median_s)
      if (s < 0 || std::isnan(s)) fuzz::finding("a negative or undefined travel time");
  });
  return 0;
}
