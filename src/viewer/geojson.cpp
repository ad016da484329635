#include "viewer/geojson.hpp"

#include <cpl_conv.h>
#include <cpl_string.h>
#include <ogr_api.h>

#include <memory>

namespace casco::viewer {

nlohmann::json geometry_json(const OGRGeometry& g, OGRCoordinateTransformation& to_wgs84,
                             double tolerance, int decimals) {
  std::unique_ptr<OGRGeometry> s(tolerance > 0 ? g.SimplifyPreserveTopology(tolerance) : g.clone());
  if (!s || s->IsEmpty() || s->transform(&to_wgs84) != OGRERR_NONE) return nullptr;
  const std::string precision = std::to_string(decimals);
  char** opts = CSLSetNameValue(nullptr, "COORDINATE_PRECISION", precision.c_str());
  char* text = OGR_G_ExportToJsonEx(OGRGeometry::ToHandle(s.get()), opts);
  CSLDestroy(opts);
  if (!text) return nullptr;
  nlohmann::json j = nlohmann::json::parse(text, nullptr, false);
  CPLFree(text);
  return j.is_discarded() ? nlohmann::json(nullptr) : j;
}

std::string field_text(const OGRFeature& f, std::initializer_list<const char*> fields) {
  for (const char* key : fields)
    if (int i = f.GetFieldIndex(key); i >= 0 && f.IsFieldSetAndNotNull(i))
      return f.GetFieldAsString(i);
  return {};
}

std::string field_text(const OGRFeature& f, const std::string& field) {
  if (int i = f.GetFieldIndex(field.c_str()); i >= 0 && f.IsFieldSetAndNotNull(i))
    return f.GetFieldAsString(i);
  return {};
}

}  // namespace casco::viewer
