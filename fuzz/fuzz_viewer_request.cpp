// The viewer's request addresses (src/viewer/request: parse_tile_path, parse_lon_lat), as
// cpp-httplib hands them over: the input is a request target "/api/tiles/..." or "/api/value?...",
// URL-decoded and its query parsed by httplib. Oracles: an accepted tile lies in the zoom's tile
// range and has a finite box; an accepted point is finite and within the WGS 84 range.
#include <httplib.h>

#include <cmath>

#include "fuzz_util.hpp"
#include "viewer/request.hpp"
#include "viewer/tiles.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace casco;
  using namespace casco::viewer;
  const std::string target = fuzz::text_of(data, size);
  const std::size_t q = target.find('?');
  const std::string path = httplib::detail::decode_url(target.substr(0, q), false);
  httplib::Params params;
  if (q != std::string::npos) httplib::detail::parse_query_text(target.substr(q + 1), params);
  auto param = [&](const char* key) {
    auto it = params.find(key);
    return it == params.end() ? std::string() : it->second;
  };
  try {
    const std::string prefix = "/api/tiles/";
    if (path.rfind(prefix, 0) == 0) {
      const TileAddress t = parse_tile_path(path.substr(prefix.size()));
      if (t.z < 0 || t.z > kMaxZoom || t.x < 0 || t.y < 0 || t.x >= (1 << t.z) || t.y >= (1 << t.z))
        fuzz::finding("tile out of range accepted");
      const Box b = tile_box(t.z, t.x, t.y);
      if (!(std::isfinite(b.x0) && std::isfinite(b.y1) && b.x0 < b.x1 && b.y0 < b.y1))
        fuzz::finding("an empty or undefined tile box");
    }
  } catch (const HttpError& e) {
    if (e.status != 400 || e.en.empty() || e.nl.empty()) fuzz::finding("tile refusal: " + e.en);
  }
  try {
    const auto [lon, lat] = parse_lon_lat(param("lon"), param("lat"));
    if (!(std::fabs(lon) <= 180 && std::fabs(lat) <= 90)) fuzz::finding("point out of range");
  } catch (const HttpError& e) {
    if (e.status != 400 || e.en.empty() || e.nl.empty()) fuzz::finding("point refusal: " + e.en);
  }
  return 0;
}
