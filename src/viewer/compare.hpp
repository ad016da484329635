#pragma once
// Two scenarios side by side: two allocation layers of the store (role allocation) compared cell by
// cell on their class names (two scenarios may number their kinds differently), counted over the
// study area: hectares per kind in A and B, what changed into what, and a map of the difference.
#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "core/grid.hpp"
#include "legend/legend.hpp"

namespace casco::viewer {

struct Comparison {
  std::string a, b;  // layer ids
  struct Kind {
    std::string label;
    unsigned rgb = 0;   // B's colour, else A's
    bool drawn = true;  // false: "no claim"
    double ha_a = 0, ha_b = 0;
  };
  std::vector<Kind> kinds;
  struct Change {
    std::string from, to;
    double ha = 0;
  };
  std::vector<Change> changes;  // largest first
  double changed_ha = 0;
  // Per cell: the kind B gives a changed cell (index in kinds), or -1 where nothing changed or the
  // cell lies outside the study area.
  std::vector<std::int16_t> changed_to;

  // The difference map's colour for a cell: B's kind where it differs from A; a changed cell that
  // B leaves without a claim in grey.
  std::uint32_t argb(std::size_t cell) const;
  nlohmann::json to_json(const std::string& title_a, const std::string& title_b) const;
};

// `inside`: the study area (one flag per cell; empty = every cell).
Comparison compare_allocations(const std::string& a_id, const Raster& a, const legend::Legend& la,
                               const std::string& b_id, const Raster& b, const legend::Legend& lb,
                               const std::vector<std::uint8_t>& inside);

}  // namespace casco::viewer
