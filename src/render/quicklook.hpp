#pragma once
// Quick-look maps: a layer as a PNG with title, legend, scale bar, north arrow, the borders of
// the store's zones layer (gemeenten) and the data attribution — readable without a GIS.
#include <filesystem>
#include <string>

#include "model/store.hpp"

namespace casco {

// Where write_quicklook put things on the page (in page pixels), for tests and for callers that
// add their own marks.
struct QuicklookLayout {
  int width = 0, height = 0;          // the whole page
  int map_x = 0, map_y = 0;           // top-left corner of the map area
  int map_width = 0, map_height = 0;  // the map area
  double scale = 0;                   // page pixels per grid cell: x = map_x + grid.px(X) * scale
};

struct QuicklookOptions {
  int max_size = 1400;  // longest side of the map area in pixels
  std::string borders;  // zones layer whose outlines are drawn; "" = the store's default
  std::string attribution =
      "Bron: CBS/PDOK, RVO, RCE, DUO, GeoNames, OSM-bijdragers — bewerking casco";
  QuicklookLayout* layout = nullptr;  // if set, receives the page layout
};

// Writes `layer` of `store` as PNG (atomically). Throws casco::Error for unknown layers.
void write_quicklook(const Store& store, const std::string& layer, const std::filesystem::path& png,
                     const QuicklookOptions& options = {});

}  // namespace casco
