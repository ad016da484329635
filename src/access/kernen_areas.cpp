// Kern areas on the grid: each place grows over the connected kern cells around its point;
// neighbouring places split a built-up cluster by the distance along it.
#include <cmath>
#include <cstdint>
#include <limits>
#include <map>
#include <queue>
#include <set>
#include <vector>

#include "access/kernen.hpp"
#include "model/rasterize.hpp"

namespace casco::access {
namespace {

// The kern cell nearest to (x, y) within `radius` metres, or -1.
int64_t nearest_cell(const Grid& g, const std::vector<uint8_t>& mask, double x, double y,
                     double radius) {
  const int reach = static_cast<int>(std::ceil(radius / g.cell)) + 1;
  const int pc = g.col_of(x), pr = g.row_of(y);
  int64_t best = -1;
  double best_d = radius * radius;
  for (int r = std::max(0, pr - reach); r <= std::min(g.rows - 1, pr + reach); ++r)
    for (int c = std::max(0, pc - reach); c <= std::min(g.cols - 1, pc + reach); ++c) {
      std::size_t i = static_cast<std::size_t>(r) * g.cols + c;
      if (!mask[i]) continue;
      double dx = g.cx(c) - x, dy = g.cy(r) - y, d = dx * dx + dy * dy;
      if (d <= best_d && (best < 0 || d < best_d)) {
        best_d = d;
        best = static_cast<int64_t>(i);
      }
    }
  return best;
}

}  // namespace

KernAreas delineate_kernen(const Grid& g, const std::vector<uint8_t>& mask,
                           const std::vector<double>& x, const std::vector<double>& y,
                           const std::vector<double>& speed, double search_m,
                           double hamlet_radius_m, double gap_m,
                           const std::vector<int32_t>& part_of) {
  const std::size_t n = g.size(), places = x.size();
  // Growth runs over the kern cells and over gaps of at most gap_m between them (a road, a
  // park), so one town's pieces stay one kern; only kern cells end up in an area.
  std::vector<uint8_t> walk = mask;
  if (gap_m > 0) {
    Raster d = distance(g, mask);
    for (std::size_t i = 0; i < n; ++i) walk[i] = mask[i] || d.values[i] <= gap_m;
  }
  KernAreas out;
  out.label.assign(n, -1);
  out.inside.assign(places, -1);
  out.hamlet.assign(places, 0);

  // Crystal growth over the kern cells: every place grows from its start cell at its own speed
  // through its own cells (8 neighbours, steps of 1 and √2 cells); a cell goes to the place that
  // reaches it first. A multi-source Dijkstra whose step cost depends on the growing place.
  using Item = std::pair<double, std::size_t>;
  std::priority_queue<Item, std::vector<Item>, std::greater<>> queue;
  std::vector<double> dist(n, std::numeric_limits<double>::infinity());
  std::vector<int64_t> start(places, -1);
  for (std::size_t p = 0; p < places; ++p) {
    if (!part_of.empty() && part_of[p] >= 0) {  // known to be part of another place
      out.inside[p] = part_of[p];
      start[p] = -2;
      continue;
    }
    int64_t c = nearest_cell(g, mask, x[p], y[p], search_m);
    start[p] = c;
    if (c < 0) continue;
    auto i = static_cast<std::size_t>(c);
    if (out.label[i] >= 0) {  // an earlier place starts here: this one lies inside it
      out.inside[p] = out.label[i];
      continue;
    }
    out.label[i] = static_cast<int32_t>(p);
    dist[i] = 0;
    queue.push({0.0, i});
  }
  constexpr int dc[8] = {-1, 0, 1, -1, 1, -1, 0, 1};
  constexpr int dr[8] = {-1, -1, -1, 0, 0, 1, 1, 1};
  const double diag = std::sqrt(2.0);
  while (!queue.empty()) {
    auto [d, i] = queue.top();
    queue.pop();
    if (d > dist[i]) continue;
    const int r = static_cast<int>(i / g.cols), c = static_cast<int>(i % g.cols);
    for (int k = 0; k < 8; ++k) {
      int nr = r + dr[k], nc = c + dc[k];
      if (nr < 0 || nc < 0 || nr >= g.rows || nc >= g.cols) continue;
      std::size_t j = static_cast<std::size_t>(nr) * g.cols + nc;
      if (!walk[j]) continue;
      double nd = d + (dc[k] != 0 && dr[k] != 0 ? diag : 1.0) /
                          speed[static_cast<std::size_t>(out.label[i])];
      if (nd < dist[j] || (nd == dist[j] && out.label[i] < out.label[j])) {
        dist[j] = nd;
        out.label[j] = out.label[i];
        queue.push({nd, j});
      }
    }
  }
  for (std::size_t i = 0; i < n; ++i) {
    if (!mask[i]) out.label[i] = -1;  // a gap belongs to no kern
    out.unnamed_cells += mask[i] && out.label[i] < 0;
  }

  // Places without kern cells near them: a small disc of cells nobody has.
  for (std::size_t p = 0; p < places; ++p) {
    if (start[p] != -1) continue;
    out.hamlet[p] = 1;
    const int reach = static_cast<int>(std::ceil(hamlet_radius_m / g.cell));
    const int pc = g.col_of(x[p]), pr = g.row_of(y[p]);
    for (int r = std::max(0, pr - reach); r <= std::min(g.rows - 1, pr + reach); ++r)
      for (int c = std::max(0, pc - reach); c <= std::min(g.cols - 1, pc + reach); ++c) {
        std::size_t i = static_cast<std::size_t>(r) * g.cols + c;
        double dx = g.cx(c) - x[p], dy = g.cy(r) - y[p];
        bool own_cell = r == pr && c == pc;
        if (out.label[i] < 0 &&
            (own_cell || dx * dx + dy * dy <= hamlet_radius_m * hamlet_radius_m))
          out.label[i] = static_cast<int32_t>(p);
      }
  }
  return out;
}

KernAreas delineate_with_outlines(const Grid& g, const std::vector<int32_t>& outline,
                                  const std::vector<uint8_t>& mask, const std::vector<double>& x,
                                  const std::vector<double>& y, const std::vector<double>& speed,
                                  double search_m, double hamlet_radius_m, double gap_m,
                                  const std::vector<int32_t>& part_of) {
  const std::size_t n = g.size(), places = x.size();
  std::vector<uint8_t> in_outline(n);
  for (std::size_t i = 0; i < n; ++i) in_outline[i] = outline[i] > 0;

  // Each outline goes to the first place (the largest) that lies in it, or within
  // hamlet_radius_m of it; a later place there lies inside that one.
  std::map<int32_t, int32_t> owner;  // outline → place
  std::vector<int32_t> inside(places, -1);
  std::vector<uint8_t> placed(places, 0);
  for (std::size_t p = 0; p < places; ++p) {
    if (!part_of.empty() && part_of[p] >= 0) continue;
    int64_t c = nearest_cell(g, in_outline, x[p], y[p], hamlet_radius_m);
    if (c < 0) continue;
    placed[p] = 1;
    auto [it, first] = owner.emplace(outline[static_cast<std::size_t>(c)], static_cast<int32_t>(p));
    if (!first) inside[p] = it->second;
  }

  // The other places grow over the kern cells outside every outline, as without outlines.
  std::vector<std::size_t> rest;
  for (std::size_t p = 0; p < places; ++p)
    if (!placed[p]) rest.push_back(p);
  std::vector<uint8_t> free_cells(n);
  for (std::size_t i = 0; i < n; ++i) free_cells[i] = mask[i] && !in_outline[i];
  std::vector<double> rx, ry, rs;
  std::vector<int32_t> rpart;
  std::vector<int32_t> index_of(places, -1);
  for (std::size_t k = 0; k < rest.size(); ++k) index_of[rest[k]] = static_cast<int32_t>(k);
  for (std::size_t p : rest) {
    rx.push_back(x[p]);
    ry.push_back(y[p]);
    rs.push_back(speed[p]);
    // part_of points at an index among all places; a place in an outline keeps its own index
    // through `inside` below, so it is passed on as "part of some place" (-2 → no growth).
    int32_t of = part_of.empty() ? -1 : part_of[p];
    rpart.push_back(of < 0 ? -1
                           : (index_of[static_cast<std::size_t>(of)] >= 0
                                  ? index_of[static_cast<std::size_t>(of)]
                                  : std::numeric_limits<int32_t>::max()));
  }
  KernAreas grown =
      delineate_kernen(g, free_cells, rx, ry, rs, search_m, hamlet_radius_m, gap_m, rpart);

  KernAreas out;
  out.label.assign(n, -1);
  out.inside = inside;
  out.hamlet.assign(places, 0);
  for (std::size_t k = 0; k < rest.size(); ++k) {
    const std::size_t p = rest[k];
    out.hamlet[p] = grown.hamlet[k];
    int32_t in = grown.inside[k];
    if (in == std::numeric_limits<int32_t>::max())
      out.inside[p] = part_of[p];
    else if (in >= 0)
      out.inside[p] = static_cast<int32_t>(rest[static_cast<std::size_t>(in)]);
  }
  for (std::size_t i = 0; i < n; ++i) {
    if (in_outline[i]) {
      auto it = owner.find(outline[i]);
      if (it != owner.end())
        out.label[i] = it->second;
      else
        ++out.unnamed_cells;
    } else if (grown.label[i] >= 0) {
      out.label[i] = static_cast<int32_t>(rest[static_cast<std::size_t>(grown.label[i])]);
    }
  }
  out.unnamed_cells += grown.unnamed_cells;
  std::set<int32_t> all;
  for (std::size_t i = 0; i < n; ++i)
    if (in_outline[i]) all.insert(outline[i]);
  out.outlines_used = owner.size();
  out.outlines_without_place = all.size() - owner.size();
  return out;
}

}  // namespace casco::access
