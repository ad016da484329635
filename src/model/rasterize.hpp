#pragma once
// Turning vector geometry into grid layers. Geometry is first converted to pixel coordinates
// (column, row as doubles; row grows southward), then burned in parallel over bands of rows.
#include <cstdint>
#include <vector>

#include "core/grid.hpp"

class OGRGeometry;

namespace casco {

struct Pt {
  double x, y;
};

struct Shape {
  enum class Type { Empty, Point, Line, Polygon };
  Type type = Type::Empty;
  // Polygon: every ring of every part, outer rings with positive signed area in pixel space and
  // holes negative (so the even-odd rule and signed-area accumulation agree). Line: polylines.
  // Point: single-point parts.
  std::vector<std::vector<Pt>> parts;
  Pt anchor{0,
            0};  // a point inside (polygons) or on the shape, used when it is smaller than a cell
};

// Converts an OGR geometry (already in the grid's CRS) to pixel space. Mixed collections keep
// their highest dimension (a repaired polygon's stray lines are dropped).
Shape to_pixel_shape(const OGRGeometry& geometry, const Grid& grid);

// For every cell, the index of the shape covering it, or -1. Polygons cover a cell when the cell
// centre lies inside (the rule gdal_rasterize uses by default); lines cover every cell they pass
// through; points the cell that contains them. Later shapes win where they overlap. A polygon too
// small to hold a cell centre claims the cell of its anchor, so no feature is lost.
using Labels = std::vector<int32_t, UninitAllocator<int32_t>>;
Labels label_cells(const Grid& grid, const std::vector<Shape>& shapes);

// 1 where any shape covers the cell (centre rule, as label_cells), else 0.
Raster presence(const Grid& grid, const std::vector<Shape>& shapes);

// Exact share (0..1) of every cell covered by the polygons. The polygons must not overlap each
// other (dissolve them first); overlaps would be counted twice and then clamped to 1.
Raster coverage(const Grid& grid, const std::vector<Shape>& shapes);

// Euclidean distance (metres) from every cell centre to the centre of the nearest cell where
// mask[i] is true; 0 on those cells. NaN everywhere when the mask is empty.
Raster distance(const Grid& grid, const std::vector<uint8_t>& mask);

}  // namespace casco
