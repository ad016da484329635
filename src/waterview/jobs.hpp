#pragma once
// The `casco water` commands as jobs: compute (src/water), present (tables, maps, files) and add
// the layers to the store. apps/casco/cmd_water.cpp parses the command line and calls these.
#include <filesystem>
#include <iosfwd>
#include <string>

#include "water/water.hpp"

namespace casco::waterview {

struct JobOptions {
  std::filesystem::path store, config, out = "out/water";
  std::filesystem::path dem, wells;  // override the configuration's paths
  std::string format = "text";       // groundwater table: text or csv
  bool no_store = false;             // do not add the layers to the store
};

// Wells: GHG/GLG, trends, the maps; putten.csv, putten.geojson and PNG maps in `out`.
void groundwater_job(const JobOptions& o, std::ostream& out);
// The elevation model: bluespots, the design storm, drainage, HAND, stream valleys, TWI.
void hydrology_job(const JobOptions& o, std::ostream& out);
// Now against a climate variant: the design storm (when there is a DEM) and the groundwater.
void stress_job(const JobOptions& o, const water::Climate& climate, std::ostream& out);

// Whether the configuration (or --dem) points at an elevation model that exists.
bool dem_available(const water::WaterConfig& c, const std::filesystem::path& dem_override);

}  // namespace casco::waterview
