#pragma once
// Web Mercator (EPSG:3857) XYZ raster tiles of a store layer, encoded as PNG by cairo.
#include <ogr_spatialref.h>

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "core/grid.hpp"
#include "legend/legend.hpp"

namespace casco::viewer {

inline constexpr int kTileSize = 256;
inline constexpr int kMaxZoom = 22;

struct Box {
  double x0 = 0, y0 = 0, x1 = 0, y1 = 0;  // west, south, east, north
  bool intersects(const Box& o) const { return x0 < o.x1 && o.x0 < x1 && y0 < o.y1 && o.y0 < y1; }
};

// The tile's extent in EPSG:3857 metres (y grows north; tile row 0 is the top).
Box tile_box(int z, int x, int y);

// The grid's extent in EPSG:3857 (edges densified, so the box holds the whole grid).
Box grid_box_mercator(const Grid& grid, OGRCoordinateTransformation& store_to_mercator);

// The colour of a cell (its index in the grid, row-major) as 0xAARRGGBB; alpha 0 = none.
using CellColour = std::function<std::uint32_t(std::size_t cell)>;

// kTileSize x kTileSize pixels, 0xAARRGGBB, transparent outside the grid. Pixel centres are
// reprojected on a coarse lattice and interpolated in between (errors far below a pixel); each
// pixel takes the colour of the cell it falls in.
std::vector<std::uint32_t> render_tile(const Grid& grid, const CellColour& colour,
                                       OGRCoordinateTransformation& mercator_to_store, int z, int x,
                                       int y);

// A layer coloured by its legend; with `inside` (one flag per cell, e.g. the study area) only the
// flagged cells are drawn.
std::vector<std::uint32_t> render_tile(const Raster& raster, const legend::Legend& colours,
                                       OGRCoordinateTransformation& mercator_to_store, int z, int x,
                                       int y, const std::vector<std::uint8_t>* inside = nullptr);

// RGBA PNG (8 bits per channel) of 0xAARRGGBB pixels.
std::string encode_png(const std::vector<std::uint32_t>& argb, int width, int height);

}  // namespace casco::viewer
