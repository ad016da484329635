#pragma once
// Pieces shared by the datakit .cpp files: the HTTP download (libcurl), the lock file and the
// content checks. Not part of the public interface (fetch.hpp).
#include <cstdint>
#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include "core/error.hpp"
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
  bool show_progress = true;  // off for the pages of a paged download (one bar for them all)
};

struct Downloaded {
  bool not_modified = false;  // 304: the file we have is current
  std::string etag, last_modified, content_type;
  std::uint64_t bytes = 0;  // size of the complete .part
  int attempts = 0;
};

// The host of a download could not be reached at all (name not resolved, connection refused) after
// the retries: other sources on the same host are not tried in this run.
class HostUnreachable : public Error {
 public:
  HostUnreachable(const std::string& message, std::string host)
      : Error(message), host(std::move(host)) {}
  std::string host;
};
std::string url_host(const std::string& url);  // host[:port]; "" when the URL cannot be parsed

// Throws casco::Error naming the source and URL: HTTP errors (no retry on 4xx), timeouts and
// broken connections after the retries, truncated bodies. A .part is resumed with If-Range set to
// the validator of the response that started it (kept beside it in <part>.validator), so a file
// that changed on the server meanwhile is downloaded whole instead of spliced.
Downloaded download(const Download& d);

// Paged services (WFS 2.0 startIndex/count, OGC API Features rel="next" links, OData nextLink):
// every page is downloaded like a file (retries, content checks) into `pages_dir`, and the pages
// of all tiles are merged into one GeoJSON FeatureCollection (OData: one "value" array) at `out`,
// features with the same id kept once. Completed pages survive an interruption: the next run
// continues after the last one.
struct PagedDownload {
  Download base;                  // timeouts and retries for every page; url and part unused
  std::vector<std::string> urls;  // first pages: one per tile of the area
  std::string paging;             // "wfs" | "next" | "odata" (odata.nextLink, "value" arrays)
  long page_size = 1000;    // features per request (WFS count; OGC API limit when not in the URL)
  long max_pages = 100000;  // a service that never ends is an error
  fs::path pages_dir;
  fs::path out;
  std::string format;  // for content-check messages
};
struct PagedResult {
  std::uint64_t features = 0, pages = 0, duplicates = 0, bytes = 0;
  std::uint64_t matched = 0;  // numberMatched when the service said so, else 0
};
PagedResult download_pages(const PagedDownload& d);

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
// DIR/model-sources.toml: one [[layer]] per fetched source that defines one, for
// `include = [...]` in a model.toml.
void write_model_sources(const Catalogue& c, const Lock& lock, const fs::path& dir);
Lock read_lock(const fs::path& dir);  // empty lock when the file does not exist
void write_lock(const fs::path& dir, const Lock& lock);
std::string now_utc();
double age_days(const std::string& iso_utc);
std::string human_bytes(std::uint64_t bytes);

}  // namespace casco::data
