#include "viewer/server.hpp"

#include <httplib.h>
#include <ogrsf_frmts.h>
#include <tbb/parallel_for.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <charconv>
#include <cmath>
#include <fstream>
#include <map>
#include <mutex>
#include <nlohmann/json.hpp>
#include <optional>
#include <sstream>

#include "casco/version.hpp"
#include "core/crs.hpp"
#include "core/error.hpp"
#include "core/files.hpp"
#include "legend/legend.hpp"
#include "model/store.hpp"
#include "rules/assess.hpp"
#include "rules/rules.hpp"
#include "viewer/request.hpp"
#include "viewer/tiles.hpp"

namespace casco::viewer {
namespace {

using json = nlohmann::json;

// Request text echoed in messages may not be UTF-8: replace, never throw.
std::string dump(const json& j) {
  return j.dump(-1, ' ', false, json::error_handler_t::replace);
}

void send_json(httplib::Response& res, const json& j, int status = 200) {
  res.status = status;
  res.set_content(dump(j), "application/json; charset=utf-8");
}

void send_error(httplib::Response& res, int status, const std::string& en, const std::string& nl) {
  res.status = status;
  res.set_content(dump(json{{"error", en}, {"fout", nl}, {"status", status}}),
                  "application/json; charset=utf-8");
}

// Runs a handler; refusals and failures become JSON errors so one bad request never ends the
// server.
template <typename F>
void guarded(httplib::Response& res, F&& f) {
  try {
    f();
  } catch (const HttpError& e) {
    send_error(res, e.status, e.en, e.nl);
  } catch (const Error& e) {
    send_error(res, 500, e.what(), std::string("interne fout: ") + e.what());
  } catch (const std::exception& e) {
    send_error(res, 500, std::string("internal error: ") + e.what(),
               std::string("interne fout: ") + e.what());
  }
}

bool ends_with(std::string_view s, std::string_view tail) {
  return s.size() >= tail.size() && s.substr(s.size() - tail.size()) == tail;
}

std::string lower(std::string s) {
  for (auto& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

// Paths that try to leave their folder or smuggle separators past the router.
bool suspicious_target(const httplib::Request& req) {
  const std::string raw = lower(req.target);
  for (const char* bad : {"%2f", "%5c", "%00", "\\", "%2e%2e", "..%2f"})
    if (raw.find(bad) != std::string::npos) return true;
  for (std::string_view seg : split(req.path, '/'))
    if (seg == ".." || seg == ".") return true;
  return req.path.empty() || req.path.front() != '/' || req.path.find('\0') != std::string::npos;
}

std::string mime_of(const std::string& name) {
  static const std::map<std::string, std::string> types = {
      {".html", "text/html; charset=utf-8"},
      {".js", "text/javascript; charset=utf-8"},
      {".css", "text/css; charset=utf-8"},
      {".json", "application/json"},
      {".png", "image/png"},
      {".svg", "image/svg+xml"},
      {".ico", "image/x-icon"},
      {".map", "application/json"},
      {".txt", "text/plain; charset=utf-8"},
      {".woff2", "font/woff2"}};
  auto dot = name.rfind('.');
  auto it = dot == std::string::npos ? types.end() : types.find(lower(name.substr(dot)));
  return it == types.end() ? "application/octet-stream" : it->second;
}

const char* kNoBundlePage = R"(<!doctype html>
<html lang="nl"><head><meta charset="utf-8"><title>casco viewer</title>
<style>body{font:16px/1.5 system-ui,sans-serif;max-width:40em;margin:3em auto;color:#222}
code{background:#eee;padding:.1em .3em;border-radius:3px}</style></head>
<body><h1>casco viewer</h1>
<p>De kaartviewer is nog niet gebouwd. Bouw hem met <code>scripts/build-web.sh</code>
(npm ci &amp;&amp; npm run build in <code>web/</code>) en herlaad deze pagina.</p>
<p>The viewer bundle has not been built yet: run <code>scripts/build-web.sh</code> and reload.
The API works already: <a href="/api/model">/api/model</a>.</p></body></html>
)";

// Deletes a scratch file when the request is done, whatever happens.
struct ScratchFile {
  std::filesystem::path path;
  ~ScratchFile() {
    std::error_code ec;
    std::filesystem::remove(path, ec);
  }
};

// PROJ transformations are not thread-safe: each request borrows one.
class TransformPool {
 public:
  TransformPool(OGRSpatialReference from, OGRSpatialReference to)
      : from_(std::move(from)), to_(std::move(to)) {}
  Transform take() {
    {
      std::lock_guard lock(mutex_);
      if (!free_.empty()) {
        Transform t = std::move(free_.back());
        free_.pop_back();
        return t;
      }
    }
    Transform t = make_transform(from_, to_);
    if (!t) fail("the viewer needs a transformation between different CRSs");
    return t;
  }
  void give(Transform t) {
    std::lock_guard lock(mutex_);
    free_.push_back(std::move(t));
  }

 private:
  OGRSpatialReference from_, to_;
  std::mutex mutex_;
  std::vector<Transform> free_;
};

// Returns a borrowed transformation to its pool at the end of a scope.
struct Borrowed {
  TransformPool& pool;
  Transform t;
  explicit Borrowed(TransformPool& p) : pool(p), t(p.take()) {}
  ~Borrowed() { pool.give(std::move(t)); }
  OGRCoordinateTransformation& operator*() { return *t; }
};

constexpr GIntBig kGdalCacheBytes = 128 << 20;
// Raise when the legend module's output changes, so old legend caches are not used.
constexpr int kLegendCacheSchema = 2;

struct CachedLayer {
  std::shared_ptr<const Raster> raster;
  std::uint64_t last_used = 0;
};

}  // namespace

struct Server::Impl {
  ServerOptions opt;
  Store store;
  std::optional<rules::RuleSet> rules;
  std::vector<std::string> layer_ids;
  OGRSpatialReference store_srs, mercator, wgs84;
  std::unique_ptr<TransformPool> to_store_from_mercator, to_store_from_wgs84, to_wgs84;
  Box grid_box;
  std::map<std::string, legend::Legend> colours;  // by layer id, fixed after start
  std::vector<std::uint8_t> study;                // cells in the study area (legend ranges)
  std::map<std::string, std::string> etags;       // by layer id
  std::map<std::string, std::pair<std::string, std::string>> files;  // web bundle: body, type
  std::string empty_tile;

  std::mutex store_mutex;  // GDAL datasets of the store are used by one thread at a time
  std::mutex cache_mutex;
  std::map<std::string, CachedLayer> cache;
  std::size_t cache_bytes = 0;
  std::uint64_t clock = 0;
  std::mutex borders_mutex;
  std::map<std::string, std::string> borders;  // GeoJSON by layer id
  std::mutex compiled_mutex;
  std::map<std::string, rules::CompiledRules> compiled;  // by kind
  std::atomic<unsigned> scratch_counter{0};
  json model_json;

  httplib::Server http;
  int port = 0;

  explicit Impl(ServerOptions o) : opt(std::move(o)), store(Store::open(opt.store)) {
    ensure_gdal_registered();
    // Whole layers pass through GDAL's block cache once; the viewer keeps its own layer cache,
    // so a large block cache would only hold the same cells twice.
    if (GDALGetCacheMax64() > kGdalCacheBytes) GDALSetCacheMax64(kGdalCacheBytes);
    for (const auto& L : store.manifest().layers) layer_ids.push_back(L.id);
    const Grid& g = store.grid();
    store_srs = make_srs(g.crs_wkt.empty() ? g.crs : g.crs_wkt, "store CRS");
    mercator = make_srs("EPSG:3857", "web map CRS");
    wgs84 = make_srs("EPSG:4326", "WGS 84");
    to_store_from_mercator = std::make_unique<TransformPool>(mercator, store_srs);
    to_store_from_wgs84 = std::make_unique<TransformPool>(wgs84, store_srs);
    to_wgs84 = std::make_unique<TransformPool>(store_srs, wgs84);
    {
      Transform ct = make_transform(store_srs, mercator);
      grid_box = grid_box_mercator(g, *ct);
    }
    if (!opt.rules.empty()) rules = rules::load_rules(opt.rules);
    empty_tile =
        encode_png(std::vector<std::uint32_t>(kTileSize * kTileSize, 0), kTileSize, kTileSize);
    load_bundle();
    prepare_layers();
    model_json = make_model_json();
  }

  // The bundle is read once: only files that exist at start are served, never a path built from
  // the request.
  void load_bundle() {
    std::error_code ec;
    if (opt.web_dir.empty() || !std::filesystem::is_directory(opt.web_dir, ec)) return;
    for (auto it = std::filesystem::recursive_directory_iterator(opt.web_dir, ec);
         !ec && it != std::filesystem::recursive_directory_iterator(); it.increment(ec)) {
      if (!it->is_regular_file() || it->is_symlink() || it->file_size() > (64u << 20)) continue;
      std::ifstream in(it->path(), std::ios::binary);
      std::ostringstream body;
      body << in.rdbuf();
      const std::string rel =
          "/" + std::filesystem::relative(it->path(), opt.web_dir).generic_string();
      files[rel] = {body.str(), mime_of(rel)};
    }
  }

  // Legends need each layer's values once (zone neighbours, percentiles). They are kept in a
  // cache file beside the store (<store>.legends.json), valid while a layer's ETag is the same,
  // so only the first start (and layers rebuilt since) reads whole layers: the next starts are
  // quick and read nothing until a tile asks for it. Layers read stay in the layer cache while it
  // has room. Layers are read in parallel (one GDAL dataset each).
  // Tiles and borders change only when their layer is rebuilt: its ETag lets browsers revalidate
  // (304, no body) instead of downloading again.
  bool not_modified(const httplib::Request& req, httplib::Response& res, const std::string& id) {
    const std::string& etag = etags.at(id);
    res.set_header("ETag", etag);
    res.set_header("Cache-Control", "public, max-age=60, must-revalidate");
    if (req.get_header_value("If-None-Match") != etag) return false;
    res.status = 304;
    return true;
  }

  std::filesystem::path legend_cache_path() const {
    return std::filesystem::path(opt.store.string() + ".legends.json");
  }

  json read_legend_cache() const {
    std::ifstream in(legend_cache_path());
    if (!in) return json::object();
    json j = json::parse(in, nullptr, false);
    if (j.is_discarded() || !j.is_object() || j.value("casco", "") != kVersion ||
        j.value("schema", 0) != kLegendCacheSchema || !j.contains("layers") ||
        !j["layers"].is_object())
      return json::object();  // unreadable or from another casco: start afresh
    return j["layers"];
  }

  void prepare_layers() {
    const auto& layers = store.manifest().layers;
    study = store.study_mask();
    const json cached = read_legend_cache();
    std::mutex done;
    std::atomic<std::size_t> computed{0};
    tbb::parallel_for(std::size_t{0}, layers.size(), [&](std::size_t i) {
      const LayerRecord& L = layers[i];
      // Changes when the layer is rebuilt (definition, source or build time).
      std::string etag = fmt::format("\"{}-{:x}\"", L.definition_sha256.substr(0, 16),
                                     std::hash<std::string>{}(L.built_at + L.source_sha256));
      std::optional<legend::Legend> c;
      if (auto it = cached.find(L.id); it != cached.end() && it->value("etag", "") == etag) {
        try {
          c = legend::legend_from_json((*it)["legend"].get<std::string>());
        } catch (const std::exception&) {
          c.reset();  // a damaged entry is computed again
        }
      }
      std::shared_ptr<const Raster> raster;
      if (!c) {
        raster = std::make_shared<const Raster>(store.read(L.id));
        c = legend::legend_for(store, L, *raster, study);
        ++computed;
      }
      {
        std::lock_guard lock(done);
        colours.emplace(L.id, std::move(*c));
        etags.emplace(L.id, std::move(etag));
      }
      if (raster) remember(L.id, std::move(raster));
    });
    if (computed > 0) write_legend_cache();
  }

  void write_legend_cache() const {
    json layers = json::object();
    for (const auto& [id, c] : colours)
      layers[id] = {{"etag", etags.at(id)}, {"legend", legend::to_json(c)}};
    try {
      AtomicOutput out(legend_cache_path());
      {
        std::ofstream f(out.temp_path());
        f << json{{"casco", kVersion}, {"schema", kLegendCacheSchema}, {"layers", layers}}.dump()
          << "\n";
        if (!f) fail("cannot write '{}'", out.temp_path().string());
      }
      out.commit();
    } catch (const std::exception& e) {
      warn("the legend cache cannot be saved ({}); the next start reads every layer again",
           e.what());
    }
  }

  void remember(const std::string& id, std::shared_ptr<const Raster> raster) {
    std::lock_guard lock(cache_mutex);
    const std::size_t bytes = raster->values.size() * sizeof(float);
    if (bytes > opt.cache_bytes) return;
    while (cache_bytes + bytes > opt.cache_bytes && !cache.empty()) {
      auto oldest = std::min_element(cache.begin(), cache.end(), [](const auto& a, const auto& b) {
        return a.second.last_used < b.second.last_used;
      });
      cache_bytes -= oldest->second.raster->values.size() * sizeof(float);
      cache.erase(oldest);
    }
    if (cache.count(id)) return;
    cache[id] = {std::move(raster), ++clock};
    cache_bytes += bytes;
  }

  std::shared_ptr<const Raster> cached(const std::string& id) {
    std::lock_guard lock(cache_mutex);
    auto it = cache.find(id);
    if (it == cache.end()) return nullptr;
    it->second.last_used = ++clock;
    return it->second.raster;
  }

  std::shared_ptr<const Raster> raster(const std::string& id) {
    if (auto r = cached(id)) return r;
    std::lock_guard lock(store_mutex);
    if (auto r = cached(id)) return r;  // another request loaded it meanwhile
    auto r = std::make_shared<const Raster>(store.read(id));
    remember(id, r);
    return r;
  }

  const LayerRecord& known_layer(const std::string& id) {
    const LayerRecord* L = store.find(id);
    if (!L)
      reject(404, "unknown layer '" + id + "': see /api/model for the layers",
             "onbekende laag '" + id + "': zie /api/model voor de lagen");
    return *L;
  }

  json make_model_json() {
    const StoreManifest& m = store.manifest();
    const Grid& g = store.grid();
    json j;
    j["name"] = m.model_name;
    j["casco_version"] = m.casco_version;
    j["built_at"] = m.built_at;
    j["borders"] = m.borders;
    j["grid"] = {{"crs", g.crs}, {"cell", g.cell}, {"cols", g.cols}, {"rows", g.rows},
                 {"x0", g.x0},   {"y0", g.y0},     {"x1", g.x1()},   {"y1", g.y1()}};
    Borrowed ct(*to_wgs84);
    double xs[4] = {g.x0, g.x1(), g.x0, g.x1()}, ys[4] = {g.y0, g.y0, g.y1(), g.y1()};
    (*ct).Transform(4, xs, ys);
    j["bounds_wgs84"] = {*std::min_element(xs, xs + 4), *std::min_element(ys, ys + 4),
                         *std::max_element(xs, xs + 4), *std::max_element(ys, ys + 4)};
    // The groups as the model orders them (model.toml [[group]]); empty groups are left out.
    auto& jg = j["groups"] = json::array();
    for (const LayerGroup& group : m.groups) {
      const std::string& gid = group.id;
      json layers = json::array();
      for (const auto& L : m.layers) {
        if (L.group != gid) continue;
        layers.push_back({{"id", L.id},
                          {"title", L.title.empty() ? L.id : L.title},
                          {"unit", L.unit},
                          {"derivation", L.derivation},
                          {"description", L.description},
                          {"attribution", L.attribution},
                          {"zones", L.describe.style.kind == LayerStyle::Kind::Zones},
                          {"borders", L.describe.style.kind == LayerStyle::Kind::Zones &&
                                          !L.vector_table.empty()},
                          {"stats",
                           {{"min", L.stats.min},
                            {"max", L.stats.max},
                            {"mean", L.stats.mean},
                            {"cells_data", L.stats.cells_data},
                            {"cells_set", L.stats.cells_set},
                            {"area_ha", L.stats.area_ha}}},
                          {"role", L.describe.role},
                          {"params", L.describe.params},
                          {"estimate", L.estimate},
                          {"legend", json::parse(legend::to_json(colours.at(L.id)))}});
      }
      if (!layers.empty()) jg.push_back({{"id", gid}, {"title", group.title}, {"layers", layers}});
    }
    j["assessment"] = rules.has_value();
    return j;
  }

  // ------------------------------------------------------------ handlers

  void tile(const httplib::Request& req, httplib::Response& res) {
    // {layer}/{z}/{x}/{y}.png
    const TileAddress t = parse_tile_path(req.matches[1].str());
    const LayerRecord& L = known_layer(t.layer);
    if (not_modified(req, res, L.id)) return;
    if (!tile_box(t.z, t.x, t.y).intersects(grid_box)) {
      res.set_content(empty_tile, "image/png");
      return;
    }
    auto r = raster(L.id);
    Borrowed ct(*to_store_from_mercator);
    auto pixels = render_tile(*r, colours.at(L.id), *ct, t.z, t.x, t.y);
    res.set_content(encode_png(pixels, kTileSize, kTileSize), "image/png");
  }

  double value_at(const std::string& id, int col, int row) {
    if (auto r = cached(id)) return r->at(row, col);
    std::lock_guard lock(store_mutex);
    return store.read_window(id, col, row, 1, 1).values[0];
  }

  void value(const httplib::Request& req, httplib::Response& res) {
    const auto [lon, lat] = parse_lon_lat(req.get_param_value("lon"), req.get_param_value("lat"));
    double x = lon, y = lat;
    {
      Borrowed ct(*to_store_from_wgs84);
      if (!(*ct).Transform(1, &x, &y))
        reject(400, "cannot transform the point", "kan het punt niet omrekenen");
    }
    const Grid& g = store.grid();
    const double col = std::floor(g.px(x)), row = std::floor(g.py(y));
    json j = {{"lon", lon}, {"lat", lat}, {"x", x}, {"y", y}};
    const bool inside = col >= 0 && row >= 0 && col < g.cols && row < g.rows;
    j["inside"] = inside;
    auto& vals = j["values"] = json::array();
    if (inside) {
      for (const auto& L : store.manifest().layers) {
        const double v = value_at(L.id, static_cast<int>(col), static_cast<int>(row));
        const legend::Legend& lg = colours.at(L.id);
        json jv = {{"id", L.id},
                   {"title", L.title.empty() ? L.id : L.title},
                   {"group", L.group},
                   {"unit", lg.unit},
                   {"value", std::isnan(v) ? json(nullptr) : json(v)},
                   {"text", lg.format(v)}};
        if (int k = lg.class_index(v); k >= 0 && !lg.zones)
          jv["text"] = lg.classes[static_cast<std::size_t>(k)].label;
        if (L.describe.style.kind == LayerStyle::Kind::Zones && !std::isnan(v))
          for (const ZoneRecord& zr : store.zones(L.id))
            if (zr.zone == static_cast<int>(std::lround(v))) {
              jv["zone"] = {{"code", zr.code}, {"name", zr.name}};
              break;
            }
        vals.push_back(jv);
      }
    }
    send_json(res, j);
  }

  std::string borders_geojson(const LayerRecord& L) {
    {
      std::lock_guard lock(borders_mutex);
      if (auto it = borders.find(L.id); it != borders.end()) return it->second;
    }
    GDALDatasetUniquePtr ds = [&] {
      std::lock_guard lock(store_mutex);
      return store.open_vectors();
    }();
    OGRLayer* layer = ds->GetLayerByName(L.vector_table.c_str());
    if (!layer)
      reject(404, "layer '" + L.id + "' has no border table in this store",
             "laag '" + L.id + "' heeft geen grenzen in deze store");
    // Simplified to about a quarter of a cell: finer than the raster, far lighter than the source.
    const double tolerance = std::max(5.0, store.grid().cell / 4);
    Borrowed ct(*to_wgs84);
    json fc = {{"type", "FeatureCollection"}, {"features", json::array()}};
    char** opts = CSLSetNameValue(nullptr, "COORDINATE_PRECISION", "5");
    for (auto& f : *layer) {
      const OGRGeometry* g = f->GetGeometryRef();
      if (!g) continue;
      std::unique_ptr<OGRGeometry> s(g->SimplifyPreserveTopology(tolerance));
      if (!s || s->transform(&*ct) != OGRERR_NONE) continue;
      char* text = OGR_G_ExportToJsonEx(OGRGeometry::ToHandle(s.get()), opts);
      json props;
      for (const char* key : {"name", "statnaam", "naam"})
        if (int i = f->GetFieldIndex(key); i >= 0 && f->IsFieldSetAndNotNull(i)) {
          props["name"] = f->GetFieldAsString(i);
          break;
        }
      for (const char* key : {"code", "statcode"})
        if (int i = f->GetFieldIndex(key); i >= 0 && f->IsFieldSetAndNotNull(i)) {
          props["code"] = f->GetFieldAsString(i);
          break;
        }
      fc["features"].push_back(
          {{"type", "Feature"}, {"properties", props}, {"geometry", json::parse(text)}});
      CPLFree(text);
    }
    CSLDestroy(opts);
    std::string out = dump(fc);
    std::lock_guard lock(borders_mutex);
    borders[L.id] = out;
    return out;
  }

  void border(const httplib::Request& req, httplib::Response& res) {
    const std::string name = req.matches[1].str();
    if (!ends_with(name, ".geojson") || name.find('/') != std::string::npos)
      reject(400, "border paths look like /api/borders/{zones layer}.geojson",
             "grenspaden zien eruit als /api/borders/{zonelaag}.geojson");
    const LayerRecord& L = known_layer(name.substr(0, name.size() - 8));
    if (L.describe.style.kind != LayerStyle::Kind::Zones || L.vector_table.empty())
      reject(404, "layer '" + L.id + "' is not a zones layer with borders",
             "laag '" + L.id + "' is geen zonelaag met grenzen");
    if (not_modified(req, res, L.id)) return;
    res.set_content(borders_geojson(L), "application/geo+json");
  }

  json kinds_json() {
    json j = {{"available", rules.has_value()}, {"kinds", json::array()}};
    if (!rules) return j;
    j["ruleset"] = {{"name", rules->name}, {"version", rules->version}};
    for (const auto& k : rules->kinds)
      j["kinds"].push_back({{"id", k.id}, {"title", k.title}, {"description", k.description}});
    return j;
  }

  const rules::CompiledRules& compiled_for(const std::string& kind) {
    std::lock_guard lock(compiled_mutex);
    auto it = compiled.find(kind);
    if (it == compiled.end())
      it = compiled.emplace(kind, rules::CompiledRules(*rules, kind, layer_ids)).first;
    return it->second;
  }

  // The plans back in WGS 84, for drawing them over the map.
  json plans_geojson(const std::vector<rules::Plan>& plans) {
    json fc = {{"type", "FeatureCollection"}, {"features", json::array()}};
    Borrowed ct(*to_wgs84);
    char** opts = CSLSetNameValue(nullptr, "COORDINATE_PRECISION", "6");
    for (const auto& p : plans) {
      std::unique_ptr<OGRGeometry> g(p.geometry->clone());
      if (g->transform(&*ct) != OGRERR_NONE) continue;
      char* text = OGR_G_ExportToJsonEx(OGRGeometry::ToHandle(g.get()), opts);
      fc["features"].push_back({{"type", "Feature"},
                                {"properties", {{"name", p.name}, {"kind", p.kind}}},
                                {"geometry", json::parse(text)}});
      CPLFree(text);
    }
    CSLDestroy(opts);
    return fc;
  }

  void assess(const httplib::Request& req, httplib::Response& res) {
    if (!rules)
      reject(503, "no rule file: start casco serve with --rules rules.toml",
             "geen regelbestand: start casco serve met --rules rules.toml");
    const std::string kind = req.get_param_value("kind");
    bool known_kind = false;
    for (const auto& k : rules->kinds) known_kind = known_kind || k.id == kind;
    if (!kind.empty() && !known_kind)
      reject(400, "unknown kind '" + kind + "': see /api/kinds",
             "onbekende soort '" + kind + "': zie /api/kinds");
    json body;
    try {
      body = json::parse(req.body);
    } catch (const json::exception& e) {
      reject(400, std::string("malformed GeoJSON: not JSON (") + e.what() + ")",
             std::string("ongeldige GeoJSON: geen JSON (") + e.what() + ")");
    }
    check_plan_geojson(body, opt.max_plans, opt.max_plan_vertices);
    // read_plans reads files (any OGR format); the body goes through a scratch file.
    ScratchFile scratch{std::filesystem::temp_directory_path() /
                        fmt::format("casco-plan-{}-{}.geojson", ::getpid(), ++scratch_counter)};
    {
      std::ofstream out(scratch.path, std::ios::binary);
      out << req.body;
      if (!out) fail("cannot write the scratch file {}", scratch.path.string());
    }
    std::vector<rules::Assessment> results;
    std::vector<rules::Plan> plans;
    try {
      std::lock_guard lock(store_mutex);
      plans = rules::read_plans(scratch.path, store, kind);
      for (auto& p : plans) {
        bool ok = false;
        for (const auto& k : rules->kinds) ok = ok || k.id == p.kind;
        if (!ok)
          reject(400, "unknown kind '" + p.kind + "' in plan '" + p.name + "': see /api/kinds",
                 "onbekende soort '" + p.kind + "' in plan '" + p.name + "': zie /api/kinds");
        results.push_back(rules::assess(store, compiled_for(p.kind), p));
      }
    } catch (const Error& e) {
      std::string msg = e.what();
      // The scratch file's name means nothing to the caller.
      for (std::size_t at; (at = msg.find(scratch.path.string())) != std::string::npos;)
        msg.replace(at, scratch.path.string().size(), "request");
      reject(400, "cannot assess the plan: " + msg, "het plan kan niet worden getoetst: " + msg);
    }
    json out = json::parse(rules::format_assessments(results, *rules, rules::ReportFormat::Json));
    out["geojson"] = plans_geojson(plans);
    send_json(res, out);
  }

  void static_file(const httplib::Request& req, httplib::Response& res) {
    if (req.path.rfind("/api/", 0) == 0)
      reject(404, "no such endpoint: see docs/api.md", "onbekend adres: zie docs/api.md");
    if (files.empty() && req.path == "/") {
      res.set_content(kNoBundlePage, "text/html; charset=utf-8");
      return;
    }
    auto it = files.find(req.path == "/" ? "/index.html" : req.path);
    if (it == files.end()) reject(404, "not found", "niet gevonden");
    res.set_header("Cache-Control", "no-cache");
    res.set_content(it->second.first, it->second.second);
  }

  void routes() {
    using Req = const httplib::Request&;
    using Res = httplib::Response&;
    http.set_payload_max_length(opt.max_body_bytes);
    http.set_pre_routing_handler([](Req req, Res res) {
      if (!suspicious_target(req)) return httplib::Server::HandlerResponse::Unhandled;
      send_error(res, 400, "bad path", "ongeldig pad");
      return httplib::Server::HandlerResponse::Handled;
    });
    http.set_exception_handler([](Req req, Res res, std::exception_ptr ep) {
      std::string what = "unknown exception";
      try {
        if (ep) std::rethrow_exception(ep);
      } catch (const std::exception& e) {
        what = e.what();
      } catch (...) {
      }
      warn("viewer: {} {} failed: {}", req.method, req.path, what);
      send_error(res, 500, "internal error", "interne fout");
    });
    // Errors without a body of their own (e.g. 413 from httplib) get a JSON one.
    http.set_error_handler([](Req, Res res) {
      if (!res.body.empty()) return;
      if (res.status == 413)
        send_error(res, 413, "request body too large", "verzoek te groot");
      else if (res.status == 404)
        send_error(res, 404, "not found", "niet gevonden");
      else
        send_error(res, res.status, "request failed", "verzoek mislukt");
    });
    http.Get("/api/model",
             [this](Req, Res res) { guarded(res, [&] { send_json(res, model_json); }); });
    http.Get("/api/kinds",
             [this](Req, Res res) { guarded(res, [&] { send_json(res, kinds_json()); }); });
    http.Get("/api/value", [this](Req req, Res res) { guarded(res, [&] { value(req, res); }); });
    http.Get("/api/tiles/(.*)",
             [this](Req req, Res res) { guarded(res, [&] { tile(req, res); }); });
    http.Get("/api/borders/(.*)",
             [this](Req req, Res res) { guarded(res, [&] { border(req, res); }); });
    http.Post("/api/assess", [this](Req req, Res res) { guarded(res, [&] { assess(req, res); }); });
    http.Get("/.*", [this](Req req, Res res) { guarded(res, [&] { static_file(req, res); }); });
  }
};

Server::Server(ServerOptions options) : impl_(std::make_unique<Impl>(std::move(options))) {
  impl_->routes();
}

Server::~Server() = default;

int Server::bind() {
  auto& i = *impl_;
  if (i.opt.port == 0)
    i.port = i.http.bind_to_any_port(i.opt.host);
  else if (i.http.bind_to_port(i.opt.host, i.opt.port))
    i.port = i.opt.port;
  else
    i.port = -1;
  if (i.port <= 0)
    fail("cannot listen on {}:{}: the port is taken or the address is not on this machine",
         i.opt.host, i.opt.port);
  return i.port;
}

void Server::run() {
  impl_->http.listen_after_bind();
}

void Server::stop() {
  impl_->http.stop();
}

std::string Server::url() const {
  const std::string& h = impl_->opt.host;
  return fmt::format("http://{}:{}/", h.find(':') != std::string::npos ? "[" + h + "]" : h,
                     impl_->port);
}

}  // namespace casco::viewer
