#pragma once
// What the viewer draws on its offline base map, what its search finds and how it computes travel
// time from a point: a small TOML file beside the model (data/drenthe/viewer.toml, docs/api.md)
// naming layers of the store, so the engine knows nothing of any province.
#include <filesystem>
#include <string>
#include <vector>

namespace casco::viewer {

// Point features of a layer's source table (its vector_table), with the fields to read.
struct PointSource {
  std::string layer;             // "" = none
  std::string name_field;        // the label
  std::string population_field;  // places: larger places get labels at lower zooms
};

struct SearchZones {
  std::string layer;     // a zones layer of the store
  std::string type;      // how a result is called: "gemeente", "postcode", "kern"
  bool by_code = false;  // search the zone code ("9401") instead of the name
};

struct ViewerConfig {
  std::filesystem::path file;  // "" when no file was given: the defaults below
  std::string nature;          // zones layer drawn as nature with its names
  std::string water;           // layer whose source features are water
  PointSource places, stations;
  bool search_places = true;  // the base map's places are searchable (type "plaats")
  std::vector<SearchZones> search_zones;
  // Equally good matches come in this order of type ("gemeente", "plaats" …); others after.
  std::vector<std::string> search_order;
  std::filesystem::path access;  // access.toml for travel time from a point; "" = none
};

// Reads a viewer file; errors name file:line:column. Paths are relative to the file.
ViewerConfig load_viewer_config(const std::filesystem::path& file);

}  // namespace casco::viewer
