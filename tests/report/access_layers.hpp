#pragma once
// Test helper: the bundled model's access layers (travel times and norms) added to a store the
// way `casco access` adds them, through the library.
#include <filesystem>

#include "access/access.hpp"
#include "model/store.hpp"

namespace casco::test {

// The model's access layers, added the way `casco access` adds them (travel times and norms).
inline void add_access_layers(const std::filesystem::path& store) {
  Store s = Store::open(store);
  const access::AccessConfig cfg =
      access::load_access_config(std::filesystem::path(CASCO_DATA_DIR) / "access.toml");
  const auto facilities = access::load_facilities(cfg, s);
  const auto origins = access::load_origins(cfg, s);
  const access::AccessResult r = access::compute_access(cfg, s, facilities, {}, origins);
  const auto norms = access::evaluate_norms(cfg, s, r, origins);
  std::vector<std::pair<LayerRecord, const Raster*>> layers;
  for (const auto& L : r.layers)
    layers.push_back({access::travel_time_record(cfg, r, L), &L.minutes});
  for (const auto& n : norms) layers.push_back({access::norm_record(cfg, r, n), &n.meets});
  add_layers(store, layers);
}

}  // namespace casco::test
