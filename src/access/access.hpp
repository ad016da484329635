#pragma once
// Bereikbaarheid: travel time from every cell to the nearest facility of each kind, per mode;
// minimum accessibility norms; what-if closures. Configured by access.toml (docs/access.md).
// Without a road network the times are a documented estimate: straight-line distance x a detour
// factor per mode at a mode speed ("schatting hemelsbreed").
#include <filesystem>
#include <string>
#include <vector>

#include "core/grid.hpp"
#include "model/definition.hpp"
#include "model/store.hpp"

namespace casco::access {

struct ModeSettings {
  std::string id;  // walk, bike, car, pt
  std::string title;
  double speed_kmh = 15;
  double detour = 1.3;       // network distance / straight-line distance (estimate only)
  double extra_minutes = 0;  // e.g. parking for the car
};

struct FacilityKind {
  std::string kind, title;
  SourceDef source;
  std::string id_field, name_field, capacity_field;
  // The place a facility says it belongs to (a school's PLAATSNAAM, a stop name "Town, Stop"):
  // `place_field`, cut at the first `place_separator` when one is given. Kernen count a facility
  // in the kern of that name even when its point lies outside the kern.
  std::string place_field, place_separator;
  // Facilities with the same value here are one (a stop's platforms on both sides of the road).
  std::string group_field;
};

struct Norm {
  std::string id, kind, title;
  std::vector<std::string> modes;  // met when any of these modes is within max_minutes
  double max_minutes = 15;
};

// A public-transport departure window. The first window of the file gives the layers
// tijd_<kind>_pt (median) and tijd_<kind>_pt_p<percentile>; every further window `id` gives
// tijd_<kind>_pt_<id> and tijd_<kind>_pt_<id>_p<percentile> (e.g. an off-peak window "dal").
struct DepartureWindow {
  std::string id = "spits";
  int from_s = 7 * 3600, to_s = 9 * 3600;
  std::string mode() const;  // "pt" for the first window, else "pt_<id>"
  bool first = true;
};

// Origins other than the model's cells: points (or polygons, taken at a point inside them) such as
// PC4 centres or address points, each with an optional weight (inhabitants).
struct OriginSet {
  std::string id, title;
  SourceDef source;
  std::string id_field, weight_field;
};

struct AccessConfig {
  std::filesystem::path file;
  std::string name;
  std::string group = "bereikbaarheid";  // the store group of the layers it adds
  std::string population = "inwoners";   // model layer with people per cell
  std::vector<std::string> zones;        // zones layers for the tables
  std::filesystem::path network;         // .osm.pbf; empty: straight-line estimate
  std::filesystem::path profile;         // road speeds; empty: built-in defaults
  std::filesystem::path gtfs;            // GTFS folder; empty: no public transport
  std::string date;                      // service date for the GTFS feed (YYYYMMDD)
  std::vector<DepartureWindow> windows{DepartureWindow{}};  // 07:00-09:00 unless configured
  double percentile = 90;
  std::vector<ModeSettings> modes;
  std::vector<FacilityKind> facilities;
  std::vector<OriginSet> origins;
  std::vector<Norm> norms;

