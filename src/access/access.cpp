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
#include "core/error.hpp"
#include "core/progress.hpp"
#include "core/toml_reader.hpp"
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

std::string layer_id(const std::string& kind, const std::string& mode) {
  return "tijd_" + kind + "_" + mode;
}

AccessConfig load_access_config(const std::filesystem::path& file) {
  TomlReader r(file.string());
  toml::table root = r.parse(TomlReader::read_file(file.string(), "access file"));
  r.check_keys(root, "the access file", {"access", "modes", "facility", "norm"});
  AccessConfig c;
  c.file = file;
  const auto base = file.parent_path();
  const toml::table* a = root["access"].as_table();
  if (!a) fail("{}: missing [access] (name, population, zones)", file.string());
  r.check_keys(*a, "[access]",
               {"name", "population", "zones", "network", "profile", "gtfs", "date", "window",
                "percentile"});
  c.name = r.text(*a, "name", false, "[access]", "Bereikbaarheid");
  c.population = r.text(*a, "population", false, "[access]", "inwoners");
  c.zones = r.texts(*a, "zones", "[access]");
  if (auto p = r.text(*a, "network", false, "[access]"); !p.empty()) c.network = base / p;
  if (auto p = r.text(*a, "profile", false, "[access]"); !p.empty()) c.profile = base / p;
  if (auto p = r.text(*a, "gtfs", false, "[access]"); !p.empty()) c.gtfs = base / p;
  c.date = r.text(*a, "date", false, "[access]");
  if (const toml::node* w = a->get("window")) {
    auto times = r.texts(*a, "window", "[access]");
    if (times.size() != 2)
      r.error_at(*w, "window = [\"07:00\", \"09:00\"]: a start and an end time");
    c.window_from_s = parse_clock(r, *w, times[0]);
    c.window_to_s = parse_clock(r, *w, times[1]);
    if (c.window_to_s <= c.window_from_s) r.error_at(*w, "the window must end after it starts");
  }
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
      FacilityKind f;
      f.kind = r.text(*t, "kind", true, "a [[facility]]");
      std::string where = fmt::format("facility '{}'", f.kind);
      r.check_keys(*t, where,
                   {"kind", "title", "source", "id_field", "name_field", "capacity_field"});
      f.title = r.text(*t, "title", false, where, f.kind);
      const toml::node* src = t->get("source");
      if (!src) r.error_at(*t, where + " needs a 'source'");
      f.source = parse_source(r, *src, base, where + ".source");
      f.id_field = r.text(*t, "id_field", false, where);
      f.name_field = r.text(*t, "name_field", false, where);
      f.capacity_field = r.text(*t, "capacity_field", false, where);
      for (const auto& other : c.facilities)
        if (other.kind == f.kind)
          r.error_at(*t, fmt::format("facility kind '{}' is defined twice", f.kind));
      c.facilities.push_back(f);
    }
  }
  if (c.facilities.empty()) fail("{}: no [[facility]] kinds", file.string());
  if (const toml::node* nn = root.get("norm")) {
    const toml::array* arr = nn->as_array();
    if (!arr) r.error_at(*nn, "norms are [[norm]] tables");
    for (const auto& node : *arr) {
      const toml::table* t = node.as_table();
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
      for (const auto& m : n.modes)
        if (std::none_of(c.modes.begin(), c.modes.end(),
                         [&](const ModeSettings& s) { return s.id == m; }))
          r.error_at(*t->get("modes"), fmt::format("{}: unknown mode '{}'", where, m));
      c.norms.push_back(n);
    }
  }
  return c;
}

std::vector<Facility> load_facilities(const AccessConfig& cfg, const Store& store) {
  const Grid& g = store.grid();
  OGRSpatialReference srs = make_srs(g.crs_wkt.empty() ? g.crs : g.crs_wkt, "store CRS");
  std::vector<Facility> out;
  for (const auto& fk : cfg.facilities) {
    VectorData v = read_vector(fk.source, srs);
    std::size_t outside = 0;
    std::string first_outside;
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
      std::string cap = field(fk.capacity_field);
      fa.capacity = cap.empty() ? 0 : std::atof(cap.c_str());
      fa.x = c.getX();
      fa.y = c.getY();
      if (fa.x < g.x0 || fa.x >= g.x1() || fa.y > g.y0 || fa.y <= g.y1()) {
        if (outside++ == 0) first_outside = fa.id;
        continue;
      }
      out.push_back(fa);
    }
    if (outside)
      warn("facility '{}': {} location(s) lie outside the study area and are left out (first: {})",
           fk.kind, outside, first_outside);
  }
  return out;
}

