#pragma once
// Quick-look maps: a layer as a PNG with title, legend, scale bar, north arrow, the borders of
// the store's zones layer (gemeenten) and the data attribution — readable without a GIS.
// write_quicklook draws a layer of the store; write_map draws a raster computed elsewhere (e.g. by
// the afwegingskader) on the store's grid, the same way.
#include <filesystem>
#include <string>
#include <vector>

#include "core/grid.hpp"
#include "model/store.hpp"

namespace casco {

// Where write_quicklook or write_map put things on the page (in page pixels), for tests and for
// callers that add their own marks.
struct QuicklookLayout {
  int width = 0, height = 0;          // the whole page
  int map_x = 0, map_y = 0;           // top-left corner of the map area
  int map_width = 0, map_height = 0;  // the map area
  double scale = 0;                   // page pixels per grid cell: x = map_x + grid.px(X) * scale
};

struct QuicklookOptions {
  int max_size = 1400;  // longest side of the map area in pixels
  std::string borders;  // zones layer whose outlines are drawn; "" = the store's default
  // The credit line under the map; "" = the store's (model.toml [model] credit). The layer's own
  // source is named first when its licence asks for it.
  std::string attribution;
  std::string subtitle;               // "" = "Model <name> · laag <id>"; unit and cell size follow
  bool class_areas = false;           // class maps: the hectares of each class in the legend
  QuicklookLayout* layout = nullptr;  // if set, receives the page layout
};

// Writes `layer` of `store` as PNG (atomically), coloured and explained by its description (the
// legend module: the same colours and legend as the viewer and the report). Throws casco::Error
// for unknown layers.
void write_quicklook(const Store& store, const std::string& layer, const std::filesystem::path& png,
                     const QuicklookOptions& options = {});

// Writes `raster`, which must lie on store.grid(), as PNG (atomically), described by `layer`
// (title, unit, estimate, role and style: e.g. a what-if, a verdict map) with the store's study
// area, borders, scale bar and credit line. As in write_quicklook, the colour range of ramps comes
// from the cells inside the study area. Throws casco::Error if the raster is on another grid or
// two classes share a value.
void write_map(const Store& store, const Raster& raster, const LayerRecord& layer,
               const std::filesystem::path& png, const QuicklookOptions& options = {});

}  // namespace casco
