// Population and kernen figures: inhabitants and homes per area, the other counts of people in
// the store, and the kern areas with their inhabitants and a point for their label.
#include <algorithm>
#include <cmath>

#include "core/error.hpp"
#include "render/places.hpp"
#include "report/figures_context.hpp"

namespace casco::report {
namespace {

// The kern raster limited to the areas of the report (NaN elsewhere).
Raster kernen_in_areas(const Context& c, const LayerRecord& L) {
  Raster k = c.store().read(L.id);
  for (std::size_t i = 0; i < k.values.size(); ++i)
    if (std::isnan(c.zones().values[i])) k.values[i] = kNoData;
  return k;
}

}  // namespace

std::optional<PopulationFigures> population_figures(const Context& c) {
  const Raster* pop = c.population();
  if (!pop) return std::nullopt;
  const Store& s = c.store();
  PopulationFigures p;
  p.layer = c.population_layer();
  p.source = c.config().population_source;
  p.people = c.sums(*pop);
  // The map of where people live: the configured layer (e.g. people per hectare), or the count.
  const std::string& map = c.config().population_map.empty() ? p.layer : c.config().population_map;
  const LayerRecord* M = s.find(map);
  if (!M) fail("store '{}' has no layer '{}' (report.toml population_map)", s.path().string(), map);
  if (c.drawing()) c.draw("bevolking", *M, M->id == p.layer ? *pop : s.read(M->id));
  if (!c.config().homes.empty()) {
    if (!s.find(c.config().homes))
      fail("store '{}' has no homes layer '{}' (report.toml homes)", s.path().string(),
           c.config().homes);
    p.homes_layer = c.config().homes;
    p.homes = c.sums(s.read(p.homes_layer));
  }
  // Other counts of people: layers counted per cell in the same unit.
  const LayerRecord& main = s.layer(p.layer);
  for (const auto& L : s.manifest().layers)
    if (L.id != p.layer && L.describe.role == role::kCount && L.unit == main.unit)
      p.others.push_back({L.id, c.sums(s.read(L.id))[0]});
  if (const LayerRecord* K = kernen_layer(s)) {
    p.kernen_layer = K->id;
    double in = 0;
    for (const auto& r : zonal_stats(*pop, kernen_in_areas(c, *K), s.zones(K->id))) in += r.sum;
    p.in_kernen = in;
  }
  return p;
}

std::optional<KernenFigures> kernen_figures(const Context& c) {
  const LayerRecord* K = kernen_layer(c.store());
  if (!K) return std::nullopt;
  const Store& s = c.store();
  const Raster kern = kernen_in_areas(c, *K);
  const std::vector<ZoneRecord>& recs = s.zones(K->id);
  // People per kern, and the middle of its people (of its cells where nobody lives).
  std::vector<ZoneStats> people =
      c.population() ? zonal_stats(*c.population(), kern, recs) : std::vector<ZoneStats>{};
  std::vector<ZoneStats> cells = zonal_stats(Raster(kern.grid, 1.0f), kern, recs);
  for (std::size_t k = 0; k < people.size(); ++k)
    if (!std::isfinite(people[k].centre_col)) {
      people[k].centre_col = cells[k].centre_col;
      people[k].centre_row = cells[k].centre_row;
    }
  const auto spots = label_cells(kern, recs, people.empty() ? cells : people);
  std::vector<std::size_t> area_of(1, 0);
  for (std::size_t a = 1; a < c.size(); ++a) {
    const auto z = static_cast<std::size_t>(std::max(0, c.areas()[a].zone));
    if (area_of.size() <= z) area_of.resize(z + 1, 0);
    area_of[z] = a;
  }
  KernenFigures f;
  f.layer = K->id;
  f.count.assign(c.size(), 0);
  const Grid& g = kern.grid;
  for (std::size_t k = 0; k < recs.size(); ++k) {
    if (cells[k].cells == 0 || spots[k].first < 0) continue;  // outside the areas
    KernFigures kf;
    kf.name = recs[k].name.empty() ? recs[k].code : recs[k].name;
    kf.people = people.empty() ? 0 : people[k].sum;
    kf.x = g.cx(spots[k].first);
    kf.y = g.cy(spots[k].second);
    const float z = c.zones().at(spots[k].second, spots[k].first);
    if (z >= 1 && z < static_cast<float>(area_of.size()))
      kf.area = static_cast<int>(area_of[static_cast<std::size_t>(z)]);
    if (kf.area > 0) ++f.count[0], ++f.count[static_cast<std::size_t>(kf.area)];
    f.kernen.push_back(std::move(kf));
  }
  std::stable_sort(f.kernen.begin(), f.kernen.end(),
                   [](const KernFigures& a, const KernFigures& b) { return a.people > b.people; });
  return f;
}

}  // namespace casco::report
