// The orientation and analysis endpoints of `casco serve`: the offline base map, search, a zone's
// outline, travel time from a point, two scenarios compared, and plan assessment (docs/api.md).
#include <chrono>
#include <cmath>

#include "model/describe.hpp"
#include "viewer/basemap.hpp"
#include "viewer/geojson.hpp"
#include "viewer/server_impl.hpp"

namespace casco::viewer {

void Server::Impl::basemap_file(Req req, Res res) {
  if (not_modified(req, res, layers->etag(kStudyAreaLayer))) return;
  const std::string& body = basemap.get([&] {
    Borrowed ct(crs->store_to_wgs84);
    return basemap_geojson(store, config, *ct, layers->store_mutex());
  });  // the same as warm_up()
  res.set_content(body, "application/geo+json");
}

const SearchData& Server::Impl::searchable() {
  return search_data.get([&] {
    Borrowed ct(crs->store_to_wgs84);
    return gather_search(store, config, *layers, *ct);
  });
}

void Server::Impl::search(Req req, Res res) {
  const std::string q = req.get_param_value("q");
  if (q.size() > 200) reject(400, "the query is too long", "de zoekvraag is te lang");
  std::size_t limit = 10;
  if (req.has_param("limit")) {
    auto n = parse_int(req.get_param_value("limit"));
    if (!n || *n < 1 || *n > 50)
      reject(400, "limit is a number from 1 to 50", "limit is een getal van 1 tot 50");
    limit = static_cast<std::size_t>(*n);
  }
  const SearchIndex& index = search_index.get([&] { return SearchIndex(searchable().entries); });
  const auto t0 = std::chrono::steady_clock::now();
  const auto found = index.find(q, limit);
  const double ms =
      std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
  json results = json::array();
  for (const SearchEntry* e : found) {
    json r = {{"type", e->type},
              {"name", e->name},
              {"detail", e->detail},
              {"lon", e->lon},
              {"lat", e->lat}};
    if (e->bbox[2] > e->bbox[0]) r["bbox"] = {e->bbox[0], e->bbox[1], e->bbox[2], e->bbox[3]};
    if (!e->layer.empty()) r["zone"] = {{"layer", e->layer}, {"code", e->code}};
    if (e->weight > 0 && e->layer.empty()) r["inhabitants"] = e->weight;
    results.push_back(r);
  }
  send_json(res, {{"query", q}, {"results", results}, {"took_ms", ms}});
}

void Server::Impl::zone_outline(Req req, Res res) {
  // {layer}/{code}.geojson
  const std::string path = req.matches[1].str();
  const auto parts = split(path, '/');  // views into `path`
  if (parts.size() != 2 || !ends_with(parts[1], ".geojson"))
    reject(400, "zone paths look like /api/zone/{zones layer}/{code}.geojson",
           "zonepaden zien eruit als /api/zone/{zonelaag}/{code}.geojson");
  const LayerRecord& L = known_layer(std::string(parts[0]));
  const std::string code(parts[1].substr(0, parts[1].size() - 8));
  if (L.describe.style.kind != LayerStyle::Kind::Zones)
    reject(404, "layer '" + L.id + "' is not a zones layer",
           "laag '" + L.id + "' is geen zonelaag");
  const ZoneRecord* zone = nullptr;
  for (const ZoneRecord& z : store.zones(L.id))
    if (z.code == code) zone = &z;
  if (!zone)
    reject(404, "no zone '" + code + "' in layer '" + L.id + "'",
           "geen gebied '" + code + "' in laag '" + L.id + "'");
  if (not_modified(req, res, layers->etag(L.id))) return;
  auto raster = layers->raster(L.id);
  const SearchData& data = searchable();
  std::map<int, ZoneExtent> own;
  const std::map<int, ZoneExtent>* extents = nullptr;
  if (auto it = data.extents.find(L.id); it != data.extents.end())
    extents = &it->second;
  else
    extents = &(own = zone_extents(*raster));
  auto e = extents->find(zone->zone);
  json fc = {{"type", "FeatureCollection"}, {"features", json::array()}};
  if (e != extents->end())
    if (auto shape = trace_zone(*raster, zone->zone, e->second, crs->store)) {
      Borrowed ct(crs->store_to_wgs84);
      json geometry = geometry_json(*shape, *ct, store.grid().cell / 2);
      if (!geometry.is_null())
        fc["features"].push_back({{"type", "Feature"},
                                  {"properties", {{"name", zone->name}, {"code", zone->code}}},
                                  {"geometry", geometry}});
    }
  res.set_content(dump(fc), "application/geo+json");
}

json Server::Impl::reach_json() const {
  json j = {{"available", reach != nullptr}};
  if (!reach) return j;
  j["estimate"] = reach->estimate();
  auto& modes = j["modes"] = json::array();
  for (const auto* m : reach->modes()) modes.push_back({{"id", m->id}, {"title", m->title}});
  return j;
}

void Server::Impl::travel_time(Req req, Res res) {
  if (!reach)
    reject(503, "no access settings: give the viewer file a [reach] access = \"access.toml\"",
           "geen instellingen voor reistijden: de viewer heeft geen access.toml");
  const double lon = degrees_param(req, "lon", 180), lat = degrees_param(req, "lat", 90);
  ComputeSlot slot(*this);
  const std::string mode = req.has_param("mode") ? req.get_param_value("mode") : "bike";
  bool known = false;
  for (const auto* m : reach->modes()) known = known || m->id == mode;
  if (!known)
    reject(400, "unknown mode '" + mode + "': see reach.modes in /api/model",
           "onbekende vervoerwijze '" + mode + "'");
  double minutes = 30;
  if (req.has_param("minutes")) {
    auto n = parse_int(req.get_param_value("minutes"));
    if (!n || *n < 5 || *n > 60)
      reject(400, "minutes is a whole number from 5 to 60", "minuten is een getal van 5 tot 60");
    minutes = *n;
  }
  double x = 0, y = 0;
  if (!cell_of(lon, lat, x, y))
    reject(400, "the point lies outside the model", "het punt ligt buiten het modelgebied");
  const ReachMinutes r = reach->minutes_from(x, y, mode, minutes);
  Borrowed ct(crs->store_to_wgs84);
  res.set_content(reach_geojson(r, reach_steps(minutes), crs->store, *ct), "application/geo+json");
}

std::shared_ptr<const Comparison> Server::Impl::comparison(const std::string& a,
                                                           const std::string& b) {
  for (const std::string* id : {&a, &b})
    if (known_layer(*id).describe.role != role::kAllocation)
      reject(400, "layer '" + *id + "' is not an allocation (opgavenkaart)",
             "laag '" + *id + "' is geen opgavenkaart");
  if (a == b)
    reject(400, "compare two different scenarios", "vergelijk twee verschillende scenario's");
  {
    std::lock_guard lock(compare_mutex);
    if (auto it = comparisons.find({a, b}); it != comparisons.end()) return it->second;
  }
  auto ra = layers->raster(a), rb = layers->raster(b);
  auto c = std::make_shared<const Comparison>(
      compare_allocations(a, *ra, layers->legend(a), b, *rb, layers->legend(b), layers->study()));
  std::lock_guard lock(compare_mutex);
  if (comparisons.size() > 8) comparisons.clear();  // a few pairs at a time
  comparisons[{a, b}] = c;
  return c;
}

void Server::Impl::compare(Req req, Res res) {
  const std::string a = req.get_param_value("a"), b = req.get_param_value("b");
  ComputeSlot slot(*this);
  auto c = comparison(a, b);
  auto title = [&](const std::string& id) {
    const LayerRecord& L = known_layer(id);
    return L.title.empty() ? L.id : L.title;
  };
  send_json(res, c->to_json(title(a), title(b)));
}

void Server::Impl::difference_tile(Req req, Res res) {
  // {a}/{b}/{z}/{x}/{y}.png
  const std::string path = req.matches[1].str();
  const auto parts = split(path, '/');  // views into `path`
  if (parts.size() != 5 || !ends_with(parts[4], ".png"))
    reject(400, "difference tiles look like /api/difference/{a}/{b}/{z}/{x}/{y}.png",
           "verschiltegels zien eruit als /api/difference/{a}/{b}/{z}/{x}/{y}.png");
  const std::string a(parts[0]), b(parts[1]);
  auto z = parse_int(parts[2]), x = parse_int(parts[3]),
       y = parse_int(parts[4].substr(0, parts[4].size() - 4));
  if (!z || !x || !y || *z > kMaxZoom || *x >= (1 << *z) || *y >= (1 << *z))
    reject(400, "tile numbers out of range (zoom 0-22, x and y below 2^zoom)",
           "tegelnummers buiten bereik (zoom 0-22, x en y kleiner dan 2^zoom)");
  auto c = comparison(a, b);
  if (not_modified(req, res, layers->etag(a) + layers->etag(b))) return;
  if (!tile_box(*z, *x, *y).intersects(grid_box)) {
    res.set_content(empty_tile, "image/png");
    return;
  }
  Borrowed ct(crs->store_from_mercator);
  auto pixels = render_tile(
      store.grid(), [&](std::size_t i) { return c->argb(i); }, *ct, *z, *x, *y);
  res.set_content(encode_png(pixels, kTileSize, kTileSize), "image/png");
}

// The body is read here, not by cpp-httplib, so that its limits hold for every way of sending
// it: declared length, chunked, or until the connection ends.
void Server::Impl::assess(Req req, Res res, const httplib::ContentReader& reader) {
  if (!judge)
    reject(503, "no rule file: start casco serve with --rules rules.toml",
           "geen regelbestand: start casco serve met --rules rules.toml");
  const auto too_large = [&] {
    reject(413, fmt::format("request body too large (at most {} bytes)", opt.max_body_bytes),
           fmt::format("Het verzoek is te groot (hoogstens {} MB).", opt.max_body_bytes >> 20));
  };
  // A declared length up to a few times the limit is read and dropped (cpp-httplib does so, and
  // the client then reads its 413); beyond that the answer comes at once and the connection ends.
  if (req.has_header("Content-Length")) {
    const auto declared = parse_double(req.get_header_value("Content-Length"));
    if (declared && *declared > 8.0 * static_cast<double>(opt.max_body_bytes)) too_large();
  }
  const auto start = std::chrono::steady_clock::now();
  const auto deadline = std::chrono::duration<double>(opt.body_seconds);
  std::string body;
  enum class Stop { No, Size, Time } stop = Stop::No;
  const bool read = reader([&](const char* data, std::size_t length) {
    if (body.size() + length > opt.max_body_bytes) stop = Stop::Size;
    if (std::chrono::steady_clock::now() - start > deadline) stop = Stop::Time;
    if (stop != Stop::No) return false;
    body.append(data, length);
    return true;
  });
  if (stop == Stop::Size || (!read && res.status == 413)) too_large();
  if (stop == Stop::Time)
    reject(408, fmt::format("the request body took longer than {} s", opt.body_seconds),
           "Het verzoek kwam te langzaam binnen; probeer het opnieuw.");
  if (!read)
    reject(400, "the request body could not be read", "Het verzoek kwam niet volledig binnen.");
  ComputeSlot slot(*this);
  Borrowed ct(crs->store_to_wgs84);
  send_json(res, judge->assess(body, req.get_param_value("kind"), layers->store_mutex(), *ct));
}

}  // namespace casco::viewer
