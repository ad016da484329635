#pragma once
// The model store: one GeoPackage that QGIS opens, holding every grid layer as a raster table,
// the source vectors cut to the study area, and a manifest (tables casco_model, casco_layers,
// casco_zones) with titles, groups, units, statistics and the checksums that drive rebuilds.
#include <gdal_priv.h>
#include <ogr_geometry.h>

#include <filesystem>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "core/grid.hpp"
#include "model/definition.hpp"
#include "model/describe.hpp"

namespace casco {

// The layer every store has: the share of each cell inside the study area (1 inside, 0 in the
// surroundings). Tables, norms and figures count only the study area; maps fade the rest.
inline constexpr const char* kStudyAreaLayer = kStudyAreaLayerId;

struct LayerRecord {
  std::string id, title, group, unit, derivation, description;
  std::string attribution;        // the source's credit line ("" = covered by the model's own)
  std::string estimate;           // why the layer is an estimate ("" = it is what its source says)
  LayerDescription describe;      // role, parameters, display and style (model/describe.hpp)
  std::string source;             // path as written in the definition
  std::string source_sha256;      // checksum of the source file's bytes
  std::string definition_sha256;  // checksum of the layer definition + grid + study area
  std::string built_at;           // UTC, ISO 8601
  std::string data_sha256;        // checksum of the stored values ("" = stored before checksums)
  std::string vector_table;       // table with the layer's source vectors ("" for rasters)
  RasterStats stats;
};

struct ZoneRecord {
  int zone = 0;  // value in the zones raster (1..n; 0 = no zone)
  std::string code, name;
};

struct StoreManifest {
  std::string model_name, casco_version, built_at, definition_file, study_area_sha256;
  Grid grid;
  std::vector<LayerRecord> layers;
  std::map<std::string, std::vector<ZoneRecord>> zones;  // by layer id
  std::string borders;                                   // zones layer drawn on maps
  double surroundings_m = 0;  // how far beyond the study area facilities and places count
  std::string credit;         // the credit line under every map ("Bron: … — bewerking casco")
  std::vector<LayerGroup> groups;  // in the order presentations show them

  // The group of that id; a layer's group that the model does not define reads as its id.
  LayerGroup group(const std::string& id) const;
};

class Store {
 public:
  // Opens a store written by `casco build`; throws casco::Error if it is not one.
  static Store open(const std::filesystem::path& path);

  const std::filesystem::path& path() const { return path_; }
  const StoreManifest& manifest() const { return manifest_; }
  const Grid& grid() const { return manifest_.grid; }
  // Throws casco::Error listing the available layers when `id` is unknown.
  const LayerRecord& layer(const std::string& id) const;
  const LayerRecord* find(const std::string& id) const;
  Raster read(const std::string& id) const;
  // Several whole layers at once, read in parallel.
  std::vector<Raster> read_all(const std::vector<std::string>& ids) const;
  // The cells [col0, col0 + cols) x [row0, row0 + rows) of a layer, as a raster on that window
  // of the grid; reads only the tiles it needs (plan assessment). The window must lie inside.
  Raster read_window(const std::string& id, int col0, int row0, int cols, int rows) const;
  const std::vector<ZoneRecord>& zones(const std::string& id) const;
  // The store's vector tables (read-only), e.g. for drawing borders.
  GDALDatasetUniquePtr open_vectors() const;
  // The study area as one (multi)polygon in the store's CRS (table v_studiegebied).
  std::unique_ptr<OGRGeometry> study_area() const;
  // Its bounding box (from the table's extent, without reading the outline); nullopt when empty.
  std::optional<OGREnvelope> study_extent() const;
  // 1 for cells (partly) inside the study area, else 0; all 1 for stores written before the
  // study-area layer existed.
  std::vector<uint8_t> study_mask() const;

 private:
  GDALDataset& raster_dataset(const std::string& id) const;
  std::filesystem::path path_;
  StoreManifest manifest_;
  // Open raster tables, kept for repeated window reads. Reads of different layers may run in
  // parallel (one GDAL dataset each); the mutex guards the cache itself.
  mutable std::map<std::string, std::shared_ptr<GDALDataset>> open_;
  mutable std::shared_ptr<std::mutex> open_mutex_ = std::make_shared<std::mutex>();
};

// Adds derived layers (accessibility, suitability, allocation …) to an existing store, replacing
// layers of the same id; the store is rewritten through a temporary copy, so a failure leaves it
// intact. `zones` gives the labels of class layers (value → code, name; e.g. the kinds of an
// allocation), read back with Store::zones(id). `casco build` keeps only the layers of the model
// definition.
void add_layers(const std::filesystem::path& store,
                const std::vector<std::pair<LayerRecord, const Raster*>>& layers,
                const std::map<std::string, std::vector<ZoneRecord>>& zones = {});

// Writes a new store file (normally a temporary that the caller renames into place).
class StoreWriter {
 public:
  explicit StoreWriter(const std::filesystem::path& path, const Grid& grid);
  ~StoreWriter();
  StoreWriter(const StoreWriter&) = delete;
  StoreWriter& operator=(const StoreWriter&) = delete;

  void write_raster(const std::string& table, const Raster& raster);
  // Vector tables go through this dataset (OGR, update mode).
  GDALDataset& vectors();
  // Copy a vector table from another store unchanged.
  void copy_vector_table(GDALDataset& from, const std::string& table);
  void finish(const StoreManifest& manifest);  // writes the manifest and closes

 private:
  void open_vectors();
  std::map<std::string, std::string> checksums_;  // of the rasters written, by table
  std::mutex checksums_mutex_;
  std::filesystem::path path_;
  Grid grid_;
  GDALDatasetUniquePtr ds_;
  bool has_raster_ = false;
};

// Reads and writes raster files other than the store (export). `credit` goes into the GeoTIFF's
// copyright tag (TIFFTAG_COPYRIGHT), so the attribution travels with the file.
void write_geotiff(const Raster& raster, const std::filesystem::path& path,
                   const std::string& credit = "");

std::string utc_now_iso();

// The checksum of a layer's values as the store keeps them (no data and NaN alike).
std::string values_sha256(const CellValues& values);

// Every layer read whole and checked against its checksum (`casco check`).
struct LayerCheck {
  std::string id;
  bool ok = true;
  bool unchecked = false;  // written before checksums existed: readable, not verifiable
  std::string problem;
};
std::vector<LayerCheck> check_store(const Store& store);

}  // namespace casco
