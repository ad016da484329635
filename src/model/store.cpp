#include "model/store.hpp"

#include <ogrsf_frmts.h>
#include <tbb/parallel_for.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <ctime>
#include <limits>

#include "casco/version.hpp"
#include "core/crs.hpp"
#include "core/error.hpp"
#include "core/files.hpp"
#include "core/hash.hpp"

namespace casco {
namespace {

// GeoPackage gridded coverage cannot record NaN as nodata; the store uses this sentinel on disk.
constexpr double kStoreNoData = -9999.0;

GDALDriver& driver(const char* name) {
  ensure_gdal_registered();
  GDALDriver* d = GetGDALDriverManager()->GetDriverByName(name);
  if (!d) fail("GDAL has no {} driver: install a GDAL build with it", name);
  return *d;
}

GDALDatasetUniquePtr to_mem(const Raster& r, double nodata) {
  const Grid& g = r.grid;
  GDALDatasetUniquePtr mem(driver("MEM").Create("", g.cols, g.rows, 1, GDT_Float32, nullptr));
  auto gt = g.geotransform();
  mem->SetGeoTransform(gt.data());
  if (!g.crs_wkt.empty()) mem->SetProjection(g.crs_wkt.c_str());
  GDALRasterBand* band = mem->GetRasterBand(1);
  if (std::isnan(nodata)) {
    band->SetNoDataValue(nodata);
    if (band->RasterIO(GF_Write, 0, 0, g.cols, g.rows, const_cast<float*>(r.values.data()), g.cols,
                       g.rows, GDT_Float32, 0, 0) != CE_None)
      fail("cannot copy raster: {}", CPLGetLastErrorMsg());
    return mem;
  }
  band->SetNoDataValue(nodata);
  std::vector<float> row(static_cast<std::size_t>(g.cols));
  for (int y = 0; y < g.rows; ++y) {
    const float* src = r.values.data() + static_cast<std::size_t>(y) * g.cols;
    for (int x = 0; x < g.cols; ++x)
      row[static_cast<std::size_t>(x)] = std::isnan(src[x]) ? static_cast<float>(nodata) : src[x];
    if (band->RasterIO(GF_Write, 0, y, g.cols, 1, row.data(), g.cols, 1, GDT_Float32, 0, 0) !=
        CE_None)
      fail("cannot copy raster: {}", CPLGetLastErrorMsg());
  }
  return mem;
}

OGRLayer& attribute_table(GDALDataset& ds, const char* name,
                          std::initializer_list<std::pair<const char*, OGRFieldType>> fields) {
  char** opts = nullptr;
  opts = CSLSetNameValue(opts, "ASPATIAL_VARIANT", "GPKG_ATTRIBUTES");
  OGRLayer* l = ds.CreateLayer(name, nullptr, wkbNone, opts);
  CSLDestroy(opts);
  if (!l) fail("cannot create table {}: {}", name, CPLGetLastErrorMsg());
  for (auto& [fname, type] : fields) {
    OGRFieldDefn fd(fname, type);
    if (l->CreateField(&fd) != OGRERR_NONE) fail("cannot create field {}.{}", name, fname);
  }
  return *l;
}

std::string get(const OGRFeature& f, const char* field) {
  int i = f.GetDefnRef()->GetFieldIndex(field);
  return i >= 0 && f.IsFieldSetAndNotNull(i) ? f.GetFieldAsString(i) : "";
}
double getd(const OGRFeature& f, const char* field) {
  int i = f.GetDefnRef()->GetFieldIndex(field);
  return i >= 0 && f.IsFieldSetAndNotNull(i) ? f.GetFieldAsDouble(i) : 0.0;
}

}  // namespace

std::string values_sha256(const CellValues& values) {
  // The values as a read gives them back: NaN for no data (stored as -9999, which therefore also
  // reads as NaN), one bit pattern for every NaN.
  constexpr std::size_t kChunk = 1 << 14;
  const float nan = std::numeric_limits<float>::quiet_NaN();
  const float nodata = static_cast<float>(kStoreNoData);
  std::vector<float> buf(kChunk);
  Sha256 sha;
  for (std::size_t at = 0; at < values.size(); at += kChunk) {
    const std::size_t n = std::min(kChunk, values.size() - at);
    for (std::size_t k = 0; k < n; ++k) {
      const float v = values[at + k];
      buf[k] = std::isnan(v) || v == nodata ? nan : v;
    }
    sha.update(buf.data(), n * sizeof(float));
  }
  return sha.hex();
}

std::string utc_now_iso() {
  std::time_t t = std::chrono::system_clock::to_time_t(std::chrono::system_clock::now());
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

// ---------------------------------------------------------------- writer

StoreWriter::StoreWriter(const std::filesystem::path& path, const Grid& grid)
    : path_(path), grid_(grid) {}

StoreWriter::~StoreWriter() = default;

void StoreWriter::open_vectors() {
  if (ds_) return;
  if (!std::filesystem::exists(path_)) {
    ds_.reset(driver("GPKG").Create(path_.c_str(), 0, 0, 0, GDT_Unknown, nullptr));
  } else {
    ds_.reset(GDALDataset::Open(path_.c_str(), GDAL_OF_VECTOR | GDAL_OF_UPDATE));
  }
  if (!ds_) fail("cannot write '{}': {}", path_.string(), CPLGetLastErrorMsg());
}

GDALDataset& StoreWriter::vectors() {
  open_vectors();
  return *ds_;
}

void StoreWriter::write_raster(const std::string& table, const Raster& raster) {
  ds_.reset();  // the raster append opens the file itself
  auto mem = to_mem(raster, kStoreNoData);
  char** opts = nullptr;
  opts = CSLSetNameValue(opts, "RASTER_TABLE", table.c_str());
  opts = CSLSetNameValue(opts, "APPEND_SUBDATASET", std::filesystem::exists(path_) ? "YES" : "NO");
  opts = CSLSetNameValue(opts, "TILE_FORMAT", "TIFF");
  opts = CSLSetNameValue(opts, "BLOCKSIZE", "512");
  GDALDatasetUniquePtr out(
      driver("GPKG").CreateCopy(path_.c_str(), mem.get(), FALSE, opts, nullptr, nullptr));
  CSLDestroy(opts);
  if (!out)
    fail("cannot write raster '{}' to '{}': {}", table, path_.string(), CPLGetLastErrorMsg());
  has_raster_ = true;
  const std::string sum = values_sha256(raster.values);
  std::lock_guard<std::mutex> lock(checksums_mutex_);
  checksums_[table] = sum;
}

void StoreWriter::copy_vector_table(GDALDataset& from, const std::string& table) {
  OGRLayer* src = from.GetLayerByName(table.c_str());
  if (!src) fail("previous store has no table '{}'", table);
  open_vectors();
  if (!ds_->CopyLayer(src, table.c_str()))
    fail("cannot copy table '{}': {}", table, CPLGetLastErrorMsg());
}

void StoreWriter::finish(const StoreManifest& m) {
  open_vectors();
  GDALDataset& ds = *ds_;
  ds.StartTransaction();
  {
    OGRLayer& t = attribute_table(ds, "casco_model", {{"key", OFTString}, {"value", OFTString}});
    auto put = [&](const char* k, const std::string& v) {
      OGRFeature f(t.GetLayerDefn());
      f.SetField("key", k);
      f.SetField("value", v.c_str());
      if (t.CreateFeature(&f) != OGRERR_NONE) fail("cannot write manifest");
    };
    const Grid& g = m.grid;
    put("model_name", m.model_name);
    put("casco_version", kVersion);
    put("built_at", m.built_at);
    put("definition_file", m.definition_file);
    put("study_area_sha256", m.study_area_sha256);
    put("borders", m.borders);
    put("surroundings_m", fmt::format("{:.17g}", m.surroundings_m));
    put("credit", m.credit);
    put("crs", g.crs);
    put("crs_wkt", g.crs_wkt);
    put("x0", fmt::format("{:.17g}", g.x0));
    put("y0", fmt::format("{:.17g}", g.y0));
    put("cell_size", fmt::format("{:.17g}", g.cell));
    put("cols", std::to_string(g.cols));
    put("rows", std::to_string(g.rows));
  }
  {
    OGRLayer& t = attribute_table(ds, "casco_layers",
                                  {{"ord", OFTInteger},
                                   {"id", OFTString},
                                   {"title", OFTString},
                                   {"grp", OFTString},
                                   {"unit", OFTString},
                                   {"derivation", OFTString},
                                   {"description", OFTString},
                                   {"attribution", OFTString},
                                   {"estimate", OFTString},
                                   {"describe", OFTString},
                                   {"source", OFTString},
                                   {"source_sha256", OFTString},
                                   {"definition_sha256", OFTString},
                                   {"built_at", OFTString},
                                   {"data_sha256", OFTString},
                                   {"vector_table", OFTString},
                                   {"min", OFTReal},
                                   {"max", OFTReal},
                                   {"mean", OFTReal},
                                   {"sum", OFTReal},
                                   {"cells_data", OFTInteger64},
                                   {"cells_set", OFTInteger64},
                                   {"area_ha", OFTReal}});
    int ord = 0;
    for (const auto& L : m.layers) {
      OGRFeature f(t.GetLayerDefn());
      f.SetField("ord", ord++);
      f.SetField("id", L.id.c_str());
      f.SetField("title", L.title.c_str());
      f.SetField("grp", L.group.c_str());
      f.SetField("unit", L.unit.c_str());
      f.SetField("derivation", L.derivation.c_str());
      f.SetField("description", L.description.c_str());
      f.SetField("attribution", L.attribution.c_str());
      f.SetField("estimate", L.estimate.c_str());
      f.SetField("describe", to_json(L.describe).c_str());
      f.SetField("source", L.source.c_str());
      f.SetField("source_sha256", L.source_sha256.c_str());
      f.SetField("definition_sha256", L.definition_sha256.c_str());
      f.SetField("built_at", L.built_at.c_str());
      auto sum = checksums_.find(L.id);
      f.SetField("data_sha256",
                 sum != checksums_.end() ? sum->second.c_str() : L.data_sha256.c_str());
      f.SetField("vector_table", L.vector_table.c_str());
      f.SetField("min", L.stats.min);
      f.SetField("max", L.stats.max);
      f.SetField("mean", L.stats.mean);
      f.SetField("sum", L.stats.sum);
      f.SetField("cells_data", static_cast<GIntBig>(L.stats.cells_data));
      f.SetField("cells_set", static_cast<GIntBig>(L.stats.cells_set));
      f.SetField("area_ha", L.stats.area_ha);
      if (t.CreateFeature(&f) != OGRERR_NONE) fail("cannot write manifest");
    }
  }
  {
    OGRLayer& t = attribute_table(
        ds, "casco_groups",
        {{"ord", OFTInteger}, {"id", OFTString}, {"title", OFTString}, {"intro", OFTString}});
    int ord = 0;
    for (const auto& g : m.groups) {
      OGRFeature f(t.GetLayerDefn());
      f.SetField("ord", ord++);
      f.SetField("id", g.id.c_str());
      f.SetField("title", g.title.c_str());
      f.SetField("intro", g.intro.c_str());
      if (t.CreateFeature(&f) != OGRERR_NONE) fail("cannot write manifest");
    }
  }
  {
    OGRLayer& t = attribute_table(
        ds, "casco_zones",
        {{"layer", OFTString}, {"zone", OFTInteger}, {"code", OFTString}, {"name", OFTString}});
    for (const auto& [layer, zones] : m.zones)
      for (const auto& z : zones) {
        OGRFeature f(t.GetLayerDefn());
        f.SetField("layer", layer.c_str());
        f.SetField("zone", z.zone);
        f.SetField("code", z.code.c_str());
        f.SetField("name", z.name.c_str());
        if (t.CreateFeature(&f) != OGRERR_NONE) fail("cannot write manifest");
      }
  }
  if (ds.CommitTransaction() != OGRERR_NONE)
    fail("cannot write the manifest of '{}'", path_.string());
  ds_.reset();
}

// ---------------------------------------------------------------- reader

Store Store::open(const std::filesystem::path& path) {
  if (!std::filesystem::exists(path))
    fail("store '{}' does not exist: build it with 'casco build MODEL.toml -o {}'", path.string(),
         path.string());
  ensure_gdal_registered();
  GDALDatasetUniquePtr ds(GDALDataset::Open(path.c_str(), GDAL_OF_VECTOR | GDAL_OF_READONLY));
  OGRLayer* model = ds ? ds->GetLayerByName("casco_model") : nullptr;
  if (!model)
    fail("'{}' is not a casco model store (no casco_model table): build one with 'casco build'",
         path.string());
  Store s;
  s.path_ = path;
  StoreManifest& m = s.manifest_;
  std::map<std::string, std::string> kv;
  for (auto& f : *model) kv[get(*f, "key")] = get(*f, "value");
  m.model_name = kv["model_name"];
  m.casco_version = kv["casco_version"];
  m.built_at = kv["built_at"];
  m.definition_file = kv["definition_file"];
  m.study_area_sha256 = kv["study_area_sha256"];
  m.borders = kv["borders"];
  m.credit = kv["credit"];
  try {
    m.surroundings_m = kv["surroundings_m"].empty() ? 0 : std::stod(kv["surroundings_m"]);
    m.grid.crs = kv["crs"];
    m.grid.crs_wkt = kv["crs_wkt"];
    m.grid.x0 = std::stod(kv["x0"]);
    m.grid.y0 = std::stod(kv["y0"]);
    m.grid.cell = std::stod(kv["cell_size"]);
    m.grid.cols = std::stoi(kv["cols"]);
    m.grid.rows = std::stoi(kv["rows"]);
  } catch (const std::exception&) {
    fail("'{}': the manifest's grid description is damaged; rebuild the store", path.string());
  }
  if (OGRLayer* layers = ds->GetLayerByName("casco_layers")) {
    std::vector<std::pair<int, LayerRecord>> rows;
    for (auto& f : *layers) {
      LayerRecord L;
      L.id = get(*f, "id");
      L.title = get(*f, "title");
      L.group = get(*f, "grp");
      L.unit = get(*f, "unit");
      L.derivation = get(*f, "derivation");
      L.description = get(*f, "description");
      L.attribution = get(*f, "attribution");  // "" in stores from before it existed
      L.estimate = get(*f, "estimate");
      // Stores from before layer descriptions: what the derivation and unit imply.
      L.describe =
          description_from_json(get(*f, "describe"), default_description(L.derivation, L.unit));
      L.source = get(*f, "source");
      L.source_sha256 = get(*f, "source_sha256");
      L.definition_sha256 = get(*f, "definition_sha256");
      L.built_at = get(*f, "built_at");
      L.data_sha256 = get(*f, "data_sha256");
      L.vector_table = get(*f, "vector_table");
      L.stats.min = getd(*f, "min");
      L.stats.max = getd(*f, "max");
      L.stats.mean = getd(*f, "mean");
      L.stats.sum = getd(*f, "sum");
      L.stats.cells_data = static_cast<std::size_t>(getd(*f, "cells_data"));
      L.stats.cells_set = static_cast<std::size_t>(getd(*f, "cells_set"));
      L.stats.area_ha = getd(*f, "area_ha");
      rows.emplace_back(static_cast<int>(getd(*f, "ord")), std::move(L));
    }
    std::sort(rows.begin(), rows.end(), [](auto& a, auto& b) { return a.first < b.first; });
    for (auto& [ord, L] : rows) m.layers.push_back(std::move(L));
  }
  if (OGRLayer* groups = ds->GetLayerByName("casco_groups")) {
    std::vector<std::pair<int, LayerGroup>> rows;
    for (auto& f : *groups)
      rows.push_back(
          {static_cast<int>(getd(*f, "ord")), {get(*f, "id"), get(*f, "title"), get(*f, "intro")}});
    std::sort(rows.begin(), rows.end(), [](auto& a, auto& b) { return a.first < b.first; });
    for (auto& [ord, g] : rows) m.groups.push_back(std::move(g));
  }
  // Stores from before groups were data: every group its layers name, titled by its id.
  for (const auto& L : m.layers)
    if (std::none_of(m.groups.begin(), m.groups.end(),
                     [&](const LayerGroup& g) { return g.id == L.group; }))
      m.groups.push_back({L.group, L.group, ""});
  if (OGRLayer* zones = ds->GetLayerByName("casco_zones")) {
    for (auto& f : *zones) {
      ZoneRecord z{static_cast<int>(getd(*f, "zone")), get(*f, "code"), get(*f, "name")};
      m.zones[get(*f, "layer")].push_back(std::move(z));
    }
    for (auto& [k, v] : m.zones)
      std::sort(v.begin(), v.end(), [](auto& a, auto& b) { return a.zone < b.zone; });
  }
  return s;
}

const LayerRecord* Store::find(const std::string& id) const {
  for (const auto& L : manifest_.layers)
    if (L.id == id) return &L;
  return nullptr;
}

const LayerRecord& Store::layer(const std::string& id) const {
  if (const LayerRecord* L = find(id)) return *L;
  std::string names;
  for (const auto& L : manifest_.layers) names += (names.empty() ? "" : ", ") + L.id;
  fail("store '{}' has no layer '{}' (layers: {})", path_.string(), id, names);
}

GDALDataset& Store::raster_dataset(const std::string& id) const {
  layer(id);  // validates the name (and so the table name: no injection into the GDAL path)
  std::lock_guard lock(*open_mutex_);
  auto& slot = open_[id];
  if (!slot) {
    std::string name = fmt::format("GPKG:{}:{}", path_.string(), id);
    slot.reset(GDALDataset::Open(name.c_str(), GDAL_OF_RASTER | GDAL_OF_READONLY),
               [](GDALDataset* d) { GDALClose(d); });
    if (!slot) {
      open_.erase(id);
      fail("cannot read layer '{}' from '{}': {}", id, path_.string(), CPLGetLastErrorMsg());
    }
    if (slot->GetRasterXSize() != grid().cols || slot->GetRasterYSize() != grid().rows) {
      open_.erase(id);
      fail("layer '{}' in '{}' does not match the store grid; rebuild the store", id,
           path_.string());
    }
  }
  return *slot;
}

Raster Store::read(const std::string& id) const {
  return read_window(id, 0, 0, grid().cols, grid().rows);
}

std::vector<Raster> Store::read_all(const std::vector<std::string>& ids) const {
  std::vector<Raster> out(ids.size());
  for (const auto& id : ids) layer(id);  // name errors before any work
  tbb::parallel_for(std::size_t{0}, ids.size(), [&](std::size_t i) { out[i] = read(ids[i]); });
  return out;
}

Raster Store::read_window(const std::string& id, int col0, int row0, int cols, int rows) const {
  const Grid& g = manifest_.grid;
  if (col0 < 0 || row0 < 0 || cols < 1 || rows < 1 || col0 + cols > g.cols || row0 + rows > g.rows)
    fail("window {}x{} at ({}, {}) lies outside the {}x{} grid of '{}'", cols, rows, col0, row0,
         g.cols, g.rows, path_.string());
  GDALRasterBand* band = raster_dataset(id).GetRasterBand(1);
  Grid w = g;
  w.x0 = g.x0 + col0 * g.cell;
  w.y0 = g.y0 - row0 * g.cell;
  w.cols = cols;
  w.rows = rows;
  Raster r(w, Raster::Uninitialized{});
  if (band->RasterIO(GF_Read, col0, row0, cols, rows, r.values.data(), cols, rows, GDT_Float32, 0,
                     0) != CE_None)
    fail("cannot read layer '{}' from '{}': {}", id, path_.string(), CPLGetLastErrorMsg());
  int has_nodata = 0;
  double nd = band->GetNoDataValue(&has_nodata);
  if (has_nodata) {
    float ndf = static_cast<float>(nd);
    for (float& v : r.values)
      if (v == ndf) v = kNoData;
  }
  // A whole layer is checked against the checksum written with it (about 10 ms for 4 million
  // cells); windows (viewer tiles, values) are not, `casco check` checks everything.
  const LayerRecord& L = layer(id);
  if (!L.data_sha256.empty() && cols == g.cols && rows == g.rows &&
      values_sha256(r.values) != L.data_sha256)
    fail(
        "layer '{}' in '{}' is damaged: its values differ from those written when it was built. "
        "Rebuild the store (casco build --force) or restore the file from a copy; casco check "
        "lists every damaged layer",
        id, path_.string());
  return r;
}

std::vector<LayerCheck> check_store(const Store& store) {
  std::vector<LayerCheck> out;
  for (const auto& L : store.manifest().layers) {
    LayerCheck c{L.id, true, L.data_sha256.empty(), ""};
    try {
      store.read(L.id);
    } catch (const Error& e) {
      c.ok = false;
      c.problem = e.what();
    }
    out.push_back(c);
  }
  return out;
}

const std::vector<ZoneRecord>& Store::zones(const std::string& id) const {
  const LayerRecord& L = layer(id);
  auto it = manifest_.zones.find(id);
  // Zones layers, and layers of named classes (an allocation's kinds, the kernen): anything whose
  // cells carry the number of a record.
  if (it == manifest_.zones.end())
    fail("layer '{}' is not a zone layer (derivation {}); zone layers: {}", id, L.derivation, [&] {
      std::string z;
      for (auto& [k, v] : manifest_.zones) z += (z.empty() ? "" : ", ") + k;
      return z;
    }());
  return it->second;
}

GDALDatasetUniquePtr Store::open_vectors() const {
  GDALDatasetUniquePtr ds(GDALDataset::Open(path_.c_str(), GDAL_OF_VECTOR | GDAL_OF_READONLY));
  if (!ds) fail("cannot open '{}': {}", path_.string(), CPLGetLastErrorMsg());
  return ds;
}

LayerGroup StoreManifest::group(const std::string& id) const {
  for (const auto& g : groups)
    if (g.id == id) return g;
  return {id, id, ""};
}

namespace {

// The study area's table in the store's vectors, or an error naming the store.
OGRLayer& study_table(GDALDataset& ds, const std::filesystem::path& store) {
  OGRLayer* l = ds.GetLayerByName("v_studiegebied");
  if (!l)
    fail("'{}' has no study area table (v_studiegebied): rebuild it with casco build",
         store.string());
  return *l;
}

}  // namespace

std::unique_ptr<OGRGeometry> Store::study_area() const {
  auto ds = open_vectors();
  OGRLayer* l = &study_table(*ds, path_);
  auto out = std::make_unique<OGRMultiPolygon>();
  for (auto& f : *l) {
    const OGRGeometry* g = f->GetGeometryRef();
    if (!g) continue;
    auto t = wkbFlatten(g->getGeometryType());
    if (t == wkbPolygon)
      out->addGeometry(g);
    else if (t == wkbMultiPolygon)
      for (const auto* p : *g->toMultiPolygon()) out->addGeometry(p);
  }
  return out;
}

std::optional<OGREnvelope> Store::study_extent() const {
  auto ds = open_vectors();
  OGREnvelope e;
  if (study_table(*ds, path_).GetExtent(&e, TRUE) != OGRERR_NONE || !e.IsInit())
    return std::nullopt;
  return e;
}

std::vector<uint8_t> Store::study_mask() const {
  std::vector<uint8_t> mask(grid().size(), 1);
  if (!find(kStudyAreaLayer)) return mask;
  Raster r = read(kStudyAreaLayer);
  for (std::size_t i = 0; i < mask.size(); ++i) mask[i] = r.values[i] > 0;
  return mask;
}

void add_layers(const std::filesystem::path& path,
                const std::vector<std::pair<LayerRecord, const Raster*>>& layers,
                const std::map<std::string, std::vector<ZoneRecord>>& zones) {
  Store old = Store::open(path);
  for (const auto& [rec, raster] : layers)
    if (!raster->grid.same_raster(old.grid()))
      fail("layer '{}' is not on the grid of store '{}'", rec.id, path.string());
  AtomicOutput out(path);
  std::error_code ec;
  std::filesystem::copy_file(path, out.temp_path(),
                             std::filesystem::copy_options::overwrite_existing, ec);
  if (ec) fail("cannot copy '{}': {}", path.string(), ec.message());
  {
    // Drop replaced raster tables and their GeoPackage metadata, and the old manifest tables.
    GDALDatasetUniquePtr ds(
        GDALDataset::Open(out.temp_path().c_str(), GDAL_OF_VECTOR | GDAL_OF_UPDATE));
    if (!ds) fail("cannot update '{}': {}", path.string(), CPLGetLastErrorMsg());
    auto sql = [&](const std::string& q) {
      CPLErrorReset();
      OGRLayer* r = ds->ExecuteSQL(q.c_str(), nullptr, nullptr);
      if (r) ds->ReleaseResultSet(r);
      if (CPLGetLastErrorType() == CE_Failure)
        fail("cannot update '{}': {} ({})", path.string(), CPLGetLastErrorMsg(), q);
    };
    for (const auto& [rec, raster] : layers) {
      if (!old.find(rec.id)) continue;
      const std::string& t = rec.id;  // validated ids: a-z, 0-9, _
      sql(fmt::format("DROP TABLE \"{}\"", t));
      for (const char* meta :
           {"gpkg_contents", "gpkg_tile_matrix", "gpkg_tile_matrix_set", "gpkg_extensions"})
        sql(fmt::format("DELETE FROM {} WHERE lower(table_name) = lower('{}')", meta, t));
      sql(
          fmt::format("DELETE FROM gpkg_2d_gridded_coverage_ancillary WHERE "
                      "lower(tile_matrix_set_name) = lower('{}')",
                      t));
      sql(fmt::format(
          "DELETE FROM gpkg_2d_gridded_tile_ancillary WHERE lower(tpudt_name) = lower('{}')", t));
    }
    for (const char* table : {"casco_model", "casco_layers", "casco_zones", "casco_groups"}) {
      for (int i = 0; i < ds->GetLayerCount(); ++i)
        if (EQUAL(ds->GetLayer(i)->GetName(), table)) {
          ds->DeleteLayer(i);
          break;
        }
    }
  }
  StoreWriter writer(out.temp_path(), old.grid());
  StoreManifest m = old.manifest();
  for (const auto& [rec, raster] : layers) {
    writer.write_raster(rec.id, *raster);
    LayerRecord r = rec;
    if (r.built_at.empty()) r.built_at = utc_now_iso();
    r.stats = compute_stats(*raster);
    auto it = std::find_if(m.layers.begin(), m.layers.end(),
                           [&](const LayerRecord& L) { return L.id == r.id; });
    if (it != m.layers.end())
      *it = r;
    else
      m.layers.push_back(r);
    if (auto z = zones.find(rec.id); z != zones.end())
      m.zones[rec.id] = z->second;
    else
      m.zones.erase(rec.id);  // a replaced class layer may have had labels
    // A group the model does not define (a derived layer's own) is added at the end.
    if (std::none_of(m.groups.begin(), m.groups.end(),
                     [&](const LayerGroup& g) { return g.id == r.group; }))
      m.groups.push_back({rec.group, rec.group, ""});
  }
  writer.finish(m);
  old = Store();  // close cached datasets before replacing the file
  out.commit();
}

void write_geotiff(const Raster& raster, const std::filesystem::path& path,
                   const std::string& credit) {
  auto mem = to_mem(raster, std::numeric_limits<double>::quiet_NaN());
  if (!credit.empty()) mem->SetMetadataItem("TIFFTAG_COPYRIGHT", credit.c_str());
  char** opts = nullptr;
  opts = CSLSetNameValue(opts, "COMPRESS", "DEFLATE");
  opts = CSLSetNameValue(opts, "PREDICTOR", "3");
  opts = CSLSetNameValue(opts, "TILED", "YES");
  GDALDatasetUniquePtr out(
      driver("GTiff").CreateCopy(path.c_str(), mem.get(), FALSE, opts, nullptr, nullptr));
  CSLDestroy(opts);
  if (!out) fail("cannot write '{}': {}", path.string(), CPLGetLastErrorMsg());
}

}  // namespace casco
