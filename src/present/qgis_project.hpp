#pragma once
// A QGIS project (.qgz) for a model store: every layer of the store, grouped as the model groups
// them and styled as the viewer, the PNG maps and the report draw them (legend/legend.hpp: the
// same classes, names, colours and ramps), with its title, unit, estimate and attribution. The
// project refers to the store by a relative path, so the two can move together.
#include <filesystem>
#include <string>

#include "model/store.hpp"

namespace casco::present {

struct QgisExport {
  std::filesystem::path path;
  std::size_t layers = 0, groups = 0;
};

// The project as QGIS XML (.qgs), for a project file that lies in `project_dir`.
std::string qgis_project_xml(const Store& store, const std::filesystem::path& project_dir);

// Writes `qgz` (default: the store's path with .qgz) atomically: a zip holding the .qgs.
QgisExport write_qgis_project(const Store& store, std::filesystem::path qgz = {});

}  // namespace casco::present
