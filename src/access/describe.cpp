// The store records of what `casco access` computes: title, unit, group and description.
#include "model/describe.hpp"

#include <fmt/format.h>

#include <cmath>

#include "access/access.hpp"

namespace casco::access {
namespace {

LayerRecord base(const AccessConfig& cfg, const AccessResult& r) {
  LayerRecord rec;
  rec.group = cfg.group;
  rec.derivation = "access";
  rec.description = r.method;
  rec.source = cfg.file.filename().string();
  if (r.estimate) rec.estimate = r.method;
  return rec;
}

std::string kind_title(const AccessConfig& cfg, const std::string& kind) {
  for (const auto& f : cfg.facilities)
    if (f.kind == kind) return f.kind;
  return kind;
}

}  // namespace

LayerRecord travel_time_record(const AccessConfig& cfg, const AccessResult& r,
                               const AccessLayer& layer) {
  LayerRecord rec = base(cfg, r);
  rec.id = layer_id(layer.kind, layer.mode);
  rec.title =
      fmt::format("Reistijd naar {} ({})", kind_title(cfg, layer.kind), cfg.mode_title(layer.mode));
  rec.unit = "minuten";
  LayerDescription& d = rec.describe;
  d.role = role::kTravelTime;
  d.params = {
      {"kind", layer.kind}, {"mode", layer.mode}, {"mode_title", cfg.mode_title(layer.mode)}};
  d.decimals = 0;
  d.style.ramp = "viridis";
  d.style.lo = 0;
  d.style.robust = true;  // a few far corners must not wash out the rest
  return rec;
}

LayerRecord norm_record(const AccessConfig& cfg, const AccessResult& r, const NormTable& n) {
  LayerRecord rec = base(cfg, r);
  rec.id = "norm_" + n.norm->id;
  rec.title = n.norm->title;
  rec.unit = "";
  LayerDescription& d = rec.describe;
  d.role = role::kNorm;
  d.params = {{"norm", n.norm->id},
              {"kind", n.norm->kind},
              {"max_minutes", fmt::format("{:g}", n.norm->max_minutes)}};
  d.style.kind = LayerStyle::Kind::Classes;
  d.style.classes = {{1, "haalt de norm", "#1a9641"}, {0, "haalt de norm niet", "#d7191c"}};
  return rec;
}

LayerRecord what_if_record(const AccessConfig& cfg, const AccessResult& r, const NormTable& n,
                           const std::vector<std::string>& closed) {
  LayerRecord rec = norm_record(cfg, r, n);
  rec.id = "wat_als_" + n.norm->id;
  std::string what;
  for (std::size_t i = 0; i < closed.size(); ++i)
    what += (i == 0 ? "" : i + 1 == closed.size() ? " en " : ", ") + closed[i];
  rec.title = fmt::format("{}: wat als {} {}?", n.norm->title, what,
                          closed.size() == 1 ? "sluit" : "sluiten");
  rec.describe.style.classes = {{2, "valt onder de norm", "#d7191c"},
                                {1, "haalt de norm nog", "#1a9641"},
                                {0, "haalde de norm al niet", "#fdae61"}};
  rec.describe.params["closed"] = what;
  return rec;
}

Raster what_if_change(const NormTable& before, const NormTable& after) {
  Raster change(before.meets.grid, kNoData);
  for (std::size_t k = 0; k < change.values.size(); ++k) {
    float b = before.meets.values[k], a = after.meets.values[k];
    if (!std::isnan(b) && !std::isnan(a))
      change.values[k] = b == 1 && a == 0 ? 2.0f : a == 1 ? 1.0f : 0.0f;
  }
  return change;
}

}  // namespace casco::access
