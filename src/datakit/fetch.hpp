#pragma once
// casco data: fetch official open data for a study area (catalogue.toml), check it and record it.
// Downloads go through libcurl: resumable, conditional, retried; every file's SHA-256 lands in
// DIR/casco-data.lock. Vectors are cut to the area and reprojected to RD New (EPSG:28992).
#include <toml++/toml.h>

#include <array>
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace casco::data {

namespace fs = std::filesystem;

struct Area {
  std::string id, name;
  std::array<double, 4> bbox_rd{};                 // minx, miny, maxx, maxy in EPSG:28992
  std::array<double, 4> bbox_wgs84{};              // min lon, min lat, max lon, max lat
  std::string osm_extract = "europe/netherlands";  // Geofabrik path, {osm_extract} in URLs
  // How far beyond the area the sources marked `surroundings` are fetched (facilities, networks
  // and nature that people use across the border), and the Geofabrik extract that covers it.
  double surroundings_m = 0;
  std::string osm_extract_surroundings = "europe/netherlands";
};

// An area given as a box in RD New (`--bbox`); the WGS84 box is its envelope through PROJ.
Area area_from_bbox(const std::array<double, 4>& bbox_rd);

// The area grown by `metres` on every side (kept within the Netherlands' RD New range), with its
// WGS84 box and the extract that covers the surroundings; the same id.
Area with_surroundings(const Area& a, double metres);

struct Source {
  std::string id, title, producer, licence, attribution;
  std::string url;      // may hold {bbox_28992} / {bbox_4326}; empty when not published as a file
  std::string landing;  // a page to read or download by hand
  std::string service;  // file | ogcapi | wfs | wcs
  std::string format;   // geojson | gpkg | gml | csv | json | zip | pbf | geotiff
  std::string crs;      // the CRS the data comes in
  std::string cut;      // bbox | clip | osmium | none
  std::string file;     // name of the raw download under DIR/raw/
  bool published = true;
  std::string paging;     // none | wfs (count/startIndex) | next (rel="next" links)
  long page_size = 1000;  // features per page request
  int tiles = 1;          // split the area into tiles x tiles requests (services that cap paging)
  std::vector<std::string> attributes;  // fields `data check` expects
  std::vector<std::string> areas;       // only for these areas (e.g. provincial data); empty = all
  bool surroundings = false;  // fetched over the area plus its surroundings (Area::surroundings_m)
  std::vector<toml::table> layers;  // model.toml [[layer]] fragments (may be none)
};

struct Catalogue {
  std::string path;
  std::vector<Area> areas;
  std::vector<Source> sources;
  const Area& area(const std::string& id) const;  // throws casco::Error naming the choices
};

// Throws casco::Error with file:line:column on a malformed or incomplete catalogue.
Catalogue load_catalogue(const fs::path& path);
fs::path default_catalogue();  // data/catalogue.toml of this checkout

struct FetchOptions {
  fs::path into;
  std::string area;  // an area id of the catalogue; "" = the catalogue's first area
  std::optional<std::array<double, 4>> bbox;  // an ad-hoc area in RD New instead of `area`
  std::optional<double> surroundings_m;       // instead of the area's own (0: none)
  std::vector<std::string> only;              // source ids; empty = all published sources
  long connect_timeout_s = 30;
  long low_speed_time_s = 60;  // abort when under 1 byte/s for this long
  long total_timeout_s = 0;    // 0 = no limit on a whole transfer
  int retries = 4;             // extra attempts on 5xx, timeouts and broken connections
  double backoff_s = 2.0;      // first wait; doubles each retry
  bool dry_run = false;        // list the requests that would be made; download nothing
};

struct Outcome {
  std::string id;
  std::string status;  // downloaded | unchanged | skipped | failed | planned (dry run)
  std::string message;
  std::uint64_t bytes = 0;
};

struct FetchReport {
  std::vector<Outcome> outcomes;
  bool ok() const;
  std::string text() const;
};

// Per-source failures are reported in the outcome (the other sources still run); throws only for
// setup errors (unknown area or source id, unwritable folder).
FetchReport fetch(const Catalogue& catalogue, const FetchOptions& options);

// `casco data list`: what is present, age, size, licence, then the attribution lines.
std::string list(const fs::path& dir);

struct CheckReport {
  std::string text;
  int problems = 0;
};
// `casco data check`: opens every recorded file and verifies checksum, CRS, validity, coverage
// of the area and the expected attributes.
CheckReport check(const fs::path& dir);

}  // namespace casco::data
