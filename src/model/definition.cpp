#include "model/definition.hpp"

#include <fmt/ranges.h>
#include <ogr_spatialref.h>

#include <algorithm>
#include <cmath>
#include <fstream>
#include <functional>
#include <map>
#include <set>
#include <sstream>

#include "condition/expression.hpp"
#include "core/error.hpp"
#include "core/toml_reader.hpp"

namespace casco {
namespace {

// The reader plus the folder that relative source paths are resolved against.
struct Ctx : TomlReader {
  std::filesystem::path base;
  Ctx(std::string file, std::filesystem::path folder)
      : TomlReader(std::move(file)), base(std::move(folder)) {}
};

}  // namespace

SourceDef parse_source(const TomlReader& ctx, const toml::node& node,
                       const std::filesystem::path& base, const std::string& where) {
  SourceDef s;
  if (node.is_string()) {
    s.path = base / node.as_string()->get();
    return s;
  }
  const toml::table* t = node.as_table();
  if (!t) ctx.error_at(node, where + " must be a file path or a table { path = \"...\", ... }");
  ctx.check_keys(*t, where, {"path", "layer", "where", "crs", "osm_tag", "open_options"});
  s.path = base / ctx.text(*t, "path", true, where);
  s.layer = ctx.text(*t, "layer", false, where);
  s.where = ctx.text(*t, "where", false, where);
  s.crs = ctx.text(*t, "crs", false, where);
  s.osm_tag = ctx.text(*t, "osm_tag", false, where);
  if (const toml::node* oo = t->get("open_options")) {
    const toml::array* arr = oo->as_array();
    if (!arr) ctx.error_at(*oo, "'open_options' must be a list of \"KEY=VALUE\" texts");
    for (const auto& item : *arr) {
      if (!item.is_string()) ctx.error_at(item, "'open_options' items must be \"KEY=VALUE\" texts");
      s.open_options.push_back(item.as_string()->get());
    }
  }
  return s;
}

namespace {

constexpr std::pair<const char*, Derivation> kDerivations[] = {
    {"presence", Derivation::Presence},     {"coverage", Derivation::Coverage},
    {"attribute", Derivation::Attribute},   {"distance", Derivation::Distance},
    {"resample", Derivation::Resample},     {"zones", Derivation::Zones},
    {"expression", Derivation::Expression}, {"dasymetric", Derivation::Dasymetric},
    {"point_areas", Derivation::PointAreas}};

std::string derivation_names() {
  std::string names;
  for (auto& [name, d] : kDerivations) names += (names.empty() ? "" : ", ") + std::string(name);
  return names;
}

Derivation parse_derivation(const Ctx& ctx, const toml::node& n) {
  if (n.is_string()) {
    for (auto& [name, d] : kDerivations)
      if (n.as_string()->get() == name) return d;
  }
  ctx.error_at(n, "'derivation' must be one of " + derivation_names());
}

// An expression value: parsed now, so a syntax error points at its line and column.
ExpressionDef parse_expression(const Ctx& ctx, const toml::node& n, const std::string& what) {
  if (!n.is_string())
    ctx.error_at(n, what + " must be an expression in quotes, e.g. \"natura2000 > 0\"");
  ExpressionDef e;
  e.text = n.as_string()->get();
  e.file = ctx.file();
  e.line = static_cast<int>(n.source().begin.line);
  e.column = static_cast<int>(n.source().begin.column) + 1;  // after the opening quote
  auto parsed = condition::Expression::parse(e.text, {e.file, e.line, e.column});
  e.layers = parsed.layers();
  return e;
}

void parse_attribute(const Ctx& ctx, const toml::table& t, const std::string& where, LayerDef& L) {
  std::string mode = ctx.text(t, "mode", false, where, "spread");
  if (mode == "count") {
    L.mode = LayerDef::AttributeMode::Count;
    if (t.get("field"))
      ctx.error_at(*t.get("field"),
                   where + ": mode = \"count\" counts the features and reads no 'field'");
    return;
  }
  L.field = ctx.text(t, "field", true, where + " (derivation attribute)");
  if (mode == "spread")
    L.mode = LayerDef::AttributeMode::Spread;
  else if (mode == "per_ha")
    L.mode = LayerDef::AttributeMode::PerHa;
  else if (mode == "value")
    L.mode = LayerDef::AttributeMode::Value;
  else
    ctx.error_at(*t.get("mode"),
                 "'mode' must be \"spread\" (divide each feature's value over its cells), "
                 "\"per_ha\" (the feature's value per hectare in each cell), \"value\" (burn "
                 "the value into every cell) or \"count\" (the number of features per cell)");
}

void parse_zones(const Ctx& ctx, const toml::table& t, const std::string& where, LayerDef& L) {
  L.zone_code = ctx.text(t, "zone_code", true, where + " (derivation zones)");
  L.zone_name = ctx.text(t, "zone_name", false, where, L.zone_code);
  const toml::node* dn = t.get("dissolve");
  if (!dn) return;
  const toml::table* dt = dn->as_table();
  if (!dt) ctx.error_at(*dn, "'dissolve' must be a table with 'field' and 'groups'");
  ctx.check_keys(*dt, where + ".dissolve", {"field", "groups"});
  L.dissolve_field = ctx.text(*dt, "field", true, where + ".dissolve");
  const toml::node* gn = dt->get("groups");
  if (!gn || !gn->is_table())
    ctx.error_at(*dt, "'dissolve' needs 'groups' = { \"zone name\" = [\"member\", ...], ... }");
  std::set<std::string> seen;
  for (auto&& [name, members] : *gn->as_table()) {
    ZoneGroup g{std::string(name.str()), {}};
    const toml::array* arr = members.as_array();
    if (!arr)
      ctx.error_at(members, fmt::format("group '{}' must be a list of member names", g.name));
    for (const auto& m : *arr) {
      if (!m.is_string()) ctx.error_at(m, "group members must be texts");
      std::string member = m.as_string()->get();
      if (!seen.insert(member).second)
        ctx.error_at(m, fmt::format("'{}' is listed in more than one group", member));
      g.members.push_back(member);
    }
    L.dissolve_groups.push_back(std::move(g));
  }
  if (L.dissolve_groups.empty()) ctx.error_at(*gn, "'groups' is empty");
}

void parse_dasymetric(const Ctx& ctx, const toml::table& t, const std::string& where, LayerDef& L) {
  L.field = ctx.text(t, "field", true, where + " (derivation dasymetric: the count per zone)");
  const toml::node* w = t.get("weights");
  const toml::array* arr = w ? w->as_array() : nullptr;
  if (!arr || arr->empty())
    ctx.error_at(w ? *w : static_cast<const toml::node&>(t),
                 where +
                     " needs weights = [\"an expression\", ...]: what each cell weighs when the "
                     "zone's count is spread; later entries are used in zones where the earlier "
                     "ones are zero everywhere");
  for (const auto& item : *arr)
    L.weights.push_back(parse_expression(ctx, item, where + " weights"));
  if (const toml::node* wn = t.get("within")) {
    const toml::table* wt = wn->as_table();
    if (!wt) ctx.error_at(*wn, "within = { zones = \"gemeenten\", field = \"gm_code\" }");
    ctx.check_keys(*wt, where + ".within", {"zones", "field"});
    L.within_zones = ctx.text(*wt, "zones", true, where + ".within");
    L.within_field = ctx.text(*wt, "field", true, where + ".within");
  }
}

void parse_point_areas(const Ctx& ctx, const toml::table& t, const std::string& where,
                       LayerDef& L) {
  L.field = ctx.text(t, "field", false, where);
  L.density = ctx.number(t, "density", 0, where);
  L.default_value = ctx.number(t, "default_value", 0, where);
  L.min_radius_m = ctx.number(t, "min_radius_m", 0, where);
  if (!(L.density > 0))
    ctx.error_at(t.get("density") ? *t.get("density") : static_cast<const toml::node&>(t),
                 where +
                     " needs density = (count per hectare) > 0: a point with count N stands "
                     "for N / density hectares around it");
  if (L.default_value < 0 || L.min_radius_m < 0)
    ctx.error_at(t, where + ": default_value and min_radius_m cannot be negative");
  if (const toml::node* fn = t.get("fill_from")) {
    const toml::table* ft = fn->as_table();
    if (!ft) ctx.error_at(*fn, "fill_from = { source = \"zones.geojson\", field = \"count\" }");
    ctx.check_keys(*ft, where + ".fill_from", {"source", "field"});
    const toml::node* fs = ft->get("source");
    if (!fs) ctx.error_at(*fn, where + ".fill_from needs a 'source' (polygons with a count)");
    L.fill_source = parse_source(ctx, *fs, ctx.base, where + ".fill_from.source");
    L.fill_field = ctx.text(*ft, "field", true, where + ".fill_from");
    if (L.field.empty())
      ctx.error_at(*fn, where + ": fill_from fills the points' missing 'field'; give field too");
  }
}

bool is_colour(const std::string& c) {
  return c.size() == 7 && c[0] == '#' &&
         std::all_of(c.begin() + 1, c.end(), [](char ch) { return std::isxdigit(ch) != 0; });
}

// How people read and see the layer: `role`, `style = { ramp, lo, hi, robust, zero_blank,
// points }`, `classes = [{ value, label, colour }]`, `decimals`, `display_unit`, `display_factor`.
void parse_look(const Ctx& ctx, const toml::table& t, const std::string& where,
                LayerDescription& d) {
  if (t.get("role")) d.role = ctx.text(t, "role", true, where);
  if (const toml::node* sn = t.get("style")) {
    const toml::table* st = sn->as_table();
    if (!st) ctx.error_at(*sn, "style = { ramp = \"groen\", lo = 0, hi = 1 }");
    ctx.check_keys(*st, where + ".style", {"ramp", "lo", "hi", "robust", "zero_blank", "points"});
    if (st->get("ramp")) {
      d.style.kind = LayerStyle::Kind::Ramp;
      d.style.ramp = ctx.text(*st, "ramp", true, where + ".style");
      const auto& names = ramp_names();
      if (std::find(names.begin(), names.end(), d.style.ramp) == names.end())
        ctx.error_at(*st->get("ramp"), fmt::format("unknown ramp '{}' (ramps: {})", d.style.ramp,
                                                   fmt::join(names, ", ")));
    }
    d.style.lo = ctx.number(*st, "lo", d.style.lo, where + ".style");
    d.style.hi = ctx.number(*st, "hi", d.style.hi, where + ".style");
    auto flag = [&](const char* key, bool& out) {
      if (const toml::node* n = st->get(key)) {
        if (!n->is_boolean()) ctx.error_at(*n, fmt::format("'{}' is true or false", key));
        out = n->as_boolean()->get();
      }
    };
    flag("robust", d.style.robust);
    flag("zero_blank", d.style.zero_blank);
    flag("points", d.style.points);
  }
  if (const toml::node* cn = t.get("classes")) {
    const toml::array* arr = cn->as_array();
    if (!arr || arr->empty())
      ctx.error_at(*cn, "classes = [{ value = 1, label = \"ja\", colour = \"#1a9641\" }, ...]");
    d.style.kind = LayerStyle::Kind::Classes;
    d.style.classes.clear();
    for (const auto& item : *arr) {
      const toml::table* ct = item.as_table();
      if (!ct) ctx.error_at(item, "each class is { value, label, colour }");
      ctx.check_keys(*ct, where + " class", {"value", "label", "colour"});
      StyleClass c;
      c.value = ctx.number(*ct, "value", 0, where + " class");
      c.label = ctx.text(*ct, "label", true, where + " class");
      c.colour = ctx.text(*ct, "colour", false, where + " class");
      if (!c.colour.empty() && !is_colour(c.colour))
        ctx.error_at(*ct->get("colour"),
                     fmt::format("colour '{}': write \"#rrggbb\", or leave it out to leave the "
                                 "class undrawn",
                                 c.colour));
      d.style.classes.push_back(c);
    }
  }
  if (t.get("decimals")) {
    const double v = ctx.number(t, "decimals", 0, where);  // checked before it becomes an int
    if (!(v >= 0 && v <= 6) || v != std::floor(v)) ctx.error_at(t, where + ": decimals is 0 to 6");
    d.decimals = static_cast<int>(v);
  }
  if (t.get("display_unit")) d.display_unit = ctx.text(t, "display_unit", true, where);
  if (t.get("display_factor")) {
    d.display_factor = ctx.number(t, "display_factor", 1, where);
    if (!(d.display_factor > 0)) ctx.error_at(*t.get("display_factor"), "display_factor > 0");
  }
}

// Whether a layer id can be a table name: a lower-case letter, then a-z, 0-9 and _ (max 63).
bool valid_layer_id(const std::string& id) {
  if (id.empty() || id.size() > 63 || !(id[0] >= 'a' && id[0] <= 'z')) return false;
  return std::all_of(id.begin(), id.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_';
  });
}

// Reads and checks the layer's id; until it is known, messages name the layer by its position.
std::string parse_layer_id(const Ctx& ctx, const toml::table& t, std::size_t index) {
  const std::string where = fmt::format("layer #{}", index + 1);
  std::string id = ctx.text(t, "id", true, where);
  if (!valid_layer_id(id))
    ctx.error_at(*t.get("id"),
                 fmt::format("layer id '{}' must start with a lower-case letter and use "
                             "only a-z, 0-9 and _ (it becomes a table name)",
                             id));
  return id;
}

// Rejects the keys a [[layer]] table does not know.
void check_layer_keys(const Ctx& ctx, const toml::table& t, const std::string& where) {
  ctx.check_keys(t, where,
                 {"id",
                  "title",
                  "group",
                  "unit",
                  "description",
                  "attribution",
                  "estimate",
                  "derivation",
                  "source",
                  "field",
                  "mode",
                  "resampling",
                  "band",
                  "zone_code",
                  "zone_name",
                  "dissolve",
                  "expression",
                  "from",
                  "weights",
                  "density",
                  "default_value",
                  "min_radius_m",
                  "replaces",
                  "fill_from",
                  "within",
                  "role",
                  "style",
                  "classes",
                  "decimals",
                  "display_unit",
                  "display_factor"});
}

// The layer's texts (title, group, unit, description, attribution, estimate) and 'replaces'.
void parse_layer_texts(const Ctx& ctx, const toml::table& t, const std::string& where,
                       LayerDef& L) {
  L.title = ctx.text(t, "title", true, where);
  L.group = ctx.text(t, "group", true, where);
  L.unit = ctx.text(t, "unit", false, where, "");
  L.description = ctx.text(t, "description", false, where, "");
  L.attribution = ctx.text(t, "attribution", false, where, "");
  L.estimate = ctx.text(t, "estimate", false, where, "");
  if (const toml::node* rp = t.get("replaces")) {
    if (!rp->is_boolean()) ctx.error_at(*rp, "'replaces' is true or false");
    L.replaces = rp->as_boolean()->get();
  }
}

// Which of source / expression / from a derivation takes: reads the one it takes, rejects others.
void parse_layer_inputs(const Ctx& ctx, const toml::table& t, const std::string& where,
                        LayerDef& L) {
  const toml::node* src = t.get("source");
  const bool needs_source = L.derivation != Derivation::Expression &&
                            !(L.derivation == Derivation::Distance && t.get("from"));
  if (needs_source && !src)
    ctx.error_at(t, where + (L.derivation == Derivation::Distance
                                 ? " needs a 'source', or from = \"an expression\" (the cells "
                                   "to measure from)"
                                 : " needs a 'source'"));
  if (!needs_source && src)
    ctx.error_at(*src, where + ": a layer made from other layers has no 'source'");
  if (src) L.source = parse_source(ctx, *src, ctx.base, where + ".source");
  if (L.derivation == Derivation::Expression) {
    const toml::node* e = t.get("expression");
    if (!e) ctx.error_at(t, where + " needs expression = \"...\" over other layers");
    L.expression = parse_expression(ctx, *e, where + " expression");
  } else if (t.get("expression")) {
    ctx.error_at(*t.get("expression"),
                 where + ": 'expression' belongs to derivation = \"expression\"");
  }
  if (const toml::node* from = t.get("from")) {
    if (L.derivation != Derivation::Distance)
      ctx.error_at(*from, where + ": 'from' belongs to derivation = \"distance\"");
    L.expression = parse_expression(ctx, *from, where + " from");
  }
}

// derivation = "resample": the resampling method and the source band.
void parse_resample(const Ctx& ctx, const toml::table& t, const std::string& where, LayerDef& L) {
  L.resampling = ctx.text(t, "resampling", false, where, "nearest");
  if (L.resampling != "nearest" && L.resampling != "average" && L.resampling != "bilinear")
    ctx.error_at(*t.get("resampling"),
                 "'resampling' must be \"nearest\", \"average\" or \"bilinear\"");
  const double band = ctx.number(t, "band", 1, where);
  if (!(band >= 1 && band <= 65535) || band != std::floor(band))
    ctx.error_at(*t.get("band"), "'band' is a whole number counting from 1");
  L.band = static_cast<int>(band);
}

// The settings of the layer's own derivation (attribute, resample, zones, dasymetric, ...).
void parse_derivation_settings(const Ctx& ctx, const toml::table& t, const std::string& where,
                               LayerDef& L) {
  switch (L.derivation) {
    case Derivation::Attribute:
      parse_attribute(ctx, t, where, L);
      break;
    case Derivation::Resample:
      parse_resample(ctx, t, where, L);
      break;
    case Derivation::Zones:
      parse_zones(ctx, t, where, L);
      break;
    case Derivation::Dasymetric:
      parse_dasymetric(ctx, t, where, L);
      break;
    case Derivation::PointAreas:
      parse_point_areas(ctx, t, where, L);
      break;
    default:
      break;
  }
}

// Rejects settings that belong to another derivation than the layer's.
void check_foreign_settings(const Ctx& ctx, const toml::table& t, const std::string& where,
                            const LayerDef& L) {
  const bool takes_field = L.derivation == Derivation::Attribute ||
                           L.derivation == Derivation::Dasymetric ||
                           L.derivation == Derivation::PointAreas;
  if (!takes_field && t.get("field"))
    ctx.error_at(*t.get("field"),
                 where +
                     ": 'field' belongs to derivation = \"attribute\", \"dasymetric\" or "
                     "\"point_areas\"");
  if (L.derivation != Derivation::Attribute && t.get("mode"))
    ctx.error_at(*t.get("mode"), where + ": 'mode' belongs to derivation = \"attribute\"");
  if (L.derivation != Derivation::Zones && (t.get("zone_code") || t.get("dissolve")))
    ctx.error_at(t, where + ": 'zone_code' and 'dissolve' belong to derivation = \"zones\"");
  if (L.derivation != Derivation::Dasymetric && t.get("within"))
    ctx.error_at(*t.get("within"), where + ": 'within' belongs to derivation = \"dasymetric\"");
  if (L.derivation != Derivation::Dasymetric && t.get("weights"))
    ctx.error_at(*t.get("weights"), where + ": 'weights' belong to derivation = \"dasymetric\"");
  if (L.derivation != Derivation::PointAreas &&
      (t.get("density") || t.get("default_value") || t.get("min_radius_m") || t.get("fill_from")))
    ctx.error_at(t, where +
                        ": 'density', 'default_value', 'min_radius_m' and 'fill_from' belong "
                        "to derivation = \"point_areas\"");
}

// Canonical text: toml++ tables are ordered, so printing gives a stable form. Paths are kept as
// written (the source checksum covers the content).
std::string canonical_text(const toml::table& t) {
  std::ostringstream os;
  os << t;
  return os.str();
}

LayerDef parse_layer(const Ctx& ctx, const toml::table& t, std::size_t index) {
  LayerDef L;
  L.file = ctx.file();
  L.line = static_cast<int>(t.source().begin.line);
  L.id = parse_layer_id(ctx, t, index);
  const std::string where = fmt::format("layer '{}'", L.id);
  check_layer_keys(ctx, t, where);
  parse_layer_texts(ctx, t, where, L);
  const toml::node* d = t.get("derivation");
  if (!d) ctx.error_at(t, where + " needs a 'derivation' (" + derivation_names() + ")");
  L.derivation = parse_derivation(ctx, *d);
  L.describe = default_description(to_string(L.derivation), L.unit);
  parse_look(ctx, t, where, L.describe);
  parse_layer_inputs(ctx, t, where, L);
  parse_derivation_settings(ctx, t, where, L);
  check_foreign_settings(ctx, t, where, L);
  L.canonical = canonical_text(t);
  return L;
}

// Every layer an expression reads exists, and no layer depends on itself through others.
void check_inputs(const ModelDef& m) {
  auto at = [](const LayerDef& L, const ExpressionDef* e) {
    return e && e->line ? fmt::format("{}:{}:{}", e->file, e->line, e->column)
                        : fmt::format("{}:{}", L.file, L.line);
  };
  for (const auto& L : m.layers) {
    if (!L.within_zones.empty()) {
      const LayerDef* z = m.find(L.within_zones);
      if (!z || z->derivation != Derivation::Zones)
        fail(
            "{}:{}: layer '{}': within zones = '{}' must name a layer with derivation = "
            "\"zones\"",
            L.file, L.line, L.id, L.within_zones);
    }
    std::vector<const ExpressionDef*> exprs;
    if (!L.expression.text.empty()) exprs.push_back(&L.expression);
    for (const auto& w : L.weights) exprs.push_back(&w);
    for (const ExpressionDef* e : exprs)
      for (const auto& in : e->layers) {
        if (in == L.id) fail("{}: layer '{}' cannot be computed from itself", at(L, e), L.id);
        if (in == kCellAreaVariable || in == kStudyAreaLayerId) continue;
        if (!m.find(in)) {
          std::string names;
          for (const auto& o : m.layers) names += (names.empty() ? "" : ", ") + o.id;
          fail("{}: layer '{}' reads '{}', which is no layer of the model (layers: {})", at(L, e),
               L.id, in, names);
        }
      }
  }
  // Cycles: a depth-first search with colours.
  std::map<std::string, int> colour;  // 0 new, 1 on the path, 2 done
  std::function<void(const LayerDef&, std::vector<std::string>&)> visit =
      [&](const LayerDef& L, std::vector<std::string>& path) {
        colour[L.id] = 1;
        path.push_back(L.id);
        for (const auto& in : L.inputs()) {
          if (colour[in] == 1) {
            path.push_back(in);
            fail("{}:{}: layers are computed from each other in a circle: {}", L.file, L.line,
                 fmt::join(path, " → "));
          }
          if (colour[in] == 0 && m.find(in)) visit(*m.find(in), path);
        }
        path.pop_back();
        colour[L.id] = 2;
      };
  for (const auto& L : m.layers) {
    std::vector<std::string> path;
    if (colour[L.id] == 0) visit(L, path);
  }
}

// [[group]] tables: id, title, intro. Without them, every group a layer names is a group of its
// own (titled by its id). With them, a layer must name one of them.
void check_groups(const Ctx& ctx, const toml::table& root, ModelDef& m) {
  if (const toml::node* gn = root.get("group")) {
    const toml::array* arr = gn->as_array();
    if (!arr) ctx.error_at(*gn, "groups are [[group]] tables with id, title and intro");
    for (const auto& item : *arr) {
      const toml::table* t = item.as_table();
      if (!t) ctx.error_at(item, "each [[group]] is a table");
      ctx.check_keys(*t, "a [[group]]", {"id", "title", "intro"});
      LayerGroup g;
      g.id = ctx.text(*t, "id", true, "a [[group]]");
      g.title = ctx.text(*t, "title", false, "group '" + g.id + "'", g.id);
      g.intro = ctx.text(*t, "intro", false, "group '" + g.id + "'");
      for (const auto& o : m.groups)
        if (o.id == g.id) ctx.error_at(*t, fmt::format("group '{}' is defined twice", g.id));
      m.groups.push_back(g);
    }
    for (const auto& L : m.layers)
      if (std::none_of(m.groups.begin(), m.groups.end(),
                       [&](const LayerGroup& g) { return g.id == L.group; })) {
        std::vector<std::string> ids;
        for (const auto& g : m.groups) ids.push_back(g.id);
        fail("{}:{}: layer '{}' has group '{}', which is no [[group]] of the model (groups: {})",
             L.file, L.line, L.id, L.group, fmt::join(ids, ", "));
      }
    return;
  }
  for (const auto& L : m.layers)
    if (std::none_of(m.groups.begin(), m.groups.end(),
                     [&](const LayerGroup& g) { return g.id == L.group; }))
      m.groups.push_back({L.group, L.group, ""});
}

}  // namespace

