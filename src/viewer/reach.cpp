#include "viewer/reach.hpp"

#include <gdal_alg.h>
#include <gdal_priv.h>
#include <ogrsf_frmts.h>

#include <algorithm>
#include <cmath>
#include <nlohmann/json.hpp>

#include "core/dutch.hpp"
#include "core/error.hpp"
#include "viewer/geojson.hpp"

namespace casco::viewer {
namespace {

using json = nlohmann::json;

// At most this many cells across the window: fine enough for bands of minutes, quick to polygonize.
constexpr double kMaxWindowCells = 600;
// How far a network search may reach, whatever the minutes and mode (m).
constexpr double kMaxRadius = 80000;

Grid window_around(double x, double y, double radius, double store_cell, const Grid& like) {
  Grid w = like;
  w.cell = std::max(store_cell, 2 * radius / kMaxWindowCells);
  const int half = static_cast<int>(std::ceil(radius / w.cell)) + 1;
  w.cols = w.rows = 2 * half;
  w.x0 = x - half * w.cell;
  w.y0 = y + half * w.cell;
  return w;
}

std::string band_label(double from, double to) {
  return from <= 0 ? fmt::format("tot {} min", dutch_number(to))
                   : fmt::format("{}–{} min", dutch_number(from), dutch_number(to));
}

}  // namespace

Reach::Reach(access::AccessConfig config, std::string crs, double store_cell)
    : config_(std::move(config)), crs_(std::move(crs)), cell_(store_cell) {}

std::vector<const access::ModeSettings*> Reach::modes() const {
  std::vector<const access::ModeSettings*> out;
  for (const auto& m : config_.modes)
    if (m.id != "pt") out.push_back(&m);
  return out;
}

const access::Graph& Reach::graph(access::Mode m) {
  std::lock_guard lock(graph_mutex_);
  auto& g = graphs_[m];
  if (!g) {
    const access::Profile profile = config_.profile.empty()
                                        ? access::Profile::defaults()
                                        : access::Profile::load(config_.profile);
    g = std::make_unique<access::Graph>(access::build_graph(config_.network, m, profile, crs_));
  }
  return *g;
}

ReachMinutes Reach::minutes_from(double x, double y, const std::string& mode, double max_minutes) {
  ReachMinutes r;
  for (const auto* m : modes())
    if (m->id == mode) r.mode = m;
  if (!r.mode) fail("unknown mode '{}'", mode);
  r.max_minutes = max_minutes;
  r.estimate = estimate();
  const access::ModeSettings& m = *r.mode;
  const double m_per_min = m.speed_kmh * 1000 / 60;
  Grid like;
  like.crs = crs_;
  if (r.estimate) {
    r.method = fmt::format(
        "hemelsbreed: de afstand in rechte lijn \u00d7 {} (omrijden) bij {} km/u{}; er is geen "
        "wegennet in het model",
        dutch_number(m.detour, 2, true), dutch_number(m.speed_kmh, 1, true),
        m.extra_minutes > 0 ? fmt::format(", plus {} min", dutch_number(m.extra_minutes, 1, true))
                            : "");
    const double radius = std::max(0.0, max_minutes - m.extra_minutes) * m_per_min / m.detour;
    const Grid w = window_around(x, y, std::max(radius, cell_), cell_, like);
    r.minutes = Raster(w, kNoData);
    for (int row = 0; row < w.rows; ++row)
      for (int col = 0; col < w.cols; ++col) {
        const double t =
            std::hypot(w.cx(col) - x, w.cy(row) - y) * m.detour / m_per_min + m.extra_minutes;
        if (t <= max_minutes) r.minutes.at(row, col) = static_cast<float>(t);
      }
    return r;
  }
  r.method = fmt::format("over het wegennet ({}, OpenStreetMap), snelheden per wegtype{}",
                         config_.network.filename().string(),
                         m.extra_minutes > 0
                             ? fmt::format(", plus {} min", dutch_number(m.extra_minutes, 1, true))
                             : "");
  const access::Graph& g = graph(access::parse_mode(m.id));
  const double m_per_s = m.speed_kmh / 3.6;
  const auto start = access::snap(g, {x}, {y}).front();
  const float budget = static_cast<float>((max_minutes - m.extra_minutes) * 60);
  const auto seconds = access::multi_source(
      g, {{start.node, static_cast<float>(start.distance_m / m_per_s)}}, budget);
  // The window holds every node reached in time.
  double radius = cell_;
  for (std::size_t v = 0; v < g.nodes(); ++v)
    if (seconds[v] <= budget) radius = std::max(radius, std::hypot(g.x[v] - x, g.y[v] - y));
  const Grid w = window_around(x, y, std::min(radius, kMaxRadius), cell_, like);
  std::vector<double> xs, ys;
  xs.reserve(w.size()), ys.reserve(w.size());
  for (int row = 0; row < w.rows; ++row)
    for (int col = 0; col < w.cols; ++col) xs.push_back(w.cx(col)), ys.push_back(w.cy(row));
  const auto snapped = access::snap(g, xs, ys);
  r.minutes = Raster(w, kNoData);
  for (std::size_t i = 0; i < snapped.size(); ++i) {
    // As `casco access`: the time at the nearest node plus the way there at the mode's speed.
    const float s = seconds[snapped[i].node];
    if (!std::isfinite(s)) continue;
    const double t = (s + snapped[i].distance_m / m_per_s) / 60 + m.extra_minutes;
    if (t <= max_minutes) r.minutes.values[i] = static_cast<float>(t);
  }
  return r;
}

std::vector<double> reach_steps(double max_minutes) {
  std::vector<double> steps;
  for (double s = 5; s < max_minutes - 1e-9; s += s < 20 ? 5 : 10) steps.push_back(s);
  steps.push_back(max_minutes);
  return steps;
}

std::string reach_geojson(const ReachMinutes& r, const std::vector<double>& steps,
                          const OGRSpatialReference& store_srs,
                          OGRCoordinateTransformation& to_wgs84) {
  const Grid& w = r.minutes.grid;
  // Band number per cell (1 = quickest, 0 = beyond), polygonized by GDAL.
  std::vector<std::uint8_t> band(w.size(), 0);
  for (std::size_t i = 0; i < band.size(); ++i) {
    const float t = r.minutes.values[i];
    if (std::isnan(t)) continue;
    const auto it = std::lower_bound(steps.begin(), steps.end(), static_cast<double>(t));
    if (it != steps.end()) band[i] = static_cast<std::uint8_t>(it - steps.begin() + 1);
  }
  GDALDriver* mem = GetGDALDriverManager()->GetDriverByName("MEM");
  GDALDatasetUniquePtr ds(mem->Create("", w.cols, w.rows, 1, GDT_Byte, nullptr));
  auto gt = w.geotransform();
  ds->SetGeoTransform(gt.data());
  GDALRasterBand* b = ds->GetRasterBand(1);
  if (b->RasterIO(GF_Write, 0, 0, w.cols, w.rows, band.data(), w.cols, w.rows, GDT_Byte, 0, 0) !=
      CE_None)
    fail("cannot map the travel times: {}", CPLGetLastErrorMsg());
  GDALDriver* memv = GetGDALDriverManager()->GetDriverByName("Memory");
  GDALDatasetUniquePtr vds(memv->Create("", 0, 0, 0, GDT_Unknown, nullptr));
  OGRLayer* layer =
      vds->CreateLayer("bands", const_cast<OGRSpatialReference*>(&store_srs), wkbPolygon, nullptr);
  OGRFieldDefn fd("band", OFTInteger);
  layer->CreateField(&fd);
  if (GDALPolygonize(b, b, layer, 0, nullptr, nullptr, nullptr) != CE_None)
    fail("cannot map the travel times: {}", CPLGetLastErrorMsg());
  std::vector<OGRMultiPolygon> parts(steps.size());
  for (auto& f : *layer) {
    const int k = f->GetFieldAsInteger(0);
    if (k >= 1 && static_cast<std::size_t>(k) <= steps.size() && f->GetGeometryRef())
      parts[static_cast<std::size_t>(k - 1)].addGeometry(f->GetGeometryRef());
  }
  json features = json::array();
  for (std::size_t k = steps.size(); k-- > 0;) {
    if (parts[k].IsEmpty()) continue;
    const double from = k == 0 ? 0 : steps[k - 1], to = steps[k];
    json geometry = geometry_json(parts[k], to_wgs84, w.cell / 2, 6);
    if (geometry.is_null()) continue;
    features.push_back(
        {{"type", "Feature"},
         {"properties", {{"from", from}, {"to", to}, {"label", band_label(from, to)}}},
         {"geometry", geometry}});
  }
  const access::ModeSettings& m = *r.mode;
  json out = {{"type", "FeatureCollection"},
              {"mode", m.id},
              {"mode_title", m.title},
              {"estimate", r.estimate},
              {"method", r.method},
              {"max_minutes", r.max_minutes},
              {"steps", steps},
              {"features", features}};
  return out.dump(-1, ' ', false, json::error_handler_t::replace);
}

}  // namespace casco::viewer
