#include "model/definition.hpp"

#include <algorithm>
#include <fstream>
#include <set>
#include <sstream>

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

Derivation parse_derivation(const Ctx& ctx, const toml::node& n) {
  static const std::pair<const char*, Derivation> table[] = {
      {"presence", Derivation::Presence},   {"coverage", Derivation::Coverage},
      {"attribute", Derivation::Attribute}, {"distance", Derivation::Distance},
      {"resample", Derivation::Resample},   {"zones", Derivation::Zones}};
  if (n.is_string()) {
    for (auto& [name, d] : table)
      if (n.as_string()->get() == name) return d;
  }
  ctx.error_at(
      n, "'derivation' must be one of presence, coverage, attribute, distance, resample, zones");
}

LayerDef parse_layer(const Ctx& ctx, const toml::table& t, std::size_t index) {
  LayerDef L;
  L.line = static_cast<int>(t.source().begin.line);
  std::string where = fmt::format("layer #{}", index + 1);
  L.id = ctx.text(t, "id", true, where);
  auto valid_id = [](const std::string& id) {
    if (id.empty() || id.size() > 63 || !(id[0] >= 'a' && id[0] <= 'z')) return false;
    return std::all_of(id.begin(), id.end(), [](char c) {
      return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_';
    });
  };
  if (!valid_id(L.id))
    ctx.error_at(*t.get("id"),
                 fmt::format("layer id '{}' must start with a lower-case letter and use "
                             "only a-z, 0-9 and _ (it becomes a table name)",
                             L.id));
  where = fmt::format("layer '{}'", L.id);
  ctx.check_keys(
      t, where,
      {"id", "title", "group", "unit", "description", "attribution", "derivation", "source",
       "field", "mode", "resampling", "band", "zone_code", "zone_name", "dissolve"});
  L.title = ctx.text(t, "title", true, where);
  L.group = ctx.text(t, "group", true, where);
  const auto& groups = layer_groups();
  if (std::find(groups.begin(), groups.end(), L.group) == groups.end()) {
    std::string list;
    for (auto& g : groups) list += (list.empty() ? "" : ", ") + g;
    ctx.error_at(*t.get("group"),
                 fmt::format("unknown group '{}' in {} (use one of: {})", L.group, where, list));
  }
  L.unit = ctx.text(t, "unit", false, where, "");
  L.description = ctx.text(t, "description", false, where, "");
  L.attribution = ctx.text(t, "attribution", false, where, "");
  const toml::node* d = t.get("derivation");
  if (!d)
    ctx.error_at(
        t,
        where +
            " needs a 'derivation' (presence, coverage, attribute, distance, resample or zones)");
  L.derivation = parse_derivation(ctx, *d);
  const toml::node* src = t.get("source");
  if (!src) ctx.error_at(t, where + " needs a 'source'");
  L.source = parse_source(ctx, *src, ctx.base, where + ".source");

  switch (L.derivation) {
    case Derivation::Attribute: {
      L.field = ctx.text(t, "field", true, where + " (derivation attribute)");
      std::string mode = ctx.text(t, "mode", false, where, "spread");
      if (mode == "spread")
        L.mode = LayerDef::AttributeMode::Spread;
      else if (mode == "per_ha")
        L.mode = LayerDef::AttributeMode::PerHa;
      else if (mode == "value")
        L.mode = LayerDef::AttributeMode::Value;
      else
        ctx.error_at(
            *t.get("mode"),
            "'mode' must be \"spread\" (divide each feature's value over its cells), \"per_ha\" "
            "(the feature's value per hectare in each cell) or \"value\" (burn the value into "
            "every cell)");
      break;
    }
    case Derivation::Resample: {
      L.resampling = ctx.text(t, "resampling", false, where, "nearest");
      if (L.resampling != "nearest" && L.resampling != "average" && L.resampling != "bilinear")
        ctx.error_at(*t.get("resampling"),
                     "'resampling' must be \"nearest\", \"average\" or \"bilinear\"");
      L.band = static_cast<int>(ctx.number(t, "band", 1, where));
      if (L.band < 1) ctx.error_at(*t.get("band"), "'band' counts from 1");
      break;
    }
    case Derivation::Zones: {
      L.zone_code = ctx.text(t, "zone_code", true, where + " (derivation zones)");
      L.zone_name = ctx.text(t, "zone_name", false, where, L.zone_code);
      if (const toml::node* dn = t.get("dissolve")) {
        const toml::table* dt = dn->as_table();
        if (!dt) ctx.error_at(*dn, "'dissolve' must be a table with 'field' and 'groups'");
        ctx.check_keys(*dt, where + ".dissolve", {"field", "groups"});
        L.dissolve_field = ctx.text(*dt, "field", true, where + ".dissolve");
        const toml::node* gn = dt->get("groups");
        if (!gn || !gn->is_table())
          ctx.error_at(*dt,
                       "'dissolve' needs 'groups' = { \"zone name\" = [\"member\", ...], ... }");
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
      break;
    }
    default:
      break;
  }
  if (L.derivation != Derivation::Attribute && (t.get("field") || t.get("mode")))
    ctx.error_at(t, where + ": 'field' and 'mode' belong to derivation = \"attribute\"");
  if (L.derivation != Derivation::Zones && (t.get("zone_code") || t.get("dissolve")))
    ctx.error_at(t, where + ": 'zone_code' and 'dissolve' belong to derivation = \"zones\"");

  // Canonical text: toml++ tables are ordered, so printing gives a stable form. Paths are kept as
  // written (the source checksum covers the content).
  std::ostringstream os;
  os << t;
  L.canonical = os.str();
  return L;
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
  }
  return "?";
}

const std::vector<std::string>& layer_groups() {
  static const std::vector<std::string> groups = {"water-bodem",        "natuur",        "landbouw",
                                                  "sociaal-economisch", "kernkwaliteit", "bestuur"};
  return groups;
}

const LayerDef* ModelDef::find(const std::string& id) const {
  for (const auto& l : layers)
    if (l.id == id) return &l;
  return nullptr;
}

ModelDef parse_model_definition(const std::string& text, const std::filesystem::path& file) {
  Ctx ctx{file.string(), file.parent_path()};
  toml::table root = ctx.parse(text);
  ctx.check_keys(root, "the model file", {"model", "study_area", "layer"});
  ModelDef m;
  m.file = file;
  const toml::table* model = root["model"].as_table();
  if (!model) fail("{}: missing [model] table (name, crs, cell_size)", file.string());
  ctx.check_keys(*model, "[model]", {"name", "crs", "cell_size", "margin", "borders", "include"});
  m.name = ctx.text(*model, "name", false, "[model]", "model");
  m.crs = ctx.text(*model, "crs", false, "[model]", "EPSG:28992");
  m.cell_size = ctx.number(*model, "cell_size", 25.0, "[model]");
  if (!(m.cell_size > 0))
    ctx.error_at(*model->get("cell_size"),
                 fmt::format("cell_size must be a positive number of metres, not {}", m.cell_size));
  m.margin = ctx.number(*model, "margin", 0.0, "[model]");
  if (m.margin < 0) ctx.error_at(*model->get("margin"), "margin cannot be negative");
  m.borders = ctx.text(*model, "borders", false, "[model]", "");

  const toml::node* sa = root.get("study_area");
  if (!sa)
    fail("{}: missing [study_area] (the polygon layer that bounds the model)", file.string());
  m.study_area = parse_source(ctx, *sa, ctx.base, "[study_area]");

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
