#include "model/build.hpp"

#include <ogr_geometry.h>
#include <ogrsf_frmts.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <condition_variable>
#include <deque>
#include <exception>
#include <fstream>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <thread>

#include "core/crs.hpp"
#include "core/error.hpp"
#include "core/files.hpp"
#include "core/hash.hpp"
#include "core/progress.hpp"
#include "model/derive.hpp"
#include "model/raster_source.hpp"
#include "model/rasterize.hpp"
#include "model/store.hpp"
#include "model/vector_source.hpp"

namespace casco {
namespace {

using detail::Computed;
using detail::union_polygons;

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

// Only the parts of the table's dimension: cutting a polygon along the study area's edge leaves
// lines or points where the two only touch (a geometry collection).
OGRGeometry* force_dim(OGRGeometry* g, int dim) {
  if (dim >= 1 && wkbFlatten(g->getGeometryType()) == wkbGeometryCollection) {
    OGRGeometryCollection* parts = g->toGeometryCollection();
    for (int i = parts->getNumGeometries() - 1; i >= 0; --i)
      if (parts->getGeometryRef(i)->getDimension() != dim) parts->removeGeometry(i);
  }
  if (dim == 2) return OGRGeometryFactory::forceToMultiPolygon(g);
  if (dim == 1) return OGRGeometryFactory::forceToMultiLineString(g);
  return g;
}

// The study area, dissolved, plus a prepared copy for fast contains/intersects tests.
struct StudyArea {
  std::unique_ptr<OGRGeometry> geometry;
  OGRPreparedGeometryUniquePtr prepared;
};

// Writes the features, cut to the study area, as a vector table of the store.
void write_clipped(GDALDataset& ds, const std::string& table, const VectorData& v,
                   const StudyArea& study, const OGRSpatialReference& srs) {
  // One geometry type when every feature has the same dimension; a table of mixed points and
  // polygons (addresses, some drawn as buildings) is of type "any".
  int dim = -1, low = 3;
  for (const auto& f : v.features) {
    dim = std::max(dim, f->GetGeometryRef()->getDimension());
    low = std::min(low, f->GetGeometryRef()->getDimension());
  }
  if (low != dim) dim = -1;
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

namespace {

// The model's own layer: the share of each cell inside the study area. Tables, norms and figures
// count only these cells; maps draw the rest faded.
LayerDef study_area_layer(const ModelDef& def) {
  LayerDef L;
  L.id = kStudyAreaLayer;
  L.title = "Studiegebied (aandeel van de cel)";
  // The group of the model's administrative units: the one its borders layer is in, else the
  // last group.
  const LayerDef* borders = def.borders.empty() ? nullptr : def.find(def.borders);
  L.group = borders ? borders->group : def.groups.empty() ? "studiegebied" : def.groups.back().id;
  L.unit = "aandeel 0-1";
  L.derivation = Derivation::Coverage;
  L.source = def.study_area;
  L.file = def.file.string();
  L.canonical = "studiegebied\n" + source_key(def.study_area);
  L.describe = default_description("coverage", L.unit);
  L.describe.role = role::kStudyArea;
  return L;
}

StudyArea read_study_area(const ModelDef& def, const OGRSpatialReference& srs,
                          VectorData& study_src) {
  study_src = read_vector(def.study_area, srs);
  std::vector<const OGRGeometry*> study_geoms;
  for (const auto& f : study_src.features) study_geoms.push_back(f->GetGeometryRef());
  StudyArea study;
  study.geometry = union_polygons(study_geoms);
  if (!study.geometry || study.geometry->IsEmpty())
    fail("{}: the study area ({}{}) holds no polygon: check its path and 'where' filter",
         def.file.string(), study_src.source_name,
         def.study_area.where.empty() ? "" : ", where " + def.study_area.where);
  study.prepared.reset(OGRCreatePreparedGeometry(study.geometry.get()));
  return study;
}

void check_memory(const Grid& grid, double cell) {
  // Peak memory: a float layer, an int32 label grid and the double distance transform at once.
  const double need = static_cast<double>(grid.size()) * 20.0;
  const double avail = static_cast<double>(available_memory_bytes());
  if (avail > 0 && need > avail)
    fail(
        "a grid of {} x {} cells ({:.1f} M cells) needs about {:.1f} GB of memory to build, but "
        "{:.1f} GB is "
        "available: use a larger cell_size (now {} m) or a smaller study area",
        grid.cols, grid.rows, grid.size() / 1e6, need / 1e9, avail / 1e9, cell);
}

// The store's writes run on one thread, in order, while the next layers are derived on the others:
// deriving is parallel, GeoPackage writing (compression, SQLite) is not. At most `capacity` writes
// wait; an error in a write is rethrown to the builder at its next push or at finish().
class WriteQueue {
 public:
  explicit WriteQueue(std::size_t capacity) : capacity_(capacity), thread_([this] { run(); }) {}
  ~WriteQueue() {
    {
      std::lock_guard lock(mutex_);
      closed_ = true;
    }
    changed_.notify_all();
    thread_.join();
  }
  WriteQueue(const WriteQueue&) = delete;
  WriteQueue& operator=(const WriteQueue&) = delete;

  void push(std::function<void()> task) {
    std::unique_lock lock(mutex_);
    changed_.wait(lock, [&] { return tasks_.size() < capacity_ || error_; });
    if (error_) std::rethrow_exception(error_);
    tasks_.push_back(std::move(task));
    changed_.notify_all();
  }
  void finish() {
    std::unique_lock lock(mutex_);
    changed_.wait(lock, [&] { return (tasks_.empty() && !busy_) || error_; });
    if (error_) std::rethrow_exception(error_);
  }

 private:
  void run() {
    for (;;) {
      std::function<void()> task;
      {
        std::unique_lock lock(mutex_);
        changed_.wait(lock, [&] { return !tasks_.empty() || closed_; });
        if (tasks_.empty() || error_) return;
        task = std::move(tasks_.front());
        tasks_.pop_front();
        busy_ = true;
      }
      std::exception_ptr failed;
      try {
        task();
      } catch (...) {
        failed = std::current_exception();
      }
      {
        std::lock_guard lock(mutex_);
        busy_ = false;
        if (failed) error_ = failed;
      }
      changed_.notify_all();
      if (failed) return;
    }
  }
  std::size_t capacity_;
  std::mutex mutex_;
  std::condition_variable changed_;
  std::deque<std::function<void()>> tasks_;
  bool closed_ = false, busy_ = false;
  std::exception_ptr error_;
  std::thread thread_;
};

// Per layer: its record for the manifest and whether it must be derived again.
struct Plan {
  const LayerDef* def = nullptr;
  LayerRecord rec;
  LayerOutcome outcome;
  const LayerRecord* prev = nullptr;
};

// Plans in build order (inputs first). A layer's definition checksum covers its own text, the
// grid, the study area, the surroundings where they matter and the checksums of its inputs, so a
// change upstream rebuilds everything downstream.
std::vector<Plan> plan_layers(const ModelDef& full, const std::string& grid_sig,
                              const std::string& study_sha, const std::optional<Store>& old,
                              const BuildOptions& opt, const std::string& built_at) {
  std::vector<Plan> plans;
  std::map<std::string, std::size_t> index;
  for (const LayerDef* L : full.build_order()) {
    Plan p;
    p.def = L;
    LayerRecord& rec = p.rec;
    rec.id = L->id;
    rec.title = L->title;
    rec.group = L->group;
    rec.unit = L->unit;
    rec.derivation = to_string(L->derivation);
    rec.description = L->description;
    rec.attribution = L->attribution;
    rec.estimate = L->estimate;
    rec.describe = L->describe;
    std::string key = L->canonical + "\n" + grid_sig + "\n" + study_sha;
    if (L->derivation == Derivation::Distance || L->derivation == Derivation::PointAreas)
      key += fmt::format("\nsurroundings {:.17g}", full.surroundings_m);
    for (const auto& in : L->inputs()) {
      const LayerRecord& r = plans[index.at(in)].rec;
      key += "\n" + in + " " + r.definition_sha256 + " " + r.source_sha256;
    }
    if (L->has_source()) {
      rec.source = std::filesystem::relative(L->source.path, full.file.parent_path()).string();
      if (!std::filesystem::exists(L->source.path))
        fail("{}:{}: layer '{}': source file '{}' does not exist", L->file, L->line, L->id,
             L->source.path.string());
      rec.source_sha256 = sha256_file(L->source.path);
    }
    if (!L->fill_source.empty()) {
      if (!std::filesystem::exists(L->fill_source.path))
        fail("{}:{}: layer '{}': fill_from source '{}' does not exist", L->file, L->line, L->id,
             L->fill_source.path.string());
      key += "\nfill " + sha256_file(L->fill_source.path);
    }
    rec.definition_sha256 = sha256_hex(key);
    rec.built_at = built_at;
    p.prev = old ? old->find(L->id) : nullptr;
    LayerOutcome& outcome = p.outcome;
    outcome = {L->id, true, "", 0};
    if (opt.force)
      outcome.reason = "forced";
    else if (!old)
      outcome.reason = "new store";
    else if (!p.prev)
      outcome.reason = "new layer";
    else if (p.prev->definition_sha256 != rec.definition_sha256)
      outcome.reason = L->inputs().empty() ? "definition changed" : "definition or input changed";
    else if (p.prev->source_sha256 != rec.source_sha256)
      outcome.reason = "source changed";
    else
      outcome.rebuilt = false;
    index[L->id] = plans.size();
    plans.push_back(std::move(p));
  }
  return plans;
}

// What the source adds to a layer's description: points are drawn as symbols, and amounts spread
// over areas are shown per hectare (0,4 inwoners per ha rather than 0,025 per cel).
void describe_from_source(const LayerDef& L, const VectorData* v, const Grid& grid,
                          LayerDescription& d) {
  bool points = v && !v->features.empty();
  if (v)
    for (const auto& f : v->features)
      if (wkbFlatten(f->GetGeometryRef()->getGeometryType()) != wkbPoint) {
        points = false;
        break;
      }
  if (d.role == role::kPresence && L.derivation == Derivation::Presence && points)
    d.style.points = true;
  const auto per_cel = L.unit.find("per cel");
  if (d.role == role::kCount && !points && d.display_unit.empty() && per_cel != std::string::npos) {
    d.display_factor = 1 / grid.cell_area_ha();
    d.display_unit = L.unit.substr(0, per_cel) + "per ha";
  }
}

// The vector table a layer's source goes to: named after the source, shared by layers of the
// same source, unique in the store.
std::string table_for(const LayerDef& L, std::map<std::string, std::string>& table_of_source,
                      const std::set<std::string>& tables_written) {
  if (L.derivation == Derivation::Zones && !L.dissolve_groups.empty()) return "v_" + L.id;
  if (L.derivation == Derivation::Resample || !L.has_source()) return "";
  auto key = source_key(L.source);
  if (auto it = table_of_source.find(key); it != table_of_source.end()) return it->second;
  std::string stem = L.source.layer.empty() ? L.source.path.stem().string() : L.source.layer;
  std::string table = "v_" + sanitize_table(stem);
  if (!L.source.where.empty() || !L.source.osm_tag.empty()) table = "v_" + L.id;
  std::string base = table;
  std::set<std::string> used = tables_written;
  for (const auto& [k, t] : table_of_source) used.insert(t);
  for (int n = 2; used.count(table); ++n) table = fmt::format("{}_{}", base, n);
  table_of_source[key] = table;
  return table;
}

// The spatial reference as WKT ("" when it cannot be written).
std::string to_wkt(const OGRSpatialReference& srs) {
  char* wkt = nullptr;
  srs.exportToWkt(&wkt);
  std::string crs_wkt = wkt ? wkt : "";
  CPLFree(wkt);
  return crs_wkt;
}

// The grid over the study area's envelope (plus the model's margin), in the model's CRS.
Grid grid_over(const StudyArea& study, const ModelDef& def, double cell,
               const std::string& crs_wkt) {
  OGREnvelope env;
  study.geometry->getEnvelope(&env);
  Grid grid = make_grid(env.MinX, env.MinY, env.MaxX, env.MaxY, cell, def.margin);
  grid.crs = def.crs;
  grid.crs_wkt = crs_wkt;
  return grid;
}

// The existing store when it can lend layers (same grid and study area, build not forced).
std::optional<Store> open_previous_store(const BuildOptions& opt, const Grid& grid,
                                         const std::string& study_sha) {
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
  return old;
}

// Whether the previous store is up to date: nothing changed, same layers in the same order.
bool store_up_to_date(const Store& old, const ModelDef& def, const std::vector<Plan>& plans,
                      const std::map<std::string, std::size_t>& position) {
  const StoreManifest& m = old.manifest();
  return m.layers.size() == plans.size() && m.model_name == def.name && m.borders == def.borders &&
         m.surroundings_m == def.surroundings_m && m.credit == def.credit &&
         // A store written before layer checksums is written again (unchanged layers are copied).
         std::all_of(m.layers.begin(), m.layers.end(),
                     [](const LayerRecord& L) { return !L.data_sha256.empty(); }) &&
         std::all_of(plans.begin(), plans.end(), [&](const Plan& p) {
           return !p.outcome.rebuilt && &m.layers[position.at(p.def->id)] == p.prev;
         });
}

// The outcomes, in manifest order, of a build that finds the store up to date.
std::vector<LayerOutcome> unchanged_outcomes(const std::vector<Plan>& plans,
                                             const std::map<std::string, std::size_t>& position) {
  std::vector<LayerOutcome> outcomes(plans.size());
  for (const auto& p : plans) {
    LayerOutcome& outcome = outcomes[position.at(p.def->id)];
    outcome = p.outcome;
    outcome.reason = "unchanged";
  }
  return outcomes;
}

// The new store's manifest: the model's settings and grid, with room for `layers` layer records.
StoreManifest new_manifest(const ModelDef& def, const std::string& built_at,
                           const std::string& study_sha, const Grid& grid, std::size_t layers) {
  StoreManifest manifest;
  manifest.model_name = def.name;
  manifest.built_at = built_at;
  manifest.definition_file = def.file.string();
  manifest.study_area_sha256 = study_sha;
  manifest.borders = def.borders;
  manifest.surroundings_m = def.surroundings_m;
  manifest.credit = def.credit;
  manifest.groups = def.groups;
  manifest.grid = grid;
  manifest.layers.resize(layers);
  return manifest;
}

// The names of a dataset's tables (none without a dataset).
std::set<std::string> table_names(GDALDataset* ds) {
  std::set<std::string> names;
  if (ds)
    for (int i = 0; i < ds->GetLayerCount(); ++i) names.insert(ds->GetLayer(i)->GetName());
  return names;
}

// A layer as built: its record for the manifest and what happened to it.
struct BuiltLayer {
  LayerRecord rec;
  LayerOutcome outcome;
};

// Builds the planned layers in order and queues their rasters and vector tables for the new store.
class LayerBuilder {
 public:
  // `full` is the model with its study-area layer; the rest is build_model's, shared.
  LayerBuilder(const ModelDef& full, const Grid& grid, const StudyArea& study,
               const OGRSpatialReference& srs, const std::optional<Store>& old,
               GDALDatasetUniquePtr& old_vectors, const std::set<std::string>& old_tables,
               StoreWriter& writer, WriteQueue& writes, StoreManifest& manifest)
      : grid_(grid),
        study_(study),
        srs_(srs),
        old_(old),
        old_vectors_(old_vectors),
        old_tables_(old_tables),
        writer_(writer),
        writes_(writes),
        manifest_(manifest),
        ctx_{grid,
             study.geometry.get(),
             full.surroundings_m,
             [this](const std::string& id) -> const Raster& { return kept_.at(id); },
             [this](const std::string& id) -> const std::vector<ZoneRecord>& {
               return manifest_.zones.at(id);
             },
             [this](const SourceDef& s) { return load(s); }} {
    // Layers that other layers read stay in memory until the end of the build.
    for (const auto& L : full.layers)
      for (const auto& in : L.inputs()) wanted_.insert(in);
  }
  LayerBuilder(const LayerBuilder&) = delete;
  LayerBuilder& operator=(const LayerBuilder&) = delete;

  // Builds one planned layer and queues its writes.
  BuiltLayer build(const Plan& plan) {
    const LayerDef& L = *plan.def;
    auto t_layer = Clock::now();
    BuiltLayer built{plan.rec, plan.outcome};
    LayerRecord& rec = built.rec;
    std::string table = table_for(L, table_of_source_, tables_written_);
    rec.vector_table = table;

    Raster raster;
    if (!built.outcome.rebuilt)
      raster = reuse_layer(L, *plan.prev, table, rec);
    else if (L.derivation == Derivation::Resample)
      raster = resample_raster(L.source, L.resampling, L.band, grid_);
    else
      raster = derive_layer(L, table, rec);
    // A vector table not yet in the new store (first use, or the old one lacked it).
    if (!table.empty() && !tables_written_.count(table)) {
      std::shared_ptr<VectorData> v = load(L.source);
      writes_.push([&writer = writer_, &study = study_, &srs = srs_, v, table] {
        write_clipped(writer.vectors(), table, *v, study, srs);
      });
      tables_written_.insert(table);
    }
    if (built.outcome.rebuilt) rec.stats = compute_stats(raster);
    auto shared = std::make_shared<const Raster>(std::move(raster));
    writes_.push([&writer = writer_, shared, id = L.id] { writer.write_raster(id, *shared); });
    if (wanted_.count(L.id)) kept_[L.id] = *shared;
    built.outcome.seconds = seconds_since(t_layer);
    if (!built.outcome.rebuilt) built.outcome.reason = "unchanged";
    return built;
  }

 private:
  // An unchanged layer from the previous store, with its record's details, zones and vector table.
  Raster reuse_layer(const LayerDef& L, const LayerRecord& prev, const std::string& table,
                     LayerRecord& rec) {
    Raster raster = old_->read(L.id);
    rec.stats = prev.stats;
    rec.built_at = prev.built_at;
    rec.description = prev.description;
    rec.describe = prev.describe;
    if (auto it = old_->manifest().zones.find(L.id); it != old_->manifest().zones.end())
      manifest_.zones[L.id] = it->second;
    if (!table.empty() && !tables_written_.count(table) && old_tables_.count(table) &&
        prev.vector_table == table) {
      writes_.push([&writer = writer_, &old_vectors = old_vectors_, table] {
        writer.copy_vector_table(*old_vectors, table);
      });
      tables_written_.insert(table);
    }
    return raster;
  }

  // A layer derived from its source and the layers it reads; queues its dissolved zones, if any.
  Raster derive_layer(const LayerDef& L, const std::string& table, LayerRecord& rec) {
    std::shared_ptr<VectorData> v = L.has_source() ? load(L.source) : nullptr;
    Computed c = detail::derive(L, v.get(), ctx_);
    Raster raster = std::move(c.raster);
    describe_from_source(L, v.get(), grid_, rec.describe);
    if (!c.note.empty()) rec.description += (rec.description.empty() ? "" : " ") + c.note;
    if (L.derivation == Derivation::Zones) manifest_.zones[L.id] = c.zones;
    if (!c.dissolved.empty() && !tables_written_.count(table)) {
      auto shared = std::make_shared<Computed>(std::move(c));
      writes_.push([&writer = writer_, &study = study_, &srs = srs_, shared, table] {
        write_dissolved(writer.vectors(), table, *shared, study, srs);
      });
      tables_written_.insert(table);
    }
    return raster;
  }

  // A source's features, read once and shared by every layer that uses them.
  std::shared_ptr<VectorData> load(const SourceDef& s) {
    auto& slot = cache_[source_key(s)];
    if (!slot) slot = std::make_shared<VectorData>(read_vector(s, srs_));
    return slot;
  }

  // Owned by build_model; queued writes capture some of these (they outlive the queue), never this.
  const Grid& grid_;
  const StudyArea& study_;
  const OGRSpatialReference& srs_;
  const std::optional<Store>& old_;
  GDALDatasetUniquePtr& old_vectors_;
  const std::set<std::string>& old_tables_;  // listed before the writer thread reads them
  StoreWriter& writer_;
  WriteQueue& writes_;
  StoreManifest& manifest_;
  std::map<std::string, std::shared_ptr<VectorData>> cache_;  // source key → its features
  std::map<std::string, std::string> table_of_source_;        // source key → vector table name
  std::set<std::string> tables_written_ = {"v_studiegebied"};
  std::set<std::string> wanted_;        // layers other layers read
  std::map<std::string, Raster> kept_;  // those layers, once built
  detail::DeriveContext ctx_;
};

}  // namespace

BuildReport build_model(const ModelDef& def, const BuildOptions& opt) {
  auto t_start = Clock::now();
  BuildReport report;
  report.store = opt.store;
  const std::string model_file = def.file.string();
  if (def.find(kStudyAreaLayer))
    fail("{}:{}: '{}' is the model's own layer (the study area); give your layer another id",
         model_file, def.find(kStudyAreaLayer)->line, kStudyAreaLayer);

  OGRSpatialReference srs = make_srs(def.crs, model_file + ": [model] crs");
  std::string crs_wkt = to_wkt(srs);
  double cell = opt.cell_size.value_or(def.cell_size);

  // Study area → grid.
  VectorData study_src;
  StudyArea study = read_study_area(def, srs, study_src);
  Grid grid = grid_over(study, def, cell, crs_wkt);
  report.grid = grid;
  check_memory(grid, cell);

  std::string study_sha = sha256_hex(sha256_file(def.study_area.path) + source_key(def.study_area));
  std::string grid_sig = fmt::format("{:.17g} {:.17g} {:.17g} {} {} {}", grid.x0, grid.y0,
                                     grid.cell, grid.cols, grid.rows, grid.crs);

  // The previous store, if there is one, lends unchanged layers.
  std::optional<Store> old = open_previous_store(opt, grid, study_sha);
  GDALDatasetUniquePtr old_vectors;
  if (old) old_vectors = old->open_vectors();

  // The model's study-area layer first, then the definition's layers.
  ModelDef full = def;
  full.layers.insert(full.layers.begin(), study_area_layer(def));
  const std::string built_at = utc_now_iso();
  std::vector<Plan> plans = plan_layers(full, grid_sig, study_sha, old, opt, built_at);
  std::map<std::string, std::size_t> position;  // layer id → place in the manifest
  for (std::size_t k = 0; k < full.layers.size(); ++k) position[full.layers[k].id] = k;

  // Nothing changed and the same layers in the same order: the store is up to date as it is.
  if (old && store_up_to_date(*old, def, plans, position)) {
    report.layers = unchanged_outcomes(plans, position);
    report.seconds = seconds_since(t_start);
    return report;
  }

  AtomicOutput output(opt.store);
  StoreWriter writer(output.temp_path(), grid);
  StoreManifest manifest = new_manifest(def, built_at, study_sha, grid, plans.size());
  report.layers.resize(plans.size());

  // The previous store's vector tables, listed before the writer thread starts reading it.
  std::set<std::string> old_tables = table_names(old_vectors.get());
  WriteQueue writes(2);
  writes.push([&] { write_clipped(writer.vectors(), "v_studiegebied", study_src, study, srs); });
  LayerBuilder layers(full, grid, study, srs, old, old_vectors, old_tables, writer, writes,
                      manifest);

  Progress progress("building layers", plans.size());
  for (const Plan& plan : plans) {
    const std::string& id = plan.def->id;
    check_interrupted();
    progress.set_label(id);
    BuiltLayer built = layers.build(plan);
    manifest.layers[position.at(id)] = std::move(built.rec);
    report.layers[position.at(id)] = std::move(built.outcome);
    progress.advance();
  }
  writes.finish();
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
