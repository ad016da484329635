#pragma once
// A synthetic elevation model shaped like Drenthe at 5 m: a low plateau falling towards its edges
// (the "omgekeerd soepbord"), fractal relief (value noise over six octaves, 8 km to 20 m), round
// closed depressions like pingo ruins, and heights rounded to the centimetre as AHN delivers them
// (so flats and ties are common). Deterministic for a seed; built in parallel.
#include <tbb/blocked_range.h>
#include <tbb/parallel_for.h>

#include <cmath>
#include <cstdint>
#include <random>
#include <vector>

#include "core/grid.hpp"

namespace casco::bench {

inline double lattice(std::uint64_t seed, std::int64_t x, std::int64_t y) {
  std::uint64_t h = seed ^ (static_cast<std::uint64_t>(x) * 0x9E3779B97F4A7C15ull) ^
                    (static_cast<std::uint64_t>(y) * 0xC2B2AE3D27D4EB4Full);
  h ^= h >> 33;
  h *= 0xff51afd7ed558ccdull;
  h ^= h >> 33;
  h *= 0xc4ceb9fe1a85ec53ull;
  h ^= h >> 33;
  return static_cast<double>(h >> 11) / static_cast<double>(1ull << 53);  // [0, 1)
}

inline double value_noise(std::uint64_t seed, double x, double y) {
  const double fx = std::floor(x), fy = std::floor(y);
  const auto ix = static_cast<std::int64_t>(fx), iy = static_cast<std::int64_t>(fy);
  double tx = x - fx, ty = y - fy;
  tx = tx * tx * (3 - 2 * tx);
  ty = ty * ty * (3 - 2 * ty);
  const double a = lattice(seed, ix, iy), b = lattice(seed, ix + 1, iy);
  const double c = lattice(seed, ix, iy + 1), d = lattice(seed, ix + 1, iy + 1);
  return (a + (b - a) * tx) + ((c + (d - c) * tx) - (a + (b - a) * tx)) * ty;
}

inline Raster synthetic_terrain(int rows, int cols, double cell, std::uint64_t seed) {
  Grid g;
  g.x0 = 200000;
  g.y0 = 580000;
  g.cell = cell;
  g.rows = rows;
  g.cols = cols;
  Raster dem(g, Raster::Uninitialized{});
  const double wavelengths_m[6] = {8000, 2500, 800, 250, 80, 20};
  const double amplitude_m[6] = {6.0, 3.0, 1.5, 0.7, 0.3, 0.12};
  tbb::parallel_for(tbb::blocked_range<int>(0, rows, 8), [&](const tbb::blocked_range<int>& b) {
    for (int r = b.begin(); r != b.end(); ++r) {
      const double y = r * cell, ny = 2.0 * r / rows - 1;
      for (int c = 0; c < cols; ++c) {
        const double x = c * cell, nx = 2.0 * c / cols - 1;
        double z = 25.0 * (1.0 - 0.5 * (nx * nx + ny * ny));  // the plateau
        for (int o = 0; o < 6; ++o)
          z += amplitude_m[o] *
               (value_noise(seed + o, x / wavelengths_m[o], y / wavelengths_m[o]) - 0.5);
        dem.values[static_cast<std::size_t>(r) * cols + c] = static_cast<float>(z);
      }
    }
  });
  // Pingo ruins: round closed hollows, one per ~2 km2, 40-200 m across, 0.5-3 m deep.
  std::mt19937_64 rng(seed);
  const double area_km2 = rows * cell * cols * cell / 1e6;
  const int hollows = static_cast<int>(area_km2 / 2);
  std::uniform_real_distribution<double> U(0, 1);
  for (int h = 0; h < hollows; ++h) {
    const double cx = U(rng) * cols, cy = U(rng) * rows;
    const double radius = (20 + 80 * U(rng)) / cell, depth = 0.5 + 2.5 * U(rng);
    const int r0 = std::max(0, static_cast<int>(cy - radius)),
              r1 = std::min(rows - 1, static_cast<int>(cy + radius));
    const int c0 = std::max(0, static_cast<int>(cx - radius)),
              c1 = std::min(cols - 1, static_cast<int>(cx + radius));
    for (int r = r0; r <= r1; ++r)
      for (int c = c0; c <= c1; ++c) {
        const double d2 = ((r - cy) * (r - cy) + (c - cx) * (c - cx)) / (radius * radius);
        if (d2 < 1)
          dem.values[static_cast<std::size_t>(r) * cols + c] -=
              static_cast<float>(depth * (1 - d2));
      }
  }
  tbb::parallel_for(tbb::blocked_range<std::size_t>(0, dem.values.size(), 1 << 18),
                    [&](const tbb::blocked_range<std::size_t>& b) {
                      for (std::size_t i = b.begin(); i != b.end(); ++i)
                        dem.values[i] = std::round(dem.values[i] * 100.0f) / 100.0f;
                    });
  return dem;
}

}  // namespace casco::bench
