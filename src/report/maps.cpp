#include "report/maps.hpp"

#include <tbb/parallel_for.h>

#include "core/error.hpp"

namespace casco::report {

ReportMaps::ReportMaps(const Store& store, Select select, int map_size, int place_labels)
    : store_(store),
      select_(std::move(select)),
      map_size_(map_size),
      place_labels_(place_labels),
      study_(store.study_mask()) {}

void ReportMaps::start(const Figures& base) {
  mapper_ = std::make_unique<WindowMapper>(store_, base.zones_layer, map_size_);
  const std::size_t n = base.areas.size();
  pages_ = select_(base.areas);
  if (pages_.size() != n) fail("report maps: {} page flags for {} areas", pages_.size(), n);
  windows_.assign(n, {});
  highlight_.assign(n, 0);
  decor_.assign(n, {});
  for (std::size_t k = 0; k < n; ++k) {
    const Area& a = base.areas[k];
    if (!pages_[k] || a.cells <= 0) continue;
    windows_[k] = k == 0 ? mapper_->whole() : mapper_->window_of(a.zone);
    highlight_[k] = a.zone;
    decor_[k].title = a.name;
    if (!base.kernen) continue;
    // The largest kernen of the area (of the whole province on its page), most people first.
    for (const KernFigures& kern : base.kernen->kernen) {
      if (static_cast<int>(decor_[k].labels.size()) >= place_labels_) break;
      if (kern.area > 0 && (k == 0 || static_cast<std::size_t>(kern.area) == k))
        decor_[k].labels.push_back({kern.x, kern.y, kern.name});
    }
  }
}

void ReportMaps::draw(const std::string& key, const LayerRecord& record, const Raster& raster) {
  if (!mapper_) fail("report maps: draw('{}') before start()", key);
  Map m;
  m.legend = store_.find(record.id) ? legend::legend_for(store_, record, raster, study_)
                                    : legend::legend_for(record, raster, study_);
  m.png.resize(windows_.size());
  tbb::parallel_for(std::size_t(0), windows_.size(), [&](std::size_t k) {
    if (windows_[k].cols > 0)
      m.png[k] = mapper_->png(raster, m.legend, windows_[k], highlight_[k], decor_[k]);
  });
  maps_[key] = std::move(m);
}

const legend::Legend* ReportMaps::legend(const std::string& key) const {
  auto it = maps_.find(key);
  return it == maps_.end() ? nullptr : &it->second.legend;
}

const std::string* ReportMaps::png(const std::string& key, std::size_t area) const {
  auto it = maps_.find(key);
  if (it == maps_.end() || area >= it->second.png.size() || it->second.png[area].empty())
    return nullptr;
  return &it->second.png[area];
}

}  // namespace casco::report
