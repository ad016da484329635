#pragma once
// Internal to the figures (figures*.cpp): the store, the areas and the per-area sums every part
// of the figures uses. Area 0 is the province (all zones together), area k the zone of record
// k - 1. Sums come from model/stats.hpp, once per zone; the province adds them up.
#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "model/stats.hpp"
#include "report/figures.hpp"

namespace casco::report {

class Context {
 public:
  explicit Context(const FigureInputs& in, MapSink* maps);

  const Store& store() const { return *in_.store; }
  const ReportConfig& config() const { return *in_.config; }
  const FigureInputs& inputs() const { return in_; }
  const Grid& grid() const { return zones_.grid; }
  double cell_ha() const { return zones_.grid.cell_area_ha(); }
  const std::string& zones_layer() const { return zones_layer_; }
  const std::vector<Area>& areas() const { return areas_; }
  std::size_t size() const { return areas_.size(); }
  // The zone of each cell (NaN outside every zone and outside the study area).
  const Raster& zones() const { return zones_; }
  const std::vector<ZoneRecord>& records() const { return records_; }
  // People per cell (NaN-free where the layer has data), or null without a population layer.
  const Raster* population() const { return population_.values.empty() ? nullptr : &population_; }
  const std::string& population_layer() const { return population_id_; }
  std::span<const std::uint8_t> study() const { return study_; }

  // Per area (0: province): zonal statistics of a layer on the store's grid.
  std::vector<ZoneStats> stats(const Raster& values) const;
  // Per area: the sum of a layer.
  std::vector<double> sums(const Raster& values) const;
  // Per area: a layer weighted by the population (ZoneWeighted::mean is the inhabitant's mean).
  std::vector<ZoneWeighted> by_people(const Raster& values) const;
  // Per area and class 0 … max_class: hectares of the cells of that whole value.
  std::vector<std::vector<double>> class_hectares(const Raster& values, int max_class) const;

  // Hands a raster to the map sink (nothing without one).
  void draw(const std::string& key, const LayerRecord& record, const Raster& raster) const;
  bool drawing() const { return maps_ != nullptr; }

 private:
  FigureInputs in_;
  MapSink* maps_;
  std::string zones_layer_, population_id_;
  Raster zones_, population_;
  std::vector<ZoneRecord> records_;
  std::vector<std::uint8_t> study_;
  std::vector<Area> areas_;
};

// The parts of the figures, each in its own file.
std::optional<PopulationFigures> population_figures(const Context& c);
std::optional<KernenFigures> kernen_figures(const Context& c);
std::vector<GroupFigures> group_figures(const Context& c);
std::optional<SuitabilityFigures> suitability_figures(const Context& c);
std::optional<AccessFigures> access_figures(const Context& c);
std::vector<AllocationFigures> allocation_figures(const Context& c);
std::optional<WaterFigures> water_figures(const Context& c);

// Layers the systems leave to a section of their own (travel times, verdicts, water analyses …).
bool has_own_section(const LayerRecord& L);

}  // namespace casco::report
