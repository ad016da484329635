#include "model/raster_source.hpp"

#include <gdal_priv.h>
#include <gdal_utils.h>

#include <filesystem>
#include <vector>

#include "core/crs.hpp"
#include "core/error.hpp"

namespace casco {
namespace {
struct ArgList {
  std::vector<std::string> args;
  std::vector<char*> ptrs;
  char** get() {
    ptrs.clear();
    for (auto& a : args) ptrs.push_back(a.data());
    ptrs.push_back(nullptr);
    return ptrs.data();
  }
};
}  // namespace

Raster resample_raster(const SourceDef& source, const std::string& resampling, int band,
                       const Grid& grid) {
  ensure_gdal_registered();
  const std::string file = source.path.string();
  if (!std::filesystem::exists(source.path))
    fail("source file '{}' does not exist: check 'path' in the model definition", file);
  GDALDatasetUniquePtr src(GDALDataset::Open(file.c_str(), GDAL_OF_RASTER | GDAL_OF_READONLY));
  if (!src) fail("cannot open '{}' as a raster: {}", file, CPLGetLastErrorMsg());
  if (band < 1 || band > src->GetRasterCount())
    fail("'{}' has {} band(s); band {} does not exist", file, src->GetRasterCount(), band);
  if (source.crs.empty() && src->GetSpatialRef() == nullptr)
    fail(
        "raster '{}' declares no coordinate reference system: add crs = \"EPSG:...\" to its source",
        file);

  // Select the band (and assign the declared CRS) through a virtual dataset, then warp.
  ArgList t;
  t.args = {"-of", "VRT", "-b", std::to_string(band)};
  if (!source.crs.empty()) {
    t.args.push_back("-a_srs");
    t.args.push_back(source.crs);
  }
  GDALTranslateOptions* topt = GDALTranslateOptionsNew(t.get(), nullptr);
  GDALDatasetH vrt = GDALTranslate("", src.get(), topt, nullptr);
  GDALTranslateOptionsFree(topt);
  if (!vrt) fail("cannot select band {} of '{}': {}", band, file, CPLGetLastErrorMsg());

  ArgList w;
  w.args = {"-of",
            "MEM",
            "-ot",
            "Float32",
            "-t_srs",
            grid.crs_wkt.empty() ? grid.crs : grid.crs_wkt,
            "-te",
            fmt::format("{:.10g}", grid.x0),
            fmt::format("{:.10g}", grid.y1()),
            fmt::format("{:.10g}", grid.x1()),
            fmt::format("{:.10g}", grid.y0),
            "-ts",
            std::to_string(grid.cols),
            std::to_string(grid.rows),
            "-r",
            resampling == "nearest" ? "near" : resampling,
            "-dstnodata",
            "nan",
            "-multi",
            "-wo",
            "NUM_THREADS=ALL_CPUS"};
  GDALWarpAppOptions* wopt = GDALWarpAppOptionsNew(w.get(), nullptr);
  GDALDatasetH srcs[1] = {vrt};
  int usage_error = 0;
  GDALDatasetH out = GDALWarp("", nullptr, 1, srcs, wopt, &usage_error);
  GDALWarpAppOptionsFree(wopt);
  GDALClose(vrt);
  if (!out) fail("cannot resample '{}' onto the model grid: {}", file, CPLGetLastErrorMsg());

  Raster r(grid, kNoData);
  CPLErr err = GDALRasterIO(GDALGetRasterBand(out, 1), GF_Read, 0, 0, grid.cols, grid.rows,
                            r.values.data(), grid.cols, grid.rows, GDT_Float32, 0, 0);
  GDALClose(out);
  if (err != CE_None) fail("cannot read the resampled '{}': {}", file, CPLGetLastErrorMsg());
  return r;
}

}  // namespace casco
