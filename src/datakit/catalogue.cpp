// Reading data/catalogue.toml (the official sources and study areas) and the lock file.
#include <algorithm>
#include <chrono>
#include <cmath>
#include <ctime>
#include <fstream>
#include <iomanip>
#include <nlohmann/json.hpp>
#include <sstream>

#include "core/crs.hpp"
#include "core/error.hpp"
#include "core/files.hpp"
#include "core/toml_reader.hpp"
#include "datakit/internal.hpp"

namespace casco::data {
namespace {

std::array<double, 4> read_bbox(const TomlReader& r, const toml::table& t, const char* key,
                                const std::string& where) {
  const toml::array* a = t[key].as_array();
  if (!a || a->size() != 4)
    r.error_at(a ? static_cast<const toml::node&>(*a) : t,
               fmt::format("{} needs '{}' = [minx, miny, maxx, maxy]", where, key));
  std::array<double, 4> b{};
  for (std::size_t i = 0; i < 4; ++i) {
    auto v = (*a)[i].value<double>();
    if (!v || !std::isfinite(*v))
      r.error_at((*a)[i], fmt::format("'{}' in {} must hold finite numbers", key, where));
    b[i] = *v;
  }
  if (b[0] >= b[2] || b[1] >= b[3])
    r.error_at(*a, fmt::format("'{}' in {}: min must be below max", key, where));
  return b;
}

// The WGS84 envelope of an RD New box: its edges sampled, since a box in one CRS is curved in the
// other.
std::array<double, 4> wgs84_envelope(const std::array<double, 4>& b) {
  std::array<double, 4> e{1e9, 1e9, -1e9, -1e9};
  constexpr int kSteps = 16;
  for (int i = 0; i <= kSteps; ++i)
    for (int side = 0; side < 4; ++side) {
      const double f = static_cast<double>(i) / kSteps;
      double x = side < 2 ? b[0] + f * (b[2] - b[0]) : (side == 2 ? b[0] : b[2]);
      double y = side < 2 ? (side == 0 ? b[1] : b[3]) : b[1] + f * (b[3] - b[1]);
      transform_point("EPSG:28992", "EPSG:4326", x, y);  // x: longitude, y: latitude
      e = {std::min(e[0], x), std::min(e[1], y), std::max(e[2], x), std::max(e[3], y)};
    }
  // Rounded outward to 0.001 degree (about 100 m): the box asks for a little more, never less.
  return {std::floor(e[0] * 1000) / 1000, std::floor(e[1] * 1000) / 1000,
          std::ceil(e[2] * 1000) / 1000, std::ceil(e[3] * 1000) / 1000};
}

Area read_area(const TomlReader& r, const toml::table& t) {
  r.check_keys(t, "[[area]]",
               {"id", "name", "bbox_28992", "bbox_4326", "osm_extract", "surroundings_m",
                "osm_extract_surroundings"});
  Area a;
  a.id = r.text(t, "id", true, "[[area]]");
  const std::string where = "area '" + a.id + "'";
  a.name = r.text(t, "name", false, where, a.id);
  a.bbox_rd = read_bbox(r, t, "bbox_28992", where);
  a.bbox_wgs84 =
      t.contains("bbox_4326") ? read_bbox(r, t, "bbox_4326", where) : wgs84_envelope(a.bbox_rd);
  a.osm_extract = r.text(t, "osm_extract", false, where, a.osm_extract);
  a.osm_extract_surroundings =
      r.text(t, "osm_extract_surroundings", false, where, a.osm_extract_surroundings);
  if (const toml::node* n = t.get("surroundings_m")) {
    auto v = n->value<double>();
    if (!v || !(*v >= 0 && *v <= 100000))
      r.error_at(*n, fmt::format("surroundings_m in {} must be metres from 0 to 100000", where));
    a.surroundings_m = *v;
  }
  return a;
}

void check_choice(const TomlReader& r, const toml::table& t, const char* key,
                  const std::string& value, std::initializer_list<const char*> allowed,
                  const std::string& where) {
  if (std::any_of(allowed.begin(), allowed.end(), [&](const char* a) { return value == a; }))
    return;
  std::string list;
  for (auto a : allowed) list += std::string(list.empty() ? "" : ", ") + a;
  r.error_at(*t.get(key), fmt::format("'{}' in {} must be one of {}", key, where, list));
}

Source read_source(const TomlReader& r, const toml::table& t) {
  r.check_keys(
      t, "[[source]]",
      {"id",      "title",  "producer", "licence",   "attribution", "url",       "landing",
       "service", "format", "crs",      "cut",       "file",        "published", "attributes",
       "notes",   "layer",  "paging",   "page_size", "tiles",       "areas",     "surroundings"});
  Source s;
  s.id = r.text(t, "id", true, "[[source]]");
  const std::string where = "source '" + s.id + "'";
  s.title = r.text(t, "title", true, where);
  s.producer = r.text(t, "producer", true, where);
  s.licence = r.text(t, "licence", true, where);
  s.attribution = r.text(t, "attribution", true, where);
  s.published = t["published"].value_or(true);
  if (const toml::node* n = t.get("surroundings")) {
    if (!n->is_boolean()) r.error_at(*n, fmt::format("surroundings in {} is true or false", where));
    s.surroundings = n->as_boolean()->get();
  }
  s.url = r.text(t, "url", s.published, where);
  s.landing = r.text(t, "landing", false, where);
  s.service = r.text(t, "service", false, where, "file");
  s.format = r.text(t, "format", true, where);
  s.crs = r.text(t, "crs", false, where);
  s.cut = r.text(t, "cut", false, where, "none");
  s.file = r.text(t, "file", true, where);
  s.attributes = r.texts(t, "attributes", where);
  s.areas = r.texts(t, "areas", where);
  check_choice(r, t, "service", s.service, {"file", "ogcapi", "wfs", "wcs"}, where);
  check_choice(r, t, "format", s.format,
               {"geojson", "gpkg", "gml", "csv", "json", "zip", "pbf", "geotiff"}, where);
  check_choice(r, t, "cut", s.cut, {"bbox", "clip", "osmium", "none"}, where);
  // Paged services by default: WFS with GeoJSON output pages with startIndex, OGC API Features
  // follows rel="next" links.
  const bool geojson = s.format == "geojson";
  const char* paging_default = !geojson                ? "none"
                               : s.service == "wfs"    ? "wfs"
                               : s.service == "ogcapi" ? "next"
                                                       : "none";
  s.paging = r.text(t, "paging", false, where, paging_default);
  check_choice(r, t, "paging", s.paging, {"none", "wfs", "next", "odata"}, where);
  if ((s.paging == "wfs" || s.paging == "next") && !geojson)
    r.error_at(*t.get("paging"),
               fmt::format("paging = \"{}\" in {} needs format = \"geojson\" (pages are merged "
                           "as GeoJSON)",
                           s.paging, where));
  if (s.paging == "odata" && s.format != "json")
    r.error_at(*t.get("paging"),
               fmt::format("paging = \"odata\" in {} needs format = \"json\"", where));
  if (const toml::node* n = t.get("tiles")) {
    auto v = n->value<std::int64_t>();
    if (!v || *v < 1 || *v > 32)
      r.error_at(*n, fmt::format("tiles in {} must be a whole number from 1 to 32", where));
    s.tiles = static_cast<int>(*v);
    const bool has_box = s.url.find("{bbox_28992}") != std::string::npos ||
                         s.url.find("{bbox_4326}") != std::string::npos;
    if (s.tiles > 1 && (s.paging == "none" || !has_box))
      r.error_at(*n, fmt::format("tiles in {} needs a paged service whose url holds {{bbox_28992}} "
                                 "or {{bbox_4326}}",
                                 where));
  }
  if (const toml::node* n = t.get("page_size")) {
    auto v = n->value<std::int64_t>();
    if (!v || *v < 1 || *v > 1000000)
      r.error_at(*n,
                 fmt::format("page_size in {} must be a whole number from 1 to 1000000", where));
    s.page_size = static_cast<long>(*v);
  }
  if (s.file.find('/') != std::string::npos || s.file.empty() || s.file[0] == '.')
    r.error_at(*t.get("file"), fmt::format("'file' in {} must be a plain file name", where));
  // One model layer ([source.layer]) or several ([[source.layer]]) made from the file.
  if (const toml::node* l = t.get("layer")) {
    if (const toml::table* one = l->as_table()) {
      s.layers.push_back(*one);
    } else if (const toml::array* many = l->as_array()) {
      for (const auto& item : *many) {
        if (!item.is_table())
          r.error_at(item, fmt::format("each [[source.layer]] in {} must be a table", where));
        s.layers.push_back(*item.as_table());
      }
    } else {
      r.error_at(*l, fmt::format("'layer' in {} must be a table or a list of tables", where));
    }
  }
  return s;
}

}  // namespace

Area area_from_bbox(const std::array<double, 4>& b) {
  if (!(b[0] < b[2] && b[1] < b[3]))
    fail(
        "--bbox {},{},{},{}: give minx,miny,maxx,maxy in RD New (EPSG:28992) metres, min below "
        "max",
        b[0], b[1], b[2], b[3]);
  if (b[0] < -10000 || b[2] > 310000 || b[1] < 280000 || b[3] > 640000)
    fail(
        "--bbox {},{},{},{} lies (partly) outside the Netherlands in RD New (x -7,000 to "
        "300,000, y 289,000 to 629,000 m); give metres in EPSG:28992, not degrees",
        b[0], b[1], b[2], b[3]);
  Area a;
  a.id = fmt::format("bbox-{}-{}-{}-{}", b[0], b[1], b[2], b[3]);
  a.name = fmt::format("box {:.0f}, {:.0f} – {:.0f}, {:.0f} (RD New)", b[0], b[1], b[2], b[3]);
  a.bbox_rd = b;
  a.bbox_wgs84 = wgs84_envelope(b);
  return a;  // OSM: the Netherlands extract, cut to the box with osmium
}

Area with_surroundings(const Area& a, double metres) {
  if (!(metres > 0)) return a;
  // The RD New range of the Netherlands (as area_from_bbox checks): a box grown past it asks the
  // national services for nothing more.
  const std::array<double, 4> nl{-7000, 289000, 300000, 629000};
  Area g = a;
  g.bbox_rd = {std::max(nl[0], a.bbox_rd[0] - metres), std::max(nl[1], a.bbox_rd[1] - metres),
               std::min(nl[2], a.bbox_rd[2] + metres), std::min(nl[3], a.bbox_rd[3] + metres)};
  g.bbox_wgs84 = wgs84_envelope(g.bbox_rd);
  g.osm_extract = a.osm_extract_surroundings;
  g.name = fmt::format("{} en {:.0f} km rondom", a.name, metres / 1000);
  return g;
}

const Area& Catalogue::area(const std::string& id) const {
  for (const auto& a : areas)
    if (a.id == id) return a;
  std::string names;
  for (const auto& a : areas) names += (names.empty() ? "" : ", ") + a.id;
  fail("unknown area '{}': {} defines {}", id, path, names.empty() ? "no areas" : names);
}

Catalogue load_catalogue(const fs::path& path) {
  TomlReader r(path.string());
  toml::table root = r.parse(TomlReader::read_file(path.string(), "data catalogue"));
  r.check_keys(root, "the catalogue", {"catalogue", "area", "source"});
  Catalogue c;
  c.path = path.string();
  if (const toml::array* areas = root["area"].as_array())
    for (const auto& a : *areas) c.areas.push_back(read_area(r, *a.as_table()));
  if (const toml::array* sources = root["source"].as_array())
    for (const auto& s : *sources) {
      Source src = read_source(r, *s.as_table());
      for (const auto& other : c.sources)
        if (other.id == src.id) r.error_at(s, "duplicate source id '" + src.id + "'");
      c.sources.push_back(std::move(src));
    }
  if (c.sources.empty()) fail("{}: the catalogue lists no [[source]]", c.path);
  // A layer derived from the layers of other sources names them in `with_sources`
  // (write_model_sources writes it only when they are fetched too).
  for (const Source& s : c.sources)
    for (const toml::table& layer : s.layers) {
      const toml::node* w = layer.get("with_sources");
      if (!w) continue;
      const toml::array* ids = w->as_array();
      if (!ids) r.error_at(*w, "with_sources = [\"source id\", ...] (the sources it is made from)");
      for (const auto& id : *ids) {
        const auto* text = id.as_string();
        if (!text || std::none_of(c.sources.begin(), c.sources.end(),
                                  [&](const Source& o) { return o.id == text->get(); }))
          r.error_at(id, fmt::format("with_sources of source '{}' names '{}', which is not a "
                                     "source of this catalogue",
                                     s.id, text ? text->get() : "?"));
      }
      const auto* derivation = layer.get("derivation");
      if (!derivation || derivation->value_or(std::string()) != "expression")
        r.error_at(*w, fmt::format("with_sources in a layer of source '{}' is for layers with "
                                   "derivation = \"expression\" (made from other sources' layers)",
                                   s.id));
    }
  return c;
}

fs::path default_catalogue() {
  if (fs::exists("data/catalogue.toml")) return "data/catalogue.toml";
  return fs::path(CASCO_DEFAULT_CATALOGUE);
}

// ---- lock file (JSON: readable, diffable, and nlohmann keeps it simple) ----

Lock read_lock(const fs::path& dir) {
  Lock lock;
  const fs::path p = dir / kLockName;
  if (!fs::exists(p)) return lock;
  std::ifstream in(p);
  nlohmann::json j;
  try {
    in >> j;
    lock.area = j.value("area", "");
    lock.catalogue = j.value("catalogue", "");
    if (j.contains("bbox_28992")) lock.bbox_rd = j["bbox_28992"].get<std::array<double, 4>>();
    for (auto& [id, e] : j["sources"].items()) {
      LockEntry le;
      le.title = e.value("title", ""), le.url = e.value("url", "");
      le.etag = e.value("etag", ""), le.last_modified = e.value("last_modified", "");
      le.sha256 = e.value("sha256", ""), le.fetched_at = e.value("fetched_at", "");
      le.licence = e.value("licence", ""), le.attribution = e.value("attribution", "");
      le.raw = e.value("raw", ""), le.output = e.value("output", ""), le.kind = e.value("kind", "");
      le.bytes = e.value("bytes", std::uint64_t{0});
      le.attributes = e.value("attributes", std::vector<std::string>{});
      lock.entries[id] = le;
    }
  } catch (const nlohmann::json::exception& e) {
    fail("{}: unreadable lock file ({}); delete it to fetch everything again", p.string(),
         e.what());
  }
  return lock;
}

void write_lock(const fs::path& dir, const Lock& lock) {
  nlohmann::ordered_json j;
  j["area"] = lock.area;
  j["catalogue"] = lock.catalogue;
  j["bbox_28992"] = lock.bbox_rd;
  j["sources"] = nlohmann::ordered_json::object();
  for (const auto& [id, e] : lock.entries)
    j["sources"][id] = {{"title", e.title},
                        {"url", e.url},
                        {"etag", e.etag},
                        {"last_modified", e.last_modified},
                        {"sha256", e.sha256},
                        {"bytes", e.bytes},
                        {"fetched_at", e.fetched_at},
                        {"licence", e.licence},
                        {"attribution", e.attribution},
                        {"raw", e.raw},
                        {"output", e.output},
                        {"kind", e.kind},
                        {"attributes", e.attributes}};
  AtomicOutput out(dir / kLockName);
  {
    std::ofstream f(out.temp_path());
    f << j.dump(2) << "\n";
    if (!f) fail("cannot write '{}'", out.temp_path().string());
  }
  out.commit();
}

std::string now_utc() {
  std::time_t t = std::time(nullptr);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

double age_days(const std::string& iso_utc) {
  std::tm tm{};
  std::istringstream in(iso_utc);
  in >> std::get_time(&tm, "%Y-%m-%dT%H:%M:%SZ");
  if (in.fail()) return -1;
  return std::difftime(std::time(nullptr), timegm(&tm)) / 86400.0;
}

std::string human_bytes(std::uint64_t bytes) {
  const char* units[] = {"B", "KB", "MB", "GB", "TB"};
  double v = static_cast<double>(bytes);
  int u = 0;
  while (v >= 1024 && u < 4) v /= 1024, ++u;
  return u == 0 ? fmt::format("{} B", bytes) : fmt::format("{:.1f} {}", v, units[u]);
}

}  // namespace casco::data
