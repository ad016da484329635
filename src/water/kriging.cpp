// Ordinary kriging of well values with an exponential variogram fitted by weighted least squares
// (docs/water.md, "Groundwater: from wells to a map").
#include <tbb/blocked_range.h>
#include <tbb/parallel_for.h>

#include <algorithm>
#include <atomic>
#include <cmath>
#include <unordered_map>
#include <vector>

#include "core/error.hpp"
#include "water/groundwater.hpp"

namespace casco::water {
namespace {

// Wells in square buckets of the search radius: the wells within the radius of a point are in
// its bucket and the eight around it.
class Buckets {
 public:
  Buckets(const std::vector<Point>& p, double size) : points_(p), size_(size) {
    for (std::size_t i = 0; i < p.size(); ++i) map_[key(p[i].x, p[i].y)].push_back(i);
  }
  // Indices of the points within `radius` of (x, y), nearest first, at most `max` (skipping
  // `skip`).
  void near(double x, double y, double radius, std::size_t max, std::size_t skip,
            std::vector<std::pair<double, std::size_t>>& out) const {
    out.clear();
    const long bx = static_cast<long>(std::floor(x / size_)),
               by = static_cast<long>(std::floor(y / size_));
    for (long dx = -1; dx <= 1; ++dx)
      for (long dy = -1; dy <= 1; ++dy) {
        auto it = map_.find(pack(bx + dx, by + dy));
        if (it == map_.end()) continue;
        for (std::size_t i : it->second) {
          if (i == skip) continue;
          const double d = std::hypot(points_[i].x - x, points_[i].y - y);
          if (d <= radius) out.push_back({d, i});
        }
      }
    if (out.size() > max) {
      std::partial_sort(out.begin(), out.begin() + static_cast<long>(max), out.end());
      out.resize(max);
    } else {
      std::sort(out.begin(), out.end());
    }
  }

