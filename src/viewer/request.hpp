#pragma once
// What the viewer reads from a request address before anything else sees it: tile addresses and a
// point in lon/lat. The server's handlers call these, and fuzz/fuzz_viewer_request.cpp fuzzes them
// without a server. A refusal is an HttpError (viewer/http.hpp) with its message in English and
// Dutch. Posted plans are checked by check_plan_geojson (viewer/plans.hpp).
#include <string>
#include <string_view>
#include <utility>

#include "viewer/http.hpp"

namespace casco::viewer {

// "{layer}/{z}/{x}/{y}.png" with zoom 0-22 and x, y below 2^zoom; 400 otherwise.
struct TileAddress {
  std::string layer;
  int z = 0, x = 0, y = 0;
};
TileAddress parse_tile_path(std::string_view path);

// A number of degrees within ±limit; 400 for anything else (empty, text, NaN, out of range).
double parse_degrees(const std::string& text, double limit);

// The lon and lat query parameters, in degrees (WGS 84); 400 unless both are numbers in range.
std::pair<double, double> parse_lon_lat(const std::string& lon, const std::string& lat);

}  // namespace casco::viewer