const char* to_string(Derivation d) {
  switch (d) {
    case Derivation::Presence:
      return "presence";
    case Derivation::Coverage:
      return "coverage";
    case Derivation::Attribute:
      return "attribute";
    case Derivation::Distance:
      return "distance";
    case Derivation::Resample:
      return "resample";
    case Derivation::Zones:
      return "zones";
    case Derivation::Expression:
      return "expression";
    case Derivation::Dasymetric:
      return "dasymetric";
    case Derivation::PointAreas:
      return "point_areas";
  }
  return "?";
}

const LayerDef* ModelDef::find(const std::string& id) const {
  for (const auto& l : layers)
    if (l.id == id) return &l;
  return nullptr;
}

std::vector<std::string> LayerDef::inputs() const {
  std::vector<std::string> out;
  auto add = [&](const ExpressionDef& e) {
    for (const auto& l : e.layers)
      if (l != kCellAreaVariable && std::find(out.begin(), out.end(), l) == out.end())
        out.push_back(l);
  };
  add(expression);
  for (const auto& w : weights) add(w);
  if (!within_zones.empty() && std::find(out.begin(), out.end(), within_zones) == out.end())
    out.push_back(within_zones);
  // A count is spread over the study area only: its people are the ones the model counts.
  if (derivation == Derivation::Dasymetric &&
      std::find(out.begin(), out.end(), kStudyAreaLayerId) == out.end())
    out.push_back(kStudyAreaLayerId);
  return out;
}

