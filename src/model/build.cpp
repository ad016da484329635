#include "model/build.hpp"

#include <ogr_geometry.h>
#include <ogrsf_frmts.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <fstream>
#include <map>
#include <memory>
#include <set>

#include "core/crs.hpp"
#include "core/error.hpp"
#include "core/files.hpp"
#include "core/hash.hpp"
#include "core/progress.hpp"
#include "model/raster_source.hpp"
#include "model/rasterize.hpp"
#include "model/store.hpp"
#include "model/vector_source.hpp"

namespace casco {
namespace {

using Clock = std::chrono::steady_clock;

double seconds_since(Clock::time_point t) {
  return std::chrono::duration<double>(Clock::now() - t).count();
}

std::string source_key(const SourceDef& s) {
  std::string k = s.path.string() + "|" + s.layer + "|" + s.where + "|" + s.crs + "|" + s.osm_tag;
  for (const auto& o : s.open_options) k += "|" + o;
  return k;
}

std::size_t available_memory_bytes() {
  std::ifstream in("/proc/meminfo");
  std::string key;
  std::size_t kb = 0;
  std::string unit;
  while (in >> key >> kb >> unit)
    if (key == "MemAvailable:") return kb * 1024;
  return 0;
}

std::string sanitize_table(std::string name) {
  for (char& c : name) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_')) c = '_';
  }
  return name;
}

OGRwkbGeometryType multi_type(int dim) {
  return dim == 2   ? wkbMultiPolygon
         : dim == 1 ? wkbMultiLineString
         : dim == 0 ? wkbPoint
                    : wkbUnknown;
}

OGRGeometry* force_dim(OGRGeometry* g, int dim) {
  if (dim == 2) return OGRGeometryFactory::forceToMultiPolygon(g);
  if (dim == 1) return OGRGeometryFactory::forceToMultiLineString(g);
  return g;
}

// The study area, dissolved, plus a prepared copy for fast contains/intersects tests.
struct StudyArea {
  std::unique_ptr<OGRGeometry> geometry;
  OGRPreparedGeometryUniquePtr prepared;
};

std::unique_ptr<OGRGeometry> union_polygons(const std::vector<const OGRGeometry*>& geoms) {
  OGRMultiPolygon mp;
  for (const OGRGeometry* g : geoms) {
    auto t = wkbFlatten(g->getGeometryType());
    if (t == wkbPolygon) {
      mp.addGeometry(g);
    } else if (t == wkbMultiPolygon || t == wkbGeometryCollection) {
      for (const auto* sub : *g->toGeometryCollection())
        if (wkbFlatten(sub->getGeometryType()) == wkbPolygon)
          mp.addGeometry(sub);
        else if (wkbFlatten(sub->getGeometryType()) == wkbMultiPolygon)
          for (const auto* p : *sub->toMultiPolygon()) mp.addGeometry(p);
    }
  }
  if (mp.IsEmpty()) return nullptr;
  std::unique_ptr<OGRGeometry> u(mp.UnionCascaded());
  if (!u) fail("GEOS could not dissolve the polygons: {}", CPLGetLastErrorMsg());
  return u;
}

// Writes the features, cut to the study area, as a vector table of the store.
void write_clipped(GDALDataset& ds, const std::string& table, const VectorData& v,
                   const StudyArea& study, const OGRSpatialReference& srs) {
  int dim = -1;
  for (const auto& f : v.features) dim = std::max(dim, f->GetGeometryRef()->getDimension());
  char** opts = CSLSetNameValue(nullptr, "SPATIAL_INDEX", "YES");
  OGRLayer* out =
      ds.CreateLayer(table.c_str(), const_cast<OGRSpatialReference*>(&srs), multi_type(dim), opts);
  CSLDestroy(opts);
  if (!out) fail("cannot create table '{}': {}", table, CPLGetLastErrorMsg());
  if (!v.features.empty()) {
    const OGRFeatureDefn* defn = v.features.front()->GetDefnRef();
    for (int i = 0; i < defn->GetFieldCount(); ++i) {
      OGRFieldDefn fd(defn->GetFieldDefn(i));
      out->CreateField(&fd);
    }
  }
  ds.StartTransaction();
  for (const auto& f : v.features) {
    const OGRGeometry* g = f->GetGeometryRef();
    std::unique_ptr<OGRGeometry> clipped;
    if (OGRPreparedGeometryContains(study.prepared.get(),
                                    OGRGeometry::ToHandle(const_cast<OGRGeometry*>(g)))) {
      clipped.reset(g->clone());
    } else if (OGRPreparedGeometryIntersects(study.prepared.get(),
                                             OGRGeometry::ToHandle(const_cast<OGRGeometry*>(g)))) {
      clipped.reset(g->Intersection(study.geometry.get()));
    }
    if (!clipped || clipped->IsEmpty() || clipped->getDimension() != g->getDimension()) continue;
    OGRFeature nf(out->GetLayerDefn());
    nf.SetFrom(f.get(), TRUE);
    nf.SetFID(f->GetFID());
    nf.SetGeometryDirectly(force_dim(clipped.release(), dim));
    if (out->CreateFeature(&nf) != OGRERR_NONE)
      fail("cannot write table '{}': {}", table, CPLGetLastErrorMsg());
  }
  ds.CommitTransaction();
}

int field_index(const VectorData& v, const std::string& field, const std::string& layer_id) {
  if (v.features.empty()) return -1;
  const OGRFeatureDefn* defn = v.features.front()->GetDefnRef();
  int i = defn->GetFieldIndex(field.c_str());
  if (i < 0) {
    std::string names;
    for (int k = 0; k < defn->GetFieldCount(); ++k)
      names += (k ? ", " : "") + std::string(defn->GetFieldDefn(k)->GetNameRef());
    fail("layer '{}': {} has no field '{}' (fields: {})", layer_id, v.source_name, field, names);
  }
  return i;
}

struct Computed {
  Raster raster;
  std::vector<ZoneRecord> zones;
  // Dissolved zone geometries (for a zones layer with `dissolve`), written as the layer's table.
  std::vector<std::pair<ZoneRecord, std::unique_ptr<OGRGeometry>>> dissolved;
};

Computed derive(const LayerDef& L, const VectorData& v, const Grid& grid) {
  Computed out;
  std::vector<Shape> shapes;
  shapes.reserve(v.features.size());
  std::size_t in_grid = 0;
  for (const auto& f : v.features) {
    shapes.push_back(to_pixel_shape(*f->GetGeometryRef(), grid));
    OGREnvelope e;
    f->GetGeometryRef()->getEnvelope(&e);
    if (e.MaxX >= grid.x0 && e.MinX <= grid.x1() && e.MaxY >= grid.y1() && e.MinY <= grid.y0)
      ++in_grid;
  }
  if (in_grid == 0)
    warn("layer '{}': {} has no features in the study area; the layer is empty", L.id,
         v.source_name);

  switch (L.derivation) {
    case Derivation::Presence:
      out.raster = presence(grid, shapes);
      break;
    case Derivation::Coverage: {
      std::vector<const OGRGeometry*> geoms;
      for (const auto& f : v.features)
        if (f->GetGeometryRef()->getDimension() == 2) geoms.push_back(f->GetGeometryRef());
      if (geoms.empty() && !v.features.empty())
        fail(
            "layer '{}': coverage needs polygons, but {} holds points or lines; use presence or "
            "distance",
            L.id, v.source_name);
      std::vector<Shape> dissolved;
      if (auto u = union_polygons(geoms)) dissolved.push_back(to_pixel_shape(*u, grid));
      out.raster = coverage(grid, dissolved);
      break;
    }
    case Derivation::Distance: {
      auto labels = label_cells(grid, shapes);
      std::vector<uint8_t> mask(labels.size());
      for (std::size_t i = 0; i < labels.size(); ++i) mask[i] = labels[i] >= 0;
      out.raster = distance(grid, mask);
      break;
    }
    case Derivation::Attribute: {
      int fi = field_index(v, L.field, L.id);
      std::vector<double> value(v.features.size(), 0.0);
      std::size_t nulls = 0;
      for (std::size_t i = 0; i < v.features.size(); ++i) {
        const OGRFeature& f = *v.features[i];
        if (!f.IsFieldSetAndNotNull(fi)) {
          ++nulls;
          continue;
        }
        value[i] = f.GetFieldAsDouble(fi);
      }
      if (nulls)
        warn("layer '{}': {} feature(s) have no value in '{}'; counted as 0", L.id, nulls, L.field);
      out.raster = Raster(grid, 0.0f);
      auto& cells = out.raster.values;
      // Points add their value to the cell they fall in (several points may share a cell).
      std::vector<Shape> areal = shapes;
      for (std::size_t i = 0; i < shapes.size(); ++i) {
        if (shapes[i].type != Shape::Type::Point) continue;
        for (const auto& p : shapes[i].parts) {
          int c = static_cast<int>(std::floor(p[0].x)), r = static_cast<int>(std::floor(p[0].y));
          if (c >= 0 && r >= 0 && c < grid.cols && r < grid.rows)
            cells[static_cast<std::size_t>(r) * grid.cols + c] += static_cast<float>(value[i]);
        }
        areal[i] = Shape{};
      }
      auto labels = label_cells(grid, areal);
      std::vector<double> count(shapes.size(), 0.0);
      for (int32_t l : labels)
        if (l >= 0) count[static_cast<std::size_t>(l)] += 1;
      for (std::size_t i = 0; i < labels.size(); ++i) {
        int32_t l = labels[i];
        if (l < 0) continue;
        auto li = static_cast<std::size_t>(l);
        double v = value[li];
        if (L.mode == LayerDef::AttributeMode::Spread)
          v /= count[li];
        else if (L.mode == LayerDef::AttributeMode::PerHa)
          v /= count[li] * grid.cell_area_ha();
        cells[i] += static_cast<float>(v);
      }
      break;
    }
    case Derivation::Zones: {
      int code_i = field_index(v, L.zone_code, L.id);
      int name_i = field_index(v, L.zone_name, L.id);
      std::vector<float> zone_of(v.features.size(), 0.0f);
      if (L.dissolve_groups.empty()) {
        for (std::size_t i = 0; i < v.features.size(); ++i) {
          zone_of[i] = static_cast<float>(i + 1);
          out.zones.push_back({static_cast<int>(i + 1), v.features[i]->GetFieldAsString(code_i),
                               v.features[i]->GetFieldAsString(name_i)});
        }
      } else {
        int di = field_index(v, L.dissolve_field, L.id);
        std::map<std::string, int> group_of;
        for (std::size_t g = 0; g < L.dissolve_groups.size(); ++g)
          for (const auto& m : L.dissolve_groups[g].members) group_of[m] = static_cast<int>(g);
        std::vector<std::vector<const OGRGeometry*>> members(L.dissolve_groups.size());
        std::set<std::string> found;
        for (std::size_t i = 0; i < v.features.size(); ++i) {
          std::string key = v.features[i]->GetFieldAsString(di);
          auto it = group_of.find(key);
          if (it == group_of.end()) {
            warn("layer '{}': {} ('{}' = '{}') is in no dissolve group; it gets no zone", L.id,
                 feature_label(*v.features[i]), L.dissolve_field, key);
            continue;
          }
          found.insert(key);
          zone_of[i] = static_cast<float>(it->second + 1);
          members[static_cast<std::size_t>(it->second)].push_back(v.features[i]->GetGeometryRef());
        }
        for (const auto& [m, g] : group_of)
          if (!found.count(m))
            warn("layer '{}': dissolve group '{}' names '{}', which no feature of {} has", L.id,
                 L.dissolve_groups[static_cast<std::size_t>(g)].name, m, v.source_name);
        for (std::size_t g = 0; g < L.dissolve_groups.size(); ++g) {
          ZoneRecord z{static_cast<int>(g + 1), L.dissolve_groups[g].name,
                       L.dissolve_groups[g].name};
          out.zones.push_back(z);
          out.dissolved.emplace_back(z, union_polygons(members[g]));
        }
      }
      auto labels = label_cells(grid, shapes);
      out.raster = Raster(grid, 0.0f);
      for (std::size_t i = 0; i < labels.size(); ++i)
        if (labels[i] >= 0) out.raster.values[i] = zone_of[static_cast<std::size_t>(labels[i])];
      break;
    }
    case Derivation::Resample:
      break;  // handled by the caller (raster source)
  }
  return out;
}

void write_dissolved(GDALDataset& ds, const std::string& table, const Computed& c,
                     const StudyArea& study, const OGRSpatialReference& srs) {
  OGRLayer* out = ds.CreateLayer(table.c_str(), const_cast<OGRSpatialReference*>(&srs),
                                 wkbMultiPolygon, nullptr);
  if (!out) fail("cannot create table '{}': {}", table, CPLGetLastErrorMsg());
  OGRFieldDefn zf("zone", OFTInteger), cf("code", OFTString), nf("name", OFTString);
  out->CreateField(&zf);
  out->CreateField(&cf);
  out->CreateField(&nf);
  for (const auto& [z, geom] : c.dissolved) {
    if (!geom) continue;
    std::unique_ptr<OGRGeometry> clipped(geom->Intersection(study.geometry.get()));
    if (!clipped || clipped->IsEmpty()) continue;
    OGRFeature f(out->GetLayerDefn());
    f.SetField("zone", z.zone);
    f.SetField("code", z.code.c_str());
    f.SetField("name", z.name.c_str());
    f.SetGeometryDirectly(OGRGeometryFactory::forceToMultiPolygon(clipped.release()));
    if (out->CreateFeature(&f) != OGRERR_NONE)
      fail("cannot write table '{}': {}", table, CPLGetLastErrorMsg());
  }
}

}  // namespace

