#pragma once
// Zonal statistics (`casco stats STORE LAYER --by ZONES`) and the layer summary of `casco info`,
// formatted as a text table, CSV or JSON.
#include <string>
#include <vector>

#include "model/store.hpp"

namespace casco {

struct ZoneStats {
  int zone = 0;
  std::string code, name;
  std::size_t cells = 0;       // cells of the zone
  std::size_t cells_set = 0;   // of which with a non-zero value
  std::size_t cells_data = 0;  // of which with data (not NaN)
  double area_ha = 0;          // zone area on the grid
  double covered_ha = 0;       // sum x cell area: the covered area for coverage and presence layers
  double sum = 0, mean = 0, min = 0, max = 0;
  // Where the values lie: the value-weighted mean column and row of the zone's cells (NaN when
  // the values sum to 0), e.g. to say that a layer lies "mostly in the east" of a zone.
  double centre_col = 0, centre_row = 0;
};

// One row per zone record (zones without cells included with zero counts).
std::vector<ZoneStats> zonal_stats(const Raster& values, const Raster& zones,
                                   const std::vector<ZoneRecord>& records);

// `casco stats`: a stored layer per stored zones layer, over the cells of the study area only
// (Store::study_mask) — the cells whose people and hectares the model counts, as the report does.
std::vector<ZoneStats> study_area_stats(const Store& store, const std::string& layer,
                                        const std::string& zones_layer);

// Per zone, values weighted by a second layer (e.g. distances weighted by where people live):
// the sum of the weights over the cells where both have data and the weight is positive, and the
// sum of weight x value there. mean() is their ratio (NaN without weight).
struct ZoneWeighted {
  int zone = 0;
  double weight = 0, weighted_sum = 0;
  double mean() const;
};
std::vector<ZoneWeighted> zonal_weighted(const Raster& values, const Raster& weights,
                                         const Raster& zones,
                                         const std::vector<ZoneRecord>& records);

// Hectares per zone and class: ha[z][k] for the zones 1..max of `records` (index = zone number;
// index 0 collects cells in no zone) and the classes 0..class_count-1. `class_of` gives a cell's
// class (or -1 to skip it); by default the value rounded to a whole number. The one place per-zone
// areas are counted (suitability per verdict, allocation per kind, the report).
using ClassOf = int (*)(float value, const void* context);
std::vector<std::vector<double>> zone_class_hectares(const Raster& classes, const Raster& zones,
                                                     const std::vector<ZoneRecord>& records,
                                                     int class_count, ClassOf class_of = nullptr,
                                                     const void* context = nullptr);

enum class TableFormat { Text, Csv, Json };
TableFormat parse_table_format(const std::string& s);  // "text", "csv", "json"

std::string format_zonal(const LayerRecord& layer, const std::string& zone_layer,
                         const std::vector<ZoneStats>& rows, TableFormat format);
std::string format_info(const Store& store, TableFormat format);

}  // namespace casco
