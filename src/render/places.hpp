#pragma once
// Place names on maps (report maps, PNG maps): the largest kernen of a store — its zones layer
// with role kernen (casco kernen) — each named at the cell of its own area nearest to the middle
// of its people, so a name never sits in a neighbour's area.
#include <cstddef>
#include <string>
#include <utility>
#include <vector>

#include "model/stats.hpp"
#include "model/store.hpp"

namespace casco {

// A name on a map: a place (a small dot with its name beside it).
struct MapLabel {
  double x = 0, y = 0;  // world coordinates (the store's CRS)
  std::string text;
  double people = 0;  // what ranks it: its inhabitants, or its cells without a population layer
};

// The kernen layer of a store, or null when it has none.
const LayerRecord* kernen_layer(const Store& store);

// For each zone of `recs`, the cell (col, row) of its own area nearest to its centre in
// `centres` (zonal_stats rows in the order of `recs`); (-1, -1) for a zone without cells.
std::vector<std::pair<int, int>> label_cells(const Raster& zones,
                                             const std::vector<ZoneRecord>& recs,
                                             const std::vector<ZoneStats>& centres);

// At most `max` place names, most people first: the kernen weighted by the layer their kernen
// layer names as `population` (describe.params), else by their area. Only kernen with a cell
// where `inside` is set count (empty: all). Empty without a kernen layer.
std::vector<MapLabel> place_labels(const Store& store, std::size_t max,
                                   const std::vector<std::uint8_t>& inside = {});

}  // namespace casco
