#pragma once
// Kernenstructuur: classify every place into a configurable settlement hierarchy (stad,
// kerndorp, dorp, buurtschap, …) from its population, the facilities in or near it and its
// accessibility, with the reasons per place. Thresholds live in kernen.toml (docs/access.md);
// no place names in the code.
#include <filesystem>
#include <string>
#include <vector>

#include "model/definition.hpp"
#include "model/store.hpp"
#include "condition/expression.hpp"

namespace casco::access {

struct PlaceClass {
  std::string id, title, when, description;
  condition::TextOrigin origin;  // where `when` starts in the file
};

struct KernenConfig {
  std::filesystem::path file, access_file;
  std::string name;
  SourceDef places;
  std::string name_field, population_field;
  double radius_m = 1500;
  std::vector<PlaceClass> classes;  // first match wins, top to bottom
};

KernenConfig load_kernen_config(const std::filesystem::path& file);

struct PlaceResult {
  std::string name;
  double x = 0, y = 0;
  double population = 0;  // NaN when the source has none
  std::string class_id, class_title, reason;
};

// The variables a class condition may use: `inwoners`, per facility kind the count within the
// radius (e.g. `basisschool`) and `afstand_<kind>` (metres to the nearest), and every store layer
// at the place's cell (e.g. `tijd_ziekenhuis_car` after `casco access`).
std::vector<PlaceResult> classify_places(const KernenConfig& cfg, const Store& store);

std::string format_kernen(const KernenConfig& cfg, const std::vector<PlaceResult>& places,
                          const std::string& format);
void write_places(const std::vector<PlaceResult>& places, const Store& store,
                  const std::filesystem::path& out);

}  // namespace casco::access
