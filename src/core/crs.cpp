#include "core/crs.hpp"

#include <gdal_priv.h>

#include <mutex>

#include "core/error.hpp"

namespace casco {

void ensure_gdal_registered() {
  static std::once_flag once;
  std::call_once(once, [] {
    GDALAllRegister();
    // OSM extracts written by other tools (e.g. OSMnx) may not sort node ids; GDAL's fast index
    // needs them sorted, the general one does not.
    CPLSetConfigOption("OSM_USE_CUSTOM_INDEXING", "NO");
  });
}

OGRSpatialReference make_srs(const std::string& definition, const std::string& what) {
  OGRSpatialReference srs;
  if (srs.SetFromUserInput(definition.c_str()) != OGRERR_NONE) {
    fail("{}: unknown CRS '{}': use an EPSG code like \"EPSG:28992\", a WKT or a PROJ string", what,
         definition);
  }
  srs.SetAxisMappingStrategy(OAMS_TRADITIONAL_GIS_ORDER);
  return srs;
}

Transform make_transform(const OGRSpatialReference& from, const OGRSpatialReference& to) {
  if (from.IsSame(&to)) return nullptr;
  OGRSpatialReference f(from), t(to);
  f.SetAxisMappingStrategy(OAMS_TRADITIONAL_GIS_ORDER);
  t.SetAxisMappingStrategy(OAMS_TRADITIONAL_GIS_ORDER);
  Transform ct(OGRCreateCoordinateTransformation(&f, &t));
  if (!ct) fail("PROJ cannot transform between these CRSs");
  return ct;
}

void transform_point(const std::string& from, const std::string& to, double& x, double& y) {
  auto f = make_srs(from, "source CRS");
  auto t = make_srs(to, "target CRS");
  auto ct = make_transform(f, t);
  if (ct && !ct->Transform(1, &x, &y)) fail("PROJ cannot transform the point ({}, {})", x, y);
}

}  // namespace casco
