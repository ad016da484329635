#pragma once
// Derivations that read other layers or put counts where they belong:
// - dasymetric mapping: a count per zone (inhabitants per wijk) spread over the zone's cells in
//   proportion to a weight per cell (dwellings, settlement extents), each zone's total kept;
// - point areas: points that stand for an area (a village of N inhabitants covers about
//   N / density hectares), drawn as discs;
// - distances that reach beyond the grid: features in the surroundings of the study area count.
// See docs/model.md.
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "core/grid.hpp"
#include "model/rasterize.hpp"

class OGRGeometry;

namespace casco {

struct DasymetricReport {
  std::size_t zones = 0;
  std::vector<std::size_t> by_weight;  // how many zones were spread with weight k
  std::size_t even = 0;                // zones where every weight was zero: spread evenly
  std::size_t outside = 0;             // zones with no cell in the grid: their count is left out
  double total = 0;                    // the zones' counts
  double placed = 0;                   // what landed in the grid
  std::vector<std::size_t> even_zones, outside_zones;  // their indices
};

// labels[i] is the zone of cell i (an index into counts) or -1. weights[k] are rasters on the
// same grid; NaN and negative weights count as 0. Per zone the first weight with a positive sum
// over the zone's cells is used; a zone where every weight is zero is spread evenly over its
// cells. The zone's count is then divided over its cells in proportion to that weight, so every
// zone with cells keeps its total exactly (up to float rounding per cell).
Raster dasymetric(const Grid& grid, const Labels& labels, const std::vector<double>& counts,
                  const std::vector<const Raster*>& weights, DasymetricReport* report = nullptr);

// 1 where a cell centre lies within `radius[i]` metres of point i (world coordinates), else 0; the
// cell that holds a point is always 1. Points outside the grid still mark the cells their disc
// reaches.
Raster point_areas(const Grid& grid, const std::vector<double>& x, const std::vector<double>& y,
                   const std::vector<double>& radius);

// Points whose value is unknown (NaN) share what their zone has left: the zone's count minus
// `explained[zone]` (what the points with a value already account for in it), divided equally
// over its unknown points, at least `minimum` (also where the zone is unknown, zone_of[i] < 0, or
// nothing is left). Known values are kept.
std::vector<double> fill_point_values(const std::vector<double>& values,
                                      const std::vector<int>& zone_of,
                                      const std::vector<double>& zone_counts,
                                      const std::vector<double>& explained, double minimum);

// Per polygon: the part of the known point values that their discs (value / density_per_ha
// hectares) put inside it, in proportion to the disc's area inside the polygon. A town's figure
// thus counts in every postcode area the town covers, not only in the one holding its point.
std::vector<double> explained_by_discs(const std::vector<const OGRGeometry*>& polygons,
                                       const std::vector<double>& x, const std::vector<double>& y,
                                       const std::vector<double>& values, double density_per_ha,
                                       double min_radius);

// The polygon (index into `polygons`) that holds each point, or -1. Polygons are in the points'
// CRS; where polygons overlap, the first wins.
std::vector<int> zone_of_points(const std::vector<const OGRGeometry*>& polygons,
                                const std::vector<double>& x, const std::vector<double>& y);

// The radius of a disc of `count / density_per_ha` hectares, at least `min_radius`.
double area_radius_m(double count, double density_per_ha, double min_radius);

// Distance (metres) from every cell centre to the nearest feature, where features may lie
// outside the grid: they are burnt into a grid padded by at most `max_pad_m` on each side (only
// as far as features lie and as far as can matter), the exact distance transform runs there and
// the result is cropped. `shapes_on` converts the features to pixel shapes on a given grid.
template <typename ToShapes>
Raster distance_beyond(const Grid& grid, double xmin, double ymin, double xmax, double ymax,
                       double max_pad_m, ToShapes&& shapes_on);

// The grid grown by whole cells so it reaches `pad` metres further on every side (clipped to the
// features' envelope), and the offset of the original grid in it.
struct PaddedGrid {
  Grid grid;
  int col0 = 0, row0 = 0;
};
PaddedGrid pad_grid(const Grid& g, double xmin, double ymin, double xmax, double ymax, double pad);
Raster crop(const Raster& padded, const PaddedGrid& p, const Grid& original);
double max_value(const Raster& r);  // NaN-aware; -inf when every cell is NaN

template <typename ToShapes>
Raster distance_beyond(const Grid& grid, double xmin, double ymin, double xmax, double ymax,
                       double max_pad_m, ToShapes&& shapes_on) {
  auto mask_of = [](const Grid& g, const std::vector<Shape>& shapes) {
    auto labels = label_cells(g, shapes);
    std::vector<uint8_t> mask(labels.size());
    for (std::size_t i = 0; i < labels.size(); ++i) mask[i] = labels[i] >= 0;
    return mask;
  };
  Raster inner = distance(grid, mask_of(grid, shapes_on(grid)));
  const bool all_inside =
      xmin >= grid.x0 && xmax <= grid.x1() && ymin >= grid.y1() && ymax <= grid.y0;
  if (all_inside || max_pad_m <= 0) return inner;
  // A feature further beyond the grid's edge than the largest distance inside can be nobody's
  // nearest.
  double pad = max_pad_m;
  double inner_max = max_value(inner);
  if (std::isfinite(inner_max)) pad = std::min(pad, inner_max + grid.cell);
  PaddedGrid p = pad_grid(grid, xmin, ymin, xmax, ymax, pad);
  if (p.grid.same_raster(grid)) return inner;
  Raster outer = distance(p.grid, mask_of(p.grid, shapes_on(p.grid)));
  return crop(outer, p, grid);
}

}  // namespace casco
