#include "viewer/layers.hpp"

#include <malloc.h>
#include <tbb/parallel_for.h>
#include <tbb/task_arena.h>

#include <algorithm>
#include <fstream>
#include <nlohmann/json.hpp>
#include <optional>

#include "casco/version.hpp"
#include "core/error.hpp"
#include "core/files.hpp"

namespace casco::viewer {
namespace {

using json = nlohmann::json;

// Raise when the legend module's output changes, so old legend caches are not used.
constexpr int kLegendCacheSchema = 2;

// Changes when the layer is rebuilt (definition, source or build time).
std::string etag_of(const LayerRecord& L) {
  return fmt::format("\"{}-{:x}\"", L.definition_sha256.substr(0, 16),
                     std::hash<std::string>{}(L.built_at + L.source_sha256));
}

}  // namespace

LayerSet::LayerSet(const Store& store, std::size_t cache_bytes)
    : store_(store), cache_limit_(cache_bytes) {
  prepare();
}

std::filesystem::path LayerSet::legend_cache_path() const {
  return std::filesystem::path(store_.path().string() + ".legends.json");
}

// Legends need each layer's values once (zone neighbours, percentiles). They are kept in a cache
// file beside the store (<store>.legends.json), valid while a layer's ETag is the same, so only
// the first start (and layers rebuilt since) reads whole layers: the next starts are quick and
// read nothing until a tile asks for it. Layers read stay in the layer cache while it has room.
// Layers are read in parallel (one GDAL dataset each).
void LayerSet::prepare() {
  const auto& layers = store_.manifest().layers;
  json cached_legends = json::object();
  if (std::ifstream in(legend_cache_path()); in) {
    json j = json::parse(in, nullptr, false);
    if (!j.is_discarded() && j.is_object() && j.value("casco", "") == kVersion &&
        j.value("schema", 0) == kLegendCacheSchema && j.contains("layers") &&
        j["layers"].is_object())
      cached_legends = j["layers"];  // else unreadable or from another casco: start afresh
  }
  // Legends are computed over the study area: it is read before the layers are read in parallel,
  // so that no two threads read one layer.
  const bool all_cached = std::all_of(layers.begin(), layers.end(), [&](const LayerRecord& L) {
    auto it = cached_legends.find(L.id);
    return it != cached_legends.end() && it->value("etag", "") == etag_of(L);
  });
  if (!all_cached) study();
  std::mutex done;
  std::atomic<std::size_t> computed{0};
  // At most four layers are read at once: each whole layer is in memory until its legend is made.
  tbb::task_arena arena(std::min(4, tbb::this_task_arena::max_concurrency()));
  arena.execute([&] {
    tbb::parallel_for(std::size_t{0}, layers.size(), [&](std::size_t i) {
      const LayerRecord& L = layers[i];
      std::string etag = etag_of(L);
      std::optional<legend::Legend> c;
      if (auto it = cached_legends.find(L.id);
          it != cached_legends.end() && it->value("etag", "") == etag) {
        try {
          c = legend::legend_from_json((*it)["legend"].get<std::string>());
        } catch (const std::exception&) {
          c.reset();  // a damaged entry is computed again
        }
      }
      std::shared_ptr<const Raster> raster;
      if (!c) {
        raster = std::make_shared<const Raster>(store_.read(L.id));
        c = legend::legend_for(store_, L, *raster, study());
        ++computed;
      }
      {
        std::lock_guard lock(done);
        legends_.emplace(L.id, std::move(*c));
        etags_.emplace(L.id, std::move(etag));
      }
      if (raster) remember(L.id, std::move(raster));
    });
  });
  if (computed > 0) write_legend_cache();
}

const std::vector<std::uint8_t>& LayerSet::study() const {
  std::call_once(study_once_, [&] {
    std::lock_guard lock(store_mutex_);  // a layer's GDAL dataset serves one thread at a time
    study_ = store_.study_mask();
  });
  return study_;
}

void LayerSet::write_legend_cache() const {
  json layers = json::object();
  for (const auto& [id, c] : legends_)
    layers[id] = {{"etag", etags_.at(id)}, {"legend", legend::to_json(c)}};
  try {
    AtomicOutput out(legend_cache_path());
    {
      std::ofstream f(out.temp_path());
      f << json{{"casco", kVersion}, {"schema", kLegendCacheSchema}, {"layers", layers}}.dump()
        << "\n";
      if (!f) fail("cannot write '{}'", out.temp_path().string());
    }
    out.commit();
  } catch (const std::exception& e) {
    warn("the legend cache cannot be saved ({}); the next start reads every layer again", e.what());
  }
}

void LayerSet::remember(const std::string& id, std::shared_ptr<const Raster> raster) {
  std::lock_guard lock(cache_mutex_);
  const std::size_t bytes = raster->values.size() * sizeof(float);
  if (bytes > cache_limit_) return;
  bool evicted = false;
  while (cache_bytes_ + bytes > cache_limit_ && !cache_.empty()) {
    evicted = true;
    auto oldest = std::min_element(cache_.begin(), cache_.end(), [](const auto& a, const auto& b) {
      return a.second.last_used < b.second.last_used;
    });
    cache_bytes_ -= oldest->second.raster->values.size() * sizeof(float);
    cache_.erase(oldest);
  }
  // An evicted layer's memory goes back to the system (glibc keeps freed blocks of the threads'
  // arenas otherwise: measured 2 GB resident for a 1 GB cache on the 25 m Drenthe model).
  if (evicted) ::malloc_trim(0);
  if (cache_.count(id)) return;
  cache_[id] = {std::move(raster), ++clock_};
  cache_bytes_ += bytes;
}

std::shared_ptr<const Raster> LayerSet::cached(const std::string& id) {
  std::lock_guard lock(cache_mutex_);
  auto it = cache_.find(id);
  if (it == cache_.end()) return nullptr;
  it->second.last_used = ++clock_;
  return it->second.raster;
}

std::shared_ptr<const Raster> LayerSet::raster(const std::string& id) {
  if (auto r = cached(id)) return r;
  std::lock_guard lock(store_mutex_);
  if (auto r = cached(id)) return r;  // another request loaded it meanwhile
  auto r = std::make_shared<const Raster>(store_.read(id));
  remember(id, r);
  return r;
}

double LayerSet::value_at(const std::string& id, int col, int row) {
  if (auto r = cached(id)) return r->at(row, col);
  std::lock_guard lock(store_mutex_);
  return store_.read_window(id, col, row, 1, 1).values[0];
}

}  // namespace casco::viewer
