#include "report/figures.hpp"

#include <fmt/ranges.h>

#include <algorithm>
#include <cmath>
#include <set>

#include "core/error.hpp"
#include "report/figures_context.hpp"
#include "report/report.hpp"

namespace casco::report {
namespace {

std::string pick_zones_layer(const Store& s, const ReportConfig& c) {
  const std::string id = c.zones.empty() ? s.manifest().borders : c.zones;
  if (id.empty())
    fail("store '{}' names no zones layer for the report's pages: set zones in {}",
         s.path().string(), (c.dir / "report.toml").string());
  const LayerRecord* L = s.find(id);
  if (!L || L->describe.role != role::kZones)
    fail("store '{}' has no zones layer '{}' to make the report's pages from (report.toml zones)",
         s.path().string(), id);
  return id;
}

// The province and its zones, with their size, bounding box and middle.
std::vector<Area> make_areas(const Store& s, const Raster& zones,
                             const std::vector<ZoneRecord>& records) {
  std::vector<Area> areas(records.size() + 1);
  areas[0].name =
      s.manifest().model_name.empty() ? s.path().stem().string() : s.manifest().model_name;
  areas[0].file = "index";
  std::set<std::string> files{"index"};
  for (std::size_t k = 1; k < areas.size(); ++k) {
    const ZoneRecord& r = records[k - 1];
    Area& a = areas[k];
    a.zone = r.zone, a.code = r.code;
    a.name = r.name.empty() ? r.code : r.name;
    a.file = slug(a.name);
    if (!files.insert(a.file).second) a.file = slug(a.name + "-" + r.code);
    files.insert(a.file);
  }
  // Bounding boxes: one pass over the zones.
  const Grid& g = zones.grid;
  std::vector<std::array<int, 4>> box(areas.size(), {g.cols, g.rows, -1, -1});
  std::vector<std::size_t> index_of(1, 0);
  for (std::size_t k = 1; k < areas.size(); ++k) {
    const auto z = static_cast<std::size_t>(std::max(0, areas[k].zone));
    if (index_of.size() <= z) index_of.resize(z + 1, 0);
    index_of[z] = k;
  }
  for (int row = 0; row < g.rows; ++row)
    for (int col = 0; col < g.cols; ++col) {
      const float z = zones.at(row, col);
      if (!(z >= 1) || z >= static_cast<float>(index_of.size())) continue;
      for (std::size_t k : {std::size_t(0), index_of[static_cast<std::size_t>(z)]}) {
        auto& b = box[k];
        b = {std::min(b[0], col), std::min(b[1], row), std::max(b[2], col), std::max(b[3], row)};
      }
    }
  for (std::size_t k = 0; k < areas.size(); ++k) {
    const auto& b = box[k];
    if (b[2] < 0) continue;
    areas[k].col0 = b[0], areas[k].row0 = b[1];
    areas[k].cols = b[2] - b[0] + 1, areas[k].rows = b[3] - b[1] + 1;
  }
  return areas;
}

// The province row: the zones added up.
ZoneStats total_of(const std::vector<ZoneStats>& rows) {
  ZoneStats t;
  t.min = kNaN, t.max = kNaN;
  double col = 0, row = 0, weight = 0;
  for (const ZoneStats& r : rows) {
    t.cells += r.cells, t.cells_set += r.cells_set, t.cells_data += r.cells_data;
    t.area_ha += r.area_ha, t.covered_ha += r.covered_ha, t.sum += r.sum;
    if (r.cells_data > 0) {
      t.min = std::isnan(t.min) ? r.min : std::min(t.min, r.min);
      t.max = std::isnan(t.max) ? r.max : std::max(t.max, r.max);
    }
    if (std::isfinite(r.centre_col) && r.sum != 0) {
      col += r.centre_col * r.sum, row += r.centre_row * r.sum, weight += r.sum;
    }
  }
  t.mean = t.cells_data ? t.sum / static_cast<double>(t.cells_data) : kNaN;
  t.centre_col = weight != 0 ? col / weight : kNaN;
  t.centre_row = weight != 0 ? row / weight : kNaN;
  return t;
}

}  // namespace

int where_mostly(const Area& a, double centre_col, double centre_row) {
  if (a.cols <= 0 || !std::isfinite(centre_col) || !std::isfinite(a.centre_col)) return -1;
  const double dx = (centre_col - a.centre_col) / a.cols;
  const double dy = (a.centre_row - centre_row) / a.rows;  // north positive
  if (std::hypot(dx, dy) < 0.1) return -1;
  int sector = static_cast<int>(std::lround(std::atan2(dy, dx) / (M_PI / 4))) % 8;
  return sector < 0 ? sector + 8 : sector;
}

Context::Context(const FigureInputs& in, MapSink* maps) : in_(in), maps_(maps) {
  if (!in.store || !in.config) fail("compute_figures needs a store and a report configuration");
  const Store& s = *in.store;
  zones_layer_ = pick_zones_layer(s, *in.config);
  records_ = s.zones(zones_layer_);
  zones_ = s.read(zones_layer_);
  study_ = s.study_mask();
  for (std::size_t i = 0; i < zones_.values.size(); ++i)
    if (!study_[i]) zones_.values[i] = kNoData;
  areas_ = make_areas(s, zones_, records_);
  const auto size = stats(Raster(zones_.grid, 1.0f));
  for (std::size_t k = 0; k < areas_.size(); ++k) {
    areas_[k].cells = static_cast<double>(size[k].cells);
    areas_[k].area_ha = size[k].area_ha;
    areas_[k].centre_col = size[k].centre_col;
    areas_[k].centre_row = size[k].centre_row;
  }
  population_id_ = in.config->population;
  if (!population_id_.empty()) {
    if (!s.find(population_id_))
      fail("store '{}' has no population layer '{}' (report.toml population)", s.path().string(),
           population_id_);
    population_ = s.read(population_id_);
  }
}

std::vector<ZoneStats> Context::stats(const Raster& values) const {
  std::vector<ZoneStats> rows = zonal_stats(values, zones_, records_);
  rows.insert(rows.begin(), total_of(rows));
  return rows;
}

std::vector<double> Context::sums(const Raster& values) const {
  std::vector<double> out;
  for (const ZoneStats& r : stats(values)) out.push_back(r.sum);
  return out;
}

std::vector<ZoneWeighted> Context::by_people(const Raster& values) const {
  if (!population()) fail("no population layer to weigh '{}' by", "values");
  std::vector<ZoneWeighted> rows = zonal_weighted(values, population_, zones_, records_);
  ZoneWeighted total;
  for (const auto& r : rows) total.weight += r.weight, total.weighted_sum += r.weighted_sum;
  rows.insert(rows.begin(), total);
  return rows;
}

std::vector<std::vector<double>> Context::class_hectares(const Raster& values,
                                                         int max_class) const {
  // model/stats counts per zone number (0: no zone); here per area, the province first.
  const auto ha = zone_class_hectares(values, zones_, records_, max_class + 1);
  std::vector<std::vector<double>> out(records_.size() + 1,
                                       std::vector<double>(std::size_t(max_class) + 1, 0.0));
  for (std::size_t k = 0; k < records_.size(); ++k) {
    const auto z = static_cast<std::size_t>(std::max(0, records_[k].zone));
    if (z == 0 || z >= ha.size()) continue;
    out[k + 1] = ha[z];
    for (std::size_t c = 0; c < ha[z].size(); ++c) out[0][c] += ha[z][c];
  }
  return out;
}

void Context::draw(const std::string& key, const LayerRecord& record, const Raster& raster) const {
  if (maps_) maps_->draw(key, record, raster);
}

std::size_t Figures::area(const std::string& name) const {
  for (std::size_t k = 0; k < areas.size(); ++k)
    if (areas[k].name == name) return k;
  std::vector<std::string> names;
  for (const auto& a : areas) names.push_back(a.name);
  fail("no area '{}' in the report; the areas are: {}", name, fmt::join(names, ", "));
}

Figures compute_figures(const FigureInputs& in, MapSink* maps) {
  Context c(in, maps);
  Figures f;
  f.zones_layer = c.zones_layer();
  f.areas = c.areas();
  f.kernen = kernen_figures(c);
  if (maps) maps->start(f);
  f.population = population_figures(c);
  f.groups = group_figures(c);
  f.suitability = suitability_figures(c);
  f.access = access_figures(c);
  f.allocations = allocation_figures(c);
  f.water = water_figures(c);
  return f;
}

}  // namespace casco::report