std::vector<std::string> transit_routes(const AccessConfig& cfg, const Store& store) {
  if (cfg.gtfs.empty()) return {};
  const Grid& g = store.grid();
  return load_gtfs(cfg.gtfs, cfg.date, g.crs_wkt.empty() ? g.crs : g.crs_wkt).route_ids;
}

AccessResult compute_access(const AccessConfig& cfg, const Store& store,
                            const std::vector<Facility>& facilities,
                            const std::vector<std::string>& without_routes) {
  const Grid& g = store.grid();
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

  Progress progress("bereikbaarheid", cfg.facilities.size() * cfg.modes.size());
  if (res.estimate) {
    res.method =
        "schatting hemelsbreed: afstand in rechte lijn tussen celmiddens x omrijfactor per "
        "vervoerwijze, "
        "bij een vaste snelheid (geen wegennet in het model)";
    for (const auto& fk : cfg.facilities) {
      std::vector<uint8_t> mask(g.size(), 0);
      for (const Facility* f : by_kind[fk.kind]) {
        int c = static_cast<int>(std::floor(g.px(f->x))),
            r = static_cast<int>(std::floor(g.py(f->y)));
        mask[static_cast<std::size_t>(r) * g.cols + c] = 1;
      }
      Raster metres = distance(g, mask);
      for (const ModeSettings* m : road_modes) {
        check_interrupted();
        Raster minutes(g, Raster::Uninitialized{}), travelled(g, Raster::Uninitialized{});
        const double per_m = m->detour / speed_m_per_min(*m);
        for (std::size_t i = 0; i < g.size(); ++i) {
          minutes.values[i] = static_cast<float>(metres.values[i] * per_m + m->extra_minutes);
          travelled.values[i] = static_cast<float>(metres.values[i] * m->detour);
        }
        res.layers.push_back({fk.kind, m->id, std::move(minutes), std::move(travelled)});
        progress.advance();
      }
    }
  } else {
    res.method = fmt::format("over het wegennet van {} (OpenStreetMap), snelheden per wegtype",
                             cfg.network.filename().string());
    Profile profile = cfg.profile.empty() ? Profile::defaults() : Profile::load(cfg.profile);
    Raster pop = store.read(cfg.population);
    std::vector<std::size_t> cells;
    std::vector<double> xs, ys;
    for (std::size_t i = 0; i < g.size(); ++i)
      if (pop.values[i] > 0) {
        cells.push_back(i);
        xs.push_back(g.cx(static_cast<int>(i % g.cols)));
        ys.push_back(g.cy(static_cast<int>(i / g.cols)));
      }
    for (const ModeSettings* m : road_modes) {
      Graph graph = build_graph(cfg.network, parse_mode(m->id), profile,
                                g.crs_wkt.empty() ? g.crs : g.crs_wkt);
      Graph back = graph.reversed();  // times *to* the facilities
      auto origin = snap(back, xs, ys);
      const double m_per_s = m->speed_kmh / 3.6;
      // Origins far from any road of this mode: reported, still given the walk to the nearest node.
      std::size_t far = 0;
      float furthest = 0;
      for (const auto& o : origin) {
        far += o.distance_m > 500;
        furthest = std::max(furthest, o.distance_m);
      }
      if (far)
        warn(
            "{}: {} populated cell(s) lie more than 500 m from the {} network (furthest {:.0f} m); "
            "their times include "
            "that distance at {} km/h",
            cfg.network.string(), far, m->id, furthest, m->speed_kmh);
      for (const auto& fk : cfg.facilities) {
        check_interrupted();
        std::vector<double> fx, fy;
        for (const Facility* f : by_kind[fk.kind]) {
          fx.push_back(f->x);
          fy.push_back(f->y);
        }
        std::vector<std::pair<uint32_t, float>> sources;
        std::vector<float> start_m;
        for (const auto& s : snap(back, fx, fy)) {
          sources.push_back({s.node, static_cast<float>(s.distance_m / m_per_s)});
          start_m.push_back(s.distance_m);
        }
        std::vector<float> path_m;  // metres along the fastest path
        auto t = multi_source(back, sources, kUnreachable, &path_m, &start_m);
        Raster minutes(g, kNoData), travelled(g, kNoData);
        for (std::size_t k = 0; k < cells.size(); ++k) {
          float s = t[origin[k].node];
          if (!std::isfinite(s)) continue;
          minutes.values[cells[k]] =
              static_cast<float>((s + origin[k].distance_m / m_per_s) / 60.0 + m->extra_minutes);
          travelled.values[cells[k]] = path_m[origin[k].node] + origin[k].distance_m;
        }
        res.layers.push_back({fk.kind, m->id, std::move(minutes), std::move(travelled)});
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
      res.method += fmt::format(
          "; openbaar vervoer: RAPTOR over {:02d}:{:02d}-{:02d}:{:02d}, mediaan en {:.0f}e "
          "percentiel",
          cfg.window_from_s / 3600, cfg.window_from_s % 3600 / 60, cfg.window_to_s / 3600,
          cfg.window_to_s % 3600 / 60, cfg.percentile);
      for (const auto& fk : cfg.facilities) {
        check_interrupted();
        // Facility → stops within walking distance (travel times taken as symmetric).
        std::vector<std::pair<uint32_t, float>> origins;
        for (uint32_t s = 0; s < feed.stops.size(); ++s) {
          double best = kStopWalkRadius + 1;
          for (const Facility* f : by_kind[fk.kind])
            best = std::min(best, std::hypot(feed.stops[s].x - f->x, feed.stops[s].y - f->y));
          if (best <= kStopWalkRadius) origins.push_back({s, static_cast<float>(best / walk)});
        }
        Raster minutes(g, kNoData), pessimistic(g, kNoData);
        if (!origins.empty()) {
          TransitTimes tt =
              raptor_window(feed, origins, cfg.window_from_s, cfg.window_to_s, cfg.percentile);
          for (uint32_t s = 0; s < feed.stops.size(); ++s) {
            float ts = tt.median_s[s], tp = tt.pessimistic_s[s];
            if (!std::isfinite(ts)) continue;
            int sc = static_cast<int>(std::floor(g.px(feed.stops[s].x))),
                sr = static_cast<int>(std::floor(g.py(feed.stops[s].y)));
            for (int r = std::max(0, sr - reach); r <= std::min(g.rows - 1, sr + reach); ++r)
              for (int c = std::max(0, sc - reach); c <= std::min(g.cols - 1, sc + reach); ++c) {
                double d = std::hypot(g.cx(c) - feed.stops[s].x, g.cy(r) - feed.stops[s].y);
                if (d > kStopWalkRadius) continue;
                float t = static_cast<float>((ts + d / walk) / 60.0 + pt->extra_minutes);
                float& cell = minutes.at(r, c);
                if (std::isnan(cell) || t < cell) cell = t;
                if (std::isfinite(tp)) {
                  float tq = static_cast<float>((tp + d / walk) / 60.0 + pt->extra_minutes);
                  float& pc = pessimistic.at(r, c);
                  if (std::isnan(pc) || tq < pc) pc = tq;
                }
              }
          }
        }
        res.layers.push_back({fk.kind, "pt", std::move(minutes), Raster()});
        res.layers.push_back(
            {fk.kind, fmt::format("pt_p{:.0f}", cfg.percentile), std::move(pessimistic), Raster()});
        progress.advance();
      }
    }
  }
  return res;
}

std::vector<NormTable> evaluate_norms(const AccessConfig& cfg, const Store& store,
                                      const AccessResult& r) {
  const Grid& g = store.grid();
  Raster pop = store.read(cfg.population);
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
    out.push_back(std::move(t));
  }
  return out;
}