std::size_t BuildReport::rebuilt() const {
  std::size_t n = 0;
  for (const auto& l : layers) n += l.rebuilt;
  return n;
}

Grid make_grid(double xmin, double ymin, double xmax, double ymax, double cell, double margin) {
  if (!(cell > 0)) fail("cell size must be a positive number of metres, not {}", cell);
  Grid g;
  g.cell = cell;
  g.x0 = std::floor((xmin - margin) / cell) * cell;
  g.y0 = std::ceil((ymax + margin) / cell) * cell;
  double cols = std::ceil((xmax + margin - g.x0) / cell);
  double rows = std::ceil((g.y0 - (ymin - margin)) / cell);
  if (cols < 1) cols = 1;
  if (rows < 1) rows = 1;
  if (cols * rows > 2.0e9 || cols > 1e9 || rows > 1e9)
    fail(
        "a grid of {:.0f} x {:.0f} cells ({:.3g} cells) at {} m is too large; use a larger "
        "cell_size",
        cols, rows, cols * rows, cell);
  g.cols = static_cast<int>(cols);
  g.rows = static_cast<int>(rows);
  return g;
}

BuildReport build_model(const ModelDef& def, const BuildOptions& opt) {
  auto t_start = Clock::now();
  BuildReport report;
  report.store = opt.store;
  const std::string model_file = def.file.string();

  OGRSpatialReference srs = make_srs(def.crs, model_file + ": [model] crs");
  char* wkt = nullptr;
  srs.exportToWkt(&wkt);
  std::string crs_wkt = wkt ? wkt : "";
  CPLFree(wkt);
  double cell = opt.cell_size.value_or(def.cell_size);

  // Study area → grid.
  VectorData study_src = read_vector(def.study_area, srs);
  std::vector<const OGRGeometry*> study_geoms;
  for (const auto& f : study_src.features) study_geoms.push_back(f->GetGeometryRef());
  StudyArea study;
  study.geometry = union_polygons(study_geoms);
  if (!study.geometry || study.geometry->IsEmpty())
    fail("{}: the study area ({}{}) holds no polygon: check its path and 'where' filter",
         model_file, study_src.source_name,
         def.study_area.where.empty() ? "" : ", where " + def.study_area.where);
  study.prepared.reset(OGRCreatePreparedGeometry(study.geometry.get()));
  OGREnvelope env;
  study.geometry->getEnvelope(&env);
  Grid grid = make_grid(env.MinX, env.MinY, env.MaxX, env.MaxY, cell, def.margin);
  grid.crs = def.crs;
  grid.crs_wkt = crs_wkt;
  report.grid = grid;

  // Peak memory: a float layer, an int32 label grid and the double distance transform at once.
  const double need = static_cast<double>(grid.size()) * 20.0;
  const double avail = static_cast<double>(available_memory_bytes());
  if (avail > 0 && need > avail)
    fail(
        "a grid of {} x {} cells ({:.1f} M cells) needs about {:.1f} GB of memory to build, but "
        "{:.1f} GB is "
        "available: use a larger cell_size (now {} m) or a smaller study area",
        grid.cols, grid.rows, grid.size() / 1e6, need / 1e9, avail / 1e9, cell);

  std::string study_sha = sha256_hex(sha256_file(def.study_area.path) + source_key(def.study_area));
  std::string grid_sig = fmt::format("{:.17g} {:.17g} {:.17g} {} {} {}", grid.x0, grid.y0,
                                     grid.cell, grid.cols, grid.rows, grid.crs);

  // The previous store, if there is one, lends unchanged layers.
  std::optional<Store> old;
  if (std::filesystem::exists(opt.store) && !opt.force) {
    try {
      old = Store::open(opt.store);
      if (!old->grid().same_raster(grid) || old->manifest().study_area_sha256 != study_sha)
        old.reset();
    } catch (const Error& e) {
      warn("the existing '{}' cannot be read as a store ({}); rebuilding every layer",
           opt.store.string(), e.what());
    }
  }
  GDALDatasetUniquePtr old_vectors;
  if (old) old_vectors = old->open_vectors();

  // First decide, per layer, whether it must be derived again.
  struct Plan {
    LayerRecord rec;
    LayerOutcome outcome;
    const LayerRecord* prev = nullptr;
  };
  std::vector<Plan> plans;
  const std::string built_at = utc_now_iso();
  for (const LayerDef& L : def.layers) {
    Plan p;
    LayerRecord& rec = p.rec;
    rec.id = L.id;
    rec.title = L.title;
    rec.group = L.group;
    rec.unit = L.unit;
    rec.derivation = to_string(L.derivation);
    rec.description = L.description;
    rec.attribution = L.attribution;
    rec.source = std::filesystem::relative(L.source.path, def.file.parent_path()).string();
    if (!std::filesystem::exists(L.source.path))
      fail("{}:{}: layer '{}': source file '{}' does not exist", model_file, L.line, L.id,
           L.source.path.string());
    rec.source_sha256 = sha256_file(L.source.path);
    rec.definition_sha256 = sha256_hex(L.canonical + "\n" + grid_sig + "\n" + study_sha);
    rec.built_at = built_at;
    p.prev = old ? old->find(L.id) : nullptr;
    LayerOutcome& outcome = p.outcome;
    outcome = {L.id, true, "", 0};
    if (opt.force)
      outcome.reason = "forced";
    else if (!old)
      outcome.reason = "new store";
    else if (!p.prev)
      outcome.reason = "new layer";
    else if (p.prev->definition_sha256 != rec.definition_sha256)
      outcome.reason = "definition changed";
    else if (p.prev->source_sha256 != rec.source_sha256)
      outcome.reason = "source changed";
    else
      outcome.rebuilt = false;
    plans.push_back(std::move(p));
  }

  // Nothing changed and the same layers in the same order: the store is up to date as it is.
  if (old && old->manifest().layers.size() == plans.size() &&
      old->manifest().model_name == def.name && old->manifest().borders == def.borders &&
      std::all_of(plans.begin(), plans.end(), [&](const Plan& p) {
        return !p.outcome.rebuilt &&
               &old->manifest().layers[static_cast<std::size_t>(&p - plans.data())] == p.prev;
      })) {
    for (auto& p : plans) {
      p.outcome.reason = "unchanged";
      report.layers.push_back(p.outcome);
    }
    report.seconds = seconds_since(t_start);
    return report;
  }

  AtomicOutput output(opt.store);
  StoreWriter writer(output.temp_path(), grid);
  StoreManifest manifest;
  manifest.model_name = def.name;
  manifest.built_at = built_at;
  manifest.definition_file = model_file;
  manifest.study_area_sha256 = study_sha;
  manifest.borders = def.borders;
  manifest.grid = grid;

  write_clipped(writer.vectors(), "v_studiegebied", study_src, study, srs);

  std::map<std::string, std::shared_ptr<VectorData>> cache;
  std::map<std::string, std::string> table_of_source;  // source key → vector table name
  std::set<std::string> tables_written = {"v_studiegebied"};
  auto load = [&](const SourceDef& s) {
    auto& slot = cache[source_key(s)];
    if (!slot) slot = std::make_shared<VectorData>(read_vector(s, srs));
    return slot;
  };

  Progress progress("building layers", def.layers.size());
  for (std::size_t li = 0; li < def.layers.size(); ++li) {
    const LayerDef& L = def.layers[li];
    check_interrupted();
    progress.set_label(L.id);
    auto t_layer = Clock::now();
    LayerRecord rec = plans[li].rec;
    LayerOutcome outcome = plans[li].outcome;
    const LayerRecord* prev = plans[li].prev;

    const bool is_vector = L.derivation != Derivation::Resample;
    std::string table;
    if (L.derivation == Derivation::Zones && !L.dissolve_groups.empty()) {
      table = "v_" + L.id;
    } else if (is_vector) {
      auto key = source_key(L.source);
      auto it = table_of_source.find(key);
      if (it != table_of_source.end()) {
        table = it->second;
      } else {
        // Named after the source layer; unique within the store.
        std::string stem = L.source.layer.empty() ? L.source.path.stem().string() : L.source.layer;
        table = "v_" + sanitize_table(stem);
        if (!L.source.where.empty() || !L.source.osm_tag.empty()) table = "v_" + L.id;
        std::string base = table;
        for (int n = 2; tables_written.count(table); ++n) table = fmt::format("{}_{}", base, n);
        table_of_source[key] = table;
      }
    }
    rec.vector_table = table;

    Raster raster;
    if (!outcome.rebuilt) {
      raster = old->read(L.id);
      rec.stats = prev->stats;
      rec.built_at = prev->built_at;
      if (auto it = old->manifest().zones.find(L.id); it != old->manifest().zones.end())
        manifest.zones[L.id] = it->second;
      if (!table.empty() && !tables_written.count(table)) {
        if (old_vectors && old_vectors->GetLayerByName(table.c_str()) &&
            prev->vector_table == table) {
          writer.copy_vector_table(*old_vectors, table);
          tables_written.insert(table);
        }
      }
    } else if (L.derivation == Derivation::Resample) {
      raster = resample_raster(L.source, L.resampling, L.band, grid);
    } else {
      auto v = load(L.source);
      Computed c = derive(L, *v, grid);
      raster = std::move(c.raster);
      if (L.derivation == Derivation::Zones) manifest.zones[L.id] = c.zones;
      if (!c.dissolved.empty() && !tables_written.count(table)) {
        write_dissolved(writer.vectors(), table, c, study, srs);
        tables_written.insert(table);
      }
    }
    // A vector table not yet in the new store (first use, or the old one lacked it).
    if (!table.empty() && !tables_written.count(table)) {
      write_clipped(writer.vectors(), table, *load(L.source), study, srs);
      tables_written.insert(table);
    }
    if (outcome.rebuilt) rec.stats = compute_stats(raster);
    writer.write_raster(L.id, raster);
    manifest.layers.push_back(rec);
    outcome.seconds = seconds_since(t_layer);
    if (!outcome.rebuilt) outcome.reason = "unchanged";
    report.layers.push_back(outcome);
    progress.advance();
  }
  progress.finish();
  check_interrupted();
  writer.finish(manifest);
  old_vectors.reset();  // release the previous store before replacing it
  old.reset();
  output.commit();
  report.seconds = seconds_since(t_start);
  return report;
}

}  // namespace casco
