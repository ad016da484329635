#pragma once
// Hydrology on an elevation model: depression filling (priority-flood), D8 and D-infinity flow
// directions, flow accumulation, the drainage network, depressions ("bluespots") with their
// volume and the rain that fills them, a design storm spread over them (fill and spill), height
// above the nearest drainage (HAND) and the topographic wetness index. Pure computing: rasters
// in, rasters and tables out; methods and definitions in docs/water.md.
//
// A DEM is a casco::Raster (float32, NaN = no data) on any square-celled grid; distances are in
// the grid's units (metres). Cells on the outer edge of the grid and cells next to no-data are
// outlets: water reaching them leaves the model.
#include <cstddef>
#include <cstdint>
#include <vector>

#include "core/grid.hpp"

namespace casco::water {

// ---------------------------------------------------------------------------- D8 codes
// A cell's D8 direction is the index of the neighbour it drains to, in scan order:
//   0 1 2      NW N NE
//   3 . 4      W  .  E
//   5 6 7      SW S SE
// so the opposite of direction k is 7 - k. Other codes:
inline constexpr std::uint8_t kOffGrid = 8;   // an outlet: drains off the grid or into no-data
inline constexpr std::uint8_t kPit = 10;      // no outflow (only on a surface that was not filled)
inline constexpr std::uint8_t kNoFlow = 255;  // a no-data cell
inline constexpr int kRowStep[8] = {-1, -1, -1, 0, 0, 1, 1, 1};
inline constexpr int kColStep[8] = {-1, 0, 1, -1, 1, -1, 0, 1};

// ---------------------------------------------------------------------------- filling
struct FillStats {
  std::size_t cells = 0;         // cells with data
  std::size_t raised = 0;        // cells whose height the filling raised
  std::size_t queue_pushes = 0;  // cells that went through the priority queue
  std::size_t queue_peak = 0;    // largest priority-queue size (memory: 8 bytes a cell)
  double max_raise = 0;          // deepest depression filled (m)
};

// Fills every depression of `dem` in place up to its spill height, so that every cell has a
// non-ascending path to an outlet (priority-flood, Barnes et al. 2014, with Zhou et al.'s 2016
// shortcut for cells on slopes). Exact: no epsilon gradient is added; flats are given their
// directions by d8_directions. Working memory: one bit per cell plus the queues.
FillStats fill_depressions(Raster& dem);

// ---------------------------------------------------------------------------- D8
struct FlowStats {
  std::size_t flat_cells = 0;  // cells without a lower neighbour that got a direction over a flat
  std::size_t outlets = 0;     // cells draining off the grid or into no-data
  std::size_t pits = 0;        // cells without outflow (0 on a filled surface)
};

// Steepest-descent D8 directions on a (filled) surface: the neighbour with the largest drop
// per distance (diagonals divided by sqrt 2); ties go to the first in scan order. Cells without
// a lower neighbour on a flat drain towards the flat's nearest exit (breadth-first from them, the
// rule GRASS r.terraflow documents for plateaus). Outlets — cells on the edge or next to no-data
// — drain out of the model (kOffGrid), as in GRASS r.terraflow. One byte per cell.
std::vector<std::uint8_t> d8_directions(const Raster& surface, FlowStats* stats = nullptr);

// Fills `dem` in place and gives every cell its D8 direction in one go: the same surface as
// fill_depressions and the same directions as d8_directions on it, cheaper (the flats are routed
// while the flood crosses them). What the hydrology pipeline and the benchmark use.
struct Routed {
  std::vector<std::uint8_t> dirs;
  FillStats fill;
  FlowStats flow;
};
Routed fill_and_route(Raster& dem);

// The cell a D8 direction leads to, or -1 for kOffGrid / kPit / kNoFlow.
inline std::int64_t d8_receiver(const Grid& g, std::size_t cell, std::uint8_t dir) {
  if (dir > 7) return -1;
  return static_cast<std::int64_t>(cell) + kRowStep[dir] * static_cast<std::int64_t>(g.cols) +
         kColStep[dir];
}

// Flow accumulation: per cell the number of cells that drain through it, itself included
// (GRASS and ArcGIS count the cell itself too). 4 bytes per cell; the direction bytes are used
// as scratch and restored. No-data cells get 0.
std::vector<std::uint32_t> d8_accumulation(const Grid& grid, std::vector<std::uint8_t>& dirs);

// Accumulation of a weight per cell (rain, runoff): per cell the sum of the weights of the cells
// that drain through it, itself included. NaN weights count as 0.
std::vector<double> d8_accumulate(const Grid& grid, std::vector<std::uint8_t>& dirs,
                                  const std::vector<float>& weight);

// ---------------------------------------------------------------------------- D-infinity
// Tarboton (1997): the steepest downward slope over the eight triangular facets around a cell,
// as an angle; the flow is split between the two neighbours of that facet in proportion to how
// close the angle is to each. Cells without a downward facet (flats, outlets) follow their D8
// direction whole.
struct DInfinity {
  std::vector<float> angle;          // radians, counter-clockwise from east; NaN where D8 is used
  std::vector<std::uint8_t> first;   // D8 code of the first receiver (the D8 code itself for flats)
  std::vector<std::uint8_t> second;  // D8 code of the second receiver, or kNoFlow
  std::vector<float> share;          // share of the flow to `first` (1 for flats)
};
DInfinity dinf_directions(const Raster& surface, const std::vector<std::uint8_t>& d8);

// D-infinity accumulation in cells (itself included).
std::vector<float> dinf_accumulation(const Grid& grid, const DInfinity& flow);

// ---------------------------------------------------------------------------- terrain
// Slope (rise over run, Horn's 3x3 method; edges use the cell itself for missing neighbours).
Raster slope(const Raster& dem);

// Topographic wetness index ln(a / tan b): a = upslope area per unit contour width
// (accumulated cells x cell size), tan b the local slope, at least `min_slope`.
Raster wetness_index(const Raster& slope, const std::vector<float>& accumulation,
                     double min_slope = 0.001);

// Drainage network: cells whose upslope area is at least `min_area_m2` (1) or not (0).
Raster drainage_network(const Grid& grid, const std::vector<std::uint32_t>& accumulation,
                        double min_area_m2);

struct Hand {
  Raster height;     // m above the drainage cell the cell flows to (HAND)
  Raster catchment;  // upslope area (km2) of that drainage cell: how big the stream is
  Raster distance;   // flow-path length (m) to that drainage cell
};
// Height above the nearest drainage along the D8 flow path (Nobre et al. 2011), on the filled
// surface. Cells whose path leaves the grid without meeting the network are measured from the
// last cell before the edge.
Hand height_above_drainage(const Raster& filled, const std::vector<std::uint8_t>& dirs,
                           const std::vector<std::uint32_t>& accumulation, double min_area_m2);

// ---------------------------------------------------------------------------- bluespots
struct Bluespot {
  std::uint32_t id = 0;   // 1..n, the value in Bluespots::label
  std::size_t cells = 0;  // cells under water when full
  double volume_m3 = 0;   // water it holds up to its spill height
  double max_depth_m = 0;
  double spill_height = 0;          // m (the DEM's datum) at which it overflows
  std::size_t catchment_cells = 0;  // cells whose water reaches it first (itself included)
  double fill_rain_mm = 0;          // rain over its own catchment that fills it: volume / area
  std::int64_t outlet_cell = -1;    // the rim cell it spills over
  std::uint32_t downstream = 0;     // the bluespot its overflow runs into (0: leaves the model)
  double x = 0, y = 0;              // centre of its deepest cell
};

struct Bluespots {
  Raster depth;                        // filled - dem (m), 0 outside depressions
  std::vector<std::uint32_t> label;    // bluespot id per cell, 0 = none
  std::vector<std::uint32_t> reaches;  // per cell: the first bluespot its water runs into (0: none)
  std::vector<Bluespot> spots;         // spots[id - 1]
  std::size_t dropped_shallow = 0;     // depressions below the minimum depth or volume
};

struct BluespotOptions {
  double min_depth_m = 0.05;   // a depression counts as a bluespot when its deepest point
  double min_volume_m3 = 1.0;  // and its volume reach these
};

// Depressions of `dem` (the surface before filling) given its filled surface and the D8
// directions on it: 8-connected regions where filled > dem, their volume, spill height, outlet,
// own catchment and the rain depth that fills them, and which bluespot each spills into.
Bluespots find_bluespots(const Raster& dem, const Raster& filled,
                         const std::vector<std::uint8_t>& dirs, const BluespotOptions& options);

struct StormResult {
  Raster water_depth;             // m of water standing after the storm (0 = dry)
  std::vector<double> stored_m3;  // per bluespot: water held
  std::vector<double> inflow_m3;  // per bluespot: water that reached it (rain + overflow)
  double rain_m3 = 0;             // effective rain over all cells with data
  double stored_total_m3 = 0;     // held in bluespots
  double runoff_m3 = 0;           // left the model over its edges
  std::size_t full_spots = 0;     // bluespots that filled up and overflowed
  std::size_t wet_cells = 0;      // cells with water standing (depth > 0)
};

// A design storm of `effective_rain_m` per cell (rain minus what infiltrates; NaN or negative =
// 0) runs off along the D8 directions into the bluespots; each fills as one pool from its lowest
// point up to its spill height, the rest spills into the bluespot downstream (fill and spill,
// upstream first), water that reaches an outlet leaves. Static: where water ends up once the
// storm has run off, not when.
StormResult design_storm(const Raster& dem, const Bluespots& spots,
                         const std::vector<std::uint8_t>& dirs,
                         const std::vector<float>& effective_rain_m);

}  // namespace casco::water
