#pragma once
// Report maps: a window of the model grid drawn as a bare PNG image (no title or legend — the
// HTML page around it carries those), with the zone borders, one zone highlighted and the rest
// washed out, and a scale bar. Meant for many small maps of one store: the zones raster and the
// border outlines are read once.
#include <optional>
#include <string>
#include <vector>

#include "core/grid.hpp"
#include "model/store.hpp"
#include "render/quicklook.hpp"

namespace casco {

// Cells [col0, col0 + cols) x [row0, row0 + rows) of the grid.
struct MapWindow {
  int col0 = 0, row0 = 0, cols = 0, rows = 0;
};

// How cell values become colours.
struct MapStyle {
  // Non-empty: a class map (cells matching no class, and NaN, stay uncoloured).
  std::vector<MapClass> classes;
  // Otherwise a ramp: colour stops (0xRRGGBB) spread evenly from `lo` to `hi`.
  std::vector<unsigned> ramp;
  double lo = 0, hi = 1;
  bool zero_blank = false;  // ramp maps: leave 0 uncoloured (no feature there)
  bool dots = false;        // draw every non-zero cell as a dot (sparse point layers)
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
  std::string png(const Raster& raster, const MapStyle& style, const MapWindow& window,
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
