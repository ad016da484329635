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
  std::string attribution =
      "Bron: CBS/PDOK, RVO, RCE, DUO, GeoNames, OSM-bijdragers — bewerking casco";
  QuicklookLayout* layout = nullptr;  // if set, receives the page layout
};

// Writes `layer` of `store` as PNG (atomically). Throws casco::Error for unknown layers.
void write_quicklook(const Store& store, const std::string& layer, const std::filesystem::path& png,
                     const QuicklookOptions& options = {});

// One class of a class map: the cells of exactly this value, their legend label and colour.
struct MapClass {
  float value = 0;
  std::string label;
  unsigned rgb = 0;     // 0xRRGGBB
  double area_ha = -1;  // shown in the legend ("verboden — 1.234 ha"); < 0: not shown
};

// What write_map draws and how.
struct MapSpec {
  std::string title;     // "" = the file name
  std::string subtitle;  // "" = "Model <name>"; the unit and cell size are appended
  std::string unit;      // shown in the subtitle and above the legend; "" = none
  // Non-empty: a class map (cells matching no class, and NaN, stay uncoloured) with the classes
  // listed in this order. Empty: a continuous map with a colour bar.
  std::vector<MapClass> classes;
  // Continuous maps: a red-white-green ramp symmetric around 0 (negative red, 0 white, positive
  // green) and the minimum and maximum in the legend; otherwise viridis from minimum to maximum.
  bool diverging = false;
  // Class maps of a few scattered cells (e.g. wells): every cell that matches a class is drawn as
  // a dot, so single cells stay visible on a map of the whole province.
  bool markers = false;
};

// Writes `raster`, which must lie on store.grid(), as PNG (atomically) with the store's study
// area, borders, scale bar and attribution. As in write_quicklook, the colour range of continuous
// maps comes from the cells inside the study area. Throws casco::Error if the raster is on another
// grid, if two classes share a value, or for unknown options.borders.
void write_map(const Store& store, const Raster& raster, const MapSpec& spec,
               const std::filesystem::path& png, const QuicklookOptions& options = {});

}  // namespace casco
