#pragma once
// The report's maps: every raster the figures hand over is drawn once per page — the province
// whole, each zone cropped to itself with its neighbours washed out — with the legend module's
// colours and classes (identical to the viewer and the PNG maps), the largest kernen named and
// the area's own name in the corner.
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "legend/legend.hpp"
#include "render/window_map.hpp"
#include "report/figures.hpp"

namespace casco::report {

class ReportMaps : public MapSink {
 public:
  // `select` says per area whether its page is written (maps are drawn only for those); it is
  // called in start(), once the areas are known.
  using Select = std::function<std::vector<bool>(const std::vector<Area>&)>;
  ReportMaps(const Store& store, Select select, int map_size, int place_labels);

  // Called once the areas and kernen are known, before the first draw().
  void start(const Figures& base) override;
  void draw(const std::string& key, const LayerRecord& record, const Raster& raster) override;

  // The legend of a map, or null when it was not drawn.
  const legend::Legend* legend(const std::string& key) const;
  // The PNG of a map for an area, or null.
  const std::string* png(const std::string& key, std::size_t area) const;
  std::size_t count() const { return maps_.size(); }
  const std::vector<bool>& pages() const { return pages_; }

 private:
  struct Map {
    legend::Legend legend;
    std::vector<std::string> png;  // per area, "" where no page is written
  };
  const Store& store_;
  Select select_;
  std::vector<bool> pages_;
  int map_size_, place_labels_;
  std::vector<std::uint8_t> study_;
  std::unique_ptr<WindowMapper> mapper_;
  std::vector<MapWindow> windows_;
  std::vector<int> highlight_;
  std::vector<MapDecor> decor_;
  std::map<std::string, Map> maps_;
};

}  // namespace casco::report