namespace {
std::string nl(double v, int decimals = 0) {
  std::string s = fmt::format("{:.{}f}", std::abs(v), decimals);
  auto dot = s.find('.');
  std::string ip = s.substr(0, dot), fp = dot == std::string::npos ? "" : "," + s.substr(dot + 1);
  std::string o;
  for (std::size_t i = 0; i < ip.size(); ++i) {
    if (i && (ip.size() - i) % 3 == 0) o += '.';
    o += ip[i];
  }
  return (v < 0 ? "-" : "") + o + fp;
}
std::string pct(double a, double b) {
  return b > 0 ? nl(100.0 * a / b, 1) + "%" : "-";
}
}  // namespace

std::string format_access(const AccessConfig& cfg, const Store& store, const AccessResult& r,
                          const std::vector<NormTable>& norms, const std::string& format) {
  Raster pop = store.read(cfg.population);
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
      j["norms"].push_back(jn);
    }
    return j.dump(2) + "\n";
  }
  if (format == "csv") {
    std::string o = "norm,zones,code,name,people,people_within,people_below,share_within\n";
    for (const auto& n : norms)
      for (const auto& row : n.rows)
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
    j["norms"].push_back(jn);
  }
  if (format == "json") {
    j["without"] = without;
    return j.dump(2) + "\n";
  }
  return o;
}

}  // namespace casco::access
