#pragma once
// Shared by fill.cpp and flow.cpp (not part of the module's public interface).
#include <cstdint>
#include <vector>

#include "water/hydrology.hpp"

namespace casco::water {

inline constexpr std::uint8_t kUnresolved = 9;  // a direction not known yet

// The priority-flood of fill_depressions; with `dirs` (one byte a cell) it also records, for
// every cell it floods across a flat or depression, the direction to the cell that reached it,
// marks no-data kNoFlow and leaves every other cell kUnresolved.
FillStats priority_flood(Raster& dem, std::uint8_t* dirs);

// Gives every kUnresolved cell on the edge or next to no-data kOffGrid (returns how many) and
// every other kUnresolved cell with a lower neighbour its steepest-descent direction; cells
// without a lower neighbour stay kUnresolved. `has_nodata`: whether the surface has no-data cells
// (else the check for no-data neighbours is skipped).
std::size_t assign_steepest(const Raster& surface, std::vector<std::uint8_t>& dirs,
                            bool has_nodata);

}  // namespace casco::water
