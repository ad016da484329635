#include "viewer/server.hpp"

#include <gdal_priv.h>

#include <chrono>
#include <fstream>
#include <sstream>
#include <thread>

#include "core/crs.hpp"
#include "core/error.hpp"
#include "datakit/fetch.hpp"
#include "viewer/server_impl.hpp"

namespace casco::viewer {
namespace {

constexpr GIntBig kGdalCacheBytes = 32 << 20;

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

// Without a viewer file: the study area and the borders only; search over the borders' zones.
ViewerConfig default_config(const Store& store) {
  ViewerConfig c;
  if (!store.manifest().borders.empty())
    c.search_zones.push_back({store.manifest().borders, "gebied", false});
  return c;
}

// The layers the data catalogue (casco data) can fetch, by id: "source title, van producer".
// Waiting rules name what they need in these words. Without a catalogue: an empty map.
std::map<std::string, std::string> catalogue_layers() {
  std::map<std::string, std::string> out;
  const auto path = data::default_catalogue();
  std::error_code ec;
  if (!std::filesystem::exists(path, ec)) return out;
  try {
    for (const auto& src : data::load_catalogue(path).sources)
      for (const auto& layer : src.layers)
        if (auto id = layer["id"].value<std::string>())
          out[*id] = src.title + (src.producer.empty() ? "" : ", van " + src.producer);
  } catch (const std::exception& e) {
    warn("viewer: the data catalogue could not be read ({}); waiting rules name layer ids",
         e.what());
  }
  return out;
}

}  // namespace

Server::Impl::Impl(ServerOptions o) : opt(std::move(o)), store(Store::open(opt.store)) {
  ensure_gdal_registered();
  // Whole layers pass through GDAL's block cache once; the viewer keeps its own layer cache, so a
  // large block cache would only hold the same cells twice.
  if (GDALGetCacheMax64() > kGdalCacheBytes) GDALSetCacheMax64(kGdalCacheBytes);
  config = opt.viewer.empty() ? default_config(store) : load_viewer_config(opt.viewer);
  const Grid& g = store.grid();
  crs = std::make_unique<Transforms>(make_srs(g.crs_wkt.empty() ? g.crs : g.crs_wkt, "store CRS"));
  {
    Transform ct = make_transform(crs->store, crs->mercator);
    grid_box = grid_box_mercator(g, *ct);
  }
  if (!opt.rules.empty()) {
    std::vector<std::string> ids;
    for (const auto& L : store.manifest().layers) ids.push_back(L.id);
    rules = rules::load_rules(opt.rules, ids);
    judge = std::make_unique<PlanJudge>(
        store, *rules, PlanLimits{opt.max_plans, opt.max_plan_vertices, opt.max_cell_checks});
    judge->describe_needs(catalogue_layers);
  }
  if (!config.access.empty())
    reach = std::make_unique<Reach>(access::load_access_config(config.access),
                                    g.crs_wkt.empty() ? g.crs : g.crs_wkt, g.cell);
  empty_tile =
      encode_png(std::vector<std::uint32_t>(kTileSize * kTileSize, 0), kTileSize, kTileSize);
  load_bundle();
  layers = std::make_unique<LayerSet>(store, opt.cache_bytes);
  model_json = make_model_json();
}

Server::Impl::~Impl() {
  if (warmup.joinable()) warmup.join();
}

// The borders, the base map and the search index read tables and whole zones layers (about 2 s
// for the 25 m Drenthe model): done in the background as soon as the server listens, so that
// neither the first screen nor the first search waits for them. A request that comes first does the
// work itself (Lazy), and the other waits for it.
void Server::Impl::warm_up() {
  try {
    // What the first screen asks for first: the borders of the model's zones and the base map.
    if (const LayerRecord* L = store.find(store.manifest().borders);
        L && L->describe.style.kind == LayerStyle::Kind::Zones && !L->vector_table.empty())
      borders_geojson(*L);
    basemap.get([&] {
      Borrowed ct(crs->store_to_wgs84);
      return basemap_geojson(store, config, *ct, layers->store_mutex());
    });
    search_index.get([&] { return SearchIndex(searchable().entries); });
    if (judge) judge->prepare_needs();
    layers->study();  // for the first tile
  } catch (const std::exception& e) {
    warn("viewer: the base map or the search could not be prepared: {}", e.what());
  }
}

// The bundle is read once: only files that exist at start are served, never a path built from the
// request.
void Server::Impl::load_bundle() {
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
    BundleFile f{body.str(), "", mime_of(rel)};
    // Text the page needs at once is gzipped here, once; source maps only load in the developer
    // tools and stay as they are.
    if (f.type.rfind("text/", 0) == 0 && !ends_with(rel, ".map") && f.body.size() > 1024)
      f.gzipped = gzip(f.body);
    files[rel] = std::move(f);
  }
}

