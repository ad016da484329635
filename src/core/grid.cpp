#include "core/grid.hpp"

#include <tbb/blocked_range.h>
#include <tbb/parallel_for.h>
#include <tbb/parallel_reduce.h>

#include <algorithm>

namespace casco {

void parallel_fill(float* data, std::size_t n, float value) {
  tbb::parallel_for(tbb::blocked_range<std::size_t>(0, n, 1 << 18),
                    [&](const tbb::blocked_range<std::size_t>& r) {
                      std::fill(data + r.begin(), data + r.end(), value);
                    });
}

RasterStats compute_stats(const Raster& r) {
  struct Acc {
    double min = std::numeric_limits<double>::infinity();
    double max = -std::numeric_limits<double>::infinity();
    double sum = 0;
    std::size_t n = 0, set = 0;
  };
  const float* v = r.values.data();
  Acc acc = tbb::parallel_reduce(
      tbb::blocked_range<std::size_t>(0, r.values.size(), 1 << 16), Acc{},
      [v](const tbb::blocked_range<std::size_t>& range, Acc a) {
        for (std::size_t i = range.begin(); i != range.end(); ++i) {
          float x = v[i];
          if (std::isnan(x)) continue;
          a.min = std::min<double>(a.min, x);
          a.max = std::max<double>(a.max, x);
          a.sum += x;
          ++a.n;
          if (x != 0.0f) ++a.set;
        }
        return a;
      },
      [](Acc a, const Acc& b) {
        a.min = std::min(a.min, b.min);
        a.max = std::max(a.max, b.max);
        a.sum += b.sum;
        a.n += b.n;
        a.set += b.set;
        return a;
      });
  RasterStats s;
  if (acc.n > 0) {
    s.min = acc.min;
    s.max = acc.max;
    s.mean = acc.sum / static_cast<double>(acc.n);
  }
  s.sum = acc.sum;
  s.cells_data = acc.n;
  s.cells_set = acc.set;
  s.area_ha = static_cast<double>(acc.set) * r.grid.cell_area_ha();
  return s;
}

}  // namespace casco
