#include "model/vector_source.hpp"

#include <gdal_priv.h>
#include <ogrsf_frmts.h>

#include <filesystem>

#include "core/crs.hpp"
#include "core/error.hpp"
#include "core/progress.hpp"

namespace casco {
namespace {

std::string osm_filter(OGRLayer& layer, const std::string& tag) {
  auto eq = tag.find('=');
  std::string key = tag.substr(0, eq);
  std::string value = eq == std::string::npos ? "" : tag.substr(eq + 1);
  bool is_field = layer.GetLayerDefn()->GetFieldIndex(key.c_str()) >= 0;
  if (is_field) {
    return value.empty() ? fmt::format("\"{}\" IS NOT NULL", key)
                         : fmt::format("\"{}\" = '{}'", key, value);
  }
  // Tags without their own column live in the hstore-like other_tags field.
  return value.empty() ? fmt::format("other_tags LIKE '%\"{}\"=>%'", key)
                       : fmt::format("other_tags LIKE '%\"{}\"=>\"{}\"%'", key, value);
}

}  // namespace

std::string feature_label(const OGRFeature& f) {
  const OGRFeatureDefn* defn = f.GetDefnRef();
  for (const char* name :
       {"naam", "name", "statnaam", "publicname", "VESTIGINGSNAAM", "statcode"}) {
    int i = defn->GetFieldIndex(name);
    if (i >= 0 && f.IsFieldSetAndNotNull(i))
      return fmt::format("feature {} ('{}')", f.GetFID(), f.GetFieldAsString(i));
  }
  return fmt::format("feature {}", f.GetFID());
}

VectorData read_vector(const SourceDef& source, const OGRSpatialReference& target_srs) {
  ensure_gdal_registered();
  VectorData out;
  const std::string file = source.path.string();
  out.source_name = source.layer.empty() ? file : fmt::format("{} (layer {})", file, source.layer);
  if (!std::filesystem::exists(source.path))
    fail("source file '{}' does not exist: check 'path' in the model definition", file);

  std::vector<const char*> oo;
  for (const auto& o : source.open_options) oo.push_back(o.c_str());
  oo.push_back(nullptr);
  GDALDatasetUniquePtr ds(GDALDataset::Open(file.c_str(), GDAL_OF_VECTOR | GDAL_OF_READONLY,
                                            nullptr, oo.data(), nullptr));
  if (!ds) fail("cannot open '{}' as a vector source: {}", file, CPLGetLastErrorMsg());

  OGRLayer* layer = nullptr;
  if (!source.layer.empty()) {
    layer = ds->GetLayerByName(source.layer.c_str());
    if (!layer) {
      std::string names;
      for (auto* l : ds->GetLayers())
        names += (names.empty() ? "" : ", ") + std::string(l->GetName());
      fail("'{}' has no layer '{}' (layers: {})", file, source.layer, names);
    }
  } else {
    if (ds->GetLayerCount() == 0) fail("'{}' holds no vector layer", file);
    layer = ds->GetLayer(0);
  }
  out.layer_name = layer->GetName();

  std::string filter = source.where;
  if (!source.osm_tag.empty()) {
    std::string f = osm_filter(*layer, source.osm_tag);
    filter = filter.empty() ? f : fmt::format("({}) AND ({})", filter, f);
  }
  if (!filter.empty()) {
    CPLErrorReset();
    if (layer->SetAttributeFilter(filter.c_str()) != OGRERR_NONE)
      fail("{}: invalid filter \"{}\": {}", out.source_name, filter, CPLGetLastErrorMsg());
  }

  OGRSpatialReference src_srs;
  if (!source.crs.empty()) {
    src_srs = make_srs(source.crs, out.source_name);
  } else if (const OGRSpatialReference* s = layer->GetSpatialRef()) {
    src_srs = *s;
    src_srs.SetAxisMappingStrategy(OAMS_TRADITIONAL_GIS_ORDER);
  } else {
    fail(
        "{} declares no coordinate reference system: add crs = \"EPSG:...\" to its source "
        "(e.g. \"EPSG:4326\" for longitude/latitude)",
        out.source_name);
  }
  const char* auth = src_srs.GetAuthorityName(nullptr);
  const char* code = src_srs.GetAuthorityCode(nullptr);
  out.source_crs = auth && code ? fmt::format("{}:{}", auth, code)
                                : std::string(src_srs.GetName() ? src_srs.GetName() : "custom");
  Transform ct = make_transform(src_srs, target_srs);
  out.reprojected = ct != nullptr;

  layer->ResetReading();
  CPLErrorReset();
  std::size_t dropped = 0;
  while (OGRFeatureUniquePtr feat{layer->GetNextFeature()}) {
    check_interrupted();
    OGRGeometry* g = feat->GetGeometryRef();
    if (!g || g->IsEmpty()) {
      ++dropped;
      continue;
    }
    if (ct && g->transform(ct.get()) != OGRERR_NONE) {
      warn("{}: {} could not be reprojected and is skipped", out.source_name, feature_label(*feat));
      ++dropped;
      continue;
    }
    if (!g->IsValid()) {
      std::unique_ptr<OGRGeometry> fixed(g->MakeValid());
      if (!fixed || fixed->IsEmpty()) {
        warn("{}: {} has invalid geometry that could not be repaired; skipped", out.source_name,
             feature_label(*feat));
        ++dropped;
        continue;
      }
      warn("{}: {} had invalid geometry (e.g. a self-intersection); repaired with GEOS MakeValid",
           out.source_name, feature_label(*feat));
      feat->SetGeometryDirectly(fixed.release());
    }
    out.features.emplace_back(feat.release());
  }
  if (CPLGetLastErrorType() == CE_Failure)
    fail("{}: reading stopped with an error: {}", out.source_name, CPLGetLastErrorMsg());
  if (dropped > 0)
    warn("{}: {} feature(s) without usable geometry skipped", out.source_name, dropped);
  return out;
}

}  // namespace casco
