#include "access/access.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <sstream>

#include "access/network.hpp"
#include "access/transit.hpp"
#include "core/crs.hpp"
#include "core/dutch.hpp"
#include "core/error.hpp"
#include "core/progress.hpp"
#include "core/toml_reader.hpp"
#include "model/dasymetric.hpp"
#include "model/rasterize.hpp"
#include "model/vector_source.hpp"

namespace casco::access {
namespace {

constexpr double kStopWalkRadius = 800;  // metres walked to or from a public-transport stop

int parse_clock(const TomlReader& r, const toml::node& n, const std::string& text) {
  int h = 0, m = 0;
  if (std::sscanf(text.c_str(), "%d:%d", &h, &m) != 2 || h < 0 || h > 47 || m < 0 || m > 59)
    r.error_at(n, fmt::format("'{}' is not a time of day: write \"07:30\"", text));
  return h * 3600 + m * 60;
}

double speed_m_per_min(const ModeSettings& m) {
  return m.speed_kmh * 1000.0 / 60.0;
}

}  // namespace

const ModeSettings& AccessConfig::mode(const std::string& id) const {
  for (const auto& m : modes)
    if (m.id == id) return m;
  std::string names;
  for (const auto& m : modes) names += (names.empty() ? "" : ", ") + m.id;
  fail("{}: unknown mode '{}' (modes: {})", file.string(), id, names);
}

std::string DepartureWindow::mode() const {
  return first ? "pt" : "pt_" + id;
}

std::string AccessConfig::mode_title(const std::string& layer_mode) const {
  if (layer_mode.rfind("pt", 0) != 0) return mode(layer_mode).title;
  std::string title = "ov";
  std::string rest = layer_mode.substr(2);  // "", "_p90", "_dal", "_dal_p90"
  std::string pct = fmt::format("_p{:.0f}", percentile);
  bool pessimistic = rest.size() >= pct.size() && rest.ends_with(pct);
  if (pessimistic) rest.resize(rest.size() - pct.size());
  if (!rest.empty()) title += ", " + rest.substr(1);
  if (pessimistic) title += fmt::format(", {:.0f}e percentiel", percentile);
  return title;
}

std::string layer_id(const std::string& kind, const std::string& mode) {
  return "tijd_" + kind + "_" + mode;
}

AccessConfig load_access_config(const std::filesystem::path& file) {
  TomlReader r(file.string());
  toml::table root = r.parse(TomlReader::read_file(file.string(), "access file"));
  r.check_keys(root, "the access file", {"access", "modes", "facility", "origins", "norm"});
  AccessConfig c;
  c.file = file;
  const auto base = file.parent_path();
  const toml::table* a = root["access"].as_table();
  if (!a) fail("{}: missing [access] (name, population, zones)", file.string());
  r.check_keys(*a, "[access]",
               {"name", "group", "population", "zones", "network", "profile", "gtfs", "date",
                "window", "windows", "percentile"});
  c.name = r.text(*a, "name", false, "[access]", "Bereikbaarheid");
  c.group = r.text(*a, "group", false, "[access]", c.group);
  c.population = r.text(*a, "population", false, "[access]", "inwoners");
  c.zones = r.texts(*a, "zones", "[access]");
  if (auto p = r.text(*a, "network", false, "[access]"); !p.empty()) c.network = base / p;
  if (auto p = r.text(*a, "profile", false, "[access]"); !p.empty()) c.profile = base / p;
  if (auto p = r.text(*a, "gtfs", false, "[access]"); !p.empty()) c.gtfs = base / p;
  c.date = r.text(*a, "date", false, "[access]");
  if (a->get("window") && a->get("windows"))
    r.error_at(*a->get("windows"),
               "give either window = [from, to] or windows = [{...}], not both");
  if (const toml::node* w = a->get("window")) {
    auto times = r.texts(*a, "window", "[access]");
    if (times.size() != 2)
      r.error_at(*w, "window = [\"07:00\", \"09:00\"]: a start and an end time");
    c.windows.front().from_s = parse_clock(r, *w, times[0]);
    c.windows.front().to_s = parse_clock(r, *w, times[1]);
  }
  if (const toml::node* ws = a->get("windows")) {
    const toml::array* arr = ws->as_array();
    if (!arr || arr->empty())
      r.error_at(*ws,
                 "windows = [{ id = \"spits\", from = \"07:00\", to = \"09:00\" }, { id = "
                 "\"dal\", from = \"10:00\", to = \"15:00\" }]");
    c.windows.clear();
    for (const auto& node : *arr) {
      const toml::table* t = node.as_table();
      if (!t) r.error_at(node, "each window is a table { id, from, to }");
      r.check_keys(*t, "a window", {"id", "from", "to"});
      DepartureWindow w;
      w.id = r.text(*t, "id", true, "a window");
      w.first = c.windows.empty();
      w.from_s = parse_clock(r, *t->get("from"), r.text(*t, "from", true, "window " + w.id));
      w.to_s = parse_clock(r, *t->get("to"), r.text(*t, "to", true, "window " + w.id));
      for (char ch : w.id)
        if (!std::isalnum(static_cast<unsigned char>(ch)) && ch != '_')
          r.error_at(node, fmt::format("window id '{}': use letters, digits and _", w.id));
      for (const auto& other : c.windows)
        if (other.id == w.id) r.error_at(node, fmt::format("window '{}' is given twice", w.id));
      c.windows.push_back(w);
    }
  }
  for (const auto& w : c.windows)
    if (w.to_s <= w.from_s)
      r.error_at(*(a->get("windows") ? a->get("windows") : a->get("window")),
                 fmt::format("window '{}' must end after it starts", w.id));
  c.percentile = r.number(*a, "percentile", 90, "[access]");
  if (!c.gtfs.empty() && c.date.empty())
    r.error_at(*a, "[access]: with a gtfs feed, give the service date = \"YYYYMMDD\"");

  const toml::table* modes = root["modes"].as_table();
  if (!modes || modes->empty()) fail("{}: no [modes.*] (walk, bike, car, pt)", file.string());
  for (auto&& [id, node] : *modes) {
    const toml::table* t = node.as_table();
    std::string where = fmt::format("[modes.{}]", id.str());
    if (!t) r.error_at(node, where + " must be a table");
    r.check_keys(*t, where, {"title", "speed_kmh", "detour", "extra_minutes"});
    ModeSettings m;
    m.id = std::string(id.str());
    if (m.id != "walk" && m.id != "bike" && m.id != "car" && m.id != "pt")
      r.error_at(node, fmt::format("unknown mode '{}': use walk, bike, car or pt", m.id));
    m.title = r.text(*t, "title", false, where, m.id);
    m.speed_kmh = r.number(*t, "speed_kmh",
                           m.id == "walk"   ? 4.5
                           : m.id == "bike" ? 15
                           : m.id == "car"  ? 50
                                            : 30,
                           where);
    m.detour = r.number(*t, "detour", 1.3, where);
    m.extra_minutes = r.number(*t, "extra_minutes", 0, where);
    if (!(m.speed_kmh > 0) || !(m.detour >= 1))
      r.error_at(node, where + ": speed_kmh must be > 0 and detour >= 1");
    c.modes.push_back(m);
  }
  if (const toml::node* fac = root.get("facility")) {
    const toml::array* arr = fac->as_array();
    if (!arr) r.error_at(*fac, "facilities are [[facility]] tables");
    for (const auto& node : *arr) {
      const toml::table* t = node.as_table();
      if (!t) r.error_at(node, "each facility is a [[facility]] table");
      FacilityKind f;
      f.kind = r.text(*t, "kind", true, "a [[facility]]");
      std::string where = fmt::format("facility '{}'", f.kind);
      r.check_keys(*t, where,
                   {"kind", "title", "source", "id_field", "name_field", "capacity_field",
                    "place_field", "place_separator", "group_field"});
      f.title = r.text(*t, "title", false, where, f.kind);
      const toml::node* src = t->get("source");
      if (!src) r.error_at(*t, where + " needs a 'source'");
      f.source = parse_source(r, *src, base, where + ".source");
      f.id_field = r.text(*t, "id_field", false, where);
      f.name_field = r.text(*t, "name_field", false, where);
      f.capacity_field = r.text(*t, "capacity_field", false, where);
      f.place_field = r.text(*t, "place_field", false, where);
      f.place_separator = r.text(*t, "place_separator", false, where);
      f.group_field = r.text(*t, "group_field", false, where);
      if (!f.place_separator.empty() && f.place_field.empty())
        r.error_at(*t->get("place_separator"),
                   where + ": place_separator cuts the place_field; give place_field too");
      for (const auto& other : c.facilities)
        if (other.kind == f.kind)
          r.error_at(*t, fmt::format("facility kind '{}' is defined twice", f.kind));
      c.facilities.push_back(f);
    }
  }
  if (c.facilities.empty()) fail("{}: no [[facility]] kinds", file.string());
  if (const toml::node* on = root.get("origins")) {
    const toml::array* arr = on->as_array();
    if (!arr) r.error_at(*on, "origin sets are [[origins]] tables");
    for (const auto& node : *arr) {
      const toml::table* t = node.as_table();
      if (!t) r.error_at(node, "each origin set is an [[origins]] table");
      OriginSet o;
      o.id = r.text(*t, "id", true, "an [[origins]]");
      std::string where = fmt::format("origins '{}'", o.id);
      r.check_keys(*t, where, {"id", "title", "source", "id_field", "weight_field"});
      o.title = r.text(*t, "title", false, where, o.id);
      const toml::node* src = t->get("source");
      if (!src) r.error_at(*t, where + " needs a 'source' (points or polygons)");
      o.source = parse_source(r, *src, base, where + ".source");
      o.id_field = r.text(*t, "id_field", false, where);
      o.weight_field = r.text(*t, "weight_field", false, where);
      for (const auto& other : c.origins)
        if (other.id == o.id) r.error_at(*t, fmt::format("origins '{}' is defined twice", o.id));
      c.origins.push_back(o);
    }
  }
  if (const toml::node* nn = root.get("norm")) {
    const toml::array* arr = nn->as_array();
    if (!arr) r.error_at(*nn, "norms are [[norm]] tables");
    for (const auto& node : *arr) {
      const toml::table* t = node.as_table();
      if (!t) r.error_at(node, "each norm is a [[norm]] table");
      Norm n;
      n.id = r.text(*t, "id", true, "a [[norm]]");
      std::string where = fmt::format("norm '{}'", n.id);
      r.check_keys(*t, where, {"id", "kind", "title", "modes", "max_minutes"});
      n.kind = r.text(*t, "kind", true, where);
      n.title = r.text(*t, "title", false, where, n.id);
      n.modes = r.texts(*t, "modes", where);
      n.max_minutes = r.number(*t, "max_minutes", 15, where);
      if (std::none_of(c.facilities.begin(), c.facilities.end(),
                       [&](const FacilityKind& f) { return f.kind == n.kind; }))
        r.error_at(*t->get("kind"), fmt::format("{}: unknown facility kind '{}'", where, n.kind));
      if (n.modes.empty()) r.error_at(*t, where + " needs 'modes' (e.g. [\"bike\"])");
      const bool has_pt = std::any_of(c.modes.begin(), c.modes.end(),
                                      [](const ModeSettings& s) { return s.id == "pt"; });
      for (const auto& m : n.modes) {
        bool known = std::any_of(c.modes.begin(), c.modes.end(),
                                 [&](const ModeSettings& s) { return s.id == m; });
        for (const auto& w : c.windows) known = known || (has_pt && w.mode() == m);
        if (!known)
          r.error_at(*t->get("modes"),
                     fmt::format("{}: unknown mode '{}' (modes: the [modes.*] tables, and "
                                 "pt_<window id> for a further departure window)",
                                 where, m));
      }
      c.norms.push_back(n);
    }
  }
  return c;
}

std::vector<Facility> load_facilities(const AccessConfig& cfg, const Store& store) {
  const Grid& g = store.grid();
  OGRSpatialReference srs = make_srs(g.crs_wkt.empty() ? g.crs : g.crs_wkt, "store CRS");
  // Facilities beyond the study area count up to the model's surroundings (a station just over
  // the border serves the people on this side of it).
  const double reach = store.manifest().surroundings_m;
  std::unique_ptr<OGRGeometry> study;
  if (reach > 0) study = store.study_area();
  std::vector<Facility> out;
  for (const auto& fk : cfg.facilities) {
    VectorData v = read_vector(fk.source, srs);
    std::size_t beyond = 0, in_surroundings = 0;
    std::string first_beyond;
    for (const auto& f : v.features) {
      OGRPoint c;
      if (f->GetGeometryRef()->Centroid(&c) != OGRERR_NONE) continue;
      Facility fa;
      fa.kind = fk.kind;
      auto field = [&](const std::string& name) -> std::string {
        if (name.empty()) return {};
        int i = f->GetDefnRef()->GetFieldIndex(name.c_str());
        if (i < 0)
          fail("{}: facility '{}': {} has no field '{}'", cfg.file.string(), fk.kind, v.source_name,
               name);
        return f->IsFieldSetAndNotNull(i) ? f->GetFieldAsString(i) : "";
      };
      fa.id = field(fk.id_field);
      if (fa.id.empty()) fa.id = fmt::format("{}-{}", fk.kind, f->GetFID());
      fa.name = field(fk.name_field);
      fa.place = field(fk.place_field);
      if (!fk.place_separator.empty())
        if (auto cut = fa.place.find(fk.place_separator); cut != std::string::npos)
          fa.place.resize(cut);
      fa.group = field(fk.group_field);
      std::string cap = field(fk.capacity_field);
      fa.capacity = cap.empty() ? 0 : std::atof(cap.c_str());
      fa.x = c.getX();
      fa.y = c.getY();
      const bool in_grid = fa.x >= g.x0 && fa.x < g.x1() && fa.y <= g.y0 && fa.y > g.y1();
      if (!in_grid) {
        if (!study || c.Distance(study.get()) > reach) {
          if (beyond++ == 0) first_beyond = fa.id;
          continue;
        }
        fa.surroundings = true;
        ++in_surroundings;
      } else if (study && !study->Contains(&c)) {
        fa.surroundings = true;
        ++in_surroundings;
      }
      out.push_back(fa);
    }
    if (beyond)
      warn(
          "facility '{}': {} location(s) lie further than {:.0f} m beyond the study area and are "
          "left out (first: {})",
          fk.kind, beyond, reach, first_beyond);
    (void)in_surroundings;
  }
  return out;
}

std::vector<std::string> transit_routes(const AccessConfig& cfg, const Store& store) {
  if (cfg.gtfs.empty()) return {};
  const Grid& g = store.grid();
  return load_gtfs(cfg.gtfs, cfg.date, g.crs_wkt.empty() ? g.crs : g.crs_wkt).route_ids;
}

std::vector<std::vector<Origin>> load_origins(const AccessConfig& cfg, const Store& store) {
  const Grid& g = store.grid();
  const std::vector<uint8_t> study = store.study_mask();
  OGRSpatialReference srs = make_srs(g.crs_wkt.empty() ? g.crs : g.crs_wkt, "store CRS");
  std::vector<std::vector<Origin>> out;
  for (const auto& set : cfg.origins) {
    VectorData v = read_vector(set.source, srs);
    std::vector<Origin> origins;
    std::size_t outside = 0;
    std::string first_outside;
    for (const auto& f : v.features) {
      const OGRGeometry* geom = f->GetGeometryRef();
      // A polygon's centroid, or a point surely inside it when the centroid falls outside (a
      // crescent-shaped postcode area).
      OGRPoint p;
      if (geom->Centroid(&p) != OGRERR_NONE) continue;
      if (OGR_GT_Flatten(geom->getGeometryType()) != wkbPoint && !geom->Contains(&p)) {
        std::unique_ptr<OGRGeometry> inside(OGRGeometry::FromHandle(
            OGR_G_PointOnSurface(OGRGeometry::ToHandle(const_cast<OGRGeometry*>(geom)))));
        if (inside && inside->getGeometryType() == wkbPoint) p = *inside->toPoint();
      }
      Origin o;
      auto field = [&](const std::string& name) -> std::string {
        int i = f->GetDefnRef()->GetFieldIndex(name.c_str());
        if (i < 0)
          fail("{}: origins '{}': {} has no field '{}'", cfg.file.string(), set.id, v.source_name,
               name);
        return f->IsFieldSetAndNotNull(i) ? f->GetFieldAsString(i) : "";
      };
      o.id = set.id_field.empty() ? std::to_string(f->GetFID()) : field(set.id_field);
      if (!set.weight_field.empty()) {
        std::string w = field(set.weight_field);
        char* end = nullptr;
        o.weight = std::strtod(w.c_str(), &end);
        if (w.empty() || end == w.c_str() || !(o.weight >= 0))
          fail("{}: origins '{}': {} in {} has weight '{}' in field '{}': give a number >= 0",
               cfg.file.string(), set.id, o.id, v.source_name, w, set.weight_field);
      }
      o.x = p.getX();
      o.y = p.getY();
      if (o.x < g.x0 || o.x >= g.x1() || o.y > g.y0 || o.y <= g.y1() ||
          !study[static_cast<std::size_t>(std::floor(g.py(o.y))) * g.cols +
                 static_cast<std::size_t>(std::floor(g.px(o.x)))]) {
        if (outside++ == 0) first_outside = o.id;
        continue;
      }
      origins.push_back(o);
    }
    if (outside)
      warn("origins '{}': {} origin(s) lie outside the study area and are left out (first: {})",
           set.id, outside, first_outside);
    if (origins.empty())
      fail("{}: origins '{}': no origin of {} lies in the study area", cfg.file.string(), set.id,
           v.source_name);
    out.push_back(std::move(origins));
  }
  return out;
}

namespace {

// Origins sorted by x, to find those within a radius of a point without scanning them all.
struct OriginIndex {
  std::vector<std::pair<double, uint32_t>> by_x;
  explicit OriginIndex(const std::vector<Origin>& origins) {
    for (uint32_t i = 0; i < origins.size(); ++i) by_x.push_back({origins[i].x, i});
    std::sort(by_x.begin(), by_x.end());
  }
  template <class F>
  void within(const std::vector<Origin>& origins, double x, double y, double radius, F f) const {
    auto it =
        std::lower_bound(by_x.begin(), by_x.end(), std::pair<double, uint32_t>{x - radius, 0});
    for (; it != by_x.end() && it->first <= x + radius; ++it) {
      const Origin& o = origins[it->second];
      double d = std::hypot(o.x - x, o.y - y);
      if (d <= radius) f(it->second, d);
    }
  }
};

// Metres from every cell centre to the nearest facility (its cell centre), facilities in the
// surroundings beyond the grid included.
Raster straight_line_metres(const Grid& g, const std::vector<const Facility*>& facilities,
                            double surroundings_m) {
  if (facilities.empty()) return Raster(g, kNoData);
  double xmin = 1e300, ymin = 1e300, xmax = -1e300, ymax = -1e300;
  for (const Facility* f : facilities) {
    xmin = std::min(xmin, f->x), xmax = std::max(xmax, f->x);
    ymin = std::min(ymin, f->y), ymax = std::max(ymax, f->y);
  }
  auto shapes_on = [&](const Grid& on) {
    std::vector<Shape> shapes;
    for (const Facility* f : facilities) {
      Shape s;
      s.type = Shape::Type::Point;
      s.parts.push_back({{on.px(f->x), on.py(f->y)}});
      s.anchor = s.parts.back().front();
      shapes.push_back(std::move(s));
    }
    return shapes;
  };
  return distance_beyond(g, xmin, ymin, xmax, ymax, surroundings_m, shapes_on);
}

OriginTimes empty_times(const std::string& set, const std::string& kind, const std::string& mode,
                        std::size_t n, bool metres) {
  OriginTimes t{set, kind, mode, std::vector<float>(n, kNoData), {}};
  if (metres) t.metres.assign(n, kNoData);
  return t;
}

}  // namespace

AccessResult compute_access(const AccessConfig& cfg, const Store& store,
                            const std::vector<Facility>& facilities,
                            const std::vector<std::string>& without_routes,
                            const std::vector<std::vector<Origin>>& origins) {
  const Grid& g = store.grid();
  if (origins.size() != 0 && origins.size() != cfg.origins.size())
    fail("compute_access: {} origin sets given for {} in the config", origins.size(),
         cfg.origins.size());
  AccessResult res;
  res.estimate = cfg.network.empty();
  std::map<std::string, std::vector<const Facility*>> by_kind;
  for (const auto& f : facilities) by_kind[f.kind].push_back(&f);

  std::vector<const ModeSettings*> road_modes;
  const ModeSettings* pt = nullptr;
  for (const auto& m : cfg.modes) {
    if (m.id == "pt")
      pt = &m;
    else
      road_modes.push_back(&m);
  }
  std::size_t steps = cfg.facilities.size() * road_modes.size();
  if (pt) steps += cfg.facilities.size() * cfg.windows.size();
  Progress progress("bereikbaarheid", steps);
  if (res.estimate) {
    res.method =
        "schatting hemelsbreed: afstand in rechte lijn tussen celmiddens x omrijfactor per "
        "vervoerwijze, "
        "bij een vaste snelheid (geen wegennet in het model)";
    for (const auto& fk : cfg.facilities) {
      Raster metres = straight_line_metres(g, by_kind[fk.kind], store.manifest().surroundings_m);
      // Origins: the exact straight line from the origin to the nearest facility.
      std::vector<std::vector<float>> origin_m(origins.size());
      for (std::size_t set = 0; set < origins.size(); ++set) {
        origin_m[set].assign(origins[set].size(), kNoData);
        for (std::size_t i = 0; i < origins[set].size(); ++i) {
          double best = std::numeric_limits<double>::infinity();
          for (const Facility* f : by_kind[fk.kind])
            best = std::min(best, std::hypot(f->x - origins[set][i].x, f->y - origins[set][i].y));
          if (std::isfinite(best)) origin_m[set][i] = static_cast<float>(best);
        }
      }
      for (const ModeSettings* m : road_modes) {
        check_interrupted();
        Raster minutes(g, Raster::Uninitialized{}), travelled(g, Raster::Uninitialized{});
        const double per_m = m->detour / speed_m_per_min(*m);
        for (std::size_t i = 0; i < g.size(); ++i) {
          minutes.values[i] = static_cast<float>(metres.values[i] * per_m + m->extra_minutes);
          travelled.values[i] = static_cast<float>(metres.values[i] * m->detour);
        }
        res.layers.push_back({fk.kind, m->id, std::move(minutes), std::move(travelled)});
        for (std::size_t set = 0; set < origins.size(); ++set) {
          OriginTimes t =
              empty_times(cfg.origins[set].id, fk.kind, m->id, origins[set].size(), true);
          for (std::size_t i = 0; i < origins[set].size(); ++i) {
            float d = origin_m[set][i];
            if (std::isnan(d)) continue;
            t.minutes[i] = static_cast<float>(d * per_m + m->extra_minutes);
            t.metres[i] = static_cast<float>(d * m->detour);
          }
          res.origin_times.push_back(std::move(t));
        }
        progress.advance();
      }
    }
  } else {
    res.method = fmt::format("over het wegennet van {} (OpenStreetMap), snelheden per wegtype",
                             cfg.network.filename().string());
    Profile profile = cfg.profile.empty() ? Profile::defaults() : Profile::load(cfg.profile);
    Raster pop = store.read(cfg.population);
    // Points to snap: the populated cells, then the origins of every set.
    std::vector<std::size_t> cells;
    std::vector<double> xs, ys;
    for (std::size_t i = 0; i < g.size(); ++i)
      if (pop.values[i] > 0) {
        cells.push_back(i);
        xs.push_back(g.cx(static_cast<int>(i % g.cols)));
        ys.push_back(g.cy(static_cast<int>(i / g.cols)));
      }
    std::vector<std::size_t> set_start;
    for (const auto& set : origins) {
      set_start.push_back(xs.size());
      for (const auto& o : set) {
        xs.push_back(o.x);
        ys.push_back(o.y);
      }
    }
    for (const ModeSettings* m : road_modes) {
      const Mode mode = parse_mode(m->id);
      Graph graph = build_graph(cfg.network, mode, profile, g.crs_wkt.empty() ? g.crs : g.crs_wkt);
      Graph back = graph.reversed();  // times *to* the facilities
      info("{}: {} closed node(s), {} destination-only edge(s), {} turn restriction(s) applied",
           m->id, graph.stats.blocked_nodes, graph.stats.destination_edges,
           graph.stats.restrictions_applied);
      if (graph.stats.restrictions_skipped)
        warn("{}: {} turn restriction(s) for {} do not fit the network and are left out, e.g. {}",
             cfg.network.string(), graph.stats.restrictions_skipped, m->id,
             graph.stats.skipped_examples.front());
      const double max_snap = profile.mode(mode).snap_max_m;
      const RoadSnapper roads(graph);
      auto snapped = roads.snap(xs, ys, max_snap);
      const PointJoins joins = join_points(graph, snapped);
      const double m_per_s = m->speed_kmh / 3.6;
      // Points beyond the maximum snap distance get no time; the furthest snap is reported.
      auto report_far = [&](std::size_t from, std::size_t to, const std::string& what) {
        std::size_t lost = 0;
        float furthest = 0;
        for (std::size_t k = from; k < to; ++k) {
          if (snapped[k].road == kNoRoad)
            ++lost;
          else
            furthest = std::max(furthest, snapped[k].distance_m);
        }
        if (lost)
          warn("{}: {} {} lie more than {:.0f} m from every road for {} and get no time",
               cfg.network.string(), lost, what, max_snap, m->id);
        if (furthest > 500)
          warn(
              "{}: {} lie up to {:.0f} m from the {} network; their times include that distance "
              "at {} km/h",
              cfg.network.string(), what, furthest, m->id, m->speed_kmh);
        else
          info("{}: {} {} joined the {} network, the furthest {:.0f} m from it", m->id,
               to - from - lost, what, m->id, furthest);
      };
      report_far(0, cells.size(), "populated cell(s)");
      for (std::size_t set = 0; set < origins.size(); ++set)
        report_far(set_start[set], set_start[set] + origins[set].size(),
                   fmt::format("origin(s) of '{}'", cfg.origins[set].id));
      for (const auto& fk : cfg.facilities) {
        check_interrupted();
        std::vector<double> fx, fy;
        for (const Facility* f : by_kind[fk.kind]) {
          fx.push_back(f->x);
          fy.push_back(f->y);
        }
        auto at = roads.snap(fx, fy, max_snap);
        if (auto off = std::count_if(at.begin(), at.end(),
                                     [](const RoadSnap& sn) { return sn.road == kNoRoad; }))
          warn(
              "{}: {} facilit(y/ies) of '{}' lie more than {:.0f} m from every road for {} and "
              "are left out for {}",
              cfg.network.string(), off, fk.kind, max_snap, m->id, m->id);
        std::vector<float> start_s, start_m;
        for (const auto& sn : at) {
          start_s.push_back(static_cast<float>(sn.distance_m / m_per_s));
          start_m.push_back(sn.distance_m);
        }
        PointTimes t = times_to_nearest(graph, back, at, start_s, start_m, joins);
        auto minutes_at = [&](std::size_t k) {
          float sec = t.seconds[k];
          return std::isfinite(sec)
                     ? static_cast<float>((sec + snapped[k].distance_m / m_per_s) / 60.0 +
                                          m->extra_minutes)
                     : kNoData;
        };
        auto metres_at = [&](std::size_t k) {
          return std::isfinite(t.seconds[k]) ? t.metres[k] + snapped[k].distance_m : kNoData;
        };
        Raster minutes(g, kNoData), travelled(g, kNoData);
        for (std::size_t k = 0; k < cells.size(); ++k) {
          minutes.values[cells[k]] = minutes_at(k);
          travelled.values[cells[k]] = metres_at(k);
        }
        res.layers.push_back({fk.kind, m->id, std::move(minutes), std::move(travelled)});
        for (std::size_t set = 0; set < origins.size(); ++set) {
          OriginTimes ot =
              empty_times(cfg.origins[set].id, fk.kind, m->id, origins[set].size(), true);
          for (std::size_t i = 0; i < origins[set].size(); ++i) {
            ot.minutes[i] = minutes_at(set_start[set] + i);
            ot.metres[i] = metres_at(set_start[set] + i);
          }
          res.origin_times.push_back(std::move(ot));
        }
        progress.advance();
      }
    }
  }

  if (pt) {
    if (cfg.gtfs.empty()) {
      warn("mode 'pt' needs a GTFS feed ([access] gtfs = \"...\"); public transport is left out");
    } else {
      Gtfs feed = load_gtfs(cfg.gtfs, cfg.date, g.crs_wkt.empty() ? g.crs : g.crs_wkt, 400, 4.5,
                            without_routes);
      for (const auto& w : feed.warnings) warn("{}", w);
      const double walk = 4.5 / 3.6;  // m/s to and from stops
      const int reach = static_cast<int>(std::ceil(kStopWalkRadius / g.cell));
      std::string windows;
      for (const auto& w : cfg.windows)
        windows +=
            fmt::format("{}{} {:02d}:{:02d}-{:02d}:{:02d}", windows.empty() ? "" : ", ", w.id,
                        w.from_s / 3600, w.from_s % 3600 / 60, w.to_s / 3600, w.to_s % 3600 / 60);
      res.method += fmt::format("; openbaar vervoer: RAPTOR over {}, mediaan en {:.0f}e percentiel",
                                windows, cfg.percentile);
      std::vector<OriginIndex> index;
      for (const auto& set : origins) index.emplace_back(set);
      for (const auto& fk : cfg.facilities) {
        // Facility → stops within walking distance (travel times taken as symmetric).
        std::vector<std::pair<uint32_t, float>> sources;
        for (uint32_t st = 0; st < feed.stops.size(); ++st) {
          double best = kStopWalkRadius + 1;
          for (const Facility* f : by_kind[fk.kind])
            best = std::min(best, std::hypot(feed.stops[st].x - f->x, feed.stops[st].y - f->y));
          if (best <= kStopWalkRadius) sources.push_back({st, static_cast<float>(best / walk)});
        }
        for (const auto& win : cfg.windows) {
          check_interrupted();
          const std::string median_mode = win.mode(),
                            p_mode = fmt::format("{}_p{:.0f}", win.mode(), cfg.percentile);
          Raster minutes(g, kNoData), pessimistic(g, kNoData);
          std::vector<OriginTimes> om, op;
          for (std::size_t set = 0; set < origins.size(); ++set) {
            om.push_back(
                empty_times(cfg.origins[set].id, fk.kind, median_mode, origins[set].size(), false));
            op.push_back(
                empty_times(cfg.origins[set].id, fk.kind, p_mode, origins[set].size(), false));
          }
          auto keep_min = [](float& cell, float t) {
            if (std::isnan(cell) || t < cell) cell = t;
          };
          if (!sources.empty()) {
            TransitTimes tt = raptor_window(feed, sources, win.from_s, win.to_s, cfg.percentile);
            for (uint32_t st = 0; st < feed.stops.size(); ++st) {
              float ts = tt.median_s[st], tp = tt.pessimistic_s[st];
              if (!std::isfinite(ts)) continue;
              const double sx = feed.stops[st].x, sy = feed.stops[st].y;
              auto at = [&](float stop_s, double d) {
                return static_cast<float>((stop_s + d / walk) / 60.0 + pt->extra_minutes);
              };
              int sc = static_cast<int>(std::floor(g.px(sx))),
                  sr = static_cast<int>(std::floor(g.py(sy)));
              for (int r = std::max(0, sr - reach); r <= std::min(g.rows - 1, sr + reach); ++r)
                for (int c = std::max(0, sc - reach); c <= std::min(g.cols - 1, sc + reach); ++c) {
                  double d = std::hypot(g.cx(c) - sx, g.cy(r) - sy);
                  if (d > kStopWalkRadius) continue;
                  keep_min(minutes.at(r, c), at(ts, d));
                  if (std::isfinite(tp)) keep_min(pessimistic.at(r, c), at(tp, d));
                }
              for (std::size_t set = 0; set < origins.size(); ++set)
                index[set].within(origins[set], sx, sy, kStopWalkRadius, [&](uint32_t i, double d) {
                  keep_min(om[set].minutes[i], at(ts, d));
                  if (std::isfinite(tp)) keep_min(op[set].minutes[i], at(tp, d));
                });
            }
          }
          res.layers.push_back({fk.kind, median_mode, std::move(minutes), Raster()});
          res.layers.push_back({fk.kind, p_mode, std::move(pessimistic), Raster()});
          for (std::size_t set = 0; set < origins.size(); ++set) {
            res.origin_times.push_back(std::move(om[set]));
            res.origin_times.push_back(std::move(op[set]));
          }
          progress.advance();
        }
      }
    }
  }
  return res;
}

// The population layer with the cells outside the study area set to 0: tables and norms count
// the study area's people only.
Raster study_population(const AccessConfig& cfg, const Store& store) {
  Raster pop = store.read(cfg.population);
  const std::vector<uint8_t> study = store.study_mask();
  for (std::size_t i = 0; i < pop.values.size(); ++i)
    if (!study[i]) pop.values[i] = 0;
  return pop;
}

std::vector<NormTable> evaluate_norms(const AccessConfig& cfg, const Store& store,
                                      const AccessResult& r,
                                      const std::vector<std::vector<Origin>>& origins) {
  const Grid& g = store.grid();
  Raster pop = study_population(cfg, store);
  std::vector<NormTable> out;
  std::map<std::string, Raster> zone_rasters;
  for (const auto& z : cfg.zones) zone_rasters[z] = store.read(z);
  for (const auto& n : cfg.norms) {
    NormTable t;
    t.norm = &n;
    t.meets = Raster(g, kNoData);
    for (const auto& L : r.layers) {
      if (L.kind != n.kind || std::find(n.modes.begin(), n.modes.end(), L.mode) == n.modes.end())
        continue;
      for (std::size_t i = 0; i < g.size(); ++i) {
        float v = L.minutes.values[i];
        if (std::isnan(v)) continue;
        float ok = v <= n.max_minutes ? 1.0f : 0.0f;
        float& m = t.meets.values[i];
        m = std::isnan(m) ? ok : std::max(m, ok);
      }
    }
    for (std::size_t i = 0; i < g.size(); ++i) {
      float p = pop.values[i], m = t.meets.values[i];
      if (std::isnan(p) || p <= 0 || std::isnan(m)) continue;
      t.people += p;
      t.people_within += p * m;
    }
    for (const auto& z : cfg.zones) {
      const auto& records = store.zones(z);
      const Raster& zr = zone_rasters[z];
      std::map<int, NormRow> rows;
      for (const auto& rec : records) rows[rec.zone] = NormRow{z, rec.code, rec.name, 0, 0};
      for (std::size_t i = 0; i < g.size(); ++i) {
        float p = pop.values[i], m = t.meets.values[i], zv = zr.values[i];
        if (std::isnan(p) || p <= 0 || std::isnan(m) || !(zv >= 1)) continue;
        auto it = rows.find(static_cast<int>(zv));
        if (it == rows.end()) continue;
        it->second.people += p;
        it->second.people_within += p * m;
      }
      for (auto& [zone, row] : rows) t.rows.push_back(row);
    }
    for (std::size_t set = 0; set < origins.size() && set < cfg.origins.size(); ++set) {
      NormRow row{cfg.origins[set].id, "", cfg.origins[set].title, 0, 0};
      std::vector<float> meets(origins[set].size(), kNoData);
      for (const auto& ot : r.origin_times) {
        if (ot.set != cfg.origins[set].id || ot.kind != n.kind ||
            std::find(n.modes.begin(), n.modes.end(), ot.mode) == n.modes.end())
          continue;
        for (std::size_t i = 0; i < meets.size(); ++i)
          if (!std::isnan(ot.minutes[i]))
            meets[i] = std::max(std::isnan(meets[i]) ? 0.0f : meets[i],
                                ot.minutes[i] <= n.max_minutes ? 1.0f : 0.0f);
      }
      for (std::size_t i = 0; i < meets.size(); ++i) {
        row.people += origins[set][i].weight;
        if (meets[i] == 1) row.people_within += origins[set][i].weight;
      }
      t.origin_rows.push_back(row);
    }
    out.push_back(std::move(t));
  }
  return out;
}

namespace {
std::string nl(double v, int decimals = 0) {
  return dutch_number(v, decimals);
}
std::string pct(double a, double b) {
  return b > 0 ? nl(100.0 * a / b, 1) + "%" : "-";
}
}  // namespace

std::string format_access(const AccessConfig& cfg, const Store& store, const AccessResult& r,
                          const std::vector<NormTable>& norms, const std::string& format) {
  Raster pop = study_population(cfg, store);
  struct Summary {
    std::string kind, mode;
    double people = 0, weighted = 0, within15 = 0, within30 = 0, metres = 0, people_metres = 0;
  };
  std::vector<Summary> sums;
  for (const auto& L : r.layers) {
    Summary s{L.kind, L.mode};
    for (std::size_t i = 0; i < pop.values.size(); ++i) {
      float p = pop.values[i], t = L.minutes.values[i];
      if (std::isnan(p) || p <= 0 || std::isnan(t)) continue;
      s.people += p;
      s.weighted += p * t;
      s.within15 += t <= 15 ? p : 0;
      s.within30 += t <= 30 ? p : 0;
      if (!L.metres.values.empty() && !std::isnan(L.metres.values[i])) {
        s.metres += p * L.metres.values[i];
        s.people_metres += p;
      }
    }
    sums.push_back(s);
  }
  if (format == "json") {
    nlohmann::json j;
    j["name"] = cfg.name;
    j["estimate"] = r.estimate;
    j["method"] = r.method;
    for (const auto& s : sums)
      j["times"].push_back(
          {{"kind", s.kind},
           {"mode", s.mode},
           {"people", s.people},
           {"mean_minutes", s.people > 0 ? s.weighted / s.people : 0.0},
           {"share_within_15", s.people > 0 ? s.within15 / s.people : 0.0},
           {"share_within_30", s.people > 0 ? s.within30 / s.people : 0.0},
           {"mean_km", s.people_metres > 0 ? s.metres / s.people_metres / 1000 : 0.0}});
    for (const auto& n : norms) {
      nlohmann::json jn = {{"id", n.norm->id},
                           {"title", n.norm->title},
                           {"people", n.people},
                           {"people_within", n.people_within},
                           {"people_below", n.people - n.people_within}};
      for (const auto& row : n.rows)
        jn["zones"].push_back({{"zones", row.zone_layer},
                               {"code", row.code},
                               {"name", row.name},
                               {"people", row.people},
                               {"people_within", row.people_within},
                               {"people_below", row.people - row.people_within}});
      for (const auto& row : n.origin_rows)
        jn["origins"].push_back({{"origins", row.zone_layer},
                                 {"title", row.name},
                                 {"weight", row.people},
                                 {"weight_within", row.people_within},
                                 {"weight_below", row.people - row.people_within}});
      j["norms"].push_back(jn);
    }
    return j.dump(2) + "\n";
  }
  if (format == "csv") {
    std::string o = "norm,zones,code,name,people,people_within,people_below,share_within\n";
    for (const auto& n : norms)
      for (const auto* rows : {&n.rows, &n.origin_rows})
        for (const auto& row : *rows)
          o += fmt::format("{},{},{},\"{}\",{:.0f},{:.0f},{:.0f},{:.4f}\n", n.norm->id,
                           row.zone_layer, row.code, row.name, row.people, row.people_within,
                           row.people - row.people_within,
                           row.people > 0 ? row.people_within / row.people : 0.0);
    return o;
  }
  std::string o = fmt::format("{}\nMethode: {}{}\n", cfg.name, r.method,
                              r.estimate ? " — schatting hemelsbreed" : "");
  o += "\nReistijd naar de dichtstbijzijnde voorziening (inwonergewogen)\n";
  o += fmt::format("  {:<22} {:<6} {:>10} {:>12} {:>12}\n", "voorziening", "wijze", "gem. min",
                   "<= 15 min", "<= 30 min");
  for (const auto& s : sums)
    o += fmt::format("  {:<22} {:<6} {:>10} {:>12} {:>12}\n", s.kind, s.mode,
                     s.people > 0 ? nl(s.weighted / s.people, 1) : "-", pct(s.within15, s.people),
                     pct(s.within30, s.people));
  for (const auto& n : norms) {
    o += fmt::format("\nNorm: {}\n  {} van {} inwoners haalt de norm ({}); {} inwoners niet.\n",
                     n.norm->title, nl(n.people_within), nl(n.people),
                     pct(n.people_within, n.people), nl(n.people - n.people_within));
    std::string current;
    for (const auto& row : n.rows) {
      if (row.zone_layer != current) {
        current = row.zone_layer;
        o += fmt::format("  per zone van '{}':\n  {:<30} {:>10} {:>12} {:>14}\n", current, "naam",
                         "inwoners", "haalt norm", "onder de norm");
      }
      o += fmt::format("  {:<30} {:>10} {:>12} {:>14}\n", row.name.substr(0, 30), nl(row.people),
                       pct(row.people_within, row.people), nl(row.people - row.people_within));
    }
    for (const auto& row : n.origin_rows)
      o +=
          fmt::format("  vanaf '{}' ({}): {} van {} haalt de norm ({}), gewogen per herkomstpunt\n",
                      row.zone_layer, row.name, nl(row.people_within), nl(row.people),
                      pct(row.people_within, row.people));
  }
  if (r.estimate)
    o += "\nLet op: zonder wegennet zijn alle reistijden een schatting hemelsbreed (rechte lijn x "
         "omrijfactor).\n";
  return o;
}

std::string format_what_if(const AccessConfig& cfg, const std::vector<NormTable>& before,
                           const std::vector<NormTable>& after,
                           const std::vector<std::string>& without, const std::string& format) {
  std::string list;
  for (const auto& w : without) list += (list.empty() ? "" : ", ") + w;
  nlohmann::json j;
  std::string o = fmt::format("{} — wat als {} verdwijnt?\n", cfg.name, list);
  for (std::size_t n = 0; n < before.size(); ++n) {
    const NormTable& b = before[n];
    const NormTable& a = after[n];
    double newly = b.people_within - a.people_within;
    nlohmann::json jn = {{"norm", b.norm->id}, {"title", b.norm->title}, {"newly_below", newly}};
    o += fmt::format("\nNorm: {}\n  {} inwoners komen nieuw onder de norm.\n", b.norm->title,
                     nl(newly));
    for (std::size_t i = 0; i < b.rows.size() && i < a.rows.size(); ++i) {
      double d = b.rows[i].people_within - a.rows[i].people_within;
      if (d < 0.5) continue;
      o += fmt::format("  {:<12} {:<30} {:>10} inwoners nieuw onder de norm\n",
                       b.rows[i].zone_layer, b.rows[i].name.substr(0, 30), nl(d));
      jn["zones"].push_back({{"zones", b.rows[i].zone_layer},
                             {"code", b.rows[i].code},
                             {"name", b.rows[i].name},
                             {"newly_below", d}});
    }
    for (std::size_t i = 0; i < b.origin_rows.size() && i < a.origin_rows.size(); ++i) {
      double d = b.origin_rows[i].people_within - a.origin_rows[i].people_within;
      o += fmt::format("  vanaf '{}': {} (gewicht) nieuw onder de norm\n",
                       b.origin_rows[i].zone_layer, nl(d));
      jn["origins"].push_back({{"origins", b.origin_rows[i].zone_layer}, {"newly_below", d}});
    }
    j["norms"].push_back(jn);
  }
  if (format == "json") {
    j["without"] = without;
    return j.dump(2) + "\n";
  }
  return o;
}

std::string format_origins(const AccessConfig& cfg, const AccessResult& r, std::size_t set,
                           const std::vector<Origin>& origins) {
  const std::string& id = cfg.origins.at(set).id;
  std::vector<const OriginTimes*> cols;
  for (const auto& t : r.origin_times)
    if (t.set == id) cols.push_back(&t);
  std::string o = "id,x,y,weight";
  for (const OriginTimes* t : cols) {
    o += fmt::format(",min_{}_{}", t->kind, t->mode);
    if (!t->metres.empty()) o += fmt::format(",km_{}_{}", t->kind, t->mode);
  }
  o += "\n";
  auto cell = [](float v, int decimals) {
    return std::isnan(v) ? std::string() : fmt::format("{:.{}f}", v, decimals);
  };
  for (std::size_t i = 0; i < origins.size(); ++i) {
    std::string idq = origins[i].id;
    if (idq.find_first_of(",\"") != std::string::npos) {
      std::string q = "\"";
      for (char ch : idq) q += ch == '"' ? std::string("\"\"") : std::string(1, ch);
      idq = q + "\"";
    }
    o += fmt::format("{},{:.1f},{:.1f},{:g}", idq, origins[i].x, origins[i].y, origins[i].weight);
    for (const OriginTimes* t : cols) {
      o += ',';
      o += cell(t->minutes[i], 1);
      if (!t->metres.empty()) {
        o += ',';
        o += cell(t->metres[i] / 1000.0f, 2);
      }
    }
    o += "\n";
  }
  return o;
}

}  // namespace casco::access