const LayerRecord& Server::Impl::known_layer(const std::string& id) {
  const LayerRecord* L = store.find(id);
  if (!L)
    reject(404, "unknown layer '" + id + "': see /api/model for the layers",
           "onbekende laag '" + id + "': zie /api/model voor de lagen");
  return *L;
}

// Tiles and borders change only when their layer is rebuilt: its ETag lets browsers revalidate
// (304, no body) instead of downloading again.
bool Server::Impl::not_modified(Req req, Res res, const std::string& etag) {
  res.set_header("ETag", etag);
  res.set_header("Cache-Control", "public, max-age=60, must-revalidate");
  if (req.get_header_value("If-None-Match") != etag) return false;
  res.status = 304;
  return true;
}

std::optional<std::pair<int, int>> Server::Impl::cell_of(double lon, double lat, double& x,
                                                         double& y) {
  x = lon, y = lat;
  {
    Borrowed ct(crs->store_from_wgs84);
    if (!(*ct).Transform(1, &x, &y))
      reject(400, "cannot transform the point", "het punt kan niet worden omgerekend");
  }
  const Grid& g = store.grid();
  const double col = std::floor(g.px(x)), row = std::floor(g.py(y));
  if (col < 0 || row < 0 || col >= g.cols || row >= g.rows) return std::nullopt;
  return std::pair{static_cast<int>(col), static_cast<int>(row)};
}

Server::Impl::ComputeSlot::ComputeSlot(Impl& server) : server_(server) {
  const std::size_t slots = server.opt.compute_slots
                                ? server.opt.compute_slots
                                : std::max(2u, std::thread::hardware_concurrency());
  if (++server_.computing > slots) {
    --server_.computing;
    reject(429, fmt::format("busy: {} requests are computing; try again in a moment", slots),
           "De server rekent al aan andere verzoeken; probeer het zo opnieuw.");
  }
}

