// The systems: per group of the store (in the model's order), the key figure of each layer in
// each area, chosen by the layer's role, and the group's map.
#include <algorithm>
#include <cmath>
#include <map>

#include "legend/legend.hpp"
#include "report/figures_context.hpp"

namespace casco::report {
namespace {

FigureKind kind_of(const LayerRecord& L) {
  const std::string& r = L.describe.role;
  if (r == role::kShare) return FigureKind::Share;
  if (r == role::kPresence) return L.describe.style.points ? FigureKind::Places : FigureKind::Share;
  if (r == role::kDistance) return FigureKind::Distance;
  if (r == role::kZones || r == role::kKernen) return FigureKind::Zones;
  if (r == role::kCount) return FigureKind::Sum;
  return FigureKind::Mean;
}

// The names of the zones of a zones layer present in each area, most cells first.
void zone_names(const Context& c, const LayerRecord& L, const Raster& r, LayerFigures& f) {
  const std::vector<ZoneRecord>& recs = c.store().zones(L.id);
  int max_zone = 0;
  for (const auto& z : recs) max_zone = std::max(max_zone, z.zone);
  std::map<int, std::string> names;
  for (const auto& z : recs) names[z.zone] = z.name.empty() ? z.code : z.name;
  const auto ha = c.class_hectares(r, max_zone);
  for (std::size_t k = 0; k < c.size(); ++k) {
    std::vector<std::pair<double, int>> order;
    for (int z = 1; z <= max_zone; ++z)
      if (ha[k][std::size_t(z)] > 0 && names.count(z)) order.emplace_back(ha[k][std::size_t(z)], z);
    std::stable_sort(order.begin(), order.end(),
                     [](const auto& a, const auto& b) { return a.first > b.first; });
    for (const auto& [h, z] : order) f.areas[k].names.push_back(names[z]);
    f.areas[k].value = static_cast<double>(order.size());
  }
}

LayerFigures layer_figures(const Context& c, const LayerRecord& L, const Raster& r) {
  LayerFigures f;
  f.layer = L.id;
  f.kind = kind_of(L);
  f.areas.resize(c.size());
  if (f.kind == FigureKind::Zones) {
    zone_names(c, L, r, f);
    return f;
  }
  const std::vector<ZoneStats> st = c.stats(r);
  std::vector<ZoneWeighted> people;
  if (f.kind == FigureKind::Distance && c.population()) people = c.by_people(r);
  for (std::size_t k = 0; k < c.size(); ++k) {
    const Area& a = c.areas()[k];
    KeyFigure& kf = f.areas[k];
    switch (f.kind) {
      case FigureKind::Share:
        kf.hectares = st[k].covered_ha;
        kf.value = a.area_ha > 0 ? kf.hectares / a.area_ha : 0;
        kf.where = where_mostly(a, st[k].centre_col, st[k].centre_row);
        break;
      case FigureKind::Places:
        kf.value = static_cast<double>(st[k].cells_set);
        kf.where = st[k].cells_set >= 3 ? where_mostly(a, st[k].centre_col, st[k].centre_row) : -1;
        break;
      case FigureKind::Distance:
        kf.by_people = !people.empty() && people[k].weight > 0;
        kf.value = kf.by_people ? people[k].mean() : st[k].mean;
        break;
      case FigureKind::Sum:
        kf.value = st[k].sum;
        break;
      default:
        kf.value = st[k].mean;
    }
  }
  return f;
}

// The group's point layers on one map: value i + 1 where layer i is, in the class palette.
class PointMap {
 public:
  void add(const Context& c, const LayerRecord& L, const Raster& r) {
    const auto& palette = legend::class_palette();
    if (layers_.size() >= palette.size()) return;
    const auto value = static_cast<float>(layers_.size() + 1);
    if (c.drawing()) {  // figures alone need only the list
      if (combined_.values.empty()) combined_ = Raster(c.grid(), 0.0f);
      for (std::size_t k = 0; k < r.values.size(); ++k)
        if (r.values[k] > 0) combined_.values[k] = value;
    }
    classes_.push_back({value, L.title, legend::css(palette[layers_.size()])});
    layers_.push_back(L.id);
  }
  void draw(const Context& c, GroupFigures& g) {
    if (layers_.empty()) return;
    LayerRecord rec;
    rec.id = g.map = "groep-" + g.id;
    rec.title = g.title;
    rec.group = g.id;
    rec.describe.role = role::kPresence;
    rec.describe.style.kind = LayerStyle::Kind::Classes;
    rec.describe.style.points = true;
    rec.describe.style.classes = classes_;
    g.map_points = layers_;
    c.draw(g.map, rec, combined_);
  }

 private:
  Raster combined_;
  std::vector<StyleClass> classes_;
  std::vector<std::string> layers_;
};

GroupFigures one_group(const Context& c, const LayerGroup& group,
                       const std::vector<const LayerRecord*>& layers) {
  GroupFigures g;
  g.id = group.id, g.title = group.title.empty() ? group.id : group.title, g.intro = group.intro;
  PointMap points;
  for (const LayerRecord* L : layers) {
    const Raster r = c.store().read(L->id);
    g.layers.push_back(layer_figures(c, *L, r));
    if (g.map.empty() && L->describe.role == role::kShare) {
      g.map = "groep-" + g.id;
      g.map_layer = L->id;
      c.draw(g.map, *L, r);
    }
    if (g.layers.back().kind == FigureKind::Places) points.add(c, *L, r);
  }
  if (g.map.empty()) points.draw(c, g);
  return g;
}

}  // namespace

bool has_own_section(const LayerRecord& L) {
  const std::string& r = L.describe.role;
  for (const char* own : {role::kStudyArea, role::kWeight, role::kTravelTime, role::kNorm,
                          role::kVerdict, role::kScore, role::kAllocation})
    if (r == own) return true;
  return !L.describe.param("water").empty() || !L.describe.param("scenario").empty();
}

std::vector<GroupFigures> group_figures(const Context& c) {
  const Store& s = c.store();
  const auto& leave_out = c.config().leave_out_groups;
  std::vector<std::string> order;
  for (const auto& g : s.manifest().groups) order.push_back(g.id);
  std::map<std::string, std::vector<const LayerRecord*>> by_group;
  for (const auto& L : s.manifest().layers) {
    if (has_own_section(L) || L.id == c.zones_layer() || L.id == c.population_layer()) continue;
    if (std::find(leave_out.begin(), leave_out.end(), L.group) != leave_out.end()) continue;
    if (std::find(order.begin(), order.end(), L.group) == order.end()) order.push_back(L.group);
    by_group[L.group].push_back(&L);
  }
  std::vector<GroupFigures> out;
  for (const auto& id : order)
    if (auto it = by_group.find(id); it != by_group.end())
      out.push_back(one_group(c, s.manifest().group(id), it->second));
  return out;
}

}  // namespace casco::report
