// Accessibility figures: the inhabitants meeting each norm, the mean travel time of an
// inhabitant per facility and mode, and who falls below a norm when a facility closes (what-if).
// Layers are found by their roles: norm (a what-if carries the parameter `closed`), travel_time.
#include <algorithm>
#include <cmath>
#include <cstdlib>

#include "report/figures_context.hpp"

namespace casco::report {
namespace {

// 1 where the cell's value equals `v` and people live, 0 where other values, NaN elsewhere.
Raster indicator(const Raster& r, float v) {
  Raster out(r.grid, Raster::Uninitialized{});
  for (std::size_t i = 0; i < r.values.size(); ++i)
    out.values[i] = std::isnan(r.values[i]) ? kNoData : (r.values[i] == v ? 1.0f : 0.0f);
  return out;
}

double to_number(const std::string& s) {
  char* end = nullptr;
  const double v = std::strtod(s.c_str(), &end);
  return end && end != s.c_str() ? v : kNaN;
}

LayerRecord missed_record(const std::vector<std::string>& labels) {
  static const char* colours[4] = {"#1a9641", "#fdae61", "#f46d43", "#d7191c"};
  LayerRecord rec;
  rec.id = "normen-gemist";
  rec.describe.role = role::kMeasure;
  rec.describe.style.kind = LayerStyle::Kind::Classes;
  for (std::size_t c = 0; c < 4; ++c)
    rec.describe.style.classes.push_back(
        {static_cast<double>(c), c < labels.size() ? labels[c] : std::to_string(c), colours[c]});
  return rec;
}

}  // namespace

std::optional<AccessFigures> access_figures(const Context& c) {
  const Raster* pop = c.population();
  if (!pop) return std::nullopt;
  const Store& s = c.store();
  AccessFigures f;
  Raster missed(c.grid(), kNoData);  // norms missed per inhabited cell (3: three or more)
  for (const auto& L : s.manifest().layers) {
    const std::string& r = L.describe.role;
    if (r != role::kNorm && r != role::kTravelTime) continue;
    if (f.estimate.empty()) f.estimate = L.estimate;
    const Raster values = s.read(L.id);
    if (r == role::kTravelTime) {
      TravelFigures t{L.id,
                      L.describe.param("kind"),
                      L.describe.param("mode"),
                      L.describe.param("mode_title"),
                      {}};
      for (const auto& w : c.by_people(values)) t.minutes.push_back(w.mean());
      f.times.push_back(std::move(t));
    } else if (!L.describe.param("closed").empty()) {
      WhatIfFigures w{L.id, L.describe.param("norm"), L.describe.param("closed"), {}};
      for (const auto& z : c.by_people(indicator(values, 2.0f)))
        w.newly_below.push_back(z.weighted_sum);
      f.what_if.push_back(std::move(w));
      c.draw("wat-als-" + L.id, L, values);
    } else {
      NormFigures n{L.id,
                    L.describe.param("norm"),
                    L.describe.param("kind"),
                    to_number(L.describe.param("max_minutes")),
                    {},
                    {}};
      for (const auto& z : c.by_people(values)) {
        n.people.push_back(z.weight);
        n.met.push_back(z.weighted_sum);
      }
      for (std::size_t i = 0; i < values.values.size(); ++i) {
        const float v = values.values[i];
        if (std::isnan(v) || !(pop->values[i] > 0) || std::isnan(c.zones().values[i])) continue;
        float& m = missed.values[i];
        m = std::min(3.0f, (std::isnan(m) ? 0.0f : m) + (v >= 0.5f ? 0.0f : 1.0f));
      }
      f.norms.push_back(std::move(n));
    }
  }
  if (f.norms.empty() && f.times.empty()) return std::nullopt;
  for (const auto& z : c.by_people(indicator(missed, 0.0f))) f.all_met.push_back(z.weighted_sum);
  if (!f.norms.empty()) {
    f.map = "normen-gemist";
    c.draw(f.map, missed_record(c.inputs().norms_missed_labels), missed);
  }
  return f;
}

}  // namespace casco::report
