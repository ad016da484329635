#include "render/quicklook.hpp"

#include <cairo.h>
#include <ogrsf_frmts.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/dutch.hpp"
#include "core/error.hpp"
#include "core/files.hpp"
#include "legend/legend.hpp"
#include "render/draw.hpp"

namespace casco {
namespace {

using namespace draw;

// ---------------------------------------------------------------- colours

constexpr Rgb kText = hex(0x202020), kMuted = hex(0x606060), kStudyFill = hex(0xe6e6e6),
              kStudyLine = hex(0x505050), kBorder = hex(0x2a2a2a);

// ---------------------------------------------------------------- numbers (Dutch notation)

// 1234.5 -> "1.234,5": dots group thousands, a comma marks decimals, trailing zeros dropped.
std::string nl_number(double v, int decimals) {
  return dutch_number(v, decimals, true);
}

// Enough decimals to tell legend values apart (about three significant digits).
std::string nl_auto(double v) {
  double a = std::fabs(v);
  int decimals = a >= 100  ? 0
                 : a >= 10 ? 1
                 : a >= 1  ? 2
                 : a > 0   ? 2 - static_cast<int>(std::floor(std::log10(a)))
                           : 0;
  return nl_number(v, std::min(decimals, 6));
}

// ---------------------------------------------------------------- cairo helpers

// `subject` names the map: "the map of layer 'x'".
void check(cairo_status_t st, const std::string& subject, const char* what) {
  if (st != CAIRO_STATUS_SUCCESS)
    fail("cannot draw {} ({}): cairo: {}", subject, what, cairo_status_to_string(st));
}

double text_width(cairo_t* cr, const std::string& s) {
  cairo_text_extents_t e;
  cairo_text_extents(cr, s.c_str(), &e);
  return e.x_advance;
}

// Draws with the baseline at y; align 0 = left, 0.5 = centre, 1 = right of x.
void draw_text(cairo_t* cr, double x, double y, const std::string& s, Rgb c, double align = 0) {
  set_colour(cr, c);
  cairo_move_to(cr, x - align * text_width(cr, s), y);
  cairo_show_text(cr, s.c_str());
  cairo_new_path(cr);
}

// Splits at spaces so that every line fits `width` (a single long word keeps its own line).
std::vector<std::string> wrap(cairo_t* cr, const std::string& text, double width) {
  std::vector<std::string> lines;
  std::string line, word;
  auto flush_word = [&] {
    if (word.empty()) return;
    std::string candidate = line.empty() ? word : line + " " + word;
    if (!line.empty() && text_width(cr, candidate) > width) {
      lines.push_back(line);
      line = word;
    } else {
      line = candidate;
    }
    word.clear();
  };
  for (char ch : text) {
    if (ch == ' ')
      flush_word();
    else
      word += ch;
  }
  flush_word();
  if (!line.empty()) lines.push_back(line);
  return lines;
}

// Shortens to `width` with a trailing ellipsis, cutting whole UTF-8 characters.
std::string ellipsize(cairo_t* cr, std::string s, double width) {
  if (text_width(cr, s) <= width) return s;
  while (!s.empty()) {
    while (!s.empty() && (static_cast<unsigned char>(s.back()) & 0xC0) == 0x80) s.pop_back();
    if (!s.empty()) s.pop_back();
    while (!s.empty() && s.back() == ' ') s.pop_back();
    if (text_width(cr, s + "…") <= width) break;
  }
  return s + "…";
}

// ---------------------------------------------------------------- vectors in image pixels

struct Pt {
  double x, y;
};
using Ring = std::vector<Pt>;
struct Shape {
  std::vector<Ring> rings;  // polygon: exterior + holes; line: one open ring each
  bool area = false;
};
struct Shapes {
  std::vector<Shape> shapes;
  std::vector<Pt> points;
  Pt origin{0, 0};  // page position of the map's top-left corner
};

// Maps world coordinates to page pixels: x = map_x + px(x) * scale.
struct Transform {
  const Grid* grid;
  double map_x, map_y, scale;
  Pt operator()(double x, double y) const {
    return {map_x + grid->px(x) * scale, map_y + grid->py(y) * scale};
  }
};

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

// ---------------------------------------------------------------- the map's legend

// A legend swatch: zones and classes. `note` (e.g. an area) follows the label.
struct Entry {
  Rgb colour;
  std::string label, note;
};

// The layer's legend (legend/legend.hpp: the same colours as the viewer and the report) plus
// what only a page shows: swatches with areas, the zone list cut short, the cell count.
struct PageLegend {
  legend::Legend lg;
  std::size_t set_cells = 0;   // non-zero cells
  std::vector<Entry> entries;  // zones and classes: the swatches, in order
  std::string entries_more;    // muted line under the swatches ("… en nog 3 zones")
  bool presence = false;       // one yes-class: a dot and the cell count
};

// Areas in the legend: whole hectares from 10 ha, else about three significant digits.
std::string nl_area(double ha) {
  return (ha >= 10 ? nl_number(ha, 0) : nl_auto(ha)) + " ha";
}

// The hectares of each class (all cells of the raster), by class index.
std::vector<double> class_areas(const Raster& r, const legend::Legend& lg) {
  std::vector<double> ha(lg.classes.size(), 0.0);
  for (float v : r.values)
    if (int k = lg.class_index(v); k >= 0) ha[static_cast<std::size_t>(k)] += r.grid.cell_area_ha();
  return ha;
}

// A layer's page legend; the colour range comes from the cells inside the study area (`inside`,
// one flag per cell; empty = every cell): outside it the map is only context.
PageLegend page_legend(legend::Legend lg, const Raster& r, const std::vector<std::uint8_t>& inside,
                       bool areas, const std::vector<ZoneRecord>* zones) {
  PageLegend p;
  p.lg = std::move(lg);
  const legend::ValueRange rg = legend::value_range(r, inside);
  p.set_cells = rg.set_cells;
  const legend::Legend& l = p.lg;
  if (l.kind == legend::Legend::Kind::Classes && l.zones && zones) {
    constexpr std::size_t kShown = 15;
    for (std::size_t i = 0; i < zones->size() && i < kShown && i < l.classes.size(); ++i) {
      const ZoneRecord& z = (*zones)[i];
      std::string name = l.classes[i].label;
      if (!z.code.empty() && !z.name.empty() && z.code != z.name && zones->size() <= kShown)
        name += " (" + z.code + ")";
      p.entries.push_back({hex(l.classes[i].rgb), name, ""});
    }
    if (zones->size() > kShown)
      p.entries_more = fmt::format("… en nog {} zones", zones->size() - kShown);
  } else if (l.kind == legend::Legend::Kind::Classes) {
    const auto ha = areas ? class_areas(r, l) : std::vector<double>{};
    p.presence = l.classes.size() == 1 && l.classes.front().drawn && !areas && !l.bins;
    for (std::size_t k = 0; k < l.classes.size(); ++k)
      if (l.classes[k].drawn)
        p.entries.push_back(
            {hex(l.classes[k].rgb), l.classes[k].label, areas ? nl_area(ha[k]) : ""});
  }
  // The page washes out the surroundings; say so, lest pale classes read as other classes.
  if (rg.masked && rg.outside) p.lg.notes.emplace_back("buiten het studiegebied verbleekt");
  return p;
}

// The colour of a value; nullopt leaves it uncoloured.
std::optional<Rgb> colour_of(const legend::Legend& lg, double v) {
  const std::uint32_t argb = lg.argb(v);
  if (!(argb >> 24)) return std::nullopt;
  return hex(argb & 0xffffffu);
}

// Page pixels per cell as a fraction: small grids are enlarged by a whole factor (crisp cells),
// large ones reduced so the longest side is max_size.
struct Scale {
  long num = 1, den = 1;
  double value() const { return static_cast<double>(num) / static_cast<double>(den); }
  int pixels(int cells) const { return static_cast<int>((cells * num + den - 1) / den); }
  // Cells [first, last) that fall in pixel i.
  std::pair<int, int> cells(int i, int n) const {
    int a = static_cast<int>(i * den / num);
    int b = static_cast<int>((i + 1) * den / num);
    if (b <= a) b = a + 1;
    return {std::min(a, n - 1), std::min(b, n)};
  }
};

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

// ---------------------------------------------------------------- the page

constexpr double kMargin = 20, kGap = 24, kPanelW = 270;

struct Page {
  const PageLegend& pl;
  std::string borders_title;  // "" = no borders drawn
  bool study_area = false;
  bool source_points = false;
  bool source_areas = false;
  double px_per_m = 1;
};

void draw_marker(cairo_t* cr, double x, double y, double radius, Rgb fill) {
  cairo_new_sub_path(cr);
  cairo_arc(cr, x, y, radius, 0, 2 * M_PI);
  set_colour(cr, fill);
  cairo_fill_preserve(cr);
  cairo_set_line_width(cr, 0.8);
  cairo_set_source_rgba(cr, 0, 0, 0, 0.65);
  cairo_stroke(cr);
}

// The legend, scale bar and north arrow, top-left at (x, y); returns the bottom.
double draw_panel(cairo_t* cr, const Page& p, double x, double y) {
  const PageLegend& pl = p.pl;
  const legend::Legend& lg = pl.lg;
  const double w = kPanelW;
  set_font(cr, 15, true);
  y += 15;
  draw_text(cr, x, y, "Legenda", kText);
  y += 10;
  set_font(cr, 13);
  // Long labels wrap onto more lines; nothing in a legend is cut short.
  auto line = [&](const std::string& s, Rgb c = kText) {
    for (const auto& part : wrap(cr, s, w)) {
      y += 18;
      draw_text(cr, x, y, part, c);
    }
  };
  auto swatch = [&](Rgb c, const std::string& label, const std::string& note = "") {
    y += 21;
    cairo_rectangle(cr, x + 0.5, y - 12.5, 22, 14);
    set_colour(cr, c);
    cairo_fill_preserve(cr);
    cairo_set_line_width(cr, 1);
    set_colour(cr, hex(0x808080));
    cairo_stroke(cr);
    const std::string text = note.empty() ? label : label + " — " + note;
    const auto parts = wrap(cr, text, w - 32);
    for (std::size_t k = 0; k < parts.size(); ++k) {
      if (k) y += 16;
      draw_text(cr, x + 32, y, parts[k], kText);
    }
  };

  if (pl.presence) {
    y += 20;
    draw_marker(cr, x + 11, y - 5, 5, hex(lg.classes.front().rgb));
    draw_text(cr, x + 32, y,
              fmt::format("{} ({} cellen)", lg.classes.front().label, nl_number(pl.set_cells, 0)),
              kText);
  } else if (lg.kind == legend::Legend::Kind::Classes) {
    if (lg.zones) line(fmt::format("{} zones", lg.classes.size()), kMuted);
    if (!lg.unit.empty()) line(lg.unit, kMuted);
    for (const Entry& e : pl.entries) swatch(e.colour, e.label, e.note);
    if (!pl.entries_more.empty()) line(pl.entries_more, kMuted);
  } else {
    if (!lg.unit.empty()) line(lg.unit, kMuted);
    // A vertical colour bar, low at the bottom.
    const double bar_w = 22, bar_h = 200, top = y + 14, bx = x + 0.5;
    cairo_pattern_t* grad = cairo_pattern_create_linear(0, top + bar_h, 0, top);
    const std::vector<unsigned>& ramp = lg.stops;
    for (std::size_t i = 0; i < ramp.size(); ++i) {
      const Rgb stop = hex(ramp[i]);
      cairo_pattern_add_color_stop_rgb(
          grad, static_cast<double>(i) / static_cast<double>(ramp.size() - 1), stop.r, stop.g,
          stop.b);
    }
    cairo_rectangle(cr, bx, top, bar_w, bar_h);
    cairo_set_source(cr, grad);
    cairo_fill_preserve(cr);
    cairo_pattern_destroy(grad);
    cairo_set_line_width(cr, 1);
    set_colour(cr, hex(0x808080));
    cairo_stroke(cr);
    auto label_at = [&](double value, const std::string& text) {
      double t = (value - lg.lo) / (lg.hi - lg.lo);
      double ty = top + bar_h - t * bar_h;
      cairo_move_to(cr, bx + bar_w, ty);
      cairo_line_to(cr, bx + bar_w + 5, ty);
      set_colour(cr, hex(0x808080));
      cairo_stroke(cr);
      draw_text(cr, bx + bar_w + 9, ty + 4, text, kText);
    };
    const std::string low = lg.zero_blank ? "> " + lg.format(lg.lo, false) : lg.low_label();
    label_at(lg.lo, low);
    label_at(lg.hi, (lg.clipped ? "≥ " : "") + lg.format(lg.hi, false));
    // Round values in between (in display units), where they do not crowd the end labels.
    const double f = lg.factor;
    double span = (lg.hi - lg.lo) * f;
    double step = round_down_125(span / 3);
    if (step > 0) {
      for (double v = std::ceil(lg.lo * f / step) * step; v < lg.hi * f; v += step) {
        double t = (v / f - lg.lo) / (lg.hi - lg.lo);
        if (t * bar_h < 18 || (1 - t) * bar_h < 18) continue;
        label_at(v / f, nl_auto(std::fabs(v) < step * 1e-9 ? 0.0 : v));
      }
    }
    y = top + bar_h + 6;
    if (lg.zero_blank) swatch(hex(0xffffff), "0: niet gekleurd");
  }
  for (const std::string& note : lg.notes) line(note, kMuted);

  // What the lines are.
  y += 10;
  if (p.source_points) {
    y += 21;
    draw_marker(cr, x + 11, y - 5, 3, hex(0xffffff));
    draw_text(cr, x + 32, y, "bronlocaties (afstand 0)", kText);
  }
  if (p.source_areas) {
    y += 21;
    cairo_rectangle(cr, x + 0.5, y - 12.5, 22, 14);
    set_colour(cr, hex(legend::ramp("viridis").front()));  // distance 0
    cairo_fill_preserve(cr);
    set_colour(cr, hex(0xffffff));
    cairo_set_line_width(cr, 1.2);
    cairo_stroke(cr);
    draw_text(cr, x + 32, y, "brongebieden (afstand 0)", kText);
  }
  if (p.study_area) {
    y += 20;
    cairo_rectangle(cr, x + 0.5, y - 12.5, 22, 14);
    set_colour(cr, kStudyFill);
    cairo_fill_preserve(cr);
    cairo_set_line_width(cr, 1.4);
    set_colour(cr, kStudyLine);
    cairo_stroke(cr);
    draw_text(cr, x + 32, y, "studiegebied", kText);
  }
  if (!p.borders_title.empty()) {
    y += 20;
    cairo_move_to(cr, x, y - 5.5);
    cairo_line_to(cr, x + 23, y - 5.5);
    cairo_set_line_width(cr, 1);
    set_colour(cr, kBorder);
    cairo_stroke(cr);
    draw_text(cr, x + 32, y, ellipsize(cr, "grenzen: " + p.borders_title, w - 32), kText);
  }

  // North arrow: the grid's north is up.
  y += 34;
  const double ax = x + 11, ay = y + 4;
  set_font(cr, 13, true);
  draw_text(cr, ax, y, "N", kText, 0.5);
  cairo_move_to(cr, ax, ay);
  cairo_line_to(cr, ax - 8, ay + 26);
  cairo_line_to(cr, ax, ay + 20);
  cairo_close_path(cr);
  set_colour(cr, kText);
  cairo_fill(cr);
  cairo_move_to(cr, ax, ay);
  cairo_line_to(cr, ax + 8, ay + 26);
  cairo_line_to(cr, ax, ay + 20);
  cairo_close_path(cr);
  set_colour(cr, hex(0xffffff));
  cairo_fill_preserve(cr);
  set_colour(cr, kText);
  cairo_set_line_width(cr, 1);
  cairo_stroke(cr);

  // Scale bar with a round length, in two halves.
  const double by = ay + 40;
  double metres = round_down_125((w - 40) / p.px_per_m);
  double len = metres * p.px_per_m;
  auto dist = [](double m) { return m >= 1000 ? nl_auto(m / 1000) + " km" : nl_auto(m) + " m"; };
  set_font(cr, 11);
  for (int half = 0; half < 2; ++half) {
    cairo_rectangle(cr, x + 0.5 + half * len / 2, by + 0.5, len / 2, 6);
    set_colour(cr, half == 0 ? kText : hex(0xffffff));
    cairo_fill_preserve(cr);
    set_colour(cr, kText);
    cairo_set_line_width(cr, 1);
    cairo_stroke(cr);
  }
  draw_text(cr, x, by + 20, "0", kText, 0);
  draw_text(cr, x + len / 2, by + 20, dist(metres / 2), kText, 0.5);
  draw_text(cr, x + len, by + 20, dist(metres), kText, 0.5);
  return by + 26;
}

// Borders: an explicitly asked layer must exist; the model's default is skipped if absent.
const LayerRecord* borders_of(const Store& store, const QuicklookOptions& options) {
  if (options.max_size < 16)
    fail("quick-look size {} px is too small (use at least 16)", options.max_size);
  const Grid& grid = store.grid();
  if (grid.cols <= 0 || grid.rows <= 0) fail("store '{}' has an empty grid", store.path().string());
  const LayerRecord* borders = nullptr;
  if (!options.borders.empty()) {
    borders = &store.layer(options.borders);
    if (borders->vector_table.empty())
      fail("layer '{}' has no outlines to draw as borders; pick a zones layer such as gemeenten",
           borders->id);
  } else if (!store.manifest().borders.empty()) {
    borders = store.find(store.manifest().borders);
    if (borders && borders->vector_table.empty()) borders = nullptr;
  }
  return borders;
}

// What a map shows besides the store's study area and borders.
enum class Features {
  None,
  Outlines,  // the features' outlines, thin and white (zones)
  Sources,   // what a distance is measured to: points as dots, areas and lines outlined
};

struct MapJob {
  std::string subject;  // for messages: "the map of layer 'x'"
  const Raster* raster = nullptr;
  std::string title, subtitle;
  std::string features_table;  // "" = none
  Features features = Features::None;
  // The legend, given one flag per cell for "inside the study area" (empty: no study area).
  std::function<PageLegend(const std::vector<std::uint8_t>& inside)> legend;
};

// Draws the page (header, map, legend panel, attribution) and writes it to `png` atomically.
void render_map(const Store& store, const MapJob& job, const LayerRecord* borders,
                const std::filesystem::path& png, const QuicklookOptions& options) {
  const Raster& raster = *job.raster;
  const std::string& subject = job.subject;
  const Grid& grid = store.grid();
  const Scale sc = scale_for(grid, options.max_size);
  const int map_w = sc.pixels(grid.cols), map_h = sc.pixels(grid.rows);

  // Measure the header and footer with a scratch context.
  const double page_w = kMargin + map_w + kGap + kPanelW + kMargin;
  const double text_w = page_w - 2 * kMargin;
  SurfacePtr scratch(cairo_image_surface_create(CAIRO_FORMAT_ARGB32, 1, 1));
  CairoPtr mcr(cairo_create(scratch.get()));
  check(cairo_status(mcr.get()), subject, "text measurement");
  set_font(mcr.get(), 22, true);
  const auto title = wrap(mcr.get(), job.title, text_w);
  set_font(mcr.get(), 13);
  const auto subtitle = wrap(mcr.get(), job.subtitle, text_w);
  set_font(mcr.get(), 11);
  const auto attribution = wrap(mcr.get(), options.attribution, text_w);

  // Vectors, in page pixels.
  const double header_h =
      28.0 * static_cast<double>(title.size()) + 18.0 * static_cast<double>(subtitle.size()) + 12;
  const double map_x = kMargin, map_y = std::round(kMargin + header_h);
  const Transform xf{&grid, map_x, map_y, sc.value()};
  std::optional<Shapes> study, border_lines, own_lines;
  std::vector<Pt> sources;
  {
    GDALDatasetUniquePtr ds = store.open_vectors();
    study = read_table(*ds, "v_studiegebied", xf);
    if (borders) border_lines = read_table(*ds, borders->vector_table, xf);
    if (job.features == Features::Outlines && !job.features_table.empty() &&
        (!borders || borders->vector_table != job.features_table))
      own_lines = read_table(*ds, job.features_table, xf);
    if (job.features == Features::Sources && !job.features_table.empty()) {
      if (auto s = read_table(*ds, job.features_table, xf)) {
        if (s->points.size() <= legend::kMaxMarkers) sources.swap(s->points);
        if (!s->shapes.empty()) own_lines = std::move(s);
      }
    }
  }

  const PageLegend pl =
      job.legend(study ? inside_cells(*study, grid, sc, subject) : std::vector<std::uint8_t>{});
  const legend::Legend& lg = pl.lg;

  Page page{pl, "", false, false, false, 1};
  page.study_area = study.has_value();
  if (border_lines) page.borders_title = borders->title.empty() ? borders->id : borders->title;
  page.source_points = !sources.empty();
  page.source_areas =
      job.features == Features::Sources && own_lines.has_value() && !own_lines->shapes.empty();
  page.px_per_m = sc.value() / grid.cell;

  const double panel_x = kMargin + map_w + kGap, panel_y = map_y;
  const double panel_bottom = draw_panel(mcr.get(), page, panel_x, panel_y);
  check(cairo_status(mcr.get()), subject, "legend");
  const double body_bottom = std::max(map_y + map_h, panel_bottom);
  const double page_h = body_bottom + 16 + 14.0 * static_cast<double>(attribution.size()) + kMargin;
  const int W = static_cast<int>(std::ceil(page_w)), H = static_cast<int>(std::ceil(page_h));

  SurfacePtr surface(cairo_image_surface_create(CAIRO_FORMAT_ARGB32, W, H));
  check(cairo_surface_status(surface.get()), subject, fmt::format("{} x {} px page", W, H).c_str());
  CairoPtr cr_owner(cairo_create(surface.get()));
  cairo_t* cr = cr_owner.get();
  check(cairo_status(cr), subject, "drawing context");

  cairo_set_source_rgb(cr, 1, 1, 1);
  cairo_paint(cr);

  // Header.
  double ty = kMargin;
  set_font(cr, 22, true);
  for (const auto& s : title) {
    draw_text(cr, kMargin, ty + 24, s, kText);
    ty += 28;
  }
  set_font(cr, 13);
  ty += 2;
  for (const auto& s : subtitle) {
    draw_text(cr, kMargin, ty + 16, s, kMuted);
    ty += 18;
  }

  // Map: study area fill, raster, dimmed surroundings, lines, dots, frame.
  cairo_save(cr);
  cairo_rectangle(cr, map_x, map_y, map_w, map_h);
  cairo_clip(cr);
  if (study) {
    set_colour(cr, kStudyFill);
    fill_areas(cr, *study);
  }
  if (!lg.points) {
    SurfacePtr img = render_raster(raster, lg, sc, map_w, map_h, subject);
    cairo_set_source_surface(cr, img.get(), map_x, map_y);
    cairo_pattern_set_filter(cairo_get_source(cr), CAIRO_FILTER_NEAREST);
    cairo_paint(cr);
  }
  if (study && !study->shapes.empty()) {
    // Outside the study area the layer is only context: wash it out.
    cairo_push_group(cr);
    cairo_set_source_rgba(cr, 1, 1, 1, 0.6);
    cairo_paint(cr);
    cairo_set_operator(cr, CAIRO_OPERATOR_CLEAR);
    fill_areas(cr, *study);
    cairo_pop_group_to_source(cr);
    cairo_paint(cr);
  }
  if (own_lines) stroke_lines(cr, *own_lines, hex(0xffffff), 0.9, lg.zones ? 0.6 : 1.0);
  if (border_lines) stroke_lines(cr, *border_lines, kBorder, 0.8, 0.8);
  if (study) stroke_lines(cr, *study, kStudyLine, 1.0, 1.4);
  const double cell_px = sc.value();
  for (const Pt& pt : sources) draw_marker(cr, pt.x, pt.y, 2.5, hex(0xffffff));
  if (lg.points) {
    // Every set cell as a dot, largest values drawn last (on top).
    struct Dot {
      double x, y, v;
    };
    std::vector<Dot> dots;
    for (int row = 0; row < grid.rows; ++row)
      for (int col = 0; col < grid.cols; ++col) {
        float v = raster.at(row, col);
        if (std::isnan(v) || v == 0) continue;
        dots.push_back({map_x + (col + 0.5) * cell_px, map_y + (row + 0.5) * cell_px, v});
      }
    std::sort(dots.begin(), dots.end(), [](const Dot& a, const Dot& b) { return a.v < b.v; });
    // Amounts also grow the dot (by area), so large places stand out without reading colours.
    const double radius = std::max(3.5, 0.6 * cell_px);
    for (const Dot& d : dots) {
      double t = lg.kind == legend::Legend::Kind::Ramp
                     ? std::clamp((d.v - lg.lo) / (lg.hi - lg.lo), 0.0, 1.0)
                     : 0.0;
      if (auto c = colour_of(lg, d.v)) draw_marker(cr, d.x, d.y, radius * std::sqrt(1 + 3 * t), *c);
    }
  }
  cairo_restore(cr);
  cairo_rectangle(cr, map_x + 0.5, map_y + 0.5, map_w - 1, map_h - 1);
  cairo_set_line_width(cr, 1);
  set_colour(cr, hex(0x909090));
  cairo_stroke(cr);

  draw_panel(cr, page, panel_x, panel_y);

  // Footer: the attribution.
  set_font(cr, 11);
  double fy = body_bottom + 16;
  for (const auto& s : attribution) {
    draw_text(cr, kMargin, fy + 11, s, kMuted);
    fy += 14;
  }

  check(cairo_status(cr), subject, "drawing");
  cairo_surface_flush(surface.get());
  AtomicOutput out(png);
  cairo_status_t st = cairo_surface_write_to_png(surface.get(), out.temp_path().c_str());
  if (st != CAIRO_STATUS_SUCCESS)
    fail("cannot write '{}': cairo: {}", png.string(), cairo_status_to_string(st));
  out.commit();
  if (options.layout) {
    *options.layout = {W,     H,         static_cast<int>(map_x), static_cast<int>(map_y), map_w,
                       map_h, sc.value()};
  }
}

}  // namespace

namespace {

// The credit line: the options', else the store's own (model.toml [model] credit), with the
// layer's source first when it asks to be named (CC BY).
std::string credit_of(const Store& store, const LayerRecord& L, const QuicklookOptions& options) {
  std::string credit = options.attribution.empty() ? store.manifest().credit : options.attribution;
  if (credit.empty()) credit = "bewerking casco";
  return L.attribution.empty() ? credit : fmt::format("{} · {}", L.attribution, credit);
}

void check_on_grid(const Store& store, const Raster& raster, const std::string& name) {
  const Grid& grid = store.grid();
  if (!raster.grid.same_raster(grid) || raster.values.size() != grid.size())
    fail(
        "cannot draw the map '{}': its raster ({} x {} cells of {} m at {}, {}) is not on the grid "
        "of store '{}' ({} x {} cells of {} m at {}, {})",
        name, raster.grid.cols, raster.grid.rows, raster.grid.cell, raster.grid.x0, raster.grid.y0,
        store.path().string(), grid.cols, grid.rows, grid.cell, grid.x0, grid.y0);
}

void check_classes(const LayerRecord& L, const std::string& name) {
  const auto& classes = L.describe.style.classes;
  for (std::size_t i = 0; i < classes.size(); ++i) {
    if (!std::isfinite(classes[i].value))
      fail("cannot draw the map '{}': class '{}' has no value", name, classes[i].label);
    for (std::size_t j = 0; j < i; ++j)
      if (std::fabs(classes[j].value - classes[i].value) <= legend::kClassTolerance)
        fail("cannot draw the map '{}': classes '{}' and '{}' have the same value {}", name,
             classes[j].label, classes[i].label, classes[i].value);
  }
}

MapJob job_for(const Store& store, const LayerRecord& L, const Raster& raster, bool in_store,
               const QuicklookOptions& options) {
  MapJob job;
  const std::string title = L.title.empty() ? L.id : L.title;
  job.subject =
      in_store ? fmt::format("the map of layer '{}'", L.id) : fmt::format("the map '{}'", title);
  job.raster = &raster;
  job.title = title;
  const std::string unit = L.describe.display_unit.empty() ? L.unit : L.describe.display_unit;
  job.subtitle = !options.subtitle.empty() ? options.subtitle
                 : in_store ? fmt::format("Model {} · laag {}", store.manifest().model_name, L.id)
                            : "Model " + store.manifest().model_name;
  if (!unit.empty()) job.subtitle += " · eenheid: " + unit;
  job.subtitle += fmt::format(" · cellen van {} m", nl_auto(store.grid().cell));
  if (!L.estimate.empty()) job.subtitle += " · schatting: " + L.estimate;
  if (in_store) {
    job.features_table = L.vector_table;
    job.features = L.describe.role == role::kZones      ? Features::Outlines
                   : L.describe.role == role::kDistance ? Features::Sources
                                                        : Features::None;
  }
  return job;
}

}  // namespace

void write_quicklook(const Store& store, const std::string& layer, const std::filesystem::path& png,
                     const QuicklookOptions& options) {
  const LayerRecord& L = store.layer(layer);  // throws for unknown layers, naming the known ones
  const LayerRecord* borders = borders_of(store, options);
  const Raster raster = store.read(layer);
  MapJob job = job_for(store, L, raster, true, options);
  job.legend = [&](const std::vector<std::uint8_t>& inside) {
    return page_legend(
        legend::legend_for(store, L, raster, inside), raster, inside, options.class_areas,
        L.describe.role == role::kZones || L.describe.style.kind == LayerStyle::Kind::Zones
            ? &store.zones(L.id)
            : nullptr);
  };
  QuicklookOptions credited = options;
  credited.attribution = credit_of(store, L, options);
  render_map(store, job, borders, png, credited);
}

void write_map(const Store& store, const Raster& raster, const LayerRecord& layer,
               const std::filesystem::path& png, const QuicklookOptions& options) {
  const std::string name = layer.title.empty() ? png.filename().string() : layer.title;
  check_on_grid(store, raster, name);
  check_classes(layer, name);
  const LayerRecord* borders = borders_of(store, options);
  MapJob job = job_for(store, layer, raster, false, options);
  job.title = name;
  job.legend = [&](const std::vector<std::uint8_t>& inside) {
    return page_legend(legend::legend_for(layer, raster, inside), raster, inside,
                       options.class_areas, nullptr);
  };
  QuicklookOptions credited = options;
  credited.attribution = credit_of(store, layer, options);
  render_map(store, job, borders, png, credited);
}

}  // namespace casco
