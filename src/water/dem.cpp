#include "water/dem.hpp"

#include <gdal_alg.h>
#include <gdal_priv.h>
#include <gdal_utils.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <fstream>
#include <vector>

#include "core/crs.hpp"
#include "core/error.hpp"

namespace casco::water {
namespace fs = std::filesystem;
namespace {

std::size_t available_memory() {
  std::ifstream in("/proc/meminfo");
  std::string key;
  std::size_t kb = 0;
  std::string unit;
  while (in >> key >> kb >> unit)
    if (key == "MemAvailable:") return kb * 1024;
  return 0;
}

// The horizontal CRS of a dataset (a compound CRS such as RD New + NAP height counts as RD New).
OGRSpatialReference horizontal(const OGRSpatialReference& srs) {
  OGRSpatialReference h(srs);
  if (h.IsCompound()) h.StripVertical();
  h.SetAxisMappingStrategy(OAMS_TRADITIONAL_GIS_ORDER);
  return h;
}

bool same_crs(const OGRSpatialReference& a, const OGRSpatialReference& b) {
  const char* opts[] = {"IGNORE_DATA_AXIS_TO_SRS_AXIS_MAPPING=YES",
                        "CRITERION=EQUIVALENT_EXCEPT_AXIS_ORDER_GEOGCRS", nullptr};
  if (a.IsSame(&b, opts)) return true;
  const char* ca = a.GetAuthorityCode(nullptr);
  const char* cb = b.GetAuthorityCode(nullptr);
  const char* na = a.GetAuthorityName(nullptr);
  const char* nb = b.GetAuthorityName(nullptr);
  return ca && cb && na && nb && std::string(ca) == cb && std::string(na) == nb;
}

std::string srs_name(const OGRSpatialReference& s) {
  const char* name = s.GetName();
  const char* code = s.GetAuthorityCode(nullptr);
  std::string out = name ? name : "unnamed CRS";
  if (code) out += fmt::format(" (EPSG:{})", code);
  return out;
}

struct Args {
  std::vector<std::string> args;
  std::vector<char*> ptrs;
  char** get() {
    ptrs.clear();
    for (auto& a : args) ptrs.push_back(a.data());
    ptrs.push_back(nullptr);
    return ptrs.data();
  }
};

// Fills no-data holes that do not touch the raster's edge and lie within `max_cells` of data.
std::size_t fill_holes(Raster& r, double max_cells) {
  const Grid& g = r.grid;
  // No-data regions (4-connected) that touch the edge are outside the DEM: never filled.
  std::vector<std::uint8_t> outside(g.size(), 0);
  std::vector<std::size_t> stack;
  auto push = [&](int row, int col) {
    const std::size_t i = static_cast<std::size_t>(row) * g.cols + col;
    if (std::isnan(r.values[i]) && !outside[i]) {
      outside[i] = 1;
      stack.push_back(i);
    }
  };
  for (int c = 0; c < g.cols; ++c) push(0, c), push(g.rows - 1, c);
  for (int row = 0; row < g.rows; ++row) push(row, 0), push(row, g.cols - 1);
  while (!stack.empty()) {
    const std::size_t i = stack.back();
    stack.pop_back();
    const int row = static_cast<int>(i / g.cols), col = static_cast<int>(i % g.cols);
    if (row > 0) push(row - 1, col);
    if (row + 1 < g.rows) push(row + 1, col);
    if (col > 0) push(row, col - 1);
    if (col + 1 < g.cols) push(row, col + 1);
  }
  GDALDriver* mem = GetGDALDriverManager()->GetDriverByName("MEM");
  GDALDatasetUniquePtr ds(mem->Create("", g.cols, g.rows, 1, GDT_Float32, nullptr));
  GDALRasterBand* band = ds->GetRasterBand(1);
  band->SetNoDataValue(std::nan(""));
  if (band->RasterIO(GF_Write, 0, 0, g.cols, g.rows, r.values.data(), g.cols, g.rows, GDT_Float32,
                     0, 0) != CE_None ||
      GDALFillNodata(band, band->GetMaskBand(), max_cells, 0, 0, nullptr, nullptr, nullptr) !=
          CE_None)
    fail("cannot fill the no-data holes of the elevation model: {}", CPLGetLastErrorMsg());
  std::vector<float> filled(g.size());
  if (band->RasterIO(GF_Read, 0, 0, g.cols, g.rows, filled.data(), g.cols, g.rows, GDT_Float32, 0,
                     0) != CE_None)
    fail("cannot read the filled elevation model: {}", CPLGetLastErrorMsg());
  std::size_t n = 0;
  for (std::size_t i = 0; i < g.size(); ++i)
    if (std::isnan(r.values[i]) && !outside[i] && !std::isnan(filled[i])) {
      r.values[i] = filled[i];
      ++n;
    }
  return n;
}

}  // namespace

namespace {

// The DEM's horizontal CRS, checked against the model's; its name for messages.
std::string checked_crs(GDALDataset& ds, const Grid& model, const DemOptions& o,
                        const std::string& name) {
  OGRSpatialReference model_srs =
      make_srs(model.crs_wkt.empty() ? model.crs : model.crs_wkt, "the model");
  OGRSpatialReference dem_srs;
  if (!o.crs.empty()) {
    dem_srs = make_srs(o.crs, "dem.crs");
  } else if (const OGRSpatialReference* s = ds.GetSpatialRef()) {
    dem_srs = *s;
  } else {
    fail(
        "elevation model '{}' declares no coordinate reference system: set dem.crs = "
        "\"EPSG:28992\" (AHN is in RD New) in the water configuration",
        name);
  }
  dem_srs = horizontal(dem_srs);
  if (!same_crs(dem_srs, model_srs))
    fail(
        "elevation model '{}' is in {}, the model in {}: reproject it first, e.g. gdalwarp "
        "-t_srs {} -r bilinear '{}' dem_rd.tif (hydrology on reprojected heights needs a "
        "deliberate choice of resampling, so casco does not do it silently)",
        name, srs_name(dem_srs), srs_name(model_srs), model.crs, name);
  return srs_name(dem_srs);
}

// The DEM's geotransform, north-up with square cells and overlapping the model grid.
std::array<double, 6> checked_extent(GDALDataset& ds, const Grid& model, const std::string& name) {
  std::array<double, 6> gt{};
  if (ds.GetGeoTransform(gt.data()) != CE_None)
    fail("elevation model '{}' has no georeferencing (geotransform)", name);
  if (gt[2] != 0 || gt[4] != 0)
    fail("elevation model '{}' is rotated; warp it to a north-up grid first (gdalwarp)", name);
  const double px = gt[1], py = -gt[5];
  if (!(px > 0) || std::abs(px - py) > 1e-6 * px)
    fail(
        "elevation model '{}' has cells of {} x {}: hydrology needs square cells; warp it, e.g. "
        "gdalwarp -tr {} {} '{}' square.tif",
        name, px, py, px, px, name);
  const double dx0 = gt[0], dy0 = gt[3];
  const double dx1 = dx0 + px * ds.GetRasterXSize(), dy1 = dy0 - py * ds.GetRasterYSize();
  if (dx1 <= model.x0 || dx0 >= model.x1() || dy0 <= model.y1() || dy1 >= model.y0)
    fail(
        "elevation model '{}' (x {:.0f}-{:.0f}, y {:.0f}-{:.0f}) does not overlap the study area "
        "(x {:.0f}-{:.0f}, y {:.0f}-{:.0f}): it is of another area",
        name, dx0, dx1, dy1, dy0, model.x0, model.x1(), model.y1(), model.y0);
  return gt;
}

// The band (and a declared CRS) through a virtual dataset, warped onto the model grid.
Raster warp_to_model(GDALDataset& ds, const Grid& model, const DemOptions& o,
                     const std::string& name) {
  Args t;
  t.args = {"-of", "VRT", "-b", std::to_string(o.band)};
  if (!o.crs.empty()) t.args.insert(t.args.end(), {"-a_srs", o.crs});
  GDALTranslateOptions* topt = GDALTranslateOptionsNew(t.get(), nullptr);
  GDALDatasetH vrt = GDALTranslate("", &ds, topt, nullptr);
  GDALTranslateOptionsFree(topt);
  if (!vrt) fail("cannot read band {} of '{}': {}", o.band, name, CPLGetLastErrorMsg());
  Args w;
  w.args = {"-of",
            "MEM",
            "-ot",
            "Float32",
            "-te",
            fmt::format("{:.10g}", model.x0),
            fmt::format("{:.10g}", model.y1()),
            fmt::format("{:.10g}", model.x1()),
            fmt::format("{:.10g}", model.y0),
            "-ts",
            std::to_string(model.cols),
            std::to_string(model.rows),
            "-r",
            o.resampling == "nearest" ? "near" : o.resampling,
            "-dstnodata",
            "nan"};
  GDALWarpAppOptions* wopt = GDALWarpAppOptionsNew(w.get(), nullptr);
  if (!wopt) {
    GDALClose(vrt);
    fail("cannot resample elevation model '{}': {}", name, CPLGetLastErrorMsg());
  }
  GDALDatasetH srcs[1] = {vrt};
  int usage = 0;
  GDALDatasetH out = GDALWarp("", nullptr, 1, srcs, wopt, &usage);
  GDALWarpAppOptionsFree(wopt);
  GDALClose(vrt);
  if (!out) fail("cannot resample elevation model '{}': {}", name, CPLGetLastErrorMsg());
  Raster r(model, kNoData);
  CPLErr err = GDALRasterIO(GDALGetRasterBand(out, 1), GF_Read, 0, 0, model.cols, model.rows,
                            r.values.data(), model.cols, model.rows, GDT_Float32, 0, 0);
  GDALClose(out);
  if (err != CE_None) fail("cannot read elevation model '{}': {}", name, CPLGetLastErrorMsg());
  return r;
}

// The DEM's own cells over the model's extent (whole cells), after a memory check.
Raster own_cells(GDALDataset& ds, const std::array<double, 6>& gt, const Grid& model,
                 const DemOptions& o, const std::string& name) {
  const double px = gt[1], py = -gt[5], dx0 = gt[0], dy0 = gt[3];
  const int c0 = std::max(0, static_cast<int>(std::floor((model.x0 - dx0) / px)));
  const int r0 = std::max(0, static_cast<int>(std::floor((dy0 - model.y0) / py)));
  const int c1 =
      std::min(ds.GetRasterXSize(), static_cast<int>(std::ceil((model.x1() - dx0) / px)));
  const int r1 =
      std::min(ds.GetRasterYSize(), static_cast<int>(std::ceil((dy0 - model.y1()) / py)));
  Grid g;
  g.x0 = dx0 + c0 * px;
  g.y0 = dy0 - r0 * py;
  g.cell = px;
  g.cols = c1 - c0;
  g.rows = r1 - r0;
  g.crs = model.crs;
  g.crs_wkt = model.crs_wkt;
  const double need = static_cast<double>(g.size()) * 64.0;  // the whole module's peak a cell
  const double avail = static_cast<double>(available_memory());
  if (avail > 0 && need > avail)
    fail(
        "elevation model '{}' over the study area is {} x {} cells ({:.0f} M); the hydrology "
        "needs about {:.1f} GB, {:.1f} GB is available: use dem.grid = \"model\" or a coarser "
        "DEM (gdalwarp -tr 5 5 -r average)",
        name, g.cols, g.rows, g.size() / 1e6, need / 1e9, avail / 1e9);
  Raster r(g, Raster::Uninitialized{});
  GDALRasterBand* band = ds.GetRasterBand(o.band);
  if (band->RasterIO(GF_Read, c0, r0, g.cols, g.rows, r.values.data(), g.cols, g.rows, GDT_Float32,
                     0, 0) != CE_None)
    fail("cannot read elevation model '{}': {}", name, CPLGetLastErrorMsg());
  int has_nodata = 0;
  const double nodata = band->GetNoDataValue(&has_nodata);
  if (has_nodata)
    for (float& v : r.values)
      if (v == static_cast<float>(nodata)) v = kNoData;
  return r;
}

// Share of the study-area cells of `model` (all cells without `inside`) with a height.
double coverage(const Raster& dem, const Grid& model, const Raster* inside) {
  std::size_t area = 0, covered = 0;
  const Grid& dg = dem.grid;
  for (int r = 0; r < model.rows; ++r)
    for (int c = 0; c < model.cols; ++c) {
      const std::size_t i = static_cast<std::size_t>(r) * model.cols + c;
      if (inside && !(inside->values[i] != 0 && !std::isnan(inside->values[i]))) continue;
      ++area;
      const int rr = static_cast<int>(std::floor(dg.py(model.cy(r))));
      const int cc = static_cast<int>(std::floor(dg.px(model.cx(c))));
      if (rr >= 0 && cc >= 0 && rr < dg.rows && cc < dg.cols && !std::isnan(dem.at(rr, cc)))
        ++covered;
    }
  return area == 0 ? 0 : static_cast<double>(covered) / static_cast<double>(area);
}

}  // namespace

Dem read_dem(const fs::path& file, const Grid& model, const DemOptions& o, const Raster* inside) {
  ensure_gdal_registered();
  const std::string name = file.string();
  if (!fs::exists(file))
    fail(
        "elevation model '{}' does not exist: get AHN with 'casco data fetch --only ahn_dtm' or "
        "set dem.path in the water configuration",
        name);
  GDALDatasetUniquePtr ds(GDALDataset::Open(name.c_str(), GDAL_OF_RASTER | GDAL_OF_READONLY));
  if (!ds) fail("cannot open elevation model '{}' as a raster: {}", name, CPLGetLastErrorMsg());
  if (o.band < 1 || o.band > ds->GetRasterCount())
    fail("elevation model '{}' has {} band(s); band {} does not exist", name, ds->GetRasterCount(),
         o.band);
  Dem dem;
  dem.crs_name = checked_crs(*ds, model, o, name);
  const auto gt = checked_extent(*ds, model, name);
  if (o.grid == "model")
    dem.raster = warp_to_model(*ds, model, o, name);
  else if (o.grid == "dem")
    dem.raster = own_cells(*ds, gt, model, o, name);
  else
    fail("dem.grid = \"{}\": use \"model\" (the model grid) or \"dem\" (the DEM's own cells)",
         o.grid);
  // Absurd heights (beyond the deepest and highest land on earth) are no data.
  for (float& v : dem.raster.values)
    if (!(v > -500.0f && v < 9000.0f)) v = kNoData;
  if (o.fill_holes_m > 0)
    dem.holes_filled = fill_holes(dem.raster, o.fill_holes_m / dem.raster.grid.cell);
  dem.coverage = coverage(dem.raster, model, inside);
  if (dem.coverage == 0)
    fail(
        "elevation model '{}' has no heights inside the study area: it is of another area, or "
        "all no-data there",
        name);
  if (dem.coverage < o.min_coverage)
    fail(
        "elevation model '{}' covers {:.0f}% of the study area, less than dem.min_coverage = "
        "{:.0f}%: fetch the whole area (casco data fetch --only ahn_dtm) or lower min_coverage to "
        "analyse only the part it covers",
        name, 100 * dem.coverage, 100 * o.min_coverage);
  return dem;
}

Raster aggregate(const Raster& fine, const Grid& target, const std::string& how) {
  if (fine.grid.same_raster(target)) return fine;
  const Grid& f = fine.grid;
  if (f.cell > target.cell * 1.0001) {  // coarser than the target: the cell under each centre
    Raster out(target, kNoData);
    for (int r = 0; r < target.rows; ++r)
      for (int c = 0; c < target.cols; ++c) {
        const int fr = static_cast<int>(std::floor(f.py(target.cy(r))));
        const int fc = static_cast<int>(std::floor(f.px(target.cx(c))));
        if (fr >= 0 && fc >= 0 && fr < f.rows && fc < f.cols) out.at(r, c) = fine.at(fr, fc);
      }
    if (how == "share")
      for (float& v : out.values)
        if (!std::isnan(v)) v = v != 0 ? 1.0f : 0.0f;
    return out;
  }
  std::vector<double> sum(target.size(), 0), mx(target.size(), -INFINITY),
      mn(target.size(), INFINITY);
  std::vector<std::uint32_t> cnt(target.size(), 0), nonzero(target.size(), 0);
  for (int r = 0; r < f.rows; ++r) {
    const int tr = static_cast<int>(std::floor(target.py(f.cy(r))));
    if (tr < 0 || tr >= target.rows) continue;
    for (int c = 0; c < f.cols; ++c) {
      const float v = fine.at(r, c);
      if (std::isnan(v)) continue;
      const int tc = static_cast<int>(std::floor(target.px(f.cx(c))));
      if (tc < 0 || tc >= target.cols) continue;
      const std::size_t t = static_cast<std::size_t>(tr) * target.cols + tc;
      sum[t] += v;
      mx[t] = std::max<double>(mx[t], v);
      mn[t] = std::min<double>(mn[t], v);
      ++cnt[t];
      if (v != 0) ++nonzero[t];
    }
  }
  Raster out(target, kNoData);
  for (std::size_t t = 0; t < target.size(); ++t) {
    if (cnt[t] == 0) continue;
    if (how == "max")
      out.values[t] = static_cast<float>(mx[t]);
    else if (how == "mean")
      out.values[t] = static_cast<float>(sum[t] / cnt[t]);
    else if (how == "min")
      out.values[t] = static_cast<float>(mn[t]);
    else if (how == "share")
      out.values[t] = static_cast<float>(static_cast<double>(nonzero[t]) / cnt[t]);
    else
      fail("aggregate: unknown method '{}' (max, min, mean, share)", how);
  }
  return out;
}

}  // namespace casco::water
