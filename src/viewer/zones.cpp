#include "viewer/zones.hpp"

#include <gdal_alg.h>
#include <gdal_priv.h>
#include <ogrsf_frmts.h>

#include <cmath>
#include <limits>
#include <vector>

#include "core/error.hpp"

namespace casco::viewer {

std::map<int, ZoneExtent> zone_extents(const Raster& zones) {
  std::map<int, ZoneExtent> out;
  const Grid& g = zones.grid;
  for (int row = 0; row < g.rows; ++row)
    for (int col = 0; col < g.cols; ++col) {
      const float v = zones.at(row, col);
      if (!(v >= 0.5f)) continue;  // 0 and NaN: no zone
      const int z = static_cast<int>(std::lround(v));
      auto [it, fresh] = out.try_emplace(z);
      ZoneExtent& e = it->second;
      if (fresh) e.col0 = e.col1 = col, e.row0 = e.row1 = row;
      e.col0 = std::min(e.col0, col), e.col1 = std::max(e.col1, col);
      e.row0 = std::min(e.row0, row), e.row1 = std::max(e.row1, row);
      ++e.cells;
      e.sum_col += col, e.sum_row += row;
    }
  // A point inside each zone: of its cells, the one nearest its mean cell (searched outward in
  // rings, so a ring-shaped zone still gets one of its own cells).
  for (auto& [z, e] : out) {
    const double mc = e.sum_col / e.cells, mr = e.sum_row / e.cells;
    double best = std::numeric_limits<double>::infinity();
    const int c0 = static_cast<int>(mc), r0 = static_cast<int>(mr);
    const int reach = std::max(e.col1 - e.col0, e.row1 - e.row0) + 1;
    for (int d = 0; d <= reach && !std::isfinite(best); ++d)
      for (int row = r0 - d; row <= r0 + d; ++row)
        for (int col = c0 - d; col <= c0 + d; ++col) {
          if (std::max(std::abs(row - r0), std::abs(col - c0)) != d) continue;
          if (row < 0 || col < 0 || row >= g.rows || col >= g.cols) continue;
          const float v = zones.at(row, col);
          if (std::isnan(v) || std::lround(v) != z) continue;
          const double dist = std::hypot(col - mc, row - mr);
          if (dist < best) best = dist, e.centre_col = col, e.centre_row = row;
        }
  }
  return out;
}

std::unique_ptr<OGRGeometry> trace_zone(const Raster& zones, int zone, const ZoneExtent& e,
                                        const OGRSpatialReference& srs) {
  const Grid& g = zones.grid;
  Grid w = g;
  w.cols = e.col1 - e.col0 + 1;
  w.rows = e.row1 - e.row0 + 1;
  w.x0 = g.x0 + e.col0 * g.cell;
  w.y0 = g.y0 - e.row0 * g.cell;
  std::vector<std::uint8_t> mask(w.size(), 0);
  for (int row = 0; row < w.rows; ++row)
    for (int col = 0; col < w.cols; ++col) {
      const float v = zones.at(e.row0 + row, e.col0 + col);
      mask[static_cast<std::size_t>(row) * w.cols + col] =
          !std::isnan(v) && std::lround(v) == zone ? 1 : 0;
    }
  GDALDriver* mem = GetGDALDriverManager()->GetDriverByName("MEM");
  GDALDatasetUniquePtr ds(mem->Create("", w.cols, w.rows, 1, GDT_Byte, nullptr));
  auto gt = w.geotransform();
  ds->SetGeoTransform(gt.data());
  GDALRasterBand* band = ds->GetRasterBand(1);
  if (band->RasterIO(GF_Write, 0, 0, w.cols, w.rows, mask.data(), w.cols, w.rows, GDT_Byte, 0, 0) !=
      CE_None)
    fail("cannot trace zone {}: {}", zone, CPLGetLastErrorMsg());
  GDALDriver* memv = GetGDALDriverManager()->GetDriverByName("Memory");
  GDALDatasetUniquePtr vds(memv->Create("", 0, 0, 0, GDT_Unknown, nullptr));
  OGRLayer* layer =
      vds->CreateLayer("zone", const_cast<OGRSpatialReference*>(&srs), wkbPolygon, nullptr);
  OGRFieldDefn fd("v", OFTInteger);
  layer->CreateField(&fd);
  // The mask as its own mask: only the zone's cells become polygons.
  if (GDALPolygonize(band, band, layer, 0, nullptr, nullptr, nullptr) != CE_None)
    fail("cannot trace zone {}: {}", zone, CPLGetLastErrorMsg());
  auto out = std::make_unique<OGRMultiPolygon>();
  for (auto& f : *layer)
    if (const OGRGeometry* p = f->GetGeometryRef())
      if (wkbFlatten(p->getGeometryType()) == wkbPolygon) out->addGeometry(p);
  if (out->IsEmpty()) return nullptr;
  return out;
}

}  // namespace casco::viewer
