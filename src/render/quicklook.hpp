#pragma once
// Quick-look maps: a layer as a PNG with title, legend, scale bar, north arrow, the borders of
// the store's zones layer (gemeenten) and the data attribution — readable without a GIS.
#include <filesystem>
#include <string>

#include "model/store.hpp"

namespace casco {

struct QuicklookOptions {
  int max_size = 1400;        // longest side of the map area in pixels
  std::string borders;        // zones layer whose outlines are drawn; "" = the store's default
  std::string attribution = "Bron: CBS/PDOK, RVO, RCE, DUO, GeoNames, OSM-bijdragers — bewerking casco";
};

// Writes `layer` of `store` as PNG (atomically). Throws casco::Error for unknown layers.
void write_quicklook(const Store& store, const std::string& layer, const std::filesystem::path& png,
                     const QuicklookOptions& options = {});

}  // namespace casco
