#include "model/rasterize.hpp"

#include <ogr_api.h>
#include <ogr_geometry.h>
#include <tbb/blocked_range.h>
#include <tbb/parallel_for.h>

#include <algorithm>
#include <atomic>
#include <cmath>
#include <limits>
#include <memory>

namespace casco {
namespace {

constexpr int kBandRows = 32;
constexpr double kInf = 1e20;  // "no feature" in the distance transform

// floor(v) / ceil(v) as an index clamped to [lo, hi]: shapes may reach far beyond the grid, where
// casting the double to int would be undefined.
int floor_in(double v, int lo, int hi) {
  return static_cast<int>(
      std::clamp(std::floor(v), static_cast<double>(lo), static_cast<double>(hi)));
}
int ceil_in(double v, int lo, int hi) {
  return static_cast<int>(
      std::clamp(std::ceil(v), static_cast<double>(lo), static_cast<double>(hi)));
}
bool in_grid(Pt p, int cols, int rows) {
  return p.x >= 0 && p.y >= 0 && p.x < cols && p.y < rows;
}

// Cuts the segment a-b to the box [x_lo, x_hi] x [y_lo, y_hi] (Liang-Barsky); false if it misses
// the box.
bool clip_segment(Pt& a, Pt& b, double x_lo, double x_hi, double y_lo, double y_hi) {
  double t0 = 0, t1 = 1;
  const double dx = b.x - a.x, dy = b.y - a.y;
  const double p[4] = {-dx, dx, -dy, dy};
  const double q[4] = {a.x - x_lo, x_hi - a.x, a.y - y_lo, y_hi - a.y};
  for (int i = 0; i < 4; ++i) {
    if (p[i] == 0) {
      if (q[i] < 0) return false;
      continue;
    }
    const double t = q[i] / p[i];
    if (p[i] < 0)
      t0 = std::max(t0, t);
    else
      t1 = std::min(t1, t);
    if (t0 > t1) return false;
  }
  const Pt from = a;  // endpoints inside the box stay exactly as they were
  if (t0 > 0) a = {from.x + t0 * dx, from.y + t0 * dy};
  if (t1 < 1) b = {from.x + t1 * dx, from.y + t1 * dy};
  return true;
}

double signed_area(const std::vector<Pt>& ring) {
  double a = 0;
  for (std::size_t i = 0, n = ring.size(); i < n; ++i) {
    const Pt& p = ring[i];
    const Pt& q = ring[(i + 1) % n];
    a += p.x * q.y - q.x * p.y;
  }
  return 0.5 * a;
}

std::vector<Pt> ring_to_pixels(const OGRLinearRing& ring, const Grid& g) {
  std::vector<Pt> out;
  int n = ring.getNumPoints();
  out.reserve(static_cast<std::size_t>(n));
  for (int i = 0; i < n; ++i) out.push_back({g.px(ring.getX(i)), g.py(ring.getY(i))});
  if (out.size() > 1 && out.front().x == out.back().x && out.front().y == out.back().y)
    out.pop_back();
  return out;
}

void add_polygon(const OGRPolygon& poly, const Grid& g, Shape& s) {
  for (int r = 0; r < poly.getNumInteriorRings() + 1; ++r) {
    const OGRLinearRing* ring = r == 0 ? poly.getExteriorRing() : poly.getInteriorRing(r - 1);
    if (!ring || ring->getNumPoints() < 4) continue;
    auto pts = ring_to_pixels(*ring, g);
    if (pts.size() < 3) continue;
    double a = signed_area(pts);
    if ((r == 0) != (a > 0)) std::reverse(pts.begin(), pts.end());
    s.parts.push_back(std::move(pts));
  }
}

int dimension_of(const OGRGeometry& geom) {
  auto t = wkbFlatten(geom.getGeometryType());
  if (t == wkbGeometryCollection || t == wkbMultiPolygon || t == wkbMultiLineString ||
      t == wkbMultiPoint) {
    int d = -1;
    for (const auto* sub : *geom.toGeometryCollection()) d = std::max(d, dimension_of(*sub));
    return d;
  }
  return geom.IsEmpty() ? -1 : geom.getDimension();
}

void collect(const OGRGeometry& geom, const Grid& g, int dim, Shape& s) {
  auto t = wkbFlatten(geom.getGeometryType());
  if (t == wkbGeometryCollection || t == wkbMultiPolygon || t == wkbMultiLineString ||
      t == wkbMultiPoint) {
    for (const auto* sub : *geom.toGeometryCollection()) collect(*sub, g, dim, s);
    return;
  }
  if (geom.IsEmpty() || geom.getDimension() != dim) return;
  if (t == wkbPolygon) {
    add_polygon(*geom.toPolygon(), g, s);
  } else if (t == wkbLineString || t == wkbLinearRing) {
    const OGRLineString& ls = *geom.toLineString();
    std::vector<Pt> pts;
    for (int i = 0; i < ls.getNumPoints(); ++i) pts.push_back({g.px(ls.getX(i)), g.py(ls.getY(i))});
    if (!pts.empty()) s.parts.push_back(std::move(pts));
  } else if (t == wkbPoint) {
    const OGRPoint& p = *geom.toPoint();
    s.parts.push_back({{g.px(p.getX()), g.py(p.getY())}});
  } else {
    // Curves and other exotic types: linearise through OGR.
    std::unique_ptr<OGRGeometry> lin(geom.getLinearGeometry());
    if (lin && wkbFlatten(lin->getGeometryType()) != t) collect(*lin, g, dim, s);
  }
}

// Every cell a segment passes through (Amanatides & Woo voxel traversal).
template <typename F>
void walk_segment(Pt a, Pt b, int cols, int rows, F&& visit) {
  // Only the part within a cell of the grid is walked: a segment from far away costs no steps.
  if (!clip_segment(a, b, -1, cols + 1, -1, rows + 1)) return;
  int cx = static_cast<int>(std::floor(a.x)), cy = static_cast<int>(std::floor(a.y));
  int ex = static_cast<int>(std::floor(b.x)), ey = static_cast<int>(std::floor(b.y));
  double dx = b.x - a.x, dy = b.y - a.y;
  int sx = dx > 0 ? 1 : -1, sy = dy > 0 ? 1 : -1;
  double tdx = dx != 0 ? std::abs(1.0 / dx) : std::numeric_limits<double>::infinity();
  double tdy = dy != 0 ? std::abs(1.0 / dy) : std::numeric_limits<double>::infinity();
  double tx = dx != 0 ? ((sx > 0 ? (cx + 1 - a.x) : (a.x - cx)) * tdx)
                      : std::numeric_limits<double>::infinity();
  double ty = dy != 0 ? ((sy > 0 ? (cy + 1 - a.y) : (a.y - cy)) * tdy)
                      : std::numeric_limits<double>::infinity();
  int steps = std::abs(ex - cx) + std::abs(ey - cy);
  for (int i = 0; i <= steps; ++i) {
    if (cx >= 0 && cy >= 0 && cx < cols && cy < rows) visit(cy, cx);
    if (tx < ty) {
      tx += tdx;
      cx += sx;
    } else {
      ty += tdy;
      cy += sy;
    }
  }
}

// Adds the signed area that a segment inside one row contributes, in the accumulation form
// where a prefix sum along the row yields the covered share of each cell (as in font-rs).
// x0, x1 lie in [0, cols]; `a` has cols + 2 entries.
void accumulate_span(double* a, double xa, double xb, double d) {
  double x0 = std::min(xa, xb), x1 = std::max(xa, xb);
  double x0floor = std::floor(x0);
  int x0i = static_cast<int>(x0floor);
  double x1ceil = std::ceil(x1);
  int x1i = static_cast<int>(x1ceil);
  if (x1i <= x0i + 1) {
    double xmf = 0.5 * (xa + xb) - x0floor;
    a[x0i] += d - d * xmf;
    a[x0i + 1] += d * xmf;
    return;
  }
  double s = 1.0 / (x1 - x0);
  double x0f = x0 - x0floor;
  double a0 = 0.5 * s * (1 - x0f) * (1 - x0f);
  double x1f = x1 - x1ceil + 1;
  double am = 0.5 * s * x1f * x1f;
  a[x0i] += d * a0;
  if (x1i == x0i + 2) {
    a[x0i + 1] += d * (1 - a0 - am);
  } else {
    double a1 = s * (1.5 - x0f);
    a[x0i + 1] += d * (a1 - a0);
    for (int xi = x0i + 2; xi < x1i - 1; ++xi) a[xi] += d * s;
    double a2 = a1 + (x1i - x0i - 3) * s;
    a[x1i - 1] += d * (1 - a2 - am);
  }
  a[x1i] += d * am;
}

// One edge's contribution to the rows [r0, r1) of a band buffer.
void accumulate_edge(double* buf, int cols, int r0, int r1, Pt p, Pt q) {
  if (p.y == q.y) return;
  double dir = 1;
  if (p.y > q.y) {
    std::swap(p, q);
    dir = -1;
  }
  double ylo = std::max(p.y, static_cast<double>(r0));
  double yhi = std::min(q.y, static_cast<double>(r1));
  if (ylo >= yhi) return;
  double dxdy = (q.x - p.x) / (q.y - p.y);
  double x = p.x + (ylo - p.y) * dxdy;
  const double W = cols;
  for (int y = static_cast<int>(std::floor(ylo)); y < r1 && y < yhi; ++y) {
    double dy = std::min<double>(y + 1, yhi) - std::max<double>(y, ylo);
    double xnext = x + dxdy * dy;
    double d = dy * dir;
    double* row = buf + static_cast<std::size_t>(y - r0) * (cols + 2);
    bool inside = x >= 0 && x <= W && xnext >= 0 && xnext <= W;
    if (inside) {
      accumulate_span(row, x, xnext, d);
    } else {
      // Split where the span leaves [0, W]; pieces left of the grid become a vertical line at 0
      // (they cover every cell to their right), pieces right of it touch nothing visible.
      double t0 = (0 - x) / (xnext - x), tw = (W - x) / (xnext - x);  // x != xnext here
      if (t0 > tw) std::swap(t0, tw);
      double cuts[4] = {0, std::clamp(t0, 0.0, 1.0), std::clamp(tw, 0.0, 1.0), 1};
      for (int i = 0; i < 3; ++i) {
        double ta = cuts[i], tb = cuts[i + 1];
        if (tb <= ta) continue;
        double xa = std::clamp(x + (xnext - x) * ta, 0.0, W);
        double xb = std::clamp(x + (xnext - x) * tb, 0.0, W);
        accumulate_span(row, xa, xb, d * (tb - ta));
      }
    }
    x = xnext;
  }
}

}  // namespace

Shape to_pixel_shape(const OGRGeometry& geometry, const Grid& grid) {
  Shape s;
  int dim = dimension_of(geometry);
  if (dim < 0) return s;
  s.type = dim == 2 ? Shape::Type::Polygon : dim == 1 ? Shape::Type::Line : Shape::Type::Point;
  collect(geometry, grid, dim, s);
  if (s.parts.empty()) {
    s.type = Shape::Type::Empty;
    return s;
  }
  OGRGeometryH pos =
      dim == 2 ? OGR_G_PointOnSurface(OGRGeometry::ToHandle(const_cast<OGRGeometry*>(&geometry)))
               : nullptr;
  if (pos && !OGR_G_IsEmpty(pos)) {
    s.anchor = {grid.px(OGR_G_GetX(pos, 0)), grid.py(OGR_G_GetY(pos, 0))};
  } else {
    s.anchor = s.parts.front().front();
  }
  if (pos) OGR_G_DestroyGeometry(pos);
  return s;
}

namespace {

// A polygon edge tagged with its shape, bucketed by the bands of rows it reaches; within a band
// the edges keep shape order, so "later shapes win" holds band by band.
struct EdgeRef {
  Pt a, b;
  uint32_t shape;
};

std::vector<std::vector<EdgeRef>> bucket_edges(const std::vector<Shape>& shapes, int rows) {
  int nbands = (rows + kBandRows - 1) / kBandRows;
  std::vector<std::vector<EdgeRef>> bands(static_cast<std::size_t>(nbands));
  for (std::size_t f = 0; f < shapes.size(); ++f) {
    if (shapes[f].type != Shape::Type::Polygon) continue;
    for (const auto& ring : shapes[f].parts)
      for (std::size_t i = 0, n = ring.size(); i < n; ++i) {
        Pt a = ring[i], c = ring[(i + 1) % n];
        if (a.y == c.y) continue;  // horizontal edges neither cross centre lines nor add area
        double ylo = std::min(a.y, c.y), yhi = std::max(a.y, c.y);
        if (yhi <= 0 || ylo >= rows) continue;
        int b0 = floor_in(ylo, 0, rows) / kBandRows;
        int b1 = std::min(nbands - 1, (ceil_in(yhi, 1, rows) - 1) / kBandRows);
        for (int band = b0; band <= b1; ++band)
          bands[static_cast<std::size_t>(band)].push_back({a, c, static_cast<uint32_t>(f)});
      }
  }
  return bands;
}

// Scanline through the cell centres of rows [r0, r1), even-odd rule per shape; calls
// span(row, c0, c1, shape) for every run of cells whose centre lies inside.
template <typename Span>
void scan_band(const std::vector<EdgeRef>& edges, int r0, int r1, int cols, Span&& span) {
  std::vector<std::vector<double>> xs(static_cast<std::size_t>(r1 - r0));
  for (std::size_t i = 0; i < edges.size();) {
    uint32_t shape = edges[i].shape;
    int lo = r1, hi = r0;
    for (; i < edges.size() && edges[i].shape == shape; ++i) {
      const EdgeRef& e = edges[i];
      double ylo = std::min(e.a.y, e.b.y), yhi = std::max(e.a.y, e.b.y);
      // rows whose centre (r + 0.5) lies in [ylo, yhi)
      int er0 = ceil_in(ylo - 0.5, r0, r1);
      int er1 = ceil_in(yhi - 0.5, r0, r1);
      if (er0 >= er1) continue;
      lo = std::min(lo, er0);
      hi = std::max(hi, er1);
      double dxdy = (e.b.x - e.a.x) / (e.b.y - e.a.y);
      for (int r = er0; r < er1; ++r)
        xs[static_cast<std::size_t>(r - r0)].push_back(e.a.x + (r + 0.5 - e.a.y) * dxdy);
    }
    for (int r = lo; r < hi; ++r) {
      auto& v = xs[static_cast<std::size_t>(r - r0)];
      std::sort(v.begin(), v.end());
      for (std::size_t k = 0; k + 1 < v.size(); k += 2) {
        int c0 = ceil_in(v[k] - 0.5, 0, cols);
        int c1 = ceil_in(v[k + 1] - 0.5, 0, cols);
        if (c0 < c1) span(r, c0, c1, shape);
      }
      v.clear();
    }
  }
}

// The common core of label_cells and presence: `init(r0, r1)` prepares a band's rows, `set(row,
// c0, c1, shape)` marks cells. Returns for each shape whether it marked any cell.
template <typename Init, typename Set>
void burn(const Grid& grid, const std::vector<Shape>& shapes, Init&& init, Set&& set) {
  const int cols = grid.cols, rows = grid.rows;
  auto bands = bucket_edges(shapes, rows);
  std::unique_ptr<std::atomic<uint8_t>[]> has_cell(new std::atomic<uint8_t>[shapes.size()]);
  for (std::size_t f = 0; f < shapes.size(); ++f) has_cell[f].store(0, std::memory_order_relaxed);
  tbb::parallel_for(0, static_cast<int>(bands.size()), [&](int band) {
    int r0 = band * kBandRows, r1 = std::min(rows, r0 + kBandRows);
    init(r0, r1);
    scan_band(bands[static_cast<std::size_t>(band)], r0, r1, cols,
              [&](int r, int c0, int c1, uint32_t f) {
                set(r, c0, c1, f);
                has_cell[f].store(1, std::memory_order_relaxed);
              });
  });
  // Lines and points touch few cells; sequential keeps "later wins" simple.
  for (std::size_t f = 0; f < shapes.size(); ++f) {
    const Shape& s = shapes[f];
    auto cell = [&](int r, int c) { set(r, c, c + 1, static_cast<uint32_t>(f)); };
    if (s.type == Shape::Type::Line) {
      for (const auto& line : s.parts) {
        if (line.size() == 1) walk_segment(line[0], line[0], cols, rows, cell);
        for (std::size_t i = 0; i + 1 < line.size(); ++i)
          walk_segment(line[i], line[i + 1], cols, rows, cell);
      }
    } else if (s.type == Shape::Type::Point) {
      for (const auto& p : s.parts) {
        if (in_grid(p[0], cols, rows))
          cell(static_cast<int>(std::floor(p[0].y)), static_cast<int>(std::floor(p[0].x)));
      }
    }
  }
  // Polygons smaller than a cell (or slivers between centres) claim their anchor's cell.
  for (std::size_t f = 0; f < shapes.size(); ++f) {
    if (has_cell[f].load(std::memory_order_relaxed) || shapes[f].type != Shape::Type::Polygon)
      continue;
    const Pt a = shapes[f].anchor;
    if (!in_grid(a, cols, rows)) continue;
    const int c = static_cast<int>(std::floor(a.x)), r = static_cast<int>(std::floor(a.y));
    set(r, c, c + 1, static_cast<uint32_t>(f));
  }
}

}  // namespace

Labels label_cells(const Grid& grid, const std::vector<Shape>& shapes) {
  Labels label;
  label.resize(grid.size());
  const std::size_t cols = static_cast<std::size_t>(grid.cols);
  burn(
      grid, shapes,
      [&](int r0, int r1) { std::fill(label.data() + r0 * cols, label.data() + r1 * cols, -1); },
      [&](int r, int c0, int c1, uint32_t f) {
        std::fill(label.data() + r * cols + c0, label.data() + r * cols + c1,
                  static_cast<int32_t>(f));
      });
  return label;
}

Raster presence(const Grid& grid, const std::vector<Shape>& shapes) {
  Raster out(grid, Raster::Uninitialized{});
  float* v = out.values.data();
  const std::size_t cols = static_cast<std::size_t>(grid.cols);
  burn(
      grid, shapes, [&](int r0, int r1) { std::fill(v + r0 * cols, v + r1 * cols, 0.0f); },
      [&](int r, int c0, int c1, uint32_t) {
        std::fill(v + r * cols + c0, v + r * cols + c1, 1.0f);
      });
  return out;
}

Raster coverage(const Grid& grid, const std::vector<Shape>& shapes) {
  const int cols = grid.cols, rows = grid.rows;
  Raster out(grid, Raster::Uninitialized{});
  auto bands = bucket_edges(shapes, rows);
  tbb::parallel_for(0, static_cast<int>(bands.size()), [&](int band) {
    int r0 = band * kBandRows, r1 = std::min(rows, r0 + kBandRows);
    std::vector<double> buf(static_cast<std::size_t>(r1 - r0) * (cols + 2), 0.0);
    for (const EdgeRef& e : bands[static_cast<std::size_t>(band)])
      accumulate_edge(buf.data(), cols, r0, r1, e.a, e.b);
    for (int r = r0; r < r1; ++r) {
      const double* a = buf.data() + static_cast<std::size_t>(r - r0) * (cols + 2);
      float* o = out.values.data() + static_cast<std::size_t>(r) * cols;
      double acc = 0;
      for (int c = 0; c < cols; ++c) {
        acc += a[c];
        double v = std::min(1.0, std::abs(acc));
        o[c] = v < 1e-9 ? 0.0f : static_cast<float>(v);
      }
    }
  });
  return out;
}

Raster distance(const Grid& grid, const std::vector<uint8_t>& mask) {
  const int cols = grid.cols, rows = grid.rows;
  Raster out(grid, kNoData);
  if (std::find(mask.begin(), mask.end(), uint8_t{1}) == mask.end()) return out;

  // Felzenszwalb & Huttenlocher: exact squared Euclidean distance, separable in columns then rows.
  std::vector<double> d2(grid.size());
  // Lower envelope of parabolas rooted at the finite samples; entries >= kInf are "no feature".
  auto edt_1d = [](const double* f, double* d, int n, std::vector<int>& v, std::vector<double>& z) {
    v.assign(static_cast<std::size_t>(n), 0);
    z.assign(static_cast<std::size_t>(n) + 1, 0);
    int first = 0;
    while (first < n && f[first] >= kInf) ++first;
    if (first == n) {
      std::fill(d, d + n, kInf);
      return;
    }
    auto meet = [f](int q, int p) {
      return ((f[q] + double(q) * q) - (f[p] + double(p) * p)) / (2.0 * (q - p));
    };
    std::size_t k = 0;
    v[0] = first;
    z[0] = -kInf;
    z[1] = kInf;
    for (int q = first + 1; q < n; ++q) {
      if (f[q] >= kInf) continue;
      double s = meet(q, v[k]);
      while (s <= z[k]) s = meet(q, v[--k]);
      ++k;
      v[k] = q;
      z[k] = s;
      z[k + 1] = kInf;
    }
    k = 0;
    for (int q = 0; q < n; ++q) {
      while (z[k + 1] < q) ++k;
      int p = v[k];
      d[q] = double(q - p) * (q - p) + f[p];
    }
  };
  tbb::parallel_for(
      tbb::blocked_range<int>(0, cols, 64), [&](const tbb::blocked_range<int>& range) {
        std::vector<double> f(static_cast<std::size_t>(rows)), d(static_cast<std::size_t>(rows));
        std::vector<int> v;
        std::vector<double> z;
        for (int c = range.begin(); c != range.end(); ++c) {
          for (int r = 0; r < rows; ++r)
            f[static_cast<std::size_t>(r)] =
                mask[static_cast<std::size_t>(r) * cols + c] ? 0.0 : kInf;
          edt_1d(f.data(), d.data(), rows, v, z);
          for (int r = 0; r < rows; ++r)
            d2[static_cast<std::size_t>(r) * cols + c] = d[static_cast<std::size_t>(r)];
        }
      });
  tbb::parallel_for(
      tbb::blocked_range<int>(0, rows, 16), [&](const tbb::blocked_range<int>& range) {
        std::vector<double> d(static_cast<std::size_t>(cols));
        std::vector<int> v;
        std::vector<double> z;
        for (int r = range.begin(); r != range.end(); ++r) {
          double* f = d2.data() + static_cast<std::size_t>(r) * cols;
          edt_1d(f, d.data(), cols, v, z);
          float* o = out.values.data() + static_cast<std::size_t>(r) * cols;
          for (int c = 0; c < cols; ++c)
            o[c] = static_cast<float>(std::sqrt(d[static_cast<std::size_t>(c)]) * grid.cell);
        }
      });
  return out;
}

}  // namespace casco
