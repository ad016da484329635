// The map on a quick-look page: store vectors and the raster in page pixels.
#include <algorithm>
#include <cmath>

#include "core/dutch.hpp"
#include "core/error.hpp"
#include "render/page.hpp"

namespace casco::page {

Ring to_ring(const OGRSimpleCurve& c, const Transform& xf) {
  Ring r;
  int n = c.getNumPoints();
  r.reserve(static_cast<std::size_t>(n));
  for (int i = 0; i < n; ++i) {
    Pt p = xf(c.getX(i), c.getY(i));
    // Vertices closer than a third of a pixel add nothing but drawing time.
    if (!r.empty() && i + 1 < n && std::fabs(p.x - r.back().x) < 0.33 &&
        std::fabs(p.y - r.back().y) < 0.33)
      continue;
    r.push_back(p);
  }
  return r;
}

void collect(const OGRGeometry* g, const Transform& xf, Shapes& out) {
  if (!g || g->IsEmpty()) return;
  OGRwkbGeometryType t = wkbFlatten(g->getGeometryType());
  if (t == wkbPoint) {
    auto* p = g->toPoint();
    out.points.push_back(xf(p->getX(), p->getY()));
  } else if (t == wkbPolygon) {
    const OGRPolygon* poly = g->toPolygon();
    Shape s;
    s.area = true;
    if (const OGRLinearRing* ext = poly->getExteriorRing()) s.rings.push_back(to_ring(*ext, xf));
    for (int i = 0; i < poly->getNumInteriorRings(); ++i)
      s.rings.push_back(to_ring(*poly->getInteriorRing(i), xf));
    out.shapes.push_back(std::move(s));
  } else if (t == wkbLineString || t == wkbLinearRing) {
    Shape s;
    s.rings.push_back(to_ring(*g->toSimpleCurve(), xf));
    out.shapes.push_back(std::move(s));
  } else if (OGR_GT_IsSubClassOf(t, wkbGeometryCollection)) {
    for (const OGRGeometry* part : *g->toGeometryCollection()) collect(part, xf, out);
  } else if (OGR_GT_IsCurve(t) || OGR_GT_IsSurface(t)) {
    std::unique_ptr<OGRGeometry> linear(g->getLinearGeometry());
    if (linear && wkbFlatten(linear->getGeometryType()) != t) collect(linear.get(), xf, out);
  }
}

// Reads a table of the store; nullopt when the store has no such table.
std::optional<Shapes> read_table(GDALDataset& ds, const std::string& table, const Transform& xf) {
  OGRLayer* layer = ds.GetLayerByName(table.c_str());
  if (!layer) return std::nullopt;
  Shapes out;
  out.origin = {xf.map_x, xf.map_y};
  layer->ResetReading();
  for (auto& f : *layer) collect(f->GetGeometryRef(), xf, out);
  return out;
}

void add_ring(cairo_t* cr, const Ring& r, bool close) {
  if (r.empty()) return;
  cairo_move_to(cr, r[0].x, r[0].y);
  for (std::size_t i = 1; i < r.size(); ++i) cairo_line_to(cr, r[i].x, r[i].y);
  if (close) cairo_close_path(cr);
}

// Fills every polygon on its own with the even-odd rule, so holes stay open whatever the ring
// orientation and overlapping polygons still add up.
void fill_areas(cairo_t* cr, const Shapes& s) {
  cairo_set_fill_rule(cr, CAIRO_FILL_RULE_EVEN_ODD);
  for (const Shape& sh : s.shapes) {
    if (!sh.area) continue;
    for (const Ring& r : sh.rings) add_ring(cr, r, true);
    cairo_fill(cr);
  }
  cairo_set_fill_rule(cr, CAIRO_FILL_RULE_WINDING);
}

void stroke_lines(cairo_t* cr, const Shapes& s, Rgb c, double alpha, double width) {
  for (const Shape& sh : s.shapes)
    for (const Ring& r : sh.rings) add_ring(cr, r, sh.area);
  set_colour(cr, c, alpha);
  cairo_set_line_width(cr, width);
  cairo_set_line_join(cr, CAIRO_LINE_JOIN_ROUND);
  cairo_stroke(cr);
}

Scale scale_for(const Grid& g, int max_size) {
  long longest = std::max(g.cols, g.rows);
  if (longest <= max_size) return {std::max(1L, max_size / longest), 1};
  return {max_size, longest};
}

// The raster as a premultiplied ARGB32 image of map_w x map_h pixels.
SurfacePtr render_raster(const Raster& r, const legend::Legend& lg, Scale sc, int map_w, int map_h,
                         const std::string& subject) {
  SurfacePtr img(cairo_image_surface_create(CAIRO_FORMAT_ARGB32, map_w, map_h));
  check(cairo_surface_status(img.get()), subject, "raster image");
  cairo_surface_flush(img.get());
  unsigned char* data = cairo_image_surface_get_data(img.get());
  const int stride = cairo_image_surface_get_stride(img.get());
  const Grid& g = r.grid;
  const bool classes = lg.kind == legend::Legend::Kind::Classes;
  // One drawn yes-class (presence): a block shows it when any of its cells has it.
  const bool use_max = classes && lg.classes.size() == 1 && !lg.bins;
  std::vector<std::pair<int, int>> col_span(static_cast<std::size_t>(map_w));
  for (int i = 0; i < map_w; ++i) col_span[static_cast<std::size_t>(i)] = sc.cells(i, g.cols);
  for (int j = 0; j < map_h; ++j) {
    auto [r0, r1] = sc.cells(j, g.rows);
    auto* row = reinterpret_cast<std::uint32_t*>(data + static_cast<std::ptrdiff_t>(j) * stride);
    for (int i = 0; i < map_w; ++i) {
      auto [c0, c1] = col_span[static_cast<std::size_t>(i)];
      double v = NAN;
      if (classes && !use_max) {
        // Categories: the middle cell of the block, never a mean.
        v = r.at((r0 + r1 - 1) / 2, (c0 + c1 - 1) / 2);
      } else {
        double acc = use_max ? -INFINITY : 0.0;
        int n = 0;
        for (int y = r0; y < r1; ++y)
          for (int x = c0; x < c1; ++x) {
            float c = r.at(y, x);
            if (std::isnan(c)) continue;
            acc = use_max ? std::max(acc, static_cast<double>(c)) : acc + c;
            ++n;
          }
        if (n > 0) v = use_max ? acc : acc / n;
      }
      // Opaque or fully transparent: premultiplied ARGB32 is plain ARGB.
      row[i] = lg.argb(v);
    }
  }
  cairo_surface_mark_dirty(img.get());
  return img;
}

// One flag per cell: is the cell's centre inside the study area? Drawn with cairo at map
// resolution (no anti-aliasing) and looked up per cell.
std::vector<std::uint8_t> inside_cells(const Shapes& study, const Grid& g, Scale sc,
                                       const std::string& subject) {
  const int w = sc.pixels(g.cols), h = sc.pixels(g.rows);
  SurfacePtr mask(cairo_image_surface_create(CAIRO_FORMAT_A8, w, h));
  check(cairo_surface_status(mask.get()), subject, "study-area mask");
  CairoPtr cr(cairo_create(mask.get()));
  cairo_set_antialias(cr.get(), CAIRO_ANTIALIAS_NONE);
  // `study` is in page pixels: move the map's corner to the mask's origin.
  cairo_translate(cr.get(), -study.origin.x, -study.origin.y);
  cairo_set_source_rgba(cr.get(), 0, 0, 0, 1);
  fill_areas(cr.get(), study);
  check(cairo_status(cr.get()), subject, "study-area mask");
  cairo_surface_flush(mask.get());
  const unsigned char* data = cairo_image_surface_get_data(mask.get());
  const int stride = cairo_image_surface_get_stride(mask.get());
  std::vector<std::uint8_t> inside(g.size(), 0);
  bool any = false;
  for (int row = 0; row < g.rows; ++row) {
    int y = std::min(h - 1, static_cast<int>(((2L * row + 1) * sc.num) / (2 * sc.den)));
    for (int col = 0; col < g.cols; ++col) {
      int x = std::min(w - 1, static_cast<int>(((2L * col + 1) * sc.num) / (2 * sc.den)));
      if (data[static_cast<std::ptrdiff_t>(y) * stride + x]) {
        inside[static_cast<std::size_t>(row) * g.cols + col] = 1;
        any = true;
      }
    }
  }
  if (!any) inside.clear();
  return inside;
}

}  // namespace casco::page