std::vector<const LayerDef*> ModelDef::build_order() const {
  // Depth-first over the inputs; definitions are checked for unknown inputs and cycles when they
  // are read, so every input exists here.
  std::vector<const LayerDef*> order;
  std::set<std::string> done;
  std::function<void(const LayerDef&)> visit = [&](const LayerDef& L) {
    if (done.count(L.id)) return;
    done.insert(L.id);
    for (const auto& in : L.inputs())
      if (const LayerDef* d = find(in)) visit(*d);
    order.push_back(&L);
  };
  for (const auto& L : layers) visit(L);
  return order;
}

namespace {

// A model grid is square cells in metres: a geographic CRS (degrees) or one in feet is refused.
void check_grid_crs(const Ctx& ctx, const toml::table& model, const std::string& crs) {
  const toml::node* at = model.get("crs");
  OGRSpatialReference srs;
  if (srs.SetFromUserInput(crs.c_str()) != OGRERR_NONE) {
    const std::string msg = fmt::format(
        "crs '{}' is not a coordinate reference system GDAL knows (write e.g. \"EPSG:28992\")",
        crs);
    if (at) ctx.error_at(*at, msg);
    fail("{}: {}", ctx.file(), msg);
  }
  std::string why;
  if (srs.IsGeographic())
    why = "is geographic (degrees)";
  else if (!srs.IsProjected())
    why = "is not a projected CRS";
  else if (std::fabs(srs.GetLinearUnits() - 1.0) > 1e-9)
    why = fmt::format("measures in {} rather than metres",
                      srs.GetAttrValue("UNIT") ? srs.GetAttrValue("UNIT") : "other units");
  if (why.empty()) return;
  const std::string msg = fmt::format(
      "crs '{}' {}: a model grid needs a projected CRS in metres, e.g. \"EPSG:28992\" (RD New) "
      "in the Netherlands, or the UTM zone of the area",
      crs, why);
  if (at) ctx.error_at(*at, msg);
  fail("{}: {}", ctx.file(), msg);
}

}  // namespace

