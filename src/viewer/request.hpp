#pragma once
// What the viewer reads from a request before anything else sees it: tile addresses, a point in
// lon/lat, posted plans (GeoJSON). Each is checked here, so the checks can be tested and fuzzed
// without a server (fuzz/fuzz_viewer_request.cpp, fuzz_plan_geojson.cpp). A refusal is an
// HttpError with its message in English and Dutch.
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace casco::viewer {

struct HttpError {
  int status;
  std::string en, nl;
};
[[noreturn]] void reject(int status, std::string en, std::string nl);

// Whole numbers only: no signs, spaces or exponents (tile paths).
std::optional<int> parse_int(std::string_view s);
// A finite number, nothing around it.
std::optional<double> parse_double(const std::string& s);
std::vector<std::string_view> split(std::string_view s, char sep);

// "{layer}/{z}/{x}/{y}.png" with zoom 0-22 and x, y below 2^zoom; 400 otherwise.
struct TileAddress {
  std::string layer;
  int z = 0, x = 0, y = 0;
};
TileAddress parse_tile_path(std::string_view path);

// The lon and lat query parameters, in degrees (WGS 84); 400 unless both are numbers in range.
std::pair<double, double> parse_lon_lat(const std::string& lon, const std::string& lat);

// A posted plan: a Feature or FeatureCollection of polygons, at most `max_plans` features and
// `max_vertices` positions (413 above), 400 for anything else.
void check_plan_geojson(const nlohmann::json& j, std::size_t max_plans, std::size_t max_vertices);

}  // namespace casco::viewer
