#pragma once
// Small drawing pieces shared by the map renderers (quicklook.cpp, window_map.cpp): colours as
// cairo wants them, owning cairo pointers, fonts and the scale-bar length. Internal to render/.
#include <cairo.h>

#include <array>
#include <cmath>
#include <functional>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "render/places.hpp"

namespace casco::draw {

struct Rgb {
  double r = 0, g = 0, b = 0;
};

// 0xRRGGBB as cairo's 0..1 channels.
constexpr Rgb hex(unsigned v) {
  return {((v >> 16) & 255) / 255.0, ((v >> 8) & 255) / 255.0, (v & 255) / 255.0};
}

inline Rgb mix(Rgb a, Rgb b, double t) {
  return {a.r + (b.r - a.r) * t, a.g + (b.g - a.g) * t, a.b + (b.b - a.b) * t};
}

struct SurfaceDel {
  void operator()(cairo_surface_t* s) const { cairo_surface_destroy(s); }
};
struct CairoDel {
  void operator()(cairo_t* c) const { cairo_destroy(c); }
};
using SurfacePtr = std::unique_ptr<cairo_surface_t, SurfaceDel>;
using CairoPtr = std::unique_ptr<cairo_t, CairoDel>;

inline void set_colour(cairo_t* cr, Rgb c, double alpha = 1.0) {
  cairo_set_source_rgba(cr, c.r, c.g, c.b, alpha);
}

inline void set_font(cairo_t* cr, double size, bool bold = false) {
  cairo_select_font_face(cr, "DejaVu Sans", CAIRO_FONT_SLANT_NORMAL,
                         bold ? CAIRO_FONT_WEIGHT_BOLD : CAIRO_FONT_WEIGHT_NORMAL);
  cairo_set_font_size(cr, size);
}

// The largest 1, 2 or 5 times a power of ten that is at most `limit` (scale bars).
inline double round_down_125(double limit) {
  if (!(limit > 0)) return 0;
  double p = std::pow(10.0, std::floor(std::log10(limit)));
  for (double m : {5.0, 2.0, 1.0})
    if (m * p <= limit) return m * p;
  return p;
}

using Box = std::array<double, 4>;  // x0, y0, x1, y1 in pixels

inline bool overlaps(const Box& a, const Box& b) {
  return a[0] < b[2] && b[0] < a[2] && a[1] < b[3] && b[1] < a[3];
}

// Text with a white halo, so it reads on any colour (places.cpp).
void halo_text(cairo_t* cr, double x, double y, const std::string& text, Rgb ink);

// Place names, most important first, each a small dot with its name beside it, within `area`
// (page pixels); a name that would overlap one already placed or one of `taken`, or run out of
// the area, is left out (places.cpp).
void draw_labels(cairo_t* cr, const std::vector<MapLabel>& labels,
                 const std::function<std::pair<double, double>(const MapLabel&)>& at, Box area,
                 double font, std::vector<Box> taken);

}  // namespace casco::draw