ModelDef parse_model_definition(const std::string& text, const std::filesystem::path& file) {
  Ctx ctx{file.string(), file.parent_path()};
  toml::table root = ctx.parse(text);
  ctx.check_keys(root, "the model file", {"model", "study_area", "group", "layer"});
  ModelDef m;
  m.file = file;
  const toml::table* model = root["model"].as_table();
  if (!model) fail("{}: missing [model] table (name, crs, cell_size)", file.string());
  ctx.check_keys(*model, "[model]",
                 {"name", "crs", "cell_size", "margin", "borders", "include", "credit"});
  m.name = ctx.text(*model, "name", false, "[model]", "model");
  m.crs = ctx.text(*model, "crs", false, "[model]", "EPSG:28992");
  check_grid_crs(ctx, *model, m.crs);
  m.cell_size = ctx.number(*model, "cell_size", 25.0, "[model]");
  if (!(m.cell_size > 0) || !std::isfinite(m.cell_size))
    ctx.error_at(*model->get("cell_size"),
                 fmt::format("cell_size must be a positive number of metres, not {}", m.cell_size));
  m.margin = ctx.number(*model, "margin", 0.0, "[model]");
  if (!(m.margin >= 0) || !std::isfinite(m.margin))
    ctx.error_at(*model->get("margin"), "margin must be 0 or a positive number of metres");
  m.borders = ctx.text(*model, "borders", false, "[model]", "");
  m.credit = ctx.text(*model, "credit", false, "[model]", "");

  const toml::node* sa = root.get("study_area");
  if (!sa)
    fail("{}: missing [study_area] (the polygon layer that bounds the model)", file.string());
  if (const toml::table* st = sa->as_table(); st && st->get("surroundings_m")) {
    m.surroundings_m = ctx.number(*st, "surroundings_m", 0, "[study_area]");
    if (!(m.surroundings_m >= 0) || m.surroundings_m > 500000)
      ctx.error_at(*st->get("surroundings_m"),
                   "surroundings_m is a distance in metres beyond the study area, 0 to 500000");
    toml::table rest = *st;
    rest.erase("surroundings_m");
    m.study_area = parse_source(ctx, rest, ctx.base, "[study_area]");
  } else {
    m.study_area = parse_source(ctx, *sa, ctx.base, "[study_area]");
  }

  std::set<std::string> ids;
  auto add_layers = [&](const Ctx& c, const toml::table& r) {
    const toml::node* layers = r.get("layer");
    if (!layers) return;
    const toml::array* arr = layers->as_array();
    if (!arr) c.error_at(*layers, "layers are written as [[layer]] tables");
    for (std::size_t i = 0; i < arr->size(); ++i) {
      const toml::table* t = (*arr)[i].as_table();
      if (!t) c.error_at((*arr)[i], "each [[layer]] must be a table");
      LayerDef L = parse_layer(c, *t, m.layers.size());
      if (L.replaces) {
        // An included layer standing in for one of the main file's (official data replacing an
        // estimate): same place in the order, new definition.
        if (&c == &ctx)
          c.error_at(*t->get("replaces"),
                     "'replaces' is for layers in included files that replace a layer of the "
                     "model file");
        auto it = std::find_if(m.layers.begin(), m.layers.end(),
                               [&](const LayerDef& o) { return o.id == L.id; });
        if (it != m.layers.end()) {
          if (it->replaces)
            c.error_at(*t->get("id"), fmt::format("layer '{}' is replaced twice", L.id));
          *it = std::move(L);
          continue;
        }
        // Nothing to replace in this model: the layer is simply added.
      }
      if (!ids.insert(L.id).second)
        c.error_at(*t->get("id"), fmt::format("layer id '{}' is used twice", L.id));
      m.layers.push_back(std::move(L));
    }
  };
  add_layers(ctx, root);
  // Layers from other files, e.g. the model-sources.toml that `casco data fetch` writes.
  for (const std::string& inc : ctx.texts(*model, "include", "[model]")) {
    const std::filesystem::path path = ctx.base / inc;
    if (!std::filesystem::exists(path))
      ctx.error_at(*model->get("include"),
                   fmt::format("include '{}' does not exist ({}); run `casco data fetch` to make "
                               "it, or remove it from include",
                               inc, path.string()));
    Ctx inner{path.string(), path.parent_path()};
    toml::table r = inner.parse(TomlReader::read_file(path.string(), "included layer file"));
    inner.check_keys(r, "an included layer file", {"layer"});
    add_layers(inner, r);
  }
  check_inputs(m);
  check_groups(ctx, root, m);
  if (!m.borders.empty()) {
    const LayerDef* b = m.find(m.borders);
    if (!b || b->derivation != Derivation::Zones)
      ctx.error_at(
          *model->get("borders"),
          fmt::format("borders = '{}' must name a layer with derivation = \"zones\"", m.borders));
  }
  return m;
}

ModelDef load_model_definition(const std::filesystem::path& file) {
  return parse_model_definition(TomlReader::read_file(file.string(), "model definition"), file);
}

}  // namespace casco
