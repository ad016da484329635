#pragma once
// Pieces shared by the datakit .cpp files: the HTTP download (libcurl), the lock file and the
// content checks. Not part of the public interface (fetch.hpp).
#include <cstdint>
#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include "datakit/fetch.hpp"

namespace casco::data {

struct Download {
  std::string what;  // source id, for messages
  std::string url;
  fs::path part;                    // bytes land here; a .part left by a broken transfer is resumed
  std::string etag, last_modified;  // validators from the lock: conditional request
  long connect_timeout_s = 30, low_speed_time_s = 60, total_timeout_s = 0;
  int retries = 4;
  double backoff_s = 2.0;
};

struct Downloaded {
  bool not_modified = false;  // 304: the file we have is current
  std::string etag, last_modified, content_type;
  std::uint64_t bytes = 0;  // size of the complete .part
  int attempts = 0;
};

// Throws casco::Error naming the source and URL: HTTP errors (no retry on 4xx), timeouts and
// broken connections after the retries, truncated bodies.
Downloaded download(const Download& d);

// Throws casco::Error when `file` holds an HTML page, an OGC exception report or a JSON error
// where `format` data was expected.
void check_content(const fs::path& file, const std::string& content_type, const std::string& what,
                   const std::string& url, const std::string& format);

struct LockEntry {
  std::string title, url, etag, last_modified, sha256, fetched_at, licence, attribution;
  std::string raw, output, kind;  // paths relative to DIR; kind: vector | raster | file
  std::uint64_t bytes = 0;
  std::vector<std::string> attributes;
};

struct Lock {
  std::string area, catalogue;
  std::array<double, 4> bbox_rd{};
  std::map<std::string, LockEntry> entries;
};

constexpr const char* kLockName = "casco-data.lock";
Lock read_lock(const fs::path& dir);  // empty lock when the file does not exist
void write_lock(const fs::path& dir, const Lock& lock);
std::string now_utc();
double age_days(const std::string& iso_utc);
std::string human_bytes(std::uint64_t bytes);

}  // namespace casco::data
