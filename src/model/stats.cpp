#include "model/stats.hpp"

#include <tbb/blocked_range.h>
#include <tbb/combinable.h>
#include <tbb/parallel_for.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <nlohmann/json.hpp>

#include "core/error.hpp"
#include "core/json_text.hpp"
#include "model/definition.hpp"

namespace casco {
namespace {

std::string csv_escape(const std::string& s) {
  if (s.find_first_of(",\"\n") == std::string::npos) return s;
  std::string o = "\"";
  for (char c : s) {
    if (c == '"') o += '"';
    o += c;
  }
  return o + "\"";
}

// Width in characters of UTF-8 text (for aligning Dutch names with diacritics).
std::size_t text_width(const std::string& s) {
  std::size_t n = 0;
  for (unsigned char c : s) n += (c & 0xC0) != 0x80;
  return n;
}

std::string pad(const std::string& s, std::size_t w, bool right) {
  std::size_t n = text_width(s);
  std::string fill(w > n ? w - n : 0, ' ');
  return right ? fill + s : s + fill;
}

// Thousands separated, fixed decimals: readable in a terminal.
std::string num(double v, int decimals) {
  if (std::isnan(v)) return "-";
  std::string s = fmt::format("{:.{}f}", std::abs(v), decimals);
  auto dot = s.find('.');
  std::string ip = s.substr(0, dot), fp = dot == std::string::npos ? "" : s.substr(dot);
  std::string out;
  for (std::size_t i = 0; i < ip.size(); ++i) {
    if (i && (ip.size() - i) % 3 == 0) out += ',';
    out += ip[i];
  }
  return (v < 0 ? "-" : "") + out + fp;
}

int decimals_for(double v) {
  double a = std::abs(v);
  return a >= 1000 ? 0 : a >= 10 ? 1 : a >= 0.1 ? 3 : 4;
}

struct TextTable {
  std::vector<std::string> head;
  std::vector<bool> right;
  std::vector<std::vector<std::string>> rows;
  std::string render() const {
    std::vector<std::size_t> w(head.size());
    for (std::size_t c = 0; c < head.size(); ++c) {
      w[c] = text_width(head[c]);
      for (auto& r : rows) w[c] = std::max(w[c], text_width(r[c]));
    }
    std::string out;
    auto line = [&](const std::vector<std::string>& cells) {
      for (std::size_t c = 0; c < cells.size(); ++c)
        out += (c ? "  " : "") + pad(cells[c], w[c], right[c]);
      while (!out.empty() && out.back() == ' ') out.pop_back();
      out += '\n';
    };
    line(head);
    std::vector<std::string> rule;
    for (auto x : w) rule.push_back(std::string(x, '-'));
    line(rule);
    for (auto& r : rows) line(r);
    return out;
  }
};

}  // namespace

TableFormat parse_table_format(const std::string& s) {
  if (s == "text") return TableFormat::Text;
  if (s == "csv") return TableFormat::Csv;
  if (s == "json") return TableFormat::Json;
  fail("unknown format '{}': use text, csv or json", s);
}

namespace {

// The zone index of a cell's zone value: 1 … max_zone, or 0 for no zone.
inline std::size_t zone_index(float z, int max_zone) {
  return z >= 1 && z <= static_cast<float>(max_zone) ? static_cast<std::size_t>(z) : 0;
}

int max_zone_of(const std::vector<ZoneRecord>& records) {
  int max_zone = 0;
  for (const auto& r : records) max_zone = std::max(max_zone, r.zone);
  return max_zone;
}

void check_grids(const Raster& a, const Raster& b, const char* what) {
  if (!a.grid.same_raster(b.grid) || a.values.size() != b.values.size())
    fail("{} layers are on different grids", what);
}

}  // namespace

std::vector<ZoneStats> study_area_stats(const Store& store, const std::string& layer,
                                        const std::string& zones_layer) {
  const std::vector<ZoneRecord>& records = store.zones(zones_layer);
  Raster values = store.read(layer);
  Raster zones = store.read(zones_layer);
  const std::vector<uint8_t> study = store.study_mask();
  for (std::size_t i = 0; i < zones.values.size(); ++i)
    if (!study[i]) zones.values[i] = kNoData;
  return zonal_stats(values, zones, records);
}

std::vector<ZoneStats> zonal_stats(const Raster& values, const Raster& zones,
                                   const std::vector<ZoneRecord>& records) {
  check_grids(values, zones, "value and zone");
  const int max_zone = max_zone_of(records);
  struct Acc {
    std::size_t cells = 0, set = 0, data = 0;
    double sum = 0, col = 0, row = 0, min = std::numeric_limits<double>::infinity(),
           max = -std::numeric_limits<double>::infinity();
  };
  std::vector<Acc> acc(static_cast<std::size_t>(max_zone) + 1);
  const Grid& g = values.grid;
  for (int row = 0; row < g.rows; ++row) {
    const std::size_t base = static_cast<std::size_t>(row) * g.cols;
    for (int col = 0; col < g.cols; ++col) {
      const std::size_t z = zone_index(zones.values[base + col], max_zone);
      if (z == 0) continue;
      Acc& a = acc[z];
      ++a.cells;
      const float v = values.values[base + col];
      if (std::isnan(v)) continue;
      ++a.data;
      if (v != 0) ++a.set;
      a.sum += v;
      a.col += static_cast<double>(v) * col;
      a.row += static_cast<double>(v) * row;
      a.min = std::min<double>(a.min, v);
      a.max = std::max<double>(a.max, v);
    }
  }
  constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
  std::vector<ZoneStats> out;
  for (const auto& r : records) {
    const Acc& a = acc[static_cast<std::size_t>(std::max(0, r.zone))];
    ZoneStats s;
    s.zone = r.zone;
    s.code = r.code;
    s.name = r.name;
    s.cells = a.cells;
    s.cells_set = a.set;
    s.cells_data = a.data;
    s.area_ha = static_cast<double>(a.cells) * values.grid.cell_area_ha();
    s.covered_ha = a.sum * values.grid.cell_area_ha();
    s.sum = a.sum;
    s.mean = a.data ? a.sum / static_cast<double>(a.data) : kNaN;
    s.min = a.data ? a.min : kNaN;
    s.max = a.data ? a.max : kNaN;
    s.centre_col = a.sum != 0 ? a.col / a.sum : kNaN;
    s.centre_row = a.sum != 0 ? a.row / a.sum : kNaN;
    out.push_back(s);
  }
  return out;
}

double ZoneWeighted::mean() const {
  return weight > 0 ? weighted_sum / weight : std::numeric_limits<double>::quiet_NaN();
}

std::vector<ZoneWeighted> zonal_weighted(const Raster& values, const Raster& weights,
                                         const Raster& zones,
                                         const std::vector<ZoneRecord>& records) {
  check_grids(values, zones, "value and zone");
  check_grids(weights, zones, "weight and zone");
  const int max_zone = max_zone_of(records);
  std::vector<ZoneWeighted> acc(static_cast<std::size_t>(max_zone) + 1);
  for (std::size_t i = 0; i < values.values.size(); ++i) {
    const std::size_t z = zone_index(zones.values[i], max_zone);
    const float v = values.values[i], w = weights.values[i];
    if (z == 0 || std::isnan(v) || !(w > 0)) continue;
    acc[z].weight += w;
    acc[z].weighted_sum += static_cast<double>(w) * v;
  }
  std::vector<ZoneWeighted> out;
  for (const auto& r : records) {
    ZoneWeighted w = acc[static_cast<std::size_t>(std::max(0, r.zone))];
    w.zone = r.zone;
    out.push_back(w);
  }
  return out;
}

std::vector<std::vector<double>> zone_class_hectares(const Raster& classes, const Raster& zones,
                                                     const std::vector<ZoneRecord>& records,
                                                     int class_count, ClassOf class_of,
                                                     const void* context) {
  if (!classes.grid.same_raster(zones.grid)) fail("class and zone layers are on different grids");
  int max_zone = 0;
  for (const auto& r : records) max_zone = std::max(max_zone, r.zone);
  const auto nz = static_cast<std::size_t>(max_zone) + 1,
             nk = static_cast<std::size_t>(class_count);
  tbb::combinable<std::vector<std::size_t>> partial(
      [&] { return std::vector<std::size_t>(nz * nk, 0); });
  tbb::parallel_for(
      tbb::blocked_range<std::size_t>(0, classes.values.size(), 1 << 16),
      [&](const tbb::blocked_range<std::size_t>& range) {
        auto& counts = partial.local();
        for (std::size_t i = range.begin(); i != range.end(); ++i) {
          const float v = classes.values[i];
          if (std::isnan(v)) continue;
          const int k = class_of ? class_of(v, context) : static_cast<int>(std::lround(v));
          if (k < 0 || k >= class_count) continue;
          const float zv = zones.values[i];
          const std::size_t z =
              zv >= 1 && zv <= static_cast<float>(max_zone) ? static_cast<std::size_t>(zv) : 0;
          ++counts[z * nk + static_cast<std::size_t>(k)];
        }
      });
  std::vector<std::vector<double>> ha(nz, std::vector<double>(nk, 0.0));
  const double cell_ha = classes.grid.cell_area_ha();
  partial.combine_each([&](const std::vector<std::size_t>& counts) {
    for (std::size_t z = 0; z < nz; ++z)
      for (std::size_t k = 0; k < nk; ++k)
        ha[z][k] += static_cast<double>(counts[z * nk + k]) * cell_ha;
  });
  return ha;
}

std::string format_zonal(const LayerRecord& layer, const std::string& zone_layer,
                         const std::vector<ZoneStats>& rows, TableFormat format) {
  // For shares and 0/1 layers, sum x cell area is the covered area: the figure planners ask for.
  const bool areal = layer.derivation == "coverage" || layer.derivation == "presence";
  if (format == TableFormat::Json) {
    nlohmann::json j;
    j["layer"] = layer.id;
    j["title"] = layer.title;
    j["unit"] = layer.unit;
    j["zones"] = zone_layer;
    j["within"] = "study area";  // cells outside it are not counted
    auto& arr = j["rows"] = nlohmann::json::array();
    auto jnum = [](double v) {
      return std::isnan(v) ? nlohmann::json(nullptr) : nlohmann::json(v);
    };
    for (const auto& r : rows)
      arr.push_back({{"zone", r.zone},
                     {"code", r.code},
                     {"name", r.name},
                     {"cells", r.cells},
                     {"cells_set", r.cells_set},
                     {"area_ha", r.area_ha},
                     {"sum", r.sum},
                     {"mean", jnum(r.mean)},
                     {"min", jnum(r.min)},
                     {"max", jnum(r.max)}});
    if (areal)
      for (std::size_t i = 0; i < rows.size(); ++i) arr[i]["covered_ha"] = rows[i].covered_ha;
    return json_text(j, 2, "the statistics") + "\n";
  }
  if (format == TableFormat::Csv) {
    std::string out = std::string("zone,code,name,cells,cells_set,area_ha,sum,mean,min,max") +
                      (areal ? ",covered_ha\n" : "\n");
    for (const auto& r : rows) {
      out += fmt::format("{},{},{},{},{},{:.4f},{:.6g},{:.6g},{:.6g},{:.6g}", r.zone,
                         csv_escape(r.code), csv_escape(r.name), r.cells, r.cells_set, r.area_ha,
                         r.sum, r.mean, r.min, r.max);
      out += areal ? fmt::format(",{:.4f}\n", r.covered_ha) : "\n";
    }
    return out;
  }
  TextTable t;
  t.head = {"code", "name", "area (ha)", "sum", "mean", "min", "max", "cells set"};
  t.right = {false, false, true, true, true, true, true, true};
  if (areal) {
    t.head.push_back("covered (ha)");
    t.right.push_back(true);
  }
  double tot_area = 0, tot_sum = 0, tot_cov = 0;
  std::size_t tot_set = 0;
  for (const auto& r : rows) {
    t.rows.push_back({r.code, r.name, num(r.area_ha, 0), num(r.sum, decimals_for(r.sum)),
                      num(r.mean, decimals_for(r.mean)), num(r.min, decimals_for(r.min)),
                      num(r.max, decimals_for(r.max)), num(static_cast<double>(r.cells_set), 0)});
    if (areal) t.rows.back().push_back(num(r.covered_ha, 1));
    tot_area += r.area_ha;
    tot_sum += r.sum;
    tot_cov += r.covered_ha;
    tot_set += r.cells_set;
  }
  t.rows.push_back({"", "total", num(tot_area, 0), num(tot_sum, decimals_for(tot_sum)), "", "", "",
                    num(static_cast<double>(tot_set), 0)});
  if (areal) t.rows.back().push_back(num(tot_cov, 1));
  std::string head = fmt::format("{} — {}{} by {}, within the study area\n", layer.id, layer.title,
                                 layer.unit.empty() ? "" : " (" + layer.unit + ")", zone_layer);
  return head + t.render();
}

std::string format_info(const Store& store, TableFormat format) {
  const auto& m = store.manifest();
  const Grid& g = m.grid;
  if (format == TableFormat::Json) {
    nlohmann::json j;
    j["store"] = store.path().string();
    j["model"] = m.model_name;
    j["built_at"] = m.built_at;
    j["casco_version"] = m.casco_version;
    j["grid"] = {{"crs", g.crs},        {"x0", g.x0},     {"y0", g.y0},
                 {"cell_size", g.cell}, {"cols", g.cols}, {"rows", g.rows}};
    auto& arr = j["layers"] = nlohmann::json::array();
    for (const auto& L : m.layers)
      arr.push_back({{"id", L.id},
                     {"title", L.title},
                     {"group", L.group},
                     {"unit", L.unit},
                     {"derivation", L.derivation},
                     {"source", L.source},
                     {"source_sha256", L.source_sha256},
                     {"built_at", L.built_at},
                     {"vector_table", L.vector_table},
                     {"min", L.stats.min},
                     {"max", L.stats.max},
                     {"mean", L.stats.mean},
                     {"sum", L.stats.sum},
                     {"cells_set", L.stats.cells_set},
                     {"area_ha", L.stats.area_ha}});
    return json_text(j, 2, "the statistics") + "\n";
  }
  if (format == TableFormat::Csv) {
    std::string out = "id,title,group,unit,derivation,min,max,mean,sum,cells_set,area_ha\n";
    for (const auto& L : m.layers)
      out +=
          fmt::format("{},{},{},{},{},{:.6g},{:.6g},{:.6g},{:.6g},{},{:.4f}\n", L.id,
                      csv_escape(L.title), L.group, csv_escape(L.unit), L.derivation, L.stats.min,
                      L.stats.max, L.stats.mean, L.stats.sum, L.stats.cells_set, L.stats.area_ha);
    return out;
  }
  std::string out = fmt::format(
      "model {} — store {}\nbuilt {} by casco {}\ngrid {} x {} cells of {} m ({:.2f} M cells), {}, "
      "west {} north {}\n\n",
      m.model_name, store.path().string(), m.built_at, m.casco_version, g.cols, g.rows, g.cell,
      g.size() / 1e6, g.crs, g.x0, g.y0);
  TextTable t;
  t.head = {"group", "id",  "title", "unit",      "derivation",
            "min",   "max", "mean",  "cells set", "area (ha)"};
  t.right = {false, false, false, false, false, true, true, true, true, true};
  // Grouped as the model orders its groups; the definition order within a group.
  auto rank = [&](const std::string& group) {
    const auto& groups = m.groups;
    return std::find_if(groups.begin(), groups.end(),
                        [&](const LayerGroup& g) { return g.id == group; }) -
           groups.begin();
  };
  std::vector<const LayerRecord*> sorted;
  for (const auto& L : m.layers) sorted.push_back(&L);
  std::stable_sort(sorted.begin(), sorted.end(), [&](const LayerRecord* a, const LayerRecord* b) {
    return rank(a->group) < rank(b->group);
  });
  for (const LayerRecord* L : sorted)
    t.rows.push_back({L->group, L->id, L->title, L->unit, L->derivation,
                      num(L->stats.min, decimals_for(L->stats.min)),
                      num(L->stats.max, decimals_for(L->stats.max)),
                      num(L->stats.mean, decimals_for(L->stats.mean)),
                      num(static_cast<double>(L->stats.cells_set), 0), num(L->stats.area_ha, 0)});
  return out + t.render();
}

}  // namespace casco
