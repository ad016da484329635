#pragma once
// The parts of a quick-look page (quicklook.cpp): text, the map's vectors in page pixels, the
// legend panel with scale bar and north arrow. Internal to render/.
#include <cairo.h>
#include <ogrsf_frmts.h>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/grid.hpp"
#include "legend/legend.hpp"
#include "model/store.hpp"
#include "render/draw.hpp"

namespace casco::page {

using namespace draw;

constexpr Rgb kNote = hex(0xb2182b), kText = hex(0x202020), kMuted = hex(0x606060),
              kStudyFill = hex(0xe6e6e6), kStudyLine = hex(0x505050), kBorder = hex(0x2a2a2a);

// ---------------------------------------------------------------- text (page_text.cpp)

// 1234.5 -> "1.234,5": dots group thousands, a comma marks decimals, trailing zeros dropped.
std::string nl_number(double v, int decimals);
// Enough decimals to tell legend values apart (about three significant digits).
std::string nl_auto(double v);
// `subject` names the map: "the map of layer 'x'".
void check(cairo_status_t st, const std::string& subject, const char* what);
double text_width(cairo_t* cr, const std::string& s);
// Draws with the baseline at y; align 0 = left, 0.5 = centre, 1 = right of x.
void draw_text(cairo_t* cr, double x, double y, const std::string& s, Rgb c, double align = 0);
// Splits at spaces so that every line fits `width` (a single long word keeps its own line).
std::vector<std::string> wrap(cairo_t* cr, const std::string& text, double width);

// ---------------------------------------------------------------- vectors (page_vectors.cpp)

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

// The features of a store table in page pixels; nullopt when the store has no such table.
std::optional<Shapes> read_table(GDALDataset& ds, const std::string& table, const Transform& xf);
void fill_areas(cairo_t* cr, const Shapes& s);
void stroke_lines(cairo_t* cr, const Shapes& s, Rgb c, double alpha, double width);

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

Scale scale_for(const Grid& g, int max_size);
// The raster as a premultiplied ARGB32 image of map_w x map_h pixels.
SurfacePtr render_raster(const Raster& r, const legend::Legend& lg, Scale sc, int map_w, int map_h,
                         const std::string& subject);

// One flag per cell: is the cell's centre inside the study area? Drawn with cairo at map
// resolution (no anti-aliasing) and looked up per cell.
std::vector<std::uint8_t> inside_cells(const Shapes& study, const Grid& g, Scale sc,
                                       const std::string& subject);

// ---------------------------------------------------------------- legend panel (page_legend.cpp)

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

// A layer's page legend; the colour range comes from the cells inside the study area (`inside`,
// one flag per cell; empty = every cell): outside it the map is only context.
PageLegend page_legend(legend::Legend lg, const Raster& r, const std::vector<std::uint8_t>& inside,
                       bool areas, const std::vector<ZoneRecord>* zones);
// The colour of a value; nullopt leaves it uncoloured.
std::optional<Rgb> colour_of(const legend::Legend& lg, double v);

constexpr double kMargin = 20, kGap = 24, kPanelW = 270;

struct Page {
  const PageLegend& pl;
  std::string borders_title;  // "" = no borders drawn
  bool study_area = false;
  bool source_points = false;
  bool source_areas = false;
  double px_per_m = 1;
};

void draw_marker(cairo_t* cr, double x, double y, double radius, Rgb fill);
// The legend, scale bar and north arrow, top-left at (x, y); returns the bottom.
double draw_panel(cairo_t* cr, const Page& p, double x, double y);

}  // namespace casco::page
