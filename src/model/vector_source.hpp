#pragma once
// Reading vector sources (GeoPackage, GeoJSON, Shapefile, CSV, OSM PBF … anything OGR opens):
// filter, reproject to the model CRS (PROJ), and repair invalid geometry (GEOS MakeValid).
#include <ogr_feature.h>
#include <ogr_spatialref.h>

#include <string>
#include <vector>

#include "model/definition.hpp"

namespace casco {

struct VectorData {
  std::string source_name;                    // "file.geojson" or "file.gpkg (layer)", for messages
  std::string layer_name;                     // the OGR layer's own name
  std::vector<OGRFeatureUniquePtr> features;  // geometry in the model CRS, valid, non-empty
  bool reprojected = false;
  std::string source_crs;  // short name of the CRS the source was read in
};

// Throws casco::Error on a missing file or layer, a bad filter, or a source without a CRS when
// the definition names none. Repaired and dropped features are reported as warnings.
VectorData read_vector(const SourceDef& source, const OGRSpatialReference& target_srs);

// A short human label for a feature: its fid and first name-like field.
std::string feature_label(const OGRFeature& f);

}  // namespace casco
