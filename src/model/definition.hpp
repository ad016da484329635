#pragma once
// The model definition file (model.toml): study area, CRS, cell size and the list of layers with
// their source and derivation. See docs/model.md for the format.
#include <filesystem>
#include <string>
#include <utility>
#include <vector>

#include "core/toml_reader.hpp"

namespace casco {

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

enum class Derivation { Presence, Coverage, Attribute, Distance, Resample, Zones };
const char* to_string(Derivation d);

// The groups of the spatial main structure (robuuste systemen) plus core qualities and
// administrative units.
const std::vector<std::string>& layer_groups();

struct ZoneGroup {
  std::string name;
  std::vector<std::string> members;  // values of `dissolve.field` that form this zone
};

struct LayerDef {
  std::string id, title, group, unit, description;
  std::string attribution;  // credit line its source's licence asks for (CC BY), shown with maps
  Derivation derivation = Derivation::Presence;
  SourceDef source;
  // attribute
  std::string field;
  // How a feature's value lands in its cells: "spread" divides it over them (sums preserved),
  // "per_ha" gives each cell the feature's density per hectare, "value" burns it in as is.
  enum class AttributeMode { Spread, PerHa, Value };
  AttributeMode mode = AttributeMode::Spread;
  // resample
  std::string resampling = "nearest";
  int band = 1;
  // zones
  std::string zone_code, zone_name;
  std::string dissolve_field;
  std::vector<ZoneGroup> dissolve_groups;

  std::string canonical;  // the layer's definition as normalised text, hashed for rebuild decisions
  int line = 0;           // where it starts in model.toml, for messages
};

struct ModelDef {
  std::filesystem::path file;
  std::string name = "model";
  std::string crs = "EPSG:28992";
  double cell_size = 25.0;
  double margin = 0.0;  // metres added around the study area's bounding box
  std::string borders;  // zones layer drawn on maps (e.g. gemeenten)
  SourceDef study_area;
  std::vector<LayerDef> layers;

  const LayerDef* find(const std::string& id) const;
};

// A `source` value: a path or { path, layer, where, crs, osm_tag, open_options }, relative to base.
// Shared by every casco TOML file that reads geodata.
SourceDef parse_source(const TomlReader& reader, const toml::node& node,
                       const std::filesystem::path& base, const std::string& where);

// Parses and validates; throws casco::Error "file:line:column: what is wrong — what to do".
ModelDef load_model_definition(const std::filesystem::path& file);
ModelDef parse_model_definition(const std::string& text, const std::filesystem::path& file);

}  // namespace casco
