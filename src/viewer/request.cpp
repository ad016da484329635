#include "viewer/request.hpp"

#include <cmath>

#include "viewer/tiles.hpp"

namespace casco::viewer {

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

double parse_degrees(const std::string& text, double limit) {
  auto v = parse_double(text);
  if (!v || std::fabs(*v) > limit)
    reject(400, "give lon and lat in degrees (WGS 84), e.g. ?lon=6.56&lat=52.99",
           "geef lon en lat in graden (WGS 84), bijv. ?lon=6.56&lat=52.99");
  return *v;
}

std::pair<double, double> parse_lon_lat(const std::string& lon, const std::string& lat) {
  return {parse_degrees(lon, 180), parse_degrees(lat, 90)};
}

}  // namespace casco::viewer