  const ModeSettings& mode(const std::string& id) const;  // throws casco::Error listing modes
  // "fiets", "ov, dal", "ov, 90e percentiel" … for a layer's mode (including pt_* modes).
  std::string mode_title(const std::string& layer_mode) const;
};

AccessConfig load_access_config(const std::filesystem::path& file);

struct Facility {
  std::string kind, id, name;
  std::string place;  // the place it names itself after ("" when the config has no place_field)
  std::string group;  // facilities of one group count once
  double x = 0, y = 0, capacity = 0;
  bool surroundings = false;  // outside the study area, within the model's surroundings
};
// All facilities of the config, in the store's CRS: those in the study area and those within the
// model's surroundings (manifest surroundings_m) beyond it. Facilities further out are reported
// (warning with a count and the first id) and left out.
std::vector<Facility> load_facilities(const AccessConfig& cfg, const Store& store);

struct Origin {
  std::string id;
  double x = 0, y = 0, weight = 1;
};
// The origins of each set of the config, in the store's CRS (same order as cfg.origins). Origins
// outside the study area are reported (count and first id) and left out.
std::vector<std::vector<Origin>> load_origins(const AccessConfig& cfg, const Store& store);

// Travel times from the origins of one set to the nearest facility of a kind, by one mode.
struct OriginTimes {
  std::string set, kind, mode;
  std::vector<float> minutes, metres;  // per origin; NaN where unreachable (metres empty for pt)
};

struct AccessLayer {
  std::string kind, mode;  // mode "pt" is the median over the window, "pt_p90" the percentile
  Raster minutes;          // travel time per cell; NaN where not computed
  Raster metres;           // travel distance per cell (empty for public transport)
};

struct AccessResult {
  std::vector<AccessLayer> layers;
  std::vector<OriginTimes> origin_times;  // when origin sets were given
  bool estimate = true;                   // straight-line estimate (no network)
  std::string method;                     // how the times were made, for every output
};

// The population layer of the config with cells outside the study area set to 0.
Raster study_population(const AccessConfig& cfg, const Store& store);

// One multi-source search per kind and mode over the given facilities (leave some out for a
// what-if); `without_routes` cuts public-transport lines (GTFS route_id). The same searches also
// give the times of the `origins` (from load_origins), read off at their own location.
AccessResult compute_access(const AccessConfig& cfg, const Store& store,
                            const std::vector<Facility>& facilities,
                            const std::vector<std::string>& without_routes = {},
                            const std::vector<std::vector<Origin>>& origins = {});

// The route_ids of the configured GTFS feed (empty without one), to tell lines from facilities.
std::vector<std::string> transit_routes(const AccessConfig& cfg, const Store& store);

struct NormRow {
  std::string zone_layer, code, name;
  double people = 0, people_within = 0;
};
struct NormTable {
  const Norm* norm = nullptr;
  Raster meets;  // 1 meets the norm, 0 below it (NaN where there is no estimate)
  std::vector<NormRow> rows;
  // Per origin set (zone_layer = the set's id, name = its title): the origins' weights within and
  // below the norm.
  std::vector<NormRow> origin_rows;
  double people = 0, people_within = 0;
};
std::vector<NormTable> evaluate_norms(const AccessConfig& cfg, const Store& store,
                                      const AccessResult& r,
                                      const std::vector<std::vector<Origin>>& origins = {});

// The tables of travel times, norms, what-ifs and origins (text, CSV, JSON):
// src/present/access_text.hpp.

// Layer records for the store: tijd_<kind>_<mode> (minutes) and norm_<id> (0/1).
std::string layer_id(const std::string& kind, const std::string& mode);

// The store records of the computed layers, with their descriptions (model/describe.hpp): a
// travel time (role travel_time: kind, mode), a norm (role norm: 1 meets it, 0 not), and the
// what-if map of a norm when `closed` (the names of what closes) closes (2 newly below the
// norm, 1 still meets it, 0 was already below).
LayerRecord travel_time_record(const AccessConfig& cfg, const AccessResult& r,
                               const AccessLayer& layer);
LayerRecord norm_record(const AccessConfig& cfg, const AccessResult& r, const NormTable& n);
LayerRecord what_if_record(const AccessConfig& cfg, const AccessResult& r, const NormTable& n,
                           const std::vector<std::string>& closed);
// The what-if raster of a norm: 2 where `after` drops below the norm, 1 where it still meets it,
// 0 where it was already below; NaN where either has no time.
Raster what_if_change(const NormTable& before, const NormTable& after);
// The sentence a what-if map carries when it shows no change (no cell drops below the norm):
// "Geen verschil: als … sluit, valt nergens iemand onder deze norm."; "" when something changes.
std::string what_if_note(const Raster& change, const std::vector<std::string>& closed);

}  // namespace casco::access
