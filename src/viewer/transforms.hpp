#pragma once
// PROJ transformations are not thread-safe: each request borrows one from a pool.
#include <ogr_spatialref.h>

#include <mutex>
#include <vector>

#include "core/crs.hpp"
#include "core/error.hpp"

namespace casco::viewer {

class TransformPool {
 public:
  TransformPool(OGRSpatialReference from, OGRSpatialReference to)
      : from_(std::move(from)), to_(std::move(to)) {}
  Transform take() {
    {
      std::lock_guard lock(mutex_);
      if (!free_.empty()) {
        Transform t = std::move(free_.back());
        free_.pop_back();
        return t;
      }
    }
    Transform t = make_transform(from_, to_);
    if (!t) fail("the viewer needs a transformation between different CRSs");
    return t;
  }
  void give(Transform t) {
    std::lock_guard lock(mutex_);
    free_.push_back(std::move(t));
  }

 private:
  OGRSpatialReference from_, to_;
  std::mutex mutex_;
  std::vector<Transform> free_;
};

// Returns a borrowed transformation to its pool at the end of a scope.
struct Borrowed {
  TransformPool& pool;
  Transform t;
  explicit Borrowed(TransformPool& p) : pool(p), t(p.take()) {}
  ~Borrowed() { pool.give(std::move(t)); }
  Borrowed(const Borrowed&) = delete;
  Borrowed& operator=(const Borrowed&) = delete;
  OGRCoordinateTransformation& operator*() { return *t; }
};

// The three CRSs the viewer works in: the store's, Web Mercator (tiles) and WGS 84 (the API).
struct Transforms {
  OGRSpatialReference store, mercator, wgs84;
  TransformPool store_from_mercator, store_from_wgs84, store_to_wgs84;
  explicit Transforms(const OGRSpatialReference& store_srs)
      : store(store_srs),
        mercator(make_srs("EPSG:3857", "web map CRS")),
        wgs84(make_srs("EPSG:4326", "WGS 84")),
        store_from_mercator(mercator, store),
        store_from_wgs84(wgs84, store),
        store_to_wgs84(store, wgs84) {}
};

}  // namespace casco::viewer
