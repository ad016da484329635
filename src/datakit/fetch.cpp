// casco data fetch: download what is missing or changed, check it, cut it to the area in RD New,
// and record it (lock, model-sources.toml, ATTRIBUTION.txt).
#include <gdal_priv.h>
#include <gdal_utils.h>

#include <algorithm>
#include <cstdlib>
#include <fstream>
#include <sstream>

#include "core/crs.hpp"
#include "core/error.hpp"
#include "core/files.hpp"
#include "core/hash.hpp"
#include "core/progress.hpp"
#include "datakit/internal.hpp"

namespace casco::data {
namespace {

std::string join(const std::array<double, 4>& b) {
  return fmt::format("{},{},{},{}", b[0], b[1], b[2], b[3]);
}

void replace_all(std::string& s, const std::string& from, const std::string& to) {
  for (std::size_t p = s.find(from); p != std::string::npos; p = s.find(from, p + to.size()))
    s.replace(p, from.size(), to);
}

std::string expand_url(const Source& s, const Area& a) {
  std::string url = s.url;
  replace_all(url, "{bbox_28992}", join(a.bbox_rd));
  replace_all(url, "{bbox_4326}", join(a.bbox_wgs84));
  replace_all(url, "{osm_extract}", a.osm_extract);
  return url;
}

// The area cut into n x n tiles (both boxes alike), for services that stop paging after a fixed
// number of features (PDOK's WFS: startIndex up to 50,000).
std::vector<std::string> tile_urls(const Source& s, const Area& a) {
  std::vector<std::string> urls;
  const int n = s.tiles;
  auto part = [n](const std::array<double, 4>& b, int i, int j) {
    const double w = (b[2] - b[0]) / n, h = (b[3] - b[1]) / n;
    return std::array<double, 4>{b[0] + i * w, b[1] + j * h, i + 1 == n ? b[2] : b[0] + (i + 1) * w,
                                 j + 1 == n ? b[3] : b[1] + (j + 1) * h};
  };
  for (int j = 0; j < n; ++j)
    for (int i = 0; i < n; ++i) {
      Area tile = a;
      tile.bbox_rd = part(a.bbox_rd, i, j);
      tile.bbox_wgs84 = part(a.bbox_wgs84, i, j);
      urls.push_back(expand_url(s, tile));
    }
  return urls;
}

std::string kind_of(const Source& s) {
  if (s.format == "geojson" || s.format == "gpkg" || s.format == "gml") return "vector";
  if (s.format == "geotiff") return "raster";
  return "file";
}

// A C argv for the GDAL utilities, owning its strings.
struct Args {
  std::vector<std::string> items;
  std::vector<char*> argv() {
    std::vector<char*> v;
    for (auto& s : items) v.push_back(s.data());
    v.push_back(nullptr);
    return v;
  }
};

std::vector<std::string> bbox_args(const Area& a) {
  std::vector<std::string> v;
  for (double x : a.bbox_rd) v.push_back(fmt::format("{}", x));
  return v;
}

GDALDatasetH open_or_fail(const fs::path& p, unsigned flags, const std::string& what) {
  GDALDatasetH ds = GDALOpenEx(p.c_str(), flags | GDAL_OF_VERBOSE_ERROR, nullptr, nullptr, nullptr);
  if (!ds)
    fail("{}: GDAL cannot open the download '{}': {}", what, p.string(), CPLGetLastErrorMsg());
  return ds;
}

// Vectors: every layer reprojected to RD New, features outside the area dropped, the rest clipped
// to the area's box, invalid geometry repaired; one GeoPackage per source.
void cut_vector(const Source& s, const Area& a, const fs::path& raw, const fs::path& out) {
  GDALDatasetH src = open_or_fail(raw, GDAL_OF_VECTOR, s.id);
  Args args;
  args.items = {"-f", "GPKG", "-t_srs", "EPSG:28992", "-nlt", "GEOMETRY", "-makevalid"};
  if (!s.crs.empty()) args.items.insert(args.items.end(), {"-s_srs", s.crs});
  if (s.cut != "none") {
    auto box = bbox_args(a);
    args.items.push_back("-spat");
    args.items.insert(args.items.end(), box.begin(), box.end());
    args.items.insert(args.items.end(), {"-spat_srs", "EPSG:28992", "-clipdst"});
    args.items.insert(args.items.end(), box.begin(), box.end());
  }
  if (GDALDatasetGetLayerCount(src) == 1) args.items.insert(args.items.end(), {"-nln", s.id});
  auto argv = args.argv();
  GDALVectorTranslateOptions* opts = GDALVectorTranslateOptionsNew(argv.data(), nullptr);
  AtomicOutput tmp(out);
  int usage_error = 0;
  GDALDatasetH dst =
      GDALVectorTranslate(tmp.temp_path().c_str(), nullptr, 1, &src, opts, &usage_error);
  GDALVectorTranslateOptionsFree(opts);
  GDALClose(src);
  if (!dst)
    fail("{}: cannot cut '{}' to the area and write '{}': {}", s.id, raw.string(), out.string(),
         CPLGetLastErrorMsg());
  GDALClose(dst);
  tmp.commit();
}

// Rasters: warped to RD New over the area's box, as a compressed GeoTIFF.
void cut_raster(const Source& s, const Area& a, const fs::path& raw, const fs::path& out) {
  GDALDatasetH src = open_or_fail(raw, GDAL_OF_RASTER, s.id);
  Args args;
  args.items = {"-of", "GTiff",    "-t_srs", "EPSG:28992", "-co", "COMPRESS=DEFLATE",
                "-co", "TILED=YES"};
  if (!s.crs.empty()) args.items.insert(args.items.end(), {"-s_srs", s.crs});
  // Cells outside the source must read as "no data", not as 0 m, so check can measure coverage.
  GDALRasterBandH band = GDALGetRasterCount(src) > 0 ? GDALGetRasterBand(src, 1) : nullptr;
  int has_nodata = 0;
  if (band) GDALGetRasterNoDataValue(band, &has_nodata);
  if (band && !has_nodata && GDALDataTypeIsFloating(GDALGetRasterDataType(band)))
    args.items.insert(args.items.end(), {"-dstnodata", "-9999"});
  if (s.cut != "none") {
    args.items.push_back("-te");
    for (auto& v : bbox_args(a)) args.items.push_back(v);
  }
  auto argv = args.argv();
  GDALWarpAppOptions* opts = GDALWarpAppOptionsNew(argv.data(), nullptr);
  AtomicOutput tmp(out);
  int usage_error = 0;
  GDALDatasetH dst = GDALWarp(tmp.temp_path().c_str(), nullptr, 1, &src, opts, &usage_error);
  GDALWarpAppOptionsFree(opts);
  GDALClose(src);
  if (!dst)
    fail("{}: cannot warp '{}' to '{}': {}", s.id, raw.string(), out.string(),
         CPLGetLastErrorMsg());
  GDALClose(dst);
  tmp.commit();
}

bool have_osmium() {
  return std::system("command -v osmium >/dev/null 2>&1") == 0;
}

std::string quoted(const fs::path& p) {
  std::string s = "'";
  for (char c : p.string()) s += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return s + "'";
}

// OSM PBF: `osmium extract` to the area's box when osmium-tool is installed; else kept whole.
fs::path cut_pbf(const Source& s, const Area& a, const fs::path& raw, const fs::path& dir) {
  if (s.cut != "osmium" || !have_osmium()) return raw;
  const fs::path out = dir / (s.id + ".osm.pbf");
  AtomicOutput tmp(out);
  const std::string cmd = fmt::format("osmium extract --overwrite -b {} {} -o {} >/dev/null 2>&1",
                                      join(a.bbox_wgs84), quoted(raw), quoted(tmp.temp_path()));
  if (std::system(cmd.c_str()) != 0)
    fail("{}: osmium extract failed on '{}'; run '{}' to see why", s.id, raw.string(), cmd);
  tmp.commit();
  return out;
}

// Writes the processed file for a source; returns its path.
fs::path process(const Source& s, const Area& a, const fs::path& raw, const fs::path& dir) {
  const std::string kind = kind_of(s);
  if (kind == "vector") {
    fs::path out = dir / (s.id + ".gpkg");
    cut_vector(s, a, raw, out);
    return out;
  }
  if (kind == "raster") {
    fs::path out = dir / (s.id + ".tif");
    cut_raster(s, a, raw, out);
    return out;
  }
  if (s.format == "pbf") return cut_pbf(s, a, raw, dir);
  return raw;  // GTFS zip, CSV tables: kept as published
}

std::string relative_to(const fs::path& p, const fs::path& dir) {
  return fs::relative(p, dir).generic_string();
}

bool wanted(const Source& s, const FetchOptions& o) {
  if (o.only.empty()) return true;
  return std::find(o.only.begin(), o.only.end(), s.id) != o.only.end();
}

// A complete download replaces the raw file only once its output was made from it: when GDAL
// cannot read it, the previous raw file, output and lock entry stay as they were.
void install(const Source& s, const Area& a, const fs::path& part, const fs::path& raw,
             const fs::path& dir, LockEntry& e) {
  const fs::path staged = raw.parent_path() / ("new-" + raw.filename().string());
  fs::rename(part, staged);
  try {
    fs::path made = process(s, a, staged, dir);
    fs::rename(staged, raw);
    e.output = relative_to(made == staged ? raw : made, dir);
  } catch (...) {
    std::error_code ec;
    fs::remove(staged, ec);
    throw;
  }
}

// One source: download (or find unchanged), check, process, record.
Outcome fetch_one(const Source& s, const Area& a, const FetchOptions& o, Lock& lock) {
  const fs::path raw_dir = o.into / "raw", raw = raw_dir / s.file;
  const fs::path part = raw_dir / (s.file + ".part");
  LockEntry prev = lock.entries.count(s.id) ? lock.entries[s.id] : LockEntry{};
  const bool have_raw = fs::exists(raw);
  LockEntry e = prev;
  Outcome out{s.id, "downloaded", "", 0};

  if (!s.published) {
    if (!have_raw)
      return {s.id, "skipped",
              fmt::format("not published as a download service; get it from {} and save it as {}",
                          s.landing.empty() ? "the producer" : s.landing, raw.string()),
              0};
    // Placed by hand: its checksum tells whether it changed since the last run.
    e.url = s.landing;
    e.sha256 = sha256_file(raw);
    const bool same = e.sha256 == prev.sha256;
    out.status = same ? "unchanged" : "downloaded";
    out.message = "placed by hand";
    if (!same) e.bytes = fs::file_size(raw), e.fetched_at = now_utc();
  } else if (s.paging != "none") {
    // Many small requests: no validators to ask with, so the merged content's SHA-256 decides.
    PagedDownload pd;
    pd.base.what = s.id;
    pd.urls = tile_urls(s, a);
    pd.base.connect_timeout_s = o.connect_timeout_s;
    pd.base.low_speed_time_s = o.low_speed_time_s;
    pd.base.total_timeout_s = o.total_timeout_s;
    pd.base.retries = o.retries;
    pd.base.backoff_s = o.backoff_s;
    pd.paging = s.paging;
    pd.page_size = s.page_size;
    pd.pages_dir = raw_dir / (s.file + ".pages");
    pd.out = part;
    pd.format = s.format;
    PagedResult got = download_pages(pd);
    e.url = expand_url(s, a);
    e.etag.clear(), e.last_modified.clear();
    out.message =
        fmt::format("{} {} in {} page{}", got.features, s.paging == "odata" ? "rows" : "features",
                    got.pages, got.pages == 1 ? "" : "s");
    if (s.tiles > 1) out.message += fmt::format(" over {} tiles", s.tiles * s.tiles);
    if (got.duplicates > 0)
      out.message += fmt::format(" ({} repeated on a later page, kept once)", got.duplicates);
    const std::string sha = sha256_file(part);
    if (have_raw && sha == prev.sha256) {
      fs::remove(part);
      out.status = "unchanged";
      out.message += ", same content (SHA-256)";
    } else {
      install(s, a, part, raw, o.into, e);
      e.sha256 = sha;
      e.bytes = fs::file_size(raw);
      e.fetched_at = now_utc();
    }
  } else {
    Download d;
    d.what = s.id;
    d.url = expand_url(s, a);
    d.part = part;
    // Validators only count when the file they describe is still here and from the same URL.
    if (have_raw && prev.url == d.url) d.etag = prev.etag, d.last_modified = prev.last_modified;
    d.connect_timeout_s = o.connect_timeout_s;
    d.low_speed_time_s = o.low_speed_time_s;
    d.total_timeout_s = o.total_timeout_s;
    d.retries = o.retries;
    d.backoff_s = o.backoff_s;
    Downloaded got = download(d);
    e.url = d.url;
    if (got.not_modified) {
      out.status = "unchanged";
      out.message = "not modified (HTTP 304)";
    } else {
      try {
        check_content(part, got.content_type, s.id, d.url, s.format);
      } catch (const Error&) {
        fs::remove(part);  // a complete but wrong answer: nothing to resume
        throw;
      }
      const std::string sha = sha256_file(part);
      if (have_raw && sha == prev.sha256) {
        fs::remove(part);
        out.status = "unchanged";
        out.message = "same content (SHA-256)";
      } else {
        install(s, a, part, raw, o.into, e);
        e.sha256 = sha;
        e.bytes = got.bytes;
        e.fetched_at = now_utc();
      }
      e.etag = got.etag;
      e.last_modified = got.last_modified;
    }
  }
  if (e.sha256.empty()) {
    e.sha256 = sha256_file(raw);
    e.bytes = fs::file_size(raw);
    e.fetched_at = now_utc();
  }
  const bool output_missing = e.output.empty() || !fs::exists(o.into / e.output);
  if ((out.status == "downloaded" && !s.published) || output_missing)
    e.output = relative_to(process(s, a, raw, o.into), o.into);
  e.title = s.title, e.licence = s.licence, e.attribution = s.attribution;
  e.raw = relative_to(raw, o.into), e.kind = kind_of(s), e.attributes = s.attributes;
  out.bytes = e.bytes;
  lock.entries[s.id] = e;
  return out;
}

}  // namespace

// What a fetch would ask for (--dry-run): the expanded URL of every request that starts a download.
Outcome plan_one(const Source& s, const Area& a) {
  if (!s.published)
    return {s.id, "skipped", fmt::format("by hand: {}", s.landing.empty() ? "-" : s.landing), 0};
  std::string msg;
  if (s.paging != "none")
    msg = fmt::format("paged ({}, {} a page{}): ", s.paging, s.page_size,
                      s.tiles > 1 ? fmt::format(", {} tiles", s.tiles * s.tiles) : "");
  const auto urls = s.paging != "none" ? tile_urls(s, a) : std::vector{expand_url(s, a)};
  if (!s.areas.empty() && std::find(s.areas.begin(), s.areas.end(), a.id) == s.areas.end())
    return {s.id, "skipped", "only for another area", 0};
  for (std::size_t i = 0; i < urls.size(); ++i) {
    if (i) msg += fmt::format("\n{:36}", "");
    msg += urls[i];
  }
  return {s.id, "planned", msg, 0};
}

// A model.toml fragment: the catalogue's [source.layer]s with `source` pointing at the file.
void write_model_sources(const Catalogue& c, const Lock& lock, const fs::path& dir) {
  toml::array layers;
  for (const auto& s : c.sources) {
    auto it = lock.entries.find(s.id);
    if (it == lock.entries.end()) continue;
    for (const toml::table& def : s.layers) {
      toml::table layer = def;
      if (!layer.contains("attribution")) layer.insert("attribution", s.attribution);  // CC BY
      // A layer made from other sources' layers (derivation = "expression", e.g. the
      // grondwatertrap from GHG and GLG): written once all of them are fetched, without a file.
      if (const toml::array* with = def["with_sources"].as_array()) {
        layer.erase("with_sources");
        const bool all = std::all_of(with->begin(), with->end(), [&](const toml::node& id) {
          return lock.entries.count(id.value_or(std::string())) > 0;
        });
        if (all) layers.push_back(layer);
        continue;
      }
      toml::table source;
      if (const toml::table* extra = def["source"].as_table()) source = *extra;
      source.insert_or_assign("path",
                              fs::absolute(dir / it->second.output).lexically_normal().string());
      if (it->second.kind == "vector" && !source.contains("layer")) source.insert("layer", s.id);
      layer.insert_or_assign("source", source);
      layers.push_back(layer);
    }
  }
  toml::table root;
  root.insert("layer", layers);
  AtomicOutput out(dir / "model-sources.toml");
  {
    std::ofstream f(out.temp_path());
    f << "# Written by `casco data fetch` from " << c.path << " (area " << lock.area << ").\n"
      << "# Use them in a model.toml with  [model] include = [\"<this file>\"]  (paths are\n"
      << "# absolute), or copy the [[layer]] entries you want.\n\n"
      << root << "\n";
  }
  out.commit();
}

namespace {

void write_attribution(const Lock& lock, const fs::path& dir) {
  AtomicOutput out(dir / "ATTRIBUTION.txt");
  {
    std::ofstream f(out.temp_path());
    f << "Data in this folder (fetched by casco data fetch). Keep these lines with maps and\n"
      << "figures made from it.\n\n";
    for (const auto& [id, e] : lock.entries)
      f << "- " << e.title << " (" << id << "): " << e.attribution << " Licence: " << e.licence
        << ".\n";
  }
  out.commit();
}

}  // namespace

bool FetchReport::ok() const {
  return std::none_of(outcomes.begin(), outcomes.end(),
                      [](const Outcome& o) { return o.status == "failed"; });
}

std::string FetchReport::text() const {
  std::ostringstream s;
  for (const auto& o : outcomes) {
    s << fmt::format("{:<24} {:<10}", o.id, o.status);
    if (o.bytes) s << " " << human_bytes(o.bytes);
    if (!o.message.empty()) s << "  " << o.message;
    s << "\n";
  }
  return s.str();
}

FetchReport fetch(const Catalogue& c, const FetchOptions& o) {
  ensure_gdal_registered();
  if (!o.bbox && o.area.empty() && c.areas.empty())
    fail("{} defines no areas: give --bbox minx,miny,maxx,maxy (RD New)", c.path);
  const Area area = o.bbox           ? area_from_bbox(*o.bbox)
                    : o.area.empty() ? c.areas.front()
                                     : c.area(o.area);
  // Sources marked `surroundings` (networks, nature, facilities people use across the border) are
  // fetched over the area grown by its surroundings.
  const Area around = with_surroundings(area, o.surroundings_m.value_or(area.surroundings_m));
  auto area_for = [&](const Source& s) -> const Area& { return s.surroundings ? around : area; };
  for (const auto& id : o.only)
    if (std::none_of(c.sources.begin(), c.sources.end(),
                     [&](const Source& s) { return s.id == id; }))
      fail("--only {}: {} has no source '{}'", id, c.path, id);
  if (o.dry_run) {  // nothing is downloaded or written
    FetchReport plan;
    for (const auto& s : c.sources)
      if (wanted(s, o)) plan.outcomes.push_back(plan_one(s, area_for(s)));
    return plan;
  }
  std::error_code ec;
  fs::create_directories(o.into / "raw", ec);
  if (ec) fail("cannot create '{}': {}", (o.into / "raw").string(), ec.message());

  Lock lock = read_lock(o.into);
  if (!lock.area.empty() && lock.area != area.id)
    fail("{} holds data for area '{}', not '{}'; use another --into folder", o.into.string(),
         lock.area, area.id);
  lock.area = area.id;
  lock.catalogue = c.path;
  lock.bbox_rd = area.bbox_rd;

  FetchReport report;
  std::map<std::string, std::string> unreachable;  // host -> the source that found it so
  for (const auto& s : c.sources) {
    if (!wanted(s, o)) continue;
    check_interrupted();
    if (!s.areas.empty() && std::find(s.areas.begin(), s.areas.end(), area.id) == s.areas.end()) {
      std::string list;
      for (const auto& id : s.areas) list += (list.empty() ? "" : ", ") + id;
      report.outcomes.push_back({s.id, "skipped", "only for area " + list, 0});
      continue;
    }
    if (s.published) {
      const std::string host = url_host(expand_url(s, area_for(s)));
      if (auto it = unreachable.find(host); it != unreachable.end()) {
        report.outcomes.push_back(
            {s.id, "failed",
             fmt::format("not tried: {} could not be reached for {} (see there); check the "
                         "connection or proxy (libcurl reads https_proxy)",
                         host, it->second),
             0});
        continue;
      }
    }
    try {
      report.outcomes.push_back(fetch_one(s, area_for(s), o, lock));
    } catch (const HostUnreachable& e) {
      if (!e.host.empty()) unreachable.emplace(e.host, s.id);
      report.outcomes.push_back({s.id, "failed", e.what(), 0});
    } catch (const Error& e) {
      report.outcomes.push_back({s.id, "failed", e.what(), 0});
    }
    write_lock(o.into, lock);  // after every source: an interruption keeps what is done
  }
  write_model_sources(c, lock, o.into);
  write_attribution(lock, o.into);
  return report;
}

}  // namespace casco::data
