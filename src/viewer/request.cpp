#include "viewer/request.hpp"

#include <fmt/format.h>

#include <charconv>
#include <cmath>

#include "viewer/tiles.hpp"

namespace casco::viewer {
namespace {

using json = nlohmann::json;

bool ends_with(std::string_view s, std::string_view tail) {
  return s.size() >= tail.size() && s.substr(s.size() - tail.size()) == tail;
}

// Counts the positions in a GeoJSON coordinates array (any nesting).
std::size_t count_positions(const json& coords) {
  if (!coords.is_array()) return 0;
  if (!coords.empty() && coords.front().is_number()) return 1;
  std::size_t n = 0;
  for (const auto& c : coords) n += count_positions(c);
  return n;
}

}  // namespace

void reject(int status, std::string en, std::string nl) {
  throw HttpError{status, std::move(en), std::move(nl)};
}

std::optional<int> parse_int(std::string_view s) {
  int v = 0;
  if (s.empty() || s.size() > 9) return std::nullopt;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || p != s.data() + s.size() || v < 0) return std::nullopt;
  return v;
}

std::optional<double> parse_double(const std::string& s) {
  double v = 0;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (s.empty() || ec != std::errc() || p != s.data() + s.size() || !std::isfinite(v))
    return std::nullopt;
  return v;
}

std::vector<std::string_view> split(std::string_view s, char sep) {
  std::vector<std::string_view> out;
  std::size_t start = 0;
  for (std::size_t i = 0; i <= s.size(); ++i)
    if (i == s.size() || s[i] == sep) {
      out.push_back(s.substr(start, i - start));
      start = i + 1;
    }
  return out;
}

TileAddress parse_tile_path(std::string_view path) {
  const auto parts = split(path, '/');
  if (parts.size() != 4 || !ends_with(parts[3], ".png"))
    reject(400, "tile paths look like /api/tiles/{layer}/{z}/{x}/{y}.png",
           "tegelpaden zien eruit als /api/tiles/{laag}/{z}/{x}/{y}.png");
  auto z = parse_int(parts[1]), x = parse_int(parts[2]),
       y = parse_int(parts[3].substr(0, parts[3].size() - 4));
  if (!z || !x || !y || *z > kMaxZoom || *x >= (1 << *z) || *y >= (1 << *z))
    reject(400, "tile numbers out of range (zoom 0-22, x and y below 2^zoom)",
           "tegelnummers buiten bereik (zoom 0-22, x en y kleiner dan 2^zoom)");
  return {std::string(parts[0]), *z, *x, *y};
}

std::pair<double, double> parse_lon_lat(const std::string& lon_text, const std::string& lat_text) {
  auto lon = parse_double(lon_text), lat = parse_double(lat_text);
  if (!lon || !lat || std::fabs(*lon) > 180 || std::fabs(*lat) > 90)
    reject(400, "give lon and lat in degrees (WGS 84), e.g. ?lon=6.56&lat=52.99",
           "geef lon en lat in graden (WGS 84), bijv. ?lon=6.56&lat=52.99");
  return {*lon, *lat};
}

void check_plan_geojson(const json& j, std::size_t max_plans, std::size_t max_vertices) {
  auto bad = [](const std::string& en, const std::string& nl) {
    reject(400, "malformed GeoJSON: " + en, "ongeldige GeoJSON: " + nl);
  };
  if (!j.is_object() || !j.contains("type") || !j["type"].is_string())
    bad("expected an object with a \"type\" (Feature or FeatureCollection)",
        "verwacht een object met een \"type\" (Feature of FeatureCollection)");
  std::vector<const json*> geometries;
  const std::string type = j["type"];
  if (type == "FeatureCollection") {
    if (!j.contains("features") || !j["features"].is_array())
      bad("a FeatureCollection needs a \"features\" array",
          "een FeatureCollection heeft een lijst \"features\" nodig");
    if (j["features"].empty()) bad("no features", "geen features");
    if (j["features"].size() > max_plans)
      reject(413, fmt::format("too many plans: {} (at most {})", j["features"].size(), max_plans),
             fmt::format("te veel plannen: {} (maximaal {})", j["features"].size(), max_plans));
    for (const auto& f : j["features"]) {
      if (!f.is_object() || f.value("type", "") != "Feature" || !f.contains("geometry"))
        bad("every feature needs \"type\": \"Feature\" and a geometry",
            "elke feature heeft \"type\": \"Feature\" en een geometrie nodig");
      geometries.push_back(&f["geometry"]);
    }
  } else if (type == "Feature") {
    if (!j.contains("geometry"))
      bad("the feature has no geometry", "de feature heeft geen geometrie");
    geometries.push_back(&j["geometry"]);
  } else {
    bad("type \"" + type + "\": send a Feature or FeatureCollection with polygons",
        "type \"" + type + "\": stuur een Feature of FeatureCollection met polygonen");
  }
  std::size_t vertices = 0;
  for (const json* g : geometries) {
    const std::string gt = g->is_object() ? g->value("type", "") : "";
    if (gt != "Polygon" && gt != "MultiPolygon")
      bad("a plan must be a Polygon or MultiPolygon" + (gt.empty() ? "" : ", not " + gt),
          "een plan moet een Polygon of MultiPolygon zijn" + (gt.empty() ? "" : ", geen " + gt));
    if (!g->contains("coordinates") || !(*g)["coordinates"].is_array())
      bad("the polygon has no coordinates", "de polygoon heeft geen coördinaten");
    vertices += count_positions((*g)["coordinates"]);
  }
  if (vertices > max_vertices)
    reject(413, fmt::format("the plans have {} vertices (at most {})", vertices, max_vertices),
           fmt::format("de plannen hebben {} hoekpunten (maximaal {})", vertices, max_vertices));
}

}  // namespace casco::viewer
