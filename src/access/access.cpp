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

}  // namespace casco::access
