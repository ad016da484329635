#pragma once
// The model definition file (model.toml): study area, CRS, cell size and the list of layers with
// their source and derivation. See docs/model.md for the format.
#include <filesystem>
#include <string>
#include <utility>
#include <vector>

#include "core/toml_reader.hpp"
#include "model/describe.hpp"

namespace casco {

// A variable every expression in a model definition may read besides the layers: the area of one
// cell in hectares (so a density threshold does not depend on the cell size).
inline constexpr const char* kCellAreaVariable = "cell_ha";
// The layer every model has (see model/store.hpp): the share of each cell in the study area.
inline constexpr const char* kStudyAreaLayerId = "studiegebied";

// Where a layer's features or cells come from.
struct SourceDef {
  std::filesystem::path path;  // resolved against the folder of model.toml
  std::string layer;    // layer inside the file (GeoPackage, OSM PBF: points/lines/multipolygons)
  std::string where;    // OGR SQL attribute filter
  std::string crs;      // CRS to assume when the file declares none (or to override it)
  std::string osm_tag;  // "key" or "key=value": keep OSM features with this tag
  std::vector<std::string> open_options;  // GDAL open options, e.g. X_POSSIBLE_NAMES=lon for CSV
  bool empty() const { return path.empty(); }
};

enum class Derivation {
  Presence,
  Coverage,
  Attribute,
  Distance,
  Resample,
  Zones,
  Expression,  // a condition-language expression over other layers
  Dasymetric,  // zone counts spread over their cells in proportion to a weight (docs/model.md)
  PointAreas   // points standing for an area of count / density hectares (settlement extents)
};
const char* to_string(Derivation d);

// A group of layers as people see it (the robust systems, the core qualities, …): its id, title
// and the text that introduces it in the report. Groups and their order are data (model.toml
// [[group]]); layers name their group by id.
struct LayerGroup {
  std::string id, title, intro;
};

struct ZoneGroup {
  std::string name;
  std::vector<std::string> members;  // values of `dissolve.field` that form this zone
};

// An expression of the condition language in a definition file, with where its text starts.
struct ExpressionDef {
  std::string text;
  std::string file;
  int line = 0, column = 0;
  std::vector<std::string> layers;  // the layer ids it reads
};

struct LayerDef {
  std::string id, title, group, unit, description;
  std::string attribution;  // credit line its source's licence asks for (CC BY), shown with maps
  // Why the layer is an estimate ("" = it is what its source says). Shown with every map and
  // figure made from it.
  std::string estimate;
  Derivation derivation = Derivation::Presence;
  SourceDef source;  // empty for expression layers and distances `from` an expression
  // expression: the value; distance: the cells to measure from (instead of a source)
  ExpressionDef expression;
  // dasymetric: the weights, tried in order per zone (the first with a positive sum in the zone
  // is used; none: even spread, reported)
  std::vector<ExpressionDef> weights;
  // dasymetric: each zone's count stays inside the zone of `within_zones` (a zones layer) whose
  // code equals the zone's `within_field` (a wijk stays in its own gemeente even where the
  // separately generalised boundaries disagree). Empty: no such constraint.
  std::string within_zones, within_field;
  // point_areas: each point stands for `field` / density hectares (default_value when it has no
  // value), a disc around it of at least min_radius_m
  double density = 0, default_value = 0, min_radius_m = 0;
  // point_areas: points without a value share what their zone (polygons of fill_source with a
  // count in fill_field) has left after the points with a value; empty: default_value.
  SourceDef fill_source;
  std::string fill_field;
  // Role, display and style (model/describe.hpp): what the derivation and unit imply, with the
  // file's `role`, `style`, `classes`, `decimals`, `display_unit` and `display_factor` on top.
  LayerDescription describe;
  bool replaces = false;  // an included layer that replaces the main file's layer of its id
                          // (added as a new layer when the model has none)
  // attribute
  std::string field;
  // How a feature's value lands in its cells: "spread" divides it over them (sums preserved),
  // "per_ha" gives each cell the feature's density per hectare, "value" burns it in as is.
  // Count: one per feature, no field (a point adds 1 to its cell, a polygon's 1 is divided over
  // its cells), e.g. dwellings per cell from BAG addresses.
  enum class AttributeMode { Spread, PerHa, Value, Count };
  AttributeMode mode = AttributeMode::Spread;
  // resample
  std::string resampling = "nearest";
  int band = 1;
  // zones
  std::string zone_code, zone_name;
  std::string dissolve_field;
  std::vector<ZoneGroup> dissolve_groups;

  std::string canonical;  // the layer's definition as normalised text, hashed for rebuild decisions
  std::string file;       // the file it is defined in (model.toml or an included file)
  int line = 0;           // where it starts in that file, for messages

  // The layer ids this layer is computed from (expressions, weights), in order of first use.
  std::vector<std::string> inputs() const;
  bool has_source() const { return !source.empty(); }
};

struct ModelDef {
  std::filesystem::path file;
  std::string name = "model";
  std::string crs = "EPSG:28992";
  double cell_size = 25.0;
  double margin = 0.0;             // metres added around the study area's bounding box
  std::string borders;             // zones layer drawn on maps (e.g. gemeenten)
  std::string credit;              // the credit line under every map: the sources and who made it
  std::vector<LayerGroup> groups;  // in the order maps, lists and the report show them
  SourceDef study_area;
  // How far beyond the study area facilities, places and networks still count (people cross the
  // border for a station or a hospital). Only the study area's cells, people and zones are
  // counted; the surroundings are used, and drawn faded.
  double surroundings_m = 0;
  std::vector<LayerDef> layers;

  const LayerDef* find(const std::string& id) const;
  // The layers in an order where every layer comes after the layers it reads.
  std::vector<const LayerDef*> build_order() const;
};

// A `source` value: a path or { path, layer, where, crs, osm_tag, open_options }, relative to base.
// Shared by every casco TOML file that reads geodata.
SourceDef parse_source(const TomlReader& reader, const toml::node& node,
                       const std::filesystem::path& base, const std::string& where);

// Parses and validates; throws casco::Error "file:line:column: what is wrong — what to do".
ModelDef load_model_definition(const std::filesystem::path& file);
ModelDef parse_model_definition(const std::string& text, const std::filesystem::path& file);

}  // namespace casco
