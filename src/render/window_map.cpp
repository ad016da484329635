#include "render/window_map.hpp"

#include <cairo.h>
#include <ogr_api.h>
#include <ogrsf_frmts.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdint>
#include <functional>
#include <memory>

#include "core/error.hpp"
#include "render/draw.hpp"

namespace casco {
namespace {

using namespace draw;

std::uint32_t pixel(Rgb c) {
  auto byte = [](double v) {
    return static_cast<std::uint32_t>(std::lround(std::clamp(v, 0.0, 1.0) * 255));
  };
  return 0xff000000u | byte(c.r) << 16 | byte(c.g) << 8 | byte(c.b);
}

const Rgb kWhite{1, 1, 1}, kProvince = hex(0xeeeeee), kBorder = hex(0x4a4a4a),
                           kHighlight = hex(0x111111);
constexpr double kWash = 0.7;  // how far cells outside the highlighted zone fade to white

// The colour of a value (legend/legend.hpp); nullopt leaves the cell uncoloured.
std::optional<Rgb> colour_of(const legend::Legend& lg, float v) {
  const std::uint32_t argb = lg.argb(v);
  if (!(argb >> 24)) return std::nullopt;
  return hex(argb & 0xffffffu);
}

cairo_status_t append_bytes(void* closure, const unsigned char* data, unsigned int length) {
  static_cast<std::string*>(closure)->append(reinterpret_cast<const char*>(data), length);
  return CAIRO_STATUS_SUCCESS;
}

void add_rings(const OGRGeometry* g, std::vector<std::vector<std::pair<double, double>>>& out) {
  if (!g || g->IsEmpty()) return;
  OGRwkbGeometryType t = wkbFlatten(g->getGeometryType());
  if (t == wkbPolygon) {
    for (const OGRLinearRing* ring : *g->toPolygon()) {
      std::vector<std::pair<double, double>> r;
      for (const OGRPoint& p : *ring) r.emplace_back(p.getX(), p.getY());
      out.push_back(std::move(r));
    }
  } else if (OGR_GT_IsSubClassOf(t, wkbGeometryCollection)) {
    for (const OGRGeometry* part : *g->toGeometryCollection()) add_rings(part, out);
  } else if (OGR_GT_IsSurface(t)) {
    std::unique_ptr<OGRGeometry> linear(g->getLinearGeometry());
    if (linear && wkbFlatten(linear->getGeometryType()) != t) add_rings(linear.get(), out);
  }
}

// The cells: one lookup per pixel (nearest cell), the province grey under uncoloured cells, and
// everything outside the highlighted zone washed out.
void draw_cells(cairo_surface_t* surface, const Raster& zones, const Raster& raster,
                const legend::Legend& style, const MapWindow& w, double scale, int highlight) {
  cairo_surface_flush(surface);
  unsigned char* data = cairo_image_surface_get_data(surface);
  const int stride = cairo_image_surface_get_stride(surface);
  const int W = cairo_image_surface_get_width(surface), H = cairo_image_surface_get_height(surface);
  for (int y = 0; y < H; ++y) {
    auto* line = reinterpret_cast<std::uint32_t*>(data + static_cast<std::ptrdiff_t>(y) * stride);
    const int row = std::min(w.row0 + static_cast<int>((y + 0.5) / scale), w.row0 + w.rows - 1);
    for (int x = 0; x < W; ++x) {
      const int col = std::min(w.col0 + static_cast<int>((x + 0.5) / scale), w.col0 + w.cols - 1);
      const float z = zones.at(row, col);
      const int zone = std::isnan(z) ? 0 : static_cast<int>(z + 0.5f);  // zone values are whole
      Rgb c = kWhite;
      if (zone > 0) {
        c = kProvince;
        if (!style.points)
          if (auto v = colour_of(style, raster.at(row, col))) c = *v;
        if (highlight > 0 && zone != highlight) c = mix(c, kWhite, kWash);
      }
      line[x] = pixel(c);
    }
  }
  cairo_surface_mark_dirty(surface);
}

}  // namespace

WindowMapper::WindowMapper(const Store& store, const std::string& zones_layer, int max_size)
    : store_(&store), max_size_(max_size) {
  if (max_size < 16) fail("map size {} px is too small (use at least 16)", max_size);
  const LayerRecord& L = store.layer(zones_layer);
  if (L.derivation != "zones" || L.vector_table.empty())
    fail("layer '{}' of '{}' is not a zones layer with outlines; use one such as gemeenten", L.id,
         store.path().string());
  zones_ = store.read(zones_layer);
  GDALDatasetUniquePtr ds = store.open_vectors();
  OGRLayer* layer = ds ? ds->GetLayerByName(L.vector_table.c_str()) : nullptr;
  if (!layer) fail("store '{}' lacks the outlines of '{}'", store.path().string(), L.id);
  const Grid& g = zones_.grid;
  for (auto& f : *layer) {
    const OGRGeometry* geom = f->GetGeometryRef();
    if (!geom) continue;
    Outline o;
    add_rings(geom, o.rings);
    // The zone of a feature: the raster value at a point inside it.
    OGRGeometryH inside =
        OGR_G_PointOnSurface(OGRGeometry::ToHandle(const_cast<OGRGeometry*>(geom)));
    if (inside && !OGR_G_IsEmpty(inside)) {
      const int col = g.col_of(OGR_G_GetX(inside, 0)), row = g.row_of(OGR_G_GetY(inside, 0));
      if (col >= 0 && row >= 0 && col < g.cols && row < g.rows) {
        float z = zones_.at(row, col);
        if (!std::isnan(z)) o.zone = static_cast<int>(std::lround(z));
      }
    }
    if (inside) OGR_G_DestroyGeometry(inside);
    outlines_.push_back(std::move(o));
  }
}

MapWindow WindowMapper::whole() const {
  const Grid& g = zones_.grid;
  int c0 = g.cols, r0 = g.rows, c1 = -1, r1 = -1;
  for (int row = 0; row < g.rows; ++row)
    for (int col = 0; col < g.cols; ++col)
      if (float z = zones_.at(row, col); !std::isnan(z) && z > 0) {
        c0 = std::min(c0, col), c1 = std::max(c1, col);
        r0 = std::min(r0, row), r1 = std::max(r1, row);
      }
  if (c1 < 0) return {0, 0, g.cols, g.rows};
  return {c0, r0, c1 - c0 + 1, r1 - r0 + 1};
}

MapWindow WindowMapper::window_of(int zone, double margin) const {
  const Grid& g = zones_.grid;
  int c0 = g.cols, r0 = g.rows, c1 = -1, r1 = -1;
  const float want = static_cast<float>(zone);
  for (int row = 0; row < g.rows; ++row)
    for (int col = 0; col < g.cols; ++col)
      if (zones_.at(row, col) == want) {
        c0 = std::min(c0, col), c1 = std::max(c1, col);
        r0 = std::min(r0, row), r1 = std::max(r1, row);
      }
  if (c1 < 0) fail("zone {} has no cells in the grid of '{}'", zone, store_->path().string());
  int pad = static_cast<int>(std::ceil(margin * std::max(c1 - c0 + 1, r1 - r0 + 1)));
  c0 = std::max(0, c0 - pad), r0 = std::max(0, r0 - pad);
  c1 = std::min(g.cols - 1, c1 + pad), r1 = std::min(g.rows - 1, r1 + pad);
  return {c0, r0, c1 - c0 + 1, r1 - r0 + 1};
}

// One map being drawn: the surface, its window and scale, and the highlighted zone.
struct WindowMapper::Canvas {
  Canvas(const Grid& grid, const MapWindow& window) : g(grid), w(window) {}
  const Grid& g;
  MapWindow w;
  double scale = 1;
  int W = 1, H = 1, highlight = 0;
  SurfacePtr surface;
  CairoPtr owner;
  cairo_t* cr = nullptr;
  double x(double wx) const { return (g.px(wx) - w.col0) * scale; }
  double y(double wy) const { return (g.py(wy) - w.row0) * scale; }
};

namespace {

// The title box (top left) and the scale bar (bottom left): labels keep clear of them.
Box draw_title(cairo_t* cr, const std::string& title, double font) {
  if (title.empty()) return {0, 0, 0, 0};
  set_font(cr, font * 1.35, true);
  cairo_text_extents_t te;
  cairo_text_extents(cr, title.c_str(), &te);
  const double pad = font * 0.5, h = font * 1.35 + 2 * pad;
  cairo_rectangle(cr, 8, 8, te.x_advance + 2 * pad, h);
  set_colour(cr, kWhite, 0.88);
  cairo_fill(cr);
  set_colour(cr, kHighlight);
  cairo_move_to(cr, 8 + pad, 8 + pad + font * 1.1);
  cairo_show_text(cr, title.c_str());
  cairo_new_path(cr);
  return {8, 8, 8 + te.x_advance + 2 * pad, 8 + h};
}

Box draw_scale_bar(cairo_t* cr, const Grid& g, double scale, int W, int H, double font) {
  const double px_per_m = scale / g.cell;
  const double metres = round_down_125(W / 5.0 / px_per_m);
  const double len = metres * px_per_m;
  const std::string label =
      metres >= 1000 ? fmt::format("{:g} km", metres / 1000) : fmt::format("{:g} m", metres);
  set_font(cr, font);
  cairo_text_extents_t te;
  cairo_text_extents(cr, label.c_str(), &te);
  const double bx = 10, by = H - 12, bh = font + 18;
  const Box box{bx - 6, by - bh + 8, bx + 6 + std::max(len, te.x_advance), by + 8};
  cairo_rectangle(cr, box[0], box[1], box[2] - box[0], box[3] - box[1]);
  set_colour(cr, kWhite, 0.85);
  cairo_fill(cr);
  cairo_rectangle(cr, bx + 0.5, by - 4.5, len, 5);
  set_colour(cr, hex(0x202020));
  cairo_fill(cr);
  cairo_move_to(cr, bx, by - 9);
  cairo_show_text(cr, label.c_str());
  cairo_new_path(cr);
  // North is up; a small N keeps that unambiguous.
  cairo_move_to(cr, W - 2.2 * font, 1.8 * font);
  cairo_show_text(cr, "N↑");
  cairo_new_path(cr);
  return box;
}

}  // namespace

void WindowMapper::draw_points(Canvas& c, const Raster& raster, const legend::Legend& style) const {
  const double radius = std::max(3.5, 0.5 * c.scale);
  cairo_t* cr = c.cr;
  for (int row = c.w.row0; row < c.w.row0 + c.w.rows; ++row)
    for (int col = c.w.col0; col < c.w.col0 + c.w.cols; ++col) {
      float v = raster.at(row, col);
      float z = zones_.at(row, col);
      const int zone = std::isnan(z) ? 0 : static_cast<int>(z + 0.5f);
      if (zone == 0 || std::isnan(v) || v == 0) continue;
      auto colour = colour_of(style, v);
      if (!colour) continue;
      const bool faded = c.highlight > 0 && zone != c.highlight;
      cairo_arc(cr, (col - c.w.col0 + 0.5) * c.scale, (row - c.w.row0 + 0.5) * c.scale, radius, 0,
                2 * M_PI);
      set_colour(cr, faded ? mix(*colour, kWhite, kWash) : *colour);
      cairo_fill_preserve(cr);
      set_colour(cr, faded ? mix(hex(0x333333), kWhite, kWash) : hex(0x333333));
      cairo_set_line_width(cr, 0.6);
      cairo_stroke(cr);
    }
}

void WindowMapper::draw_borders(Canvas& c) const {
  cairo_t* cr = c.cr;
  auto trace = [&](const Outline& o) {
    for (const auto& ring : o.rings) {
      double lx = 1e300, ly = 1e300;
      for (std::size_t i = 0; i < ring.size(); ++i) {
        const double x = c.x(ring[i].first), y = c.y(ring[i].second);
        if (i == 0)
          cairo_move_to(cr, x, y);
        else if (std::fabs(x - lx) >= 0.4 || std::fabs(y - ly) >= 0.4 || i + 1 == ring.size())
          cairo_line_to(cr, x, y);
        else
          continue;
        lx = x, ly = y;
      }
      cairo_close_path(cr);
    }
  };
  cairo_set_line_join(cr, CAIRO_LINE_JOIN_ROUND);
  for (const Outline& o : outlines_) trace(o);
  set_colour(cr, kBorder, 0.85);
  cairo_set_line_width(cr, 0.9);
  cairo_stroke(cr);
  if (c.highlight > 0) {
    for (const Outline& o : outlines_)
      if (o.zone == c.highlight) trace(o);
    set_colour(cr, kHighlight);
    cairo_set_line_width(cr, 2.4);
    cairo_stroke(cr);
  }
}

std::string WindowMapper::png(const Raster& raster, const legend::Legend& style, const MapWindow& w,
                              int highlight, const MapDecor& decor) const {
  const Grid& g = zones_.grid;
  if (!raster.grid.same_raster(g) || raster.values.size() != g.size())
    fail("cannot draw a map of a raster that is not on the grid of '{}'", store_->path().string());
  if (w.cols <= 0 || w.rows <= 0 || w.col0 < 0 || w.row0 < 0 || w.col0 + w.cols > g.cols ||
      w.row0 + w.rows > g.rows)
    fail("map window {} x {} at ({}, {}) does not lie inside the grid", w.cols, w.rows, w.col0,
         w.row0);
  Canvas c(g, w);
  c.scale = static_cast<double>(max_size_) / std::max(w.cols, w.rows);
  c.W = std::max(1, static_cast<int>(std::lround(w.cols * c.scale)));
  c.H = std::max(1, static_cast<int>(std::lround(w.rows * c.scale)));
  c.highlight = highlight;
  c.surface.reset(cairo_image_surface_create(CAIRO_FORMAT_RGB24, c.W, c.H));
  if (cairo_surface_status(c.surface.get()) != CAIRO_STATUS_SUCCESS)
    fail("cannot draw a {} x {} px map: cairo: {}", c.W, c.H,
         cairo_status_to_string(cairo_surface_status(c.surface.get())));
  draw_cells(c.surface.get(), zones_, raster, style, w, c.scale, highlight);
  c.owner.reset(cairo_create(c.surface.get()));
  c.cr = c.owner.get();
  if (style.points) draw_points(c, raster, style);
  draw_borders(c);
  // Text scales with the map, so it stays readable when the page shrinks the image.
  const double font = std::max(12.0, max_size_ / 52.0);
  std::vector<Box> taken{draw_scale_bar(c.cr, g, c.scale, c.W, c.H, font),
                         draw_title(c.cr, decor.title, font)};
  draw_labels(
      c.cr, decor.labels,
      [&](const MapLabel& l) {
        return std::pair{c.x(l.x), c.y(l.y)};
      },
      Box{0, 0, static_cast<double>(c.W), static_cast<double>(c.H)}, font, taken);
  cairo_rectangle(c.cr, 0.5, 0.5, c.W - 1, c.H - 1);
  set_colour(c.cr, hex(0xb0b0b0));
  cairo_set_line_width(c.cr, 1);
  cairo_stroke(c.cr);
  if (cairo_status(c.cr) != CAIRO_STATUS_SUCCESS)
    fail("cannot draw a map: cairo: {}", cairo_status_to_string(cairo_status(c.cr)));
  cairo_surface_flush(c.surface.get());
  std::string bytes;
  if (cairo_surface_write_to_png_stream(c.surface.get(), append_bytes, &bytes) !=
      CAIRO_STATUS_SUCCESS)
    fail("cannot encode a map as PNG");
  return bytes;
}

}  // namespace casco
