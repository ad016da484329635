#pragma once
// Store geometries as GeoJSON in WGS 84 for the browser: simplified, rounded, named.
#include <ogr_feature.h>
#include <ogr_geometry.h>

#include <initializer_list>
#include <nlohmann/json.hpp>
#include <string>

namespace casco::viewer {

// The geometry in WGS 84 (simplified first to `tolerance` store units when > 0, keeping
// topology), coordinates rounded to `decimals`; null when it cannot be transformed or is empty.
nlohmann::json geometry_json(const OGRGeometry& g, OGRCoordinateTransformation& to_wgs84,
                             double tolerance, int decimals = 5);

// The first of `fields` that the feature has set, as text; "" when none.
std::string field_text(const OGRFeature& f, std::initializer_list<const char*> fields);
std::string field_text(const OGRFeature& f, const std::string& field);

}  // namespace casco::viewer
