#pragma once
// `casco build`: turn a model definition into a model store, redoing only layers whose definition
// or source changed since the previous build of the same store.
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "core/grid.hpp"
#include "model/definition.hpp"

namespace casco {

struct BuildOptions {
  std::filesystem::path store;      // the GeoPackage to (re)write
  std::optional<double> cell_size;  // overrides [model] cell_size (e.g. a coarse quick build)
  bool force = false;               // rebuild every layer
};

struct LayerOutcome {
  std::string id;
  bool rebuilt = false;
  std::string reason;  // why it was rebuilt, or "unchanged"
  double seconds = 0;
};

struct BuildReport {
  std::filesystem::path store;
  Grid grid;
  std::vector<LayerOutcome> layers;
  double seconds = 0;
  std::size_t rebuilt() const;
};

// The grid that covers `[xmin, xmax] x [ymin, ymax]` (plus margin) with cells aligned to multiples
// of the cell size, so models of the same CRS and cell size always line up.
Grid make_grid(double xmin, double ymin, double xmax, double ymax, double cell, double margin);

// Throws casco::Error for bad input (the previous store, if any, is left untouched).
BuildReport build_model(const ModelDef& def, const BuildOptions& options);

}  // namespace casco
