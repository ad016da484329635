#pragma once
// The store's layers as the viewer serves them: one legend per layer (from the legend module,
// cached beside the store), an ETag per layer, and whole layers kept in memory (least recently
// used first out) for tiles and point values.
#include <atomic>
#include <cstdint>
#include <filesystem>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "legend/legend.hpp"
#include "model/store.hpp"

namespace casco::viewer {

class LayerSet {
 public:
  // Computes (or reads from <store>.legends.json) the legend of every layer of `store`.
  LayerSet(const Store& store, std::size_t cache_bytes);

  const legend::Legend& legend(const std::string& id) const { return legends_.at(id); }
  const std::string& etag(const std::string& id) const { return etags_.at(id); }
  // 1 for cells in the study area (Store::study_mask()), read when first asked for: a start with
  // every legend in the cache reads no layer at all.
  const std::vector<std::uint8_t>& study() const;

  // The whole layer (read once, then from memory while it fits).
  std::shared_ptr<const Raster> raster(const std::string& id);
  // One cell; reads a 1x1 window when the layer is not in memory.
  double value_at(const std::string& id, int col, int row);
  // Guards the store's GDAL datasets (used by one thread at a time).
  std::mutex& store_mutex() { return store_mutex_; }

  std::filesystem::path legend_cache_path() const;

 private:
  struct Cached {
    std::shared_ptr<const Raster> raster;
    std::uint64_t last_used = 0;
  };
  void prepare();
  void write_legend_cache() const;
  void remember(const std::string& id, std::shared_ptr<const Raster> raster);
  std::shared_ptr<const Raster> cached(const std::string& id);

  const Store& store_;
  std::size_t cache_limit_;
  std::map<std::string, legend::Legend> legends_;  // fixed after start
  std::map<std::string, std::string> etags_;
  mutable std::vector<std::uint8_t> study_;  // guarded by study_once_ and store_mutex_
  mutable std::once_flag study_once_;
  mutable std::mutex store_mutex_;
  std::mutex cache_mutex_;
  std::map<std::string, Cached> cache_;
  std::size_t cache_bytes_ = 0;
  std::uint64_t clock_ = 0;
};

}  // namespace casco::viewer
