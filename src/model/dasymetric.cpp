#include "model/dasymetric.hpp"

#include <ogr_api.h>
#include <ogr_geometry.h>
#include <tbb/blocked_range.h>
#include <tbb/combinable.h>
#include <tbb/parallel_for.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <memory>
#include <numbers>
#include <stdexcept>

namespace casco {
namespace {

// A weight as dasymetric mapping reads it: no data and negative values weigh nothing.
inline double usable(float w) {
  return w > 0 ? static_cast<double>(w) : 0.0;
}

}  // namespace

Raster dasymetric(const Grid& grid, const Labels& labels, const std::vector<double>& counts,
                  const std::vector<const Raster*>& weights, DasymetricReport* report) {
  const std::size_t nz = counts.size(), nw = weights.size(), n = grid.size();
  for (const Raster* w : weights)
    if (!w || !w->grid.same_raster(grid) || w->values.size() != n)
      throw std::invalid_argument("dasymetric: a weight raster is not on the grid");
  // Per zone: its cell count and the sum of every weight over its cells (parallel, per thread).
  const std::size_t stride = nw + 1;
  tbb::combinable<std::vector<double>> partial(
      [&] { return std::vector<double>(nz * stride, 0.0); });
  tbb::parallel_for(tbb::blocked_range<std::size_t>(0, n, 1 << 16),
                    [&](const tbb::blocked_range<std::size_t>& range) {
                      auto& acc = partial.local();
                      for (std::size_t i = range.begin(); i != range.end(); ++i) {
                        int32_t z = labels[i];
                        if (z < 0 || static_cast<std::size_t>(z) >= nz) continue;
                        double* a = acc.data() + static_cast<std::size_t>(z) * stride;
                        a[0] += 1;
                        for (std::size_t k = 0; k < nw; ++k)
                          a[k + 1] += usable(weights[k]->values[i]);
                      }
                    });
  std::vector<double> sums(nz * stride, 0.0);
  partial.combine_each([&](const std::vector<double>& a) {
    for (std::size_t j = 0; j < sums.size(); ++j) sums[j] += a[j];
  });

  // The weight each zone uses (nw = even spread) and its factor: count / sum.
  DasymetricReport rep;
  rep.zones = nz;
  rep.by_weight.assign(nw, 0);
  std::vector<std::size_t> use(nz, nw);
  std::vector<double> factor(nz, 0.0);
  for (std::size_t z = 0; z < nz; ++z) {
    const double* s = sums.data() + z * stride;
    rep.total += counts[z];
    if (s[0] == 0) {
      if (counts[z] != 0) {
        ++rep.outside;
        rep.outside_zones.push_back(z);
      }
      continue;
    }
    for (std::size_t k = 0; k < nw && use[z] == nw; ++k)
      if (s[k + 1] > 0) use[z] = k;
    if (use[z] == nw) {
      factor[z] = counts[z] / s[0];
      ++rep.even;
      if (counts[z] != 0) rep.even_zones.push_back(z);
    } else {
      factor[z] = counts[z] / s[use[z] + 1];
      ++rep.by_weight[use[z]];
    }
    rep.placed += counts[z];
  }

  Raster out(grid, Raster::Uninitialized{});
  tbb::parallel_for(tbb::blocked_range<std::size_t>(0, n, 1 << 16),
                    [&](const tbb::blocked_range<std::size_t>& range) {
                      for (std::size_t i = range.begin(); i != range.end(); ++i) {
                        int32_t z = labels[i];
                        if (z < 0 || static_cast<std::size_t>(z) >= nz) {
                          out.values[i] = 0.0f;
                          continue;
                        }
                        auto zi = static_cast<std::size_t>(z);
                        double w = use[zi] == nw ? 1.0 : usable(weights[use[zi]]->values[i]);
                        out.values[i] = static_cast<float>(w * factor[zi]);
                      }
                    });
  if (report) *report = std::move(rep);
  return out;
}

std::vector<double> fill_point_values(const std::vector<double>& values,
                                      const std::vector<int>& zone_of,
                                      const std::vector<double>& zone_counts,
                                      const std::vector<double>& explained, double minimum) {
  std::vector<double> unknown(zone_counts.size(), 0.0);
  for (std::size_t i = 0; i < values.size(); ++i) {
    int z = zone_of[i];
    if (z < 0 || static_cast<std::size_t>(z) >= zone_counts.size()) continue;
    if (std::isnan(values[i])) unknown[static_cast<std::size_t>(z)] += 1;
  }
  std::vector<double> out = values;
  for (std::size_t i = 0; i < values.size(); ++i) {
    if (!std::isnan(values[i])) continue;
    int z = zone_of[i];
    double share = minimum;
    if (z >= 0 && static_cast<std::size_t>(z) < zone_counts.size()) {
      auto zi = static_cast<std::size_t>(z);
      double known = zi < explained.size() ? explained[zi] : 0.0;
      share = std::max(minimum, (zone_counts[zi] - known) / unknown[zi]);
    }
    out[i] = share;
  }
  return out;
}

std::vector<int> zone_of_points(const std::vector<const OGRGeometry*>& polygons,
                                const std::vector<double>& x, const std::vector<double>& y) {
  std::vector<OGREnvelope> env(polygons.size());
  for (std::size_t k = 0; k < polygons.size(); ++k) polygons[k]->getEnvelope(&env[k]);
  std::vector<int> out(x.size(), -1);
  for (std::size_t i = 0; i < x.size(); ++i) {
    OGRPoint p(x[i], y[i]);
    for (std::size_t k = 0; k < polygons.size() && out[i] < 0; ++k)
      if (x[i] >= env[k].MinX && x[i] <= env[k].MaxX && y[i] >= env[k].MinY &&
          y[i] <= env[k].MaxY && polygons[k]->Contains(&p))
        out[i] = static_cast<int>(k);
  }
  return out;
}

std::vector<double> explained_by_discs(const std::vector<const OGRGeometry*>& polygons,
                                       const std::vector<double>& x, const std::vector<double>& y,
                                       const std::vector<double>& values, double density_per_ha,
                                       double min_radius) {
  std::vector<OGREnvelope> env(polygons.size());
  for (std::size_t k = 0; k < polygons.size(); ++k) polygons[k]->getEnvelope(&env[k]);
  std::vector<double> out(polygons.size(), 0.0);
  for (std::size_t i = 0; i < x.size(); ++i) {
    if (std::isnan(values[i]) || !(values[i] > 0)) continue;
    const double r = area_radius_m(values[i], density_per_ha, min_radius);
    OGRPoint p(x[i], y[i]);
    std::unique_ptr<OGRGeometry> disc(p.Buffer(r, 16));
    if (!disc) continue;
    const double area = OGR_G_Area(OGRGeometry::ToHandle(disc.get()));
    if (!(area > 0)) continue;
    for (std::size_t k = 0; k < polygons.size(); ++k) {
      if (x[i] + r < env[k].MinX || x[i] - r > env[k].MaxX || y[i] + r < env[k].MinY ||
          y[i] - r > env[k].MaxY)
        continue;
      std::unique_ptr<OGRGeometry> part(disc->Intersection(polygons[k]));
      if (!part || part->IsEmpty()) continue;
      out[k] += values[i] * OGR_G_Area(OGRGeometry::ToHandle(part.get())) / area;
    }
  }
  return out;
}

double area_radius_m(double count, double density_per_ha, double min_radius) {
  double r = 0;
  if (count > 0 && density_per_ha > 0)
    r = std::sqrt(count / density_per_ha * 10000.0 / std::numbers::pi);
  return std::max(r, min_radius);
}

Raster point_areas(const Grid& grid, const std::vector<double>& x, const std::vector<double>& y,
                   const std::vector<double>& radius) {
  Raster out(grid, 0.0f);
  // Discs are few (hundreds) and small; each marks the cell centres in its bounding box.
  for (std::size_t i = 0; i < x.size(); ++i) {
    const double r = radius[i];
    const double pc = grid.px(x[i]), pr = grid.py(y[i]);
    const double rc = r / grid.cell;
    int c0 = static_cast<int>(std::floor(pc - rc)), c1 = static_cast<int>(std::ceil(pc + rc));
    int r0 = static_cast<int>(std::floor(pr - rc)), r1 = static_cast<int>(std::ceil(pr + rc));
    c0 = std::max(c0, 0), r0 = std::max(r0, 0);
    c1 = std::min(c1, grid.cols - 1), r1 = std::min(r1, grid.rows - 1);
    for (int row = r0; row <= r1; ++row)
      for (int col = c0; col <= c1; ++col) {
        double dx = grid.cx(col) - x[i], dy = grid.cy(row) - y[i];
        if (dx * dx + dy * dy <= r * r) out.at(row, col) = 1.0f;
      }
    int hc = static_cast<int>(std::floor(pc)), hr = static_cast<int>(std::floor(pr));
    if (hc >= 0 && hr >= 0 && hc < grid.cols && hr < grid.rows) out.at(hr, hc) = 1.0f;
  }
  return out;
}

PaddedGrid pad_grid(const Grid& g, double xmin, double ymin, double xmax, double ymax, double pad) {
  // Cells to add on each side: as far as the features lie beyond the edge, at most `pad`.
  auto cells = [&](double beyond) {
    double m = std::clamp(beyond, 0.0, pad);
    return static_cast<int>(std::ceil(m / g.cell));
  };
  int west = cells(g.x0 - xmin), east = cells(xmax - g.x1());
  int north = cells(ymax - g.y0), south = cells(g.y1() - ymin);
  PaddedGrid p;
  p.grid = g;
  p.grid.x0 = g.x0 - west * g.cell;
  p.grid.y0 = g.y0 + north * g.cell;
  p.grid.cols = g.cols + west + east;
  p.grid.rows = g.rows + north + south;
  p.col0 = west;
  p.row0 = north;
  return p;
}

Raster crop(const Raster& padded, const PaddedGrid& p, const Grid& original) {
  Raster out(original, Raster::Uninitialized{});
  tbb::parallel_for(0, original.rows, [&](int r) {
    const float* src =
        padded.values.data() + static_cast<std::size_t>(r + p.row0) * p.grid.cols + p.col0;
    std::copy(src, src + original.cols,
              out.values.data() + static_cast<std::size_t>(r) * original.cols);
  });
  return out;
}

double max_value(const Raster& r) {
  double m = -std::numeric_limits<double>::infinity();
  for (float v : r.values)
    if (v > m) m = v;  // NaN compares false
  return m;
}

}  // namespace casco
