#pragma once
// Coordinate reference systems through GDAL/OGR (which use PROJ). Axis order is always
// x=easting/longitude, y=northing/latitude (traditional GIS order), whatever the EPSG definition.
#include <ogr_spatialref.h>

#include <memory>
#include <string>

namespace casco {

// Registers GDAL/OGR drivers once; every entry point that opens data calls it.
void ensure_gdal_registered();

// Parse "EPSG:28992", a WKT or a PROJ string; throws casco::Error naming `what` on failure.
OGRSpatialReference make_srs(const std::string& definition, const std::string& what);

struct TransformDeleter {
  void operator()(OGRCoordinateTransformation* t) const {
    OGRCoordinateTransformation::DestroyCT(t);
  }
};
using Transform = std::unique_ptr<OGRCoordinateTransformation, TransformDeleter>;

// nullptr when both are the same CRS (no work needed).
Transform make_transform(const OGRSpatialReference& from, const OGRSpatialReference& to);

// Transform one point; throws casco::Error when PROJ cannot.
void transform_point(const std::string& from, const std::string& to, double& x, double& y);

}  // namespace casco
