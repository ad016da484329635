// The legend panel of a quick-look page: swatches or a colour bar, the lines, north and scale.
#include <algorithm>
#include <cmath>

#include "core/dutch.hpp"
#include "core/error.hpp"
#include "render/page.hpp"

namespace casco::page {

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
// What the lines on the map are: source points and areas, the study area, the borders.
double draw_line_keys(cairo_t* cr, const Page& p, double x, double y) {
  const double w = kPanelW;
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
    // Wrapped, never cut: a legend label is read in full.
    const auto lines = wrap(cr, "grenzen: " + p.borders_title, w - 32);
    for (std::size_t i = 0; i < lines.size(); ++i) {
      if (i > 0) y += 16;
      draw_text(cr, x + 32, y, lines[i], kText);
    }
  }

  return y;
}

// North arrow (the grid's north is up) and a scale bar with a round length, in two halves.
double draw_north_and_scale(cairo_t* cr, const Page& p, double x, double y) {
  const double w = kPanelW;
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
        const double shown = std::fabs(v) < step * 1e-9 ? 0.0 : v;
        // On a diverging ramp both signs as the ends write them: "+2", "−2".
        const bool diverging = lg.lo < 0 && lg.hi > 0;
        std::string text(diverging && shown > 0 ? 1 : 0, '+');
        text += diverging && shown < 0 ? "\u2212" + nl_auto(-shown) : nl_auto(shown);
        label_at(v / f, text);
      }
    }
    y = top + bar_h + 6;
    if (lg.zero_blank) swatch(hex(0xffffff), "0: niet gekleurd");
  }
  for (const std::string& note : lg.notes) line(note, kMuted);

  // What the lines are.
  y = draw_line_keys(cr, p, x, y);
  return draw_north_and_scale(cr, p, x, y);
}

}  // namespace casco::page
