#include "viewer/config.hpp"

#include "core/error.hpp"
#include "core/toml_reader.hpp"

namespace casco::viewer {
namespace {

PointSource point_source(const TomlReader& r, const toml::table& t, const char* key,
                         const std::string& where) {
  PointSource p;
  const toml::node* n = t.get(key);
  if (!n) return p;
  const toml::table* s = n->as_table();
  if (!s)
    r.error_at(*n,
               fmt::format("'{}' in {} is a table {{ layer = \"…\", name = \"…\" }}", key, where));
  const std::string here = fmt::format("{}.{}", where, key);
  r.check_keys(*s, here, {"layer", "name", "population"});
  p.layer = r.text(*s, "layer", true, here);
  p.name_field = r.text(*s, "name", true, here);
  p.population_field = r.text(*s, "population", false, here);
  return p;
}

}  // namespace

ViewerConfig load_viewer_config(const std::filesystem::path& file) {
  TomlReader r(file.string());
  toml::table root = r.parse(TomlReader::read_file(file.string(), "viewer file"));
  r.check_keys(root, "the viewer file", {"basemap", "search", "reach"});
  ViewerConfig c;
  c.file = file;
  if (const toml::node* n = root.get("basemap")) {
    const toml::table* b = n->as_table();
    if (!b) r.error_at(*n, "[basemap] is a table");
    r.check_keys(*b, "[basemap]", {"nature", "water", "places", "stations"});
    c.nature = r.text(*b, "nature", false, "[basemap]");
    c.water = r.text(*b, "water", false, "[basemap]");
    c.places = point_source(r, *b, "places", "[basemap]");
    c.stations = point_source(r, *b, "stations", "[basemap]");
  }
  if (const toml::node* n = root.get("search")) {
    const toml::table* s = n->as_table();
    if (!s) r.error_at(*n, "[search] is a table");
    r.check_keys(*s, "[search]", {"places", "zones", "order"});
    c.search_order = r.texts(*s, "order", "[search]");
    if (const toml::node* p = s->get("places")) {
      if (!p->is_boolean()) r.error_at(*p, "places in [search] is true or false");
      c.search_places = p->as_boolean()->get();
    }
    if (const toml::node* z = s->get("zones")) {
      const toml::array* arr = z->as_array();
      if (!arr) r.error_at(*z, "[[search.zones]] are tables { layer, type, by }");
      for (const auto& item : *arr) {
        const toml::table* t = item.as_table();
        if (!t) r.error_at(item, "each [[search.zones]] is a table { layer, type, by }");
        r.check_keys(*t, "[[search.zones]]", {"layer", "type", "by"});
        SearchZones sz;
        sz.layer = r.text(*t, "layer", true, "[[search.zones]]");
        sz.type = r.text(*t, "type", false, "[[search.zones]]", sz.layer);
        const std::string by = r.text(*t, "by", false, "[[search.zones]]", "name");
        if (by != "name" && by != "code")
          r.error_at(*t->get("by"), "by = \"name\" or by = \"code\"");
        sz.by_code = by == "code";
        c.search_zones.push_back(sz);
      }
    }
  }
  if (const toml::node* n = root.get("reach")) {
    const toml::table* t = n->as_table();
    if (!t) r.error_at(*n, "[reach] is a table");
    r.check_keys(*t, "[reach]", {"access"});
    if (auto p = r.text(*t, "access", false, "[reach]"); !p.empty())
      c.access = file.parent_path() / p;
  }
  return c;
}

}  // namespace casco::viewer
