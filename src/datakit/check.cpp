// casco data check / list: what the folder holds, and whether it is what the catalogue promised.
#include <gdal_priv.h>
#include <ogrsf_frmts.h>

#include <algorithm>
#include <cctype>
#include <cmath>
#include <sstream>

#include "core/crs.hpp"
#include "core/error.hpp"
#include "core/hash.hpp"
#include "datakit/internal.hpp"

namespace casco::data {
namespace {

using Box = std::array<double, 4>;

double overlap_percent(const Box& have, const Box& area) {
  const double w = std::min(have[2], area[2]) - std::max(have[0], area[0]);
  const double h = std::min(have[3], area[3]) - std::max(have[1], area[1]);
  if (w <= 0 || h <= 0) return 0;
  return 100.0 * w * h / ((area[2] - area[0]) * (area[3] - area[1]));
}

bool is_rd_new(const OGRSpatialReference* srs) {
  if (!srs) return false;
  OGRSpatialReference rd = make_srs("EPSG:28992", "RD New");
  const char* opts[] = {"IGNORE_DATA_AXIS_TO_SRS_AXIS_MAPPING=YES", nullptr};
  return srs->IsSame(&rd, opts);
}

std::string srs_name(const OGRSpatialReference* srs) {
  if (!srs) return "no CRS";
  const char* auth = srs->GetAuthorityName(nullptr);
  const char* code = srs->GetAuthorityCode(nullptr);
  if (auth && code) return fmt::format("{}:{}", auth, code);
  return srs->GetName() ? srs->GetName() : "unknown CRS";
}

bool has_field(OGRLayer& layer, const std::string& name) {
  OGRFeatureDefn* d = layer.GetLayerDefn();
  for (int i = 0; i < d->GetFieldCount(); ++i)
    if (EQUAL(d->GetFieldDefn(i)->GetNameRef(), name.c_str())) return true;
  return false;
}

struct Findings {
  std::vector<std::string> facts, problems;
};

void check_vector(const fs::path& file, const LockEntry& e, const Box& area, Findings& f) {
  std::unique_ptr<GDALDataset> ds(GDALDataset::Open(file.c_str(), GDAL_OF_VECTOR));
  if (!ds) return f.problems.push_back("GDAL cannot open it as vector data");
  for (int i = 0; i < ds->GetLayerCount(); ++i) {
    OGRLayer* layer = ds->GetLayer(i);
    const std::string name = layer->GetName();
    const OGRSpatialReference* srs = layer->GetSpatialRef();
    if (!is_rd_new(srs))
      f.problems.push_back(fmt::format("layer {}: CRS is {}, not EPSG:28992", name, srs_name(srs)));
    std::size_t n = 0, invalid = 0;
    for (auto& feature : *layer) {
      ++n;
      const OGRGeometry* g = feature->GetGeometryRef();
      if (g && !g->IsValid()) ++invalid;
    }
    OGREnvelope env;
    double cover = 0;
    if (n > 0 && layer->GetExtent(&env, TRUE) == OGRERR_NONE)
      cover = overlap_percent({env.MinX, env.MinY, env.MaxX, env.MaxY}, area);
    f.facts.push_back(fmt::format("layer {}: {} features, {} invalid, covers {:.0f}% of the area",
                                  name, n, invalid, cover));
    if (n == 0) f.problems.push_back(fmt::format("layer {}: no features in the area", name));
    if (invalid > 0)
      f.problems.push_back(fmt::format("layer {}: {} invalid geometries", name, invalid));
    for (const auto& a : e.attributes)
      if (!has_field(*layer, a))
        f.problems.push_back(fmt::format("layer {}: attribute '{}' missing", name, a));
  }
}

// Share of band 1's cells that hold data (1 when the band declares no no-data value).
double valid_share(GDALRasterBand& band) {
  int has_nodata = 0;
  const double nodata = band.GetNoDataValue(&has_nodata);
  if (!has_nodata) return 1;
  const int w = band.GetXSize(), h = band.GetYSize();
  std::vector<double> row(static_cast<std::size_t>(w));
  std::size_t valid = 0;
  for (int y = 0; y < h; ++y) {
    if (band.RasterIO(GF_Read, 0, y, w, 1, row.data(), w, 1, GDT_Float64, 0, 0) != CE_None)
      return 0;
    for (double v : row) valid += (v != nodata && !std::isnan(v)) ? 1 : 0;
  }
  return w > 0 && h > 0 ? static_cast<double>(valid) / (static_cast<double>(w) * h) : 0;
}

void check_raster(const fs::path& file, const Box& area, Findings& f) {
  std::unique_ptr<GDALDataset> ds(GDALDataset::Open(file.c_str(), GDAL_OF_RASTER));
  if (!ds) return f.problems.push_back("GDAL cannot open it as a raster");
  const OGRSpatialReference* srs = ds->GetSpatialRef();
  if (!is_rd_new(srs))
    f.problems.push_back(fmt::format("CRS is {}, not EPSG:28992", srs_name(srs)));
  double gt[6];
  double cover = 0;
  if (ds->GetRasterCount() > 0 && ds->GetGeoTransform(gt) == CE_None) {
    const double x1 = gt[0] + gt[1] * ds->GetRasterXSize();
    const double y1 = gt[3] + gt[5] * ds->GetRasterYSize();
    cover = overlap_percent(
        {std::min(gt[0], x1), std::min(gt[3], y1), std::max(gt[0], x1), std::max(gt[3], y1)}, area);
    cover *= valid_share(*ds->GetRasterBand(1));
  }
  f.facts.push_back(fmt::format("{} x {} cells, {} band(s), covers {:.0f}% of the area",
                                ds->GetRasterXSize(), ds->GetRasterYSize(), ds->GetRasterCount(),
                                cover));
  if (cover == 0) f.problems.push_back("does not cover the area");
}

Findings check_entry(const fs::path& dir, const LockEntry& e, const Box& area) {
  Findings f;
  const fs::path raw = dir / e.raw, output = dir / e.output;
  if (!fs::exists(raw)) {
    f.problems.push_back("download " + e.raw + " is missing");
  } else if (sha256_file(raw) != e.sha256) {
    f.problems.push_back("download " + e.raw +
                         " differs from the lock's SHA-256 (changed or "
                         "damaged): fetch it again");
  }
  if (!fs::exists(output)) {
    f.problems.push_back("file " + e.output + " is missing");
    return f;
  }
  if (e.kind == "vector") check_vector(output, e, area, f);
  if (e.kind == "raster") check_raster(output, area, f);
  if (e.kind == "file") f.facts.push_back("kept as published (" + human_bytes(e.bytes) + ")");
  return f;
}

}  // namespace

CheckReport check(const fs::path& dir) {
  ensure_gdal_registered();
  Lock lock = read_lock(dir);
  if (lock.entries.empty())
    fail("{}: no {} here: run 'casco data fetch --into {}' first", dir.string(), kLockName,
         dir.string());
  CheckReport r;
  std::ostringstream s;
  s << fmt::format("{} — area {} ({:.0f}, {:.0f}) – ({:.0f}, {:.0f}) in EPSG:28992\n", dir.string(),
                   lock.area, lock.bbox_rd[0], lock.bbox_rd[1], lock.bbox_rd[2], lock.bbox_rd[3]);
  for (const auto& [id, e] : lock.entries) {
    Findings f = check_entry(dir, e, lock.bbox_rd);
    s << fmt::format("\n{} ({}): {}\n", id, e.output, f.problems.empty() ? "ok" : "PROBLEM");
    for (const auto& x : f.facts) s << "  " << x << "\n";
    for (const auto& x : f.problems) s << "  ! " << x << "\n";
    r.problems += static_cast<int>(f.problems.size());
  }
  s << fmt::format("\n{} source(s), {} problem(s)\n", lock.entries.size(), r.problems);
  r.text = s.str();
  return r;
}

std::string list(const fs::path& dir) {
  Lock lock = read_lock(dir);
  if (lock.entries.empty()) return fmt::format("{}: nothing fetched yet\n", dir.string());
  std::ostringstream s;
  s << fmt::format("{:<22} {:<30} {:>10} {:>9}  {}\n", "source", "file", "size", "age", "licence");
  for (const auto& [id, e] : lock.entries) {
    const fs::path p = dir / e.output;
    std::error_code ec;
    const auto size = fs::exists(p) ? fs::file_size(p, ec) : 0;
    const double age = age_days(e.fetched_at);
    s << fmt::format("{:<22} {:<30} {:>10} {:>9}  {}\n", id,
                     fs::exists(p) ? e.output : e.output + " (missing)", human_bytes(size),
                     age < 0 ? "?" : fmt::format("{:.1f} d", age), e.licence);
  }
  s << "\nAttribution:\n";
  for (const auto& [id, e] : lock.entries) s << "  " << e.attribution << "\n";
  return s.str();
}

}  // namespace casco::data
