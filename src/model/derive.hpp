#pragma once
// Internal to model/: how one layer of a model definition becomes a grid layer. build.cpp
// decides what to (re)derive and writes the store; this file derives.
#include <ogr_geometry.h>

#include <functional>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "core/grid.hpp"
#include "model/definition.hpp"
#include "model/store.hpp"
#include "model/vector_source.hpp"

namespace casco::detail {

std::unique_ptr<OGRGeometry> union_polygons(const std::vector<const OGRGeometry*>& geoms);

struct Computed {
  Raster raster;
  std::vector<ZoneRecord> zones;
  // Dissolved zone geometries (for a zones layer with `dissolve`), written as the layer's table.
  std::vector<std::pair<ZoneRecord, std::unique_ptr<OGRGeometry>>> dissolved;
  std::string note;  // how the layer was made, in Dutch, added to its description
};

struct DeriveContext {
  const Grid& grid;
  // The study area and how far beyond it features still count (distances, point areas).
  const OGRGeometry* study_area = nullptr;
  double surroundings_m = 0;
  // Layers already built, by id (the inputs of expression, dasymetric and distance-from layers).
  std::function<const Raster&(const std::string&)> layer;
  // The zone records of a zones layer already built (dasymetric `within`).
  std::function<const std::vector<ZoneRecord>&(const std::string&)> zones;
  // Reads (and caches) another source a derivation needs (point_areas fill_from).
  std::function<std::shared_ptr<VectorData>(const SourceDef&)> load;
};

// `v` is the layer's source (null for layers made from other layers only).
Computed derive(const LayerDef& L, const VectorData* v, const DeriveContext& ctx);

}  // namespace casco::detail
