#include "viewer/tiles.hpp"

#include <cairo.h>

#include <algorithm>
#include <cmath>

#include "core/error.hpp"

namespace casco::viewer {
namespace {

constexpr double kHalfWorld = 20037508.342789244;  // EPSG:3857 x of longitude 180
constexpr int kLattice = 16;                       // pixels between reprojected points

cairo_status_t append_to_string(void* closure, const unsigned char* data, unsigned int length) {
  static_cast<std::string*>(closure)->append(reinterpret_cast<const char*>(data), length);
  return CAIRO_STATUS_SUCCESS;
}

}  // namespace

Box tile_box(int z, int x, int y) {
  const double size = 2 * kHalfWorld / std::ldexp(1.0, z);
  return {-kHalfWorld + x * size, kHalfWorld - (y + 1) * size, -kHalfWorld + (x + 1) * size,
          kHalfWorld - y * size};
}

Box grid_box_mercator(const Grid& g, OGRCoordinateTransformation& ct) {
  Box b{INFINITY, INFINITY, -INFINITY, -INFINITY};
  constexpr int kSteps = 32;
  for (int i = 0; i <= kSteps; ++i) {
    const double t = static_cast<double>(i) / kSteps;
    const double xs[4] = {g.x0 + t * (g.x1() - g.x0), g.x0 + t * (g.x1() - g.x0), g.x0, g.x1()};
    const double ys[4] = {g.y0, g.y1(), g.y1() + t * (g.y0 - g.y1()), g.y1() + t * (g.y0 - g.y1())};
    for (int k = 0; k < 4; ++k) {
      double x = xs[k], y = ys[k];
      if (!ct.Transform(1, &x, &y)) continue;
      b.x0 = std::min(b.x0, x), b.x1 = std::max(b.x1, x);
      b.y0 = std::min(b.y0, y), b.y1 = std::max(b.y1, y);
    }
  }
  if (!(b.x0 < b.x1)) fail("cannot place the model grid on the web map (reprojection failed)");
  return b;
}

std::vector<std::uint32_t> render_tile(const Raster& raster, const legend::Legend& colours,
                                       OGRCoordinateTransformation& ct, int z, int x, int y,
                                       const std::vector<std::uint8_t>* inside) {
  const bool clip = inside && inside->size() == raster.values.size();
  return render_tile(
      raster.grid,
      [&](std::size_t i) -> std::uint32_t {
        if (clip && !(*inside)[i]) return 0;
        return colours.argb(raster.values[i]);
      },
      ct, z, x, y);
}

std::vector<std::uint32_t> render_tile(const Grid& g, const CellColour& colour,
                                       OGRCoordinateTransformation& ct, int z, int x, int y) {
  const Box box = tile_box(z, x, y);
  const double px = (box.x1 - box.x0) / kTileSize;
  // Reproject the lattice of pixel centres (every kLattice pixels) in one call.
  constexpr int n = kTileSize / kLattice + 1;
  std::vector<double> lx(n * n), ly(n * n);
  std::vector<int> ok(n * n);
  for (int j = 0; j < n; ++j)
    for (int i = 0; i < n; ++i) {
      lx[j * n + i] = box.x0 + (i * kLattice + 0.5) * px;
      ly[j * n + i] = box.y1 - (j * kLattice + 0.5) * px;
    }
  ct.Transform(n * n, lx.data(), ly.data(), nullptr, ok.data());
  std::vector<std::uint32_t> out(static_cast<std::size_t>(kTileSize) * kTileSize, 0);
  for (int j = 0; j < kTileSize; ++j) {
    const int lj = std::min(j / kLattice, n - 2);
    const double fy = static_cast<double>(j - lj * kLattice) / kLattice;
    for (int i = 0; i < kTileSize; ++i) {
      const int li = std::min(i / kLattice, n - 2);
      const double fx = static_cast<double>(i - li * kLattice) / kLattice;
      const int a = lj * n + li, b = a + 1, c = a + n, d = c + 1;
      if (!ok[a] || !ok[b] || !ok[c] || !ok[d]) continue;
      auto lerp = [&](const std::vector<double>& v) {
        return (v[a] * (1 - fx) + v[b] * fx) * (1 - fy) + (v[c] * (1 - fx) + v[d] * fx) * fy;
      };
      const double col = std::floor(g.px(lerp(lx))), row = std::floor(g.py(lerp(ly)));
      if (col < 0 || row < 0 || col >= g.cols || row >= g.rows) continue;
      out[static_cast<std::size_t>(j) * kTileSize + i] =
          colour(static_cast<std::size_t>(row) * g.cols + static_cast<std::size_t>(col));
    }
  }
  return out;
}

std::string encode_png(const std::vector<std::uint32_t>& argb, int width, int height) {
  // Cairo (already drawing casco's maps) writes the PNG; its ARGB32 wants premultiplied alpha.
  cairo_surface_t* surface = cairo_image_surface_create(CAIRO_FORMAT_ARGB32, width, height);
  cairo_surface_flush(surface);
  unsigned char* data = cairo_image_surface_get_data(surface);
  const int stride = cairo_image_surface_get_stride(surface);
  for (int j = 0; j < height; ++j) {
    auto* row = reinterpret_cast<std::uint32_t*>(data + static_cast<std::ptrdiff_t>(j) * stride);
    for (int i = 0; i < width; ++i) {
      const std::uint32_t p = argb[static_cast<std::size_t>(j) * width + i];
      const std::uint32_t a = p >> 24;
      auto pre = [&](int shift) { return (((p >> shift) & 255u) * a + 127u) / 255u << shift; };
      row[i] = (a << 24) | pre(16) | pre(8) | pre(0);
    }
  }
  cairo_surface_mark_dirty(surface);
  std::string png;
  const cairo_status_t status = cairo_surface_write_to_png_stream(surface, append_to_string, &png);
  cairo_surface_destroy(surface);
  if (status != CAIRO_STATUS_SUCCESS)
    fail("cannot encode a map tile as PNG: {}", cairo_status_to_string(status));
  return png;
}

}  // namespace casco::viewer
