#include "model/derive.hpp"

#include <ogrsf_frmts.h>
#include <tbb/blocked_range.h>
#include <tbb/parallel_for.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <map>
#include <set>

#include "condition/expression.hpp"
#include "core/dutch.hpp"
#include "core/error.hpp"
#include "model/dasymetric.hpp"
#include "model/rasterize.hpp"

namespace casco::detail {
namespace {

int field_index(const VectorData& v, const std::string& field, const std::string& layer_id) {
  if (v.features.empty()) return -1;
  const OGRFeatureDefn* defn = v.features.front()->GetDefnRef();
  int i = defn->GetFieldIndex(field.c_str());
  if (i < 0) {
    std::string names;
    for (int k = 0; k < defn->GetFieldCount(); ++k)
      names += (k ? ", " : "") + std::string(defn->GetFieldDefn(k)->GetNameRef());
    fail("layer '{}': {} has no field '{}' (fields: {})", layer_id, v.source_name, field, names);
  }
  return i;
}

// A numeric field per feature; features without a value get `fallback` (and are counted).
std::vector<double> field_values(const VectorData& v, const std::string& field,
                                 const std::string& layer_id, double fallback,
                                 std::size_t* missing) {
  int fi = field_index(v, field, layer_id);
  std::vector<double> out(v.features.size(), fallback);
  std::size_t n = 0;
  for (std::size_t i = 0; i < v.features.size(); ++i) {
    const OGRFeature& f = *v.features[i];
    if (!f.IsFieldSetAndNotNull(fi)) {
      ++n;
      continue;
    }
    out[i] = f.GetFieldAsDouble(fi);
  }
  if (missing) *missing = n;
  return out;
}

std::vector<Shape> shapes_of(const VectorData& v, const Grid& grid) {
  std::vector<Shape> shapes;
  shapes.reserve(v.features.size());
  for (const auto& f : v.features) shapes.push_back(to_pixel_shape(*f->GetGeometryRef(), grid));
  return shapes;
}

// An expression over built layers, evaluated over the whole grid in parallel bands of rows.
Raster evaluate(const ExpressionDef& e, const DeriveContext& ctx) {
  auto expr = condition::Expression::parse(e.text, {e.file, e.line, e.column});
  expr.bind(e.layers, "");
  const Grid& g = ctx.grid;
  std::vector<const Raster*> inputs;
  Raster cell_ha;
  for (const auto& id : e.layers) {
    if (id == kCellAreaVariable) {
      if (cell_ha.values.empty()) cell_ha = Raster(g, static_cast<float>(g.cell_area_ha()));
      inputs.push_back(&cell_ha);
    } else {
      inputs.push_back(&ctx.layer(id));
    }
  }
  Raster out(g, Raster::Uninitialized{});
  const std::size_t cols = static_cast<std::size_t>(g.cols);
  tbb::parallel_for(tbb::blocked_range<int>(0, g.rows, 16), [&](const tbb::blocked_range<int>& r) {
    std::size_t off = static_cast<std::size_t>(r.begin()) * cols;
    std::size_t n = static_cast<std::size_t>(r.end() - r.begin()) * cols;
    std::vector<const float*> ptrs;
    for (const Raster* in : inputs) ptrs.push_back(in->values.data() + off);
    expr.evaluate(ptrs.data(), n, out.values.data() + off);
  });
  return out;
}

// The features that lie within the surroundings of the study area (all when there is no study
// area or no surroundings). Features further out are reported by the caller.
std::vector<std::size_t> within_surroundings(const VectorData& v, const DeriveContext& ctx,
                                             std::size_t* beyond) {
  std::vector<std::size_t> keep;
  *beyond = 0;
  const Grid& g = ctx.grid;
  for (std::size_t i = 0; i < v.features.size(); ++i) {
    const OGRGeometry* geom = v.features[i]->GetGeometryRef();
    OGREnvelope e;
    geom->getEnvelope(&e);
    bool inside_grid = e.MaxX >= g.x0 && e.MinX <= g.x1() && e.MaxY >= g.y1() && e.MinY <= g.y0;
    if (!inside_grid && ctx.surroundings_m <= 0) {
      ++*beyond;
      continue;
    }
    if (!inside_grid && ctx.study_area && geom->Distance(ctx.study_area) > ctx.surroundings_m) {
      ++*beyond;
      continue;
    }
    keep.push_back(i);
  }
  return keep;
}

Raster derive_distance(const LayerDef& L, const VectorData* v, const DeriveContext& ctx,
                       std::string& note) {
  const Grid& g = ctx.grid;
  if (!v) {  // from an expression over other layers
    Raster cond = evaluate(L.expression, ctx);
    std::vector<uint8_t> mask(g.size());
    for (std::size_t i = 0; i < mask.size(); ++i)
      mask[i] = cond.values[i] != 0 && !std::isnan(cond.values[i]);
    return distance(g, mask);
  }
  std::size_t beyond = 0;
  auto keep = within_surroundings(*v, ctx, &beyond);
  OGREnvelope env;
  for (std::size_t i : keep) {
    OGREnvelope e;
    v->features[i]->GetGeometryRef()->getEnvelope(&e);
    env.Merge(e);
  }
  std::size_t outside_grid = 0;
  for (std::size_t i : keep) {
    OGREnvelope e;
    v->features[i]->GetGeometryRef()->getEnvelope(&e);
    outside_grid += !(e.MaxX >= g.x0 && e.MinX <= g.x1() && e.MaxY >= g.y1() && e.MinY <= g.y0);
  }
  if (beyond)
    warn(
        "layer '{}': {} feature(s) of {} lie more than {:.0f} m beyond the study area and are "
        "left out",
        L.id, beyond, v->source_name, ctx.surroundings_m);
  if (outside_grid)
    note = fmt::format("Ook {} plek(ken) tot {} km buiten het studiegebied tellen mee.",
                       outside_grid, dutch_number(ctx.surroundings_m / 1000, 0));
  auto shapes_on = [&](const Grid& on) {
    std::vector<Shape> shapes;
    for (std::size_t i : keep)
      shapes.push_back(to_pixel_shape(*v->features[i]->GetGeometryRef(), on));
    return shapes;
  };
  if (keep.empty()) return Raster(g, kNoData);
  return distance_beyond(g, env.MinX, env.MinY, env.MaxX, env.MaxY, ctx.surroundings_m, shapes_on);
}

Raster derive_attribute(const LayerDef& L, const VectorData& v, const Grid& grid) {
  const bool counting = L.mode == LayerDef::AttributeMode::Count;
  std::size_t nulls = 0;
  std::vector<double> value = counting ? std::vector<double>(v.features.size(), 1.0)
                                       : field_values(v, L.field, L.id, 0.0, &nulls);
  if (nulls)
    warn("layer '{}': {} feature(s) have no value in '{}'; counted as 0", L.id, nulls, L.field);
  auto shapes = shapes_of(v, grid);
  Raster out(grid, 0.0f);
  auto& cells = out.values;
  // Points add their value to the cell they fall in (several points may share a cell).
  std::vector<Shape> areal = shapes;
  for (std::size_t i = 0; i < shapes.size(); ++i) {
    if (shapes[i].type != Shape::Type::Point) continue;
    for (const auto& p : shapes[i].parts) {
      int c = static_cast<int>(std::floor(p[0].x)), r = static_cast<int>(std::floor(p[0].y));
      if (c >= 0 && r >= 0 && c < grid.cols && r < grid.rows)
        cells[static_cast<std::size_t>(r) * grid.cols + c] += static_cast<float>(value[i]);
    }
    areal[i] = Shape{};
  }
  auto labels = label_cells(grid, areal);
  std::vector<double> count(shapes.size(), 0.0);
  for (int32_t l : labels)
    if (l >= 0) count[static_cast<std::size_t>(l)] += 1;
  for (std::size_t i = 0; i < labels.size(); ++i) {
    int32_t l = labels[i];
    if (l < 0) continue;
    auto li = static_cast<std::size_t>(l);
    double x = value[li];
    if (L.mode == LayerDef::AttributeMode::Spread || counting)
      x /= count[li];
    else if (L.mode == LayerDef::AttributeMode::PerHa)
      x /= count[li] * grid.cell_area_ha();
    cells[i] += static_cast<float>(x);
  }
  return out;
}

void derive_zones(const LayerDef& L, const VectorData& v, const Grid& grid, Computed& out) {
  int code_i = field_index(v, L.zone_code, L.id);
  int name_i = field_index(v, L.zone_name, L.id);
  std::vector<float> zone_of(v.features.size(), 0.0f);
  if (L.dissolve_groups.empty()) {
    for (std::size_t i = 0; i < v.features.size(); ++i) {
      zone_of[i] = static_cast<float>(i + 1);
      out.zones.push_back({static_cast<int>(i + 1), v.features[i]->GetFieldAsString(code_i),
                           v.features[i]->GetFieldAsString(name_i)});
    }
  } else {
    int di = field_index(v, L.dissolve_field, L.id);
    std::map<std::string, int> group_of;
    for (std::size_t g = 0; g < L.dissolve_groups.size(); ++g)
      for (const auto& m : L.dissolve_groups[g].members) group_of[m] = static_cast<int>(g);
    std::vector<std::vector<const OGRGeometry*>> members(L.dissolve_groups.size());
    std::set<std::string> found;
    for (std::size_t i = 0; i < v.features.size(); ++i) {
      std::string key = v.features[i]->GetFieldAsString(di);
      auto it = group_of.find(key);
      if (it == group_of.end()) {
        warn("layer '{}': {} ('{}' = '{}') is in no dissolve group; it gets no zone", L.id,
             feature_label(*v.features[i]), L.dissolve_field, key);
        continue;
      }
      found.insert(key);
      zone_of[i] = static_cast<float>(it->second + 1);
      members[static_cast<std::size_t>(it->second)].push_back(v.features[i]->GetGeometryRef());
    }
    for (const auto& [m, g] : group_of)
      if (!found.count(m))
        warn("layer '{}': dissolve group '{}' names '{}', which no feature of {} has", L.id,
             L.dissolve_groups[static_cast<std::size_t>(g)].name, m, v.source_name);
    for (std::size_t g = 0; g < L.dissolve_groups.size(); ++g) {
      ZoneRecord z{static_cast<int>(g + 1), L.dissolve_groups[g].name, L.dissolve_groups[g].name};
      out.zones.push_back(z);
      out.dissolved.emplace_back(z, union_polygons(members[g]));
    }
  }
  auto labels = label_cells(grid, shapes_of(v, grid));
  out.raster = Raster(grid, 0.0f);
  for (std::size_t i = 0; i < labels.size(); ++i)
    if (labels[i] >= 0) out.raster.values[i] = zone_of[static_cast<std::size_t>(labels[i])];
}

// A zone's count spread over its cells by the first weight that is not zero everywhere in it.
Raster derive_dasymetric(const LayerDef& L, const VectorData& v, const DeriveContext& ctx,
                         std::string& note) {
  std::size_t nulls = 0;
  std::vector<double> counts = field_values(v, L.field, L.id, 0.0, &nulls);
  if (nulls)
    warn("layer '{}': {} zone(s) of {} have no value in '{}'; counted as 0", L.id, nulls,
         v.source_name, L.field);
  std::vector<Raster> weights;
  std::vector<std::string> names;  // the weights as the messages name them
  for (const auto& w : L.weights) {
    weights.push_back(evaluate(w, ctx));
    names.push_back(w.text);
  }
  auto labels = label_cells(ctx.grid, shapes_of(v, ctx.grid));
  // Only the study area's cells take a share: a zone that reaches beyond it (a wijk drawn a little
  // wider than the province) keeps its whole count inside, where the model counts people.
  const Raster& study = ctx.layer(kStudyAreaLayerId);
  for (std::size_t i = 0; i < labels.size(); ++i)
    if (!(study.values[i] > 0)) labels[i] = -1;
  if (!L.within_zones.empty()) {
    // First every weight inside the zone's own `within` zone, then every weight anywhere in it.
    const Raster& z = ctx.layer(L.within_zones);
    std::map<int, std::string> code_of;
    for (const auto& r : ctx.zones(L.within_zones)) code_of[r.zone] = r.code;
    int fi = field_index(v, L.within_field, L.id);
    std::vector<std::string> want(v.features.size());
    for (std::size_t k = 0; k < v.features.size(); ++k)
      want[k] = v.features[k]->GetFieldAsString(fi);
    std::vector<uint8_t> inside(labels.size(), 0);
    for (std::size_t i = 0; i < labels.size(); ++i) {
      if (labels[i] < 0 || !(z.values[i] >= 1)) continue;
      auto it = code_of.find(static_cast<int>(z.values[i]));
      inside[i] = it != code_of.end() && it->second == want[static_cast<std::size_t>(labels[i])];
    }
    const std::size_t n = weights.size();
    for (std::size_t k = 0; k < n; ++k) {
      Raster masked = weights[k];
      for (std::size_t i = 0; i < inside.size(); ++i)
        if (!inside[i]) masked.values[i] = 0;
      weights.push_back(std::move(weights[k]));
      weights[k] = std::move(masked);
      names.push_back(names[k] + fmt::format(" (ook buiten de eigen {})", L.within_zones));
    }
  }
  std::vector<const Raster*> ptrs;
  for (const auto& w : weights) ptrs.push_back(&w);
  DasymetricReport rep;
  Raster out = dasymetric(ctx.grid, labels, counts, ptrs, &rep);
  auto zone_names = [&](const std::vector<std::size_t>& zones) {
    std::string s;
    for (std::size_t k = 0; k < zones.size() && k < 5; ++k)
      s += (k ? ", " : "") + feature_label(*v.features[zones[k]]);
    if (zones.size() > 5) s += fmt::format(" and {} more", zones.size() - 5);
    return s;
  };
  for (std::size_t k = 1; k < rep.by_weight.size(); ++k)
    if (rep.by_weight[k])
      warn("layer '{}': in {} zone(s) the earlier weights are zero everywhere; '{}' is used there",
           L.id, rep.by_weight[k], names[k]);
  if (!rep.even_zones.empty())
    warn(
        "layer '{}': in {} zone(s) every weight is zero or has no data, so their count is spread "
        "evenly over their cells: {}",
        L.id, rep.even_zones.size(), zone_names(rep.even_zones));
  if (!rep.outside_zones.empty())
    warn("layer '{}': {} zone(s) lie outside the study area and their {} are left out: {}", L.id,
         rep.outside_zones.size(), dutch_number(rep.total - rep.placed, 0),
         zone_names(rep.outside_zones));
  note =
      fmt::format("Verdeeld over {} zones ({} in totaal)", rep.zones, dutch_number(rep.placed, 0));
  for (std::size_t k = 0; k < rep.by_weight.size(); ++k)
    if (rep.by_weight[k])
      note += fmt::format("; {} zones naar gewicht '{}'", rep.by_weight[k], names[k]);
  if (rep.even) note += fmt::format("; {} zones gelijk over hun cellen", rep.even);
  note += ".";
  return out;
}

Raster derive_point_areas(const LayerDef& L, const VectorData& v, const DeriveContext& ctx,
                          std::string& note) {
  std::size_t beyond = 0;
  auto keep = within_surroundings(v, ctx, &beyond);
  const double nan = std::numeric_limits<double>::quiet_NaN();
  std::vector<double> all(v.features.size(), nan);
  if (!L.field.empty()) {
    std::size_t missing = 0;
    all = field_values(v, L.field, L.id, nan, &missing);
    for (double& x : all)
      if (!(x > 0)) x = nan;  // 0 in a places file means unknown
  }
  std::vector<double> xs, ys, values;
  for (std::size_t i : keep) {
    OGRPoint c;
    if (v.features[i]->GetGeometryRef()->Centroid(&c) != OGRERR_NONE) continue;
    xs.push_back(c.getX());
    ys.push_back(c.getY());
    values.push_back(all[i]);
  }
  std::size_t unknown = 0;
  for (double x : values) unknown += std::isnan(x);
  std::string fill;
  if (!L.fill_source.empty() && unknown) {
    auto zones = ctx.load(L.fill_source);
    std::vector<const OGRGeometry*> polys;
    for (const auto& f : zones->features) polys.push_back(f->GetGeometryRef());
    std::size_t nulls = 0;
    auto counts = field_values(*zones, L.fill_field, L.id, 0.0, &nulls);
    auto explained = explained_by_discs(polys, xs, ys, values, L.density, L.min_radius_m);
    values = fill_point_values(values, zone_of_points(polys, xs, ys), counts, explained,
                               L.default_value);
    fill = fmt::format("{} zonder aantal delen wat hun gebied ({}) overlaat, minstens {}", unknown,
                       std::filesystem::path(L.fill_source.path).filename().string(),
                       dutch_number(L.default_value, 0));
  } else {
    for (double& x : values)
      if (std::isnan(x)) x = L.default_value;
    fill = fmt::format("{} zonder aantal als {}", unknown, dutch_number(L.default_value, 0));
  }
  std::vector<double> radius;
  for (double x : values) radius.push_back(area_radius_m(x, L.density, L.min_radius_m));
  note = fmt::format("{} plekken als cirkel van (aantal / {} per ha) hectare; {}.", xs.size(),
                     dutch_number(L.density, 0), fill);
  return point_areas(ctx.grid, xs, ys, radius);
}

}  // namespace

std::unique_ptr<OGRGeometry> union_polygons(const std::vector<const OGRGeometry*>& geoms) {
  OGRMultiPolygon mp;
  for (const OGRGeometry* g : geoms) {
    auto t = wkbFlatten(g->getGeometryType());
    if (t == wkbPolygon) {
      mp.addGeometry(g);
    } else if (t == wkbMultiPolygon || t == wkbGeometryCollection) {
      for (const auto* sub : *g->toGeometryCollection())
        if (wkbFlatten(sub->getGeometryType()) == wkbPolygon)
          mp.addGeometry(sub);
        else if (wkbFlatten(sub->getGeometryType()) == wkbMultiPolygon)
          for (const auto* p : *sub->toMultiPolygon()) mp.addGeometry(p);
    }
  }
  if (mp.IsEmpty()) return nullptr;
  std::unique_ptr<OGRGeometry> u(mp.UnionCascaded());
  if (!u) fail("GEOS could not dissolve the polygons: {}", CPLGetLastErrorMsg());
  return u;
}

Computed derive(const LayerDef& L, const VectorData* v, const DeriveContext& ctx) {
  Computed out;
  const Grid& grid = ctx.grid;
  if (v) {
    std::size_t in_grid = 0;
    for (const auto& f : v->features) {
      OGREnvelope e;
      f->GetGeometryRef()->getEnvelope(&e);
      if (e.MaxX >= grid.x0 && e.MinX <= grid.x1() && e.MaxY >= grid.y1() && e.MinY <= grid.y0)
        ++in_grid;
    }
    if (in_grid == 0 && L.derivation != Derivation::Distance &&
        L.derivation != Derivation::PointAreas)
      warn("layer '{}': {} has no features in the study area; the layer is empty", L.id,
           v->source_name);
  } else if (L.has_source()) {
    fail("layer '{}': its source was not read", L.id);
  }

  switch (L.derivation) {
    case Derivation::Presence:
      out.raster = presence(grid, shapes_of(*v, grid));
      break;
    case Derivation::Coverage: {
      std::vector<const OGRGeometry*> geoms;
      for (const auto& f : v->features)
        if (f->GetGeometryRef()->getDimension() == 2) geoms.push_back(f->GetGeometryRef());
      if (geoms.empty() && !v->features.empty())
        fail(
            "layer '{}': coverage needs polygons, but {} holds points or lines; use presence or "
            "distance",
            L.id, v->source_name);
      std::vector<Shape> dissolved;
      if (auto u = union_polygons(geoms)) dissolved.push_back(to_pixel_shape(*u, grid));
      out.raster = coverage(grid, dissolved);
      break;
    }
    case Derivation::Distance:
      out.raster = derive_distance(L, v, ctx, out.note);
      break;
    case Derivation::Attribute:
      out.raster = derive_attribute(L, *v, grid);
      break;
    case Derivation::Zones:
      derive_zones(L, *v, grid, out);
      break;
    case Derivation::Expression:
      out.raster = evaluate(L.expression, ctx);
      break;
    case Derivation::Dasymetric:
      out.raster = derive_dasymetric(L, *v, ctx, out.note);
      break;
    case Derivation::PointAreas:
      out.raster = derive_point_areas(L, *v, ctx, out.note);
      break;
    case Derivation::Resample:
      break;  // handled by the caller (raster source)
  }
  return out;
}

}  // namespace casco::detail