 private:
  static long long pack(long x, long y) {
    return (static_cast<long long>(x) << 32) ^ (y & 0xffffffffLL);
  }
  long long key(double x, double y) const {
    return pack(static_cast<long>(std::floor(x / size_)), static_cast<long>(std::floor(y / size_)));
  }
  const std::vector<Point>& points_;
  double size_;
  std::unordered_map<long long, std::vector<std::size_t>> map_;
};

// Solves A x = b (n x n, row-major) by Gaussian elimination with partial pivoting; false when
// singular.
bool solve(std::vector<double>& a, std::vector<double>& b, int n) {
  for (int col = 0; col < n; ++col) {
    int piv = col;
    for (int r = col + 1; r < n; ++r)
      if (std::abs(a[r * n + col]) > std::abs(a[piv * n + col])) piv = r;
    if (std::abs(a[piv * n + col]) < 1e-12) return false;
    if (piv != col) {
      for (int k = 0; k < n; ++k) std::swap(a[col * n + k], a[piv * n + k]);
      std::swap(b[col], b[piv]);
    }
    for (int r = col + 1; r < n; ++r) {
      const double f = a[r * n + col] / a[col * n + col];
      if (f == 0) continue;
      for (int k = col; k < n; ++k) a[r * n + k] -= f * a[col * n + k];
      b[r] -= f * b[col];
    }
  }
  for (int r = n - 1; r >= 0; --r) {
    double s = b[r];
    for (int k = r + 1; k < n; ++k) s -= a[r * n + k] * b[k];
    b[r] = s / a[r * n + r];
  }
  return true;
}

struct Estimate {
  double value = kNoData, sd = kNoData;
};

Estimate krige_at(const std::vector<Point>& pts,
                  const std::vector<std::pair<double, std::size_t>>& nb, const Variogram& v) {
  const int k = static_cast<int>(nb.size()), n = k + 1;
  std::vector<double> a(static_cast<std::size_t>(n * n), 0.0), b(static_cast<std::size_t>(n), 0.0);
  for (int i = 0; i < k; ++i) {
    const Point& pi = pts[nb[i].second];
    for (int j = 0; j < k; ++j) {
      const Point& pj = pts[nb[j].second];
      a[i * n + j] = i == j ? 0.0 : v.at(std::hypot(pi.x - pj.x, pi.y - pj.y));
    }
    a[i * n + k] = 1;
    a[k * n + i] = 1;
    b[i] = v.at(nb[i].first);
  }
  b[k] = 1;
  std::vector<double> rhs = b;
  if (!solve(a, b, n)) return {};
  Estimate e;
  double value = 0, var = b[k];
  for (int i = 0; i < k; ++i) {
    value += b[i] * pts[nb[i].second].value;
    var += b[i] * rhs[i];
  }
  e.value = value;
  e.sd = std::sqrt(std::max(0.0, var));
  return e;
}

}  // namespace

double Variogram::at(double h) const {
  return h <= 0 ? 0.0 : nugget + sill * (1.0 - std::exp(-h / range));
}

Variogram fit_variogram(const std::vector<Point>& pts, const KrigingOptions& o) {
  const int bins = std::max(1, static_cast<int>(o.max_lag_m / o.lag_m));
  std::vector<double> gsum(bins, 0), hsum(bins, 0);
  std::vector<std::size_t> count(bins, 0);
  double mean = 0;
  for (const Point& p : pts) mean += p.value;
  mean /= static_cast<double>(pts.size());
  double var = 0;
  for (const Point& p : pts) var += (p.value - mean) * (p.value - mean);
  var /= std::max<std::size_t>(1, pts.size() - 1);
  Variogram v;
  for (std::size_t i = 0; i < pts.size(); ++i)
    for (std::size_t j = i + 1; j < pts.size(); ++j) {
      const double h = std::hypot(pts[i].x - pts[j].x, pts[i].y - pts[j].y);
      const int b = static_cast<int>(h / o.lag_m);
      if (b >= bins) continue;
      const double d = pts[i].value - pts[j].value;
      gsum[b] += 0.5 * d * d;
      hsum[b] += h;
      ++count[b];
      ++v.pairs;
    }
  std::vector<double> hs, gs, ws;
  for (int b = 0; b < bins; ++b)
    if (count[b] >= 10) {
      hs.push_back(hsum[b] / count[b]);
      gs.push_back(gsum[b] / count[b]);
      ws.push_back(static_cast<double>(count[b]));
    }
  v.nugget = 0;
  v.sill = var;
  v.range = o.max_lag_m / 3;
  if (hs.size() < 3) return v;  // too few pairs: a plain exponential over the variance
  // For each candidate range, the best nugget and sill by weighted least squares (Cressie's
  // weights: pairs / model^2, iterated once), both kept >= 0.
  double best = INFINITY;
  for (int step = 0; step <= 60; ++step) {
    const double a = o.lag_m * std::pow(o.max_lag_m * 2 / o.lag_m, step / 60.0);
    double c0 = 0, c1 = var;
    for (int iter = 0; iter < 2; ++iter) {
      double s00 = 0, s01 = 0, s11 = 0, t0 = 0, t1 = 0;
      for (std::size_t k = 0; k < hs.size(); ++k) {
        const double f = 1 - std::exp(-hs[k] / a);
        const double model = std::max(1e-9, iter == 0 ? gs[k] : c0 + c1 * f);
        const double w = ws[k] / (model * model);
        s00 += w;
        s01 += w * f;
        s11 += w * f * f;
        t0 += w * gs[k];
        t1 += w * f * gs[k];
      }
      const double det = s00 * s11 - s01 * s01;
      if (std::abs(det) < 1e-300) break;
      c0 = (t0 * s11 - t1 * s01) / det;
      c1 = (s00 * t1 - s01 * t0) / det;
      if (c0 < 0) c0 = 0, c1 = std::max(0.0, t1 / s11);
      if (c1 < 0) c1 = 0, c0 = std::max(0.0, t0 / s00);
    }
    double sse = 0;
    for (std::size_t k = 0; k < hs.size(); ++k) {
      const double model = std::max(1e-9, c0 + c1 * (1 - std::exp(-hs[k] / a)));
      const double r = gs[k] - model;
      sse += ws[k] / (model * model) * r * r;
    }
    if (sse < best) {
      best = sse;
      v.nugget = c0;
      v.sill = c1;
      v.range = a;
    }
  }
  if (v.nugget + v.sill <= 0) v.sill = std::max(var, 1e-6);
  return v;
}

Kriged krige(const std::vector<Point>& input, const Grid& grid, const KrigingOptions& o) {
  // Wells at the same place (several filters of one well) become one point: their mean.
  std::vector<Point> pts;
  {
    std::vector<Point> sorted = input;
    std::sort(sorted.begin(), sorted.end(), [](const Point& a, const Point& b) {
      return a.x < b.x || (a.x == b.x && a.y < b.y);
    });
    for (std::size_t i = 0; i < sorted.size();) {
      std::size_t j = i;
      double sum = 0;
      while (j < sorted.size() && sorted[j].x == sorted[i].x && sorted[j].y == sorted[i].y)
        sum += sorted[j++].value;
      pts.push_back({sorted[i].x, sorted[i].y, sum / static_cast<double>(j - i)});
      i = j;
    }
  }
  if (static_cast<int>(pts.size()) < o.min_wells)
    fail("{} wells with a value: kriging needs at least min_wells = {}", pts.size(), o.min_wells);
  Kriged k;
  k.variogram = fit_variogram(pts, o);
  const Buckets buckets(pts, o.radius_m);
  k.value = Raster(grid, kNoData);
  k.sd = Raster(grid, kNoData);
  std::atomic<std::size_t> cells{0};
  tbb::parallel_for(tbb::blocked_range<int>(0, grid.rows, 8),
                    [&](const tbb::blocked_range<int>& rb) {
                      std::vector<std::pair<double, std::size_t>> nb;
                      std::size_t local = 0;
                      for (int r = rb.begin(); r != rb.end(); ++r)
                        for (int c = 0; c < grid.cols; ++c) {
                          buckets.near(grid.cx(c), grid.cy(r), o.radius_m,
                                       static_cast<std::size_t>(o.max_wells), SIZE_MAX, nb);
                          if (static_cast<int>(nb.size()) < o.min_wells) continue;
                          const Estimate e = krige_at(pts, nb, k.variogram);
                          if (std::isnan(e.value)) continue;
                          k.value.at(r, c) = static_cast<float>(e.value);
                          k.sd.at(r, c) = static_cast<float>(e.sd);
                          ++local;
                        }
                      cells += local;
                    });
  k.cells = cells.load();
  // Leave-one-out cross-validation at the wells.
  std::vector<std::pair<double, std::size_t>> nb;
  double se = 0, e = 0, sd = 0;
  for (std::size_t i = 0; i < pts.size(); ++i) {
    buckets.near(pts[i].x, pts[i].y, o.radius_m, static_cast<std::size_t>(o.max_wells), i, nb);
    if (static_cast<int>(nb.size()) < o.min_wells) continue;
    const Estimate est = krige_at(pts, nb, k.variogram);
    if (std::isnan(est.value)) continue;
    const double err = est.value - pts[i].value;
    e += err;
    se += err * err;
    sd += est.sd;
    ++k.cv.points;
  }
  if (k.cv.points > 0) {
    const double n = static_cast<double>(k.cv.points);
    k.cv.mean_error = e / n;
    k.cv.rmse = std::sqrt(se / n);
    k.cv.mean_sd = sd / n;
  }
  return k;
}

}  // namespace casco::water
