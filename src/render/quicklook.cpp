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
#include "render/page.hpp"

namespace casco {
namespace {

using namespace page;

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

// A point layer: every set cell as a dot, largest values drawn last (on top).
void draw_dots(cairo_t* cr, const Raster& raster, const legend::Legend& lg, double map_x,
               double map_y, double cell_px) {
  const Grid& grid = raster.grid;
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

// The page's texts wrapped to the width between the margins: header lines and footer lines.
struct PageText {
  std::vector<std::string> title, subtitle, note, attribution;
  // The header's height in page pixels (title, subtitle and note, plus spacing).
  double header_height() const {
    return 28.0 * static_cast<double>(title.size()) + 18.0 * static_cast<double>(subtitle.size()) +
           21.0 * static_cast<double>(note.size()) + 12;
  }
};

// Wraps the title, subtitle, note and attribution to `text_w`, each measured in its own font.
PageText wrap_texts(cairo_t* cr, const MapJob& job, const QuicklookOptions& options,
                    double text_w) {
  PageText text;
  set_font(cr, 22, true);
  text.title = wrap(cr, job.title, text_w);
  set_font(cr, 13);
  text.subtitle = wrap(cr, job.subtitle, text_w);
  set_font(cr, 15, true);
  text.note = wrap(cr, options.note, text_w);
  set_font(cr, 11);
  text.attribution = wrap(cr, options.attribution, text_w);
  return text;
}

// The map's vectors in page pixels: study area, borders and the layer's own features.
struct MapVectors {
  std::optional<Shapes> study, border_lines, own_lines;
  std::vector<Pt> sources;  // points a distance is measured to, drawn as dots
};

// Reads the map's vectors from the store's tables (the dataset is closed on return).
MapVectors read_vectors(const Store& store, const MapJob& job, const LayerRecord* borders,
                        const Transform& xf) {
  MapVectors v;
  GDALDatasetUniquePtr ds = store.open_vectors();
  v.study = read_table(*ds, "v_studiegebied", xf);
  if (borders) v.border_lines = read_table(*ds, borders->vector_table, xf);
  if (job.features == Features::Outlines && !job.features_table.empty() &&
      (!borders || borders->vector_table != job.features_table))
    v.own_lines = read_table(*ds, job.features_table, xf);
  if (job.features == Features::Sources && !job.features_table.empty()) {
    if (auto s = read_table(*ds, job.features_table, xf)) {
      if (s->points.size() <= legend::kMaxMarkers) v.sources.swap(s->points);
      if (!s->shapes.empty()) v.own_lines = std::move(s);
    }
  }
  return v;
}

// What the legend panel explains besides the layer: study area, borders, sources, scale.
Page page_for(const PageLegend& pl, const MapVectors& v, const MapJob& job,
              const LayerRecord* borders, const Grid& grid, const Scale& sc) {
  Page page{pl, "", false, false, false, 1};
  page.study_area = v.study.has_value();
  if (v.border_lines) page.borders_title = borders->title.empty() ? borders->id : borders->title;
  page.source_points = !v.sources.empty();
  page.source_areas =
      job.features == Features::Sources && v.own_lines.has_value() && !v.own_lines->shapes.empty();
  page.px_per_m = sc.value() / grid.cell;
  return page;
}

// Draws the header: the title, subtitle and note lines from the top margin down.
void draw_header(cairo_t* cr, const PageText& text) {
  double ty = kMargin;
  set_font(cr, 22, true);
  for (const auto& s : text.title) {
    draw_text(cr, kMargin, ty + 24, s, kText);
    ty += 28;
  }
  set_font(cr, 13);
  ty += 2;
  for (const auto& s : text.subtitle) {
    draw_text(cr, kMargin, ty + 16, s, kMuted);
    ty += 18;
  }
  set_font(cr, 15, true);
  for (const auto& s : text.note) {
    draw_text(cr, kMargin, ty + 18, s, kNote);
    ty += 21;
  }
}

// Where the map sits on the page, in page pixels.
struct MapBox {
  double x, y;
  int w, h;
};

// Paints the raster as an image filling the map box, its cells kept crisp.
void paint_raster(cairo_t* cr, const Raster& raster, const legend::Legend& lg, Scale sc,
                  const MapBox& box, const std::string& subject) {
  SurfacePtr img = render_raster(raster, lg, sc, box.w, box.h, subject);
  cairo_set_source_surface(cr, img.get(), box.x, box.y);
  cairo_pattern_set_filter(cairo_get_source(cr), CAIRO_FILTER_NEAREST);
  cairo_paint(cr);
}

// Outside the study area the layer is only context: wash it out.
void wash_out_surroundings(cairo_t* cr, const Shapes& study) {
  cairo_push_group(cr);
  cairo_set_source_rgba(cr, 1, 1, 1, 0.6);
  cairo_paint(cr);
  cairo_set_operator(cr, CAIRO_OPERATOR_CLEAR);
  fill_areas(cr, study);
  cairo_pop_group_to_source(cr);
  cairo_paint(cr);
}

// The largest places by name, so a reader finds their way.
void draw_place_names(cairo_t* cr, const Store& store, int count, const Transform& xf,
                      const MapBox& box) {
  draw_labels(cr,
              place_labels(store, static_cast<std::size_t>(std::max(0, count)), store.study_mask()),
              [&](const MapLabel& l) {
                const Pt p = xf(l.x, l.y);
                return std::pair{p.x, p.y};
              },
              Box{box.x, box.y, box.x + box.w, box.y + box.h}, 13, {});
}

// Map: study area fill, raster, dimmed surroundings, lines, names, dots, frame.
void draw_map(cairo_t* cr, const Store& store, const MapJob& job, const legend::Legend& lg,
              Scale sc, const Transform& xf, const MapBox& box, const MapVectors& v,
              const QuicklookOptions& options) {
  const Raster& raster = *job.raster;
  cairo_save(cr);
  cairo_rectangle(cr, box.x, box.y, box.w, box.h);
  cairo_clip(cr);
  if (v.study) {
    set_colour(cr, kStudyFill);
    fill_areas(cr, *v.study);
  }
  if (!lg.points) paint_raster(cr, raster, lg, sc, box, job.subject);
  if (v.study && !v.study->shapes.empty()) wash_out_surroundings(cr, *v.study);
  if (v.own_lines) stroke_lines(cr, *v.own_lines, hex(0xffffff), 0.9, lg.zones ? 0.6 : 1.0);
  if (v.border_lines) stroke_lines(cr, *v.border_lines, kBorder, 0.8, 0.8);
  if (v.study) stroke_lines(cr, *v.study, kStudyLine, 1.0, 1.4);
  draw_place_names(cr, store, options.place_labels, xf, box);
  const double cell_px = sc.value();
  for (const Pt& pt : v.sources) draw_marker(cr, pt.x, pt.y, 2.5, hex(0xffffff));
  if (lg.points) draw_dots(cr, raster, lg, box.x, box.y, cell_px);
  cairo_restore(cr);
  cairo_rectangle(cr, box.x + 0.5, box.y + 0.5, box.w - 1, box.h - 1);
  cairo_set_line_width(cr, 1);
  set_colour(cr, hex(0x909090));
  cairo_stroke(cr);
}

// Draws the footer: the attribution lines below the map and legend panel.
void draw_footer(cairo_t* cr, const std::vector<std::string>& attribution, double body_bottom) {
  set_font(cr, 11);
  double fy = body_bottom + 16;
  for (const auto& s : attribution) {
    draw_text(cr, kMargin, fy + 11, s, kMuted);
    fy += 14;
  }
}

// Checks the drawing and writes the surface to `png` atomically.
void write_png(cairo_t* cr, cairo_surface_t* surface, const std::filesystem::path& png,
               const std::string& subject) {
  check(cairo_status(cr), subject, "drawing");
  cairo_surface_flush(surface);
  AtomicOutput out(png);
  cairo_status_t st = cairo_surface_write_to_png(surface, out.temp_path().c_str());
  if (st != CAIRO_STATUS_SUCCESS)
    fail("cannot write '{}': cairo: {}", png.string(), cairo_status_to_string(st));
  out.commit();
}

// Draws the page (header, map, legend panel, attribution) and writes it to `png` atomically.
void render_map(const Store& store, const MapJob& job, const LayerRecord* borders,
                const std::filesystem::path& png, const QuicklookOptions& options) {
  const std::string& subject = job.subject;
  const Grid& grid = store.grid();
  const Scale sc = scale_for(grid, options.max_size);
  const int map_w = sc.pixels(grid.cols), map_h = sc.pixels(grid.rows);

  // Measure the header and footer with a scratch context.
  const double page_w = kMargin + map_w + kGap + kPanelW + kMargin;
  SurfacePtr scratch(cairo_image_surface_create(CAIRO_FORMAT_ARGB32, 1, 1));
  CairoPtr mcr(cairo_create(scratch.get()));
  check(cairo_status(mcr.get()), subject, "text measurement");
  const PageText text = wrap_texts(mcr.get(), job, options, page_w - 2 * kMargin);

  // The map below the header, and its vectors in page pixels.
  const MapBox box{kMargin, std::round(kMargin + text.header_height()), map_w, map_h};
  const Transform xf{&grid, box.x, box.y, sc.value()};
  const MapVectors v = read_vectors(store, job, borders, xf);

  const PageLegend pl =
      job.legend(v.study ? inside_cells(*v.study, grid, sc, subject) : std::vector<std::uint8_t>{});
  const Page page = page_for(pl, v, job, borders, grid, sc);

  // Measure the legend panel; the page ends below the taller of map and panel.
  const double panel_x = kMargin + map_w + kGap, panel_y = box.y;
  const double panel_bottom = draw_panel(mcr.get(), page, panel_x, panel_y);
  check(cairo_status(mcr.get()), subject, "legend");
  const double body_bottom = std::max(box.y + map_h, panel_bottom);
  const double page_h =
      body_bottom + 16 + 14.0 * static_cast<double>(text.attribution.size()) + kMargin;
  const int W = static_cast<int>(std::ceil(page_w)), H = static_cast<int>(std::ceil(page_h));

  SurfacePtr surface(cairo_image_surface_create(CAIRO_FORMAT_ARGB32, W, H));
  check(cairo_surface_status(surface.get()), subject, fmt::format("{} x {} px page", W, H).c_str());
  CairoPtr cr_owner(cairo_create(surface.get()));
  cairo_t* cr = cr_owner.get();
  check(cairo_status(cr), subject, "drawing context");

  cairo_set_source_rgb(cr, 1, 1, 1);
  cairo_paint(cr);
  draw_header(cr, text);
  draw_map(cr, store, job, pl.lg, sc, xf, box, v, options);
  draw_panel(cr, page, panel_x, panel_y);
  draw_footer(cr, text.attribution, body_bottom);
  write_png(cr, surface.get(), png, subject);
  if (options.layout) {
    *options.layout = {W,     H,         static_cast<int>(box.x), static_cast<int>(box.y), map_w,
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
  if (!L.estimate.empty())
    job.subtitle += (L.estimate.rfind("schatting", 0) == 0 ? " · " : " · schatting: ") + L.estimate;
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