void Server::Impl::routes() {
  http.set_payload_max_length(opt.max_body_bytes);
  // Connections go through the guard (guard.hpp): limits on connections and request heads.
  http.new_task_queue = [this] {
    GuardLimits g;
    g.workers = opt.workers;
    g.max_connections = opt.max_connections;
    g.head_deadline = std::chrono::milliseconds(static_cast<long>(opt.head_seconds * 1000));
    g.head_bytes = opt.max_body_bytes + (64u << 10);
    return new ConnectionGuard(g, port, guard_counts);
  };
  http.set_logger([](Req, const httplib::Response&) { ConnectionGuard::request_finished(); });
  // Small answers at once: without it, a keep-alive connection waits for the browser's delayed
  // acknowledgement (Nagle), about 40 ms per search or value request.
  http.set_tcp_nodelay(true);
  http.set_pre_routing_handler([](Req req, Res res) {
    ConnectionGuard::request_started();
    if (suspicious_target(req)) {
      send_error(res, 400, "bad path", "ongeldig pad");
      return httplib::Server::HandlerResponse::Handled;
    }
    // Only the assessment takes a body, and reads it itself within its limits: for any other
    // POST (or PUT, …) cpp-httplib would read a chunked body of any size into memory.
    const bool read_only = req.method == "GET" || req.method == "HEAD";
    if (read_only || (req.method == "POST" && req.path == "/api/assess"))
      return httplib::Server::HandlerResponse::Unhandled;
    res.set_header("Allow", "GET, HEAD, POST /api/assess");
    send_error(
        res, 405, "method not allowed: only GET, and POST to /api/assess",
        "Dit adres kan alleen gelezen worden (GET); plannen gaan met POST naar /api/assess.");
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
  auto get = [this](const char* pattern, void (Impl::*handler)(Req, Res)) {
    http.Get(pattern, [this, handler](Req req, Res res) {
      guarded(res, [&] { (this->*handler)(req, res); });
    });
  };
  http.Get("/api/model",
           [this](Req, Res res) { guarded(res, [&] { send_json(res, model_json); }); });
  http.Get("/api/kinds", [this](Req, Res res) {
    guarded(res, [&] {
      send_json(res,
                judge ? judge->kinds_json() : json{{"available", false}, {"kinds", json::array()}});
    });
  });
  get("/api/value", &Impl::value);
  get("/api/tiles/(.*)", &Impl::tile);
  get("/api/borders/(.*)", &Impl::border);
  get("/api/points/(.*)", &Impl::point_layer);
  get("/api/basemap.geojson", &Impl::basemap_file);
  get("/api/search", &Impl::search);
  get("/api/zone/(.*)", &Impl::zone_outline);
  get("/api/reach", &Impl::travel_time);
  get("/api/compare", &Impl::compare);
  get("/api/difference/(.*)", &Impl::difference_tile);
  http.Post("/api/assess", [this](Req req, Res res, const httplib::ContentReader& reader) {
    guarded(res, [&] { assess(req, res, reader); });
  });
  http.Get("/.*", [this](Req req, Res res) {
    guarded(res, [&] {
      if (req.path.rfind("/api/", 0) == 0)
        reject(404, "no such endpoint: see docs/api.md", "onbekend adres: zie docs/api.md");
      if (files.empty() && req.path == "/") {
        res.set_content(kNoBundlePage, "text/html; charset=utf-8");
        return;
      }
      auto it = files.find(req.path == "/" ? "/index.html" : req.path);
      if (it == files.end()) reject(404, "not found", "niet gevonden");
      res.set_header("Cache-Control", "no-cache");
      res.set_header("Vary", "Accept-Encoding");
      const BundleFile& f = it->second;
      // A content provider of known length: cpp-httplib sends it as it is. A plain body of type
      // text/* it would brotli-compress on every request (2.5 s for the 400 kB script).
      const bool gz = !f.gzipped.empty() && accepts_gzip(req);
      if (gz) res.set_header("Content-Encoding", "gzip");
      const std::string& bytes = gz ? f.gzipped : f.body;
      res.set_content_provider(bytes.size(), f.type,
                               [&bytes](size_t offset, size_t length, httplib::DataSink& sink) {
                                 sink.write(bytes.data() + offset, length);
                                 return true;
                               });
    });
  });
}

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
  auto& i = *impl_;
  i.run_entered = true;
  if (!i.stopping) {
    if (!i.warmup.joinable()) i.warmup = std::thread([&i] { i.warm_up(); });
    i.http.listen_after_bind();
  }
  i.run_done = true;
}

void Server::stop() {
  auto& i = *impl_;
  i.stopping = true;
  // A run() under way is stopped once httplib listens; one not yet begun returns at once.
  if (i.run_entered)
    while (!i.http.is_running() && !i.run_done)
      std::this_thread::sleep_for(std::chrono::milliseconds(1));
  i.http.stop();
}

Server::Counts Server::counts() const {
  const GuardCounts& g = *impl_->guard_counts;
  return {g.served.load(), g.refused.load(), g.cut.load()};
}

std::string Server::url() const {
  const std::string& h = impl_->opt.host;
  return fmt::format("http://{}:{}/", h.find(':') != std::string::npos ? "[" + h + "]" : h,
                     impl_->port);
}

}  // namespace casco::viewer
