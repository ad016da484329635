#include "render/places.hpp"

#include <cairo.h>

#include <algorithm>
#include <cmath>

#include "render/draw.hpp"

namespace casco {

const LayerRecord* kernen_layer(const Store& store) {
  for (const auto& L : store.manifest().layers)
    if (L.describe.role == role::kKernen) return &L;
  return nullptr;
}

std::vector<std::pair<int, int>> label_cells(const Raster& zones,
                                             const std::vector<ZoneRecord>& recs,
                                             const std::vector<ZoneStats>& centres) {
  int max_zone = 0;
  for (const auto& r : recs) max_zone = std::max(max_zone, r.zone);
  std::vector<std::size_t> index(std::size_t(max_zone) + 1, recs.size());
  for (std::size_t i = 0; i < recs.size(); ++i) index[std::size_t(std::max(0, recs[i].zone))] = i;
  std::vector<std::pair<int, int>> best(recs.size(), {-1, -1});
  std::vector<double> dist(recs.size(), INFINITY);
  const Grid& g = zones.grid;
  for (int row = 0; row < g.rows; ++row)
    for (int col = 0; col < g.cols; ++col) {
      const float z = zones.at(row, col);
      if (!(z >= 1) || z > static_cast<float>(max_zone)) continue;
      const std::size_t k = index[static_cast<std::size_t>(z)];
      if (k >= recs.size() || k >= centres.size() || !std::isfinite(centres[k].centre_col))
        continue;
      const double d = std::hypot(col - centres[k].centre_col, row - centres[k].centre_row);
      if (d < dist[k]) dist[k] = d, best[k] = {col, row};
    }
  return best;
}

std::vector<MapLabel> place_labels(const Store& store, std::size_t max,
                                   const std::vector<std::uint8_t>& inside) {
  const LayerRecord* K = kernen_layer(store);
  if (!K || max == 0) return {};
  Raster kern = store.read(K->id);
  if (!inside.empty() && inside.size() == kern.values.size())
    for (std::size_t i = 0; i < kern.values.size(); ++i)
      if (!inside[i]) kern.values[i] = kNoData;
  const std::vector<ZoneRecord>& recs = store.zones(K->id);
  const std::vector<ZoneStats> cells = zonal_stats(Raster(kern.grid, 1.0f), kern, recs);
  std::vector<ZoneStats> weight = cells;
  const std::string pop = K->describe.param("population");
  if (!pop.empty() && store.find(pop)) {
    weight = zonal_stats(store.read(pop), kern, recs);
    for (std::size_t k = 0; k < weight.size(); ++k)
      if (!std::isfinite(weight[k].centre_col)) {  // nobody lives there: the middle of its cells
        weight[k].centre_col = cells[k].centre_col;
        weight[k].centre_row = cells[k].centre_row;
      }
  }
  const auto spots = label_cells(kern, recs, weight);
  std::vector<MapLabel> out;
  for (std::size_t k = 0; k < recs.size(); ++k) {
    if (spots[k].first < 0 || cells[k].cells == 0) continue;
    const double people = weight[k].sum;
    out.push_back({kern.grid.cx(spots[k].first), kern.grid.cy(spots[k].second),
                   recs[k].name.empty() ? recs[k].code : recs[k].name,
                   std::isfinite(people) ? people : 0});
  }
  std::stable_sort(out.begin(), out.end(),
                   [](const MapLabel& a, const MapLabel& b) { return a.people > b.people; });
  if (out.size() > max) out.resize(max);
  return out;
}

namespace draw {

// Text with a white halo, so it reads on any colour.
void halo_text(cairo_t* cr, double x, double y, const std::string& text, Rgb ink) {
  cairo_move_to(cr, x, y);
  cairo_text_path(cr, text.c_str());
  set_colour(cr, Rgb{1, 1, 1}, 0.9);
  cairo_set_line_width(cr, 3.2);
  cairo_set_line_join(cr, CAIRO_LINE_JOIN_ROUND);
  cairo_stroke_preserve(cr);
  set_colour(cr, ink);
  cairo_fill(cr);
}

void draw_labels(cairo_t* cr, const std::vector<MapLabel>& labels,
                 const std::function<std::pair<double, double>(const MapLabel&)>& at, Box area,
                 double font, std::vector<Box> taken) {
  const Rgb ink = hex(0x111111);
  set_font(cr, font);
  for (const MapLabel& l : labels) {
    const auto [x, y] = at(l);
    if (x < area[0] || y < area[1] || x > area[2] || y > area[3]) continue;
    cairo_text_extents_t te;
    cairo_text_extents(cr, l.text.c_str(), &te);
    const double r = std::max(2.5, font * 0.22), tx = x + r + 3, ty = y + font * 0.35;
    const Box box{x - r - 2, ty - font - 1, tx + te.x_advance + 3, ty + font * 0.3 + 1};
    if (box[2] > area[2] - 2 || box[1] < area[1] + 2 || box[3] > area[3] - 2) continue;
    if (std::any_of(taken.begin(), taken.end(), [&](const Box& b) { return overlaps(b, box); }))
      continue;
    taken.push_back(box);
    cairo_new_path(cr);
    cairo_arc(cr, x, y, r, 0, 2 * M_PI);
    set_colour(cr, Rgb{1, 1, 1});
    cairo_fill_preserve(cr);
    set_colour(cr, ink);
    cairo_set_line_width(cr, 1.2);
    cairo_stroke(cr);
    halo_text(cr, tx, ty, l.text, ink);
  }
}

}  // namespace draw
}  // namespace casco
