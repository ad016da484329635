#pragma once
// Report maps: a window of the model grid drawn as a bare PNG image (no title or legend — the
// HTML page around it carries those), with the zone borders, one zone highlighted and the rest
// washed out, and a scale bar. Meant for many small maps of one store: the zones raster and the
// border outlines are read once.
#include <optional>
#include <string>
#include <vector>

#include "core/grid.hpp"
#include "legend/legend.hpp"
#include "model/store.hpp"
#include "render/quicklook.hpp"

namespace casco {

// Cells [col0, col0 + cols) x [row0, row0 + rows) of the grid.
struct MapWindow {
  int col0 = 0, row0 = 0, cols = 0, rows = 0;
};

class WindowMapper {
 public:
  // Reads the zones raster and its outlines; throws casco::Error if `zones_layer` is not a zones
  // layer with outlines.
  WindowMapper(const Store& store, const std::string& zones_layer, int max_size = 900);

  const Raster& zones() const { return zones_; }
  MapWindow whole() const;  // the bounding box of all zones
  // The bounding box of one zone, with a margin of `margin` times its longest side; throws
  // casco::Error if the zone has no cells.
  MapWindow window_of(int zone, double margin = 0.04) const;

  // The map as PNG bytes. `highlight` > 0 outlines that zone boldly and washes out the rest.
  // Colours, and points drawn as symbols, come from the legend (legend/legend.hpp).
  std::string png(const Raster& raster, const legend::Legend& style, const MapWindow& window,
                  int highlight = 0) const;

 private:
  struct Outline {
    int zone = 0;
    std::vector<std::vector<std::pair<double, double>>> rings;  // world coordinates
  };
  const Store* store_;
  Raster zones_;
  std::vector<Outline> outlines_;
  int max_size_;
};

}  // namespace casco
