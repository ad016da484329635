// Paged vector services. PDOK's WFS and OGC API Features answer at most a page of features per
// request (often 1,000): a province needs hundreds of pages. WFS 2.0 pages with count/startIndex;
// OGC API Features (and some WFS 3 servers) link to the next page with rel="next". Each page is a
// small download of its own (retries, content checks, resumable); the pages are then merged into
// one GeoJSON FeatureCollection, dropping features that two pages both returned.
#include <curl/curl.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <set>
#include <sstream>
#include <unordered_set>

#include "core/error.hpp"
#include "core/files.hpp"
#include "core/progress.hpp"
#include "datakit/internal.hpp"

namespace casco::data {
namespace {

using json = nlohmann::json;

std::string lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return s;
}

// libcurl's URL parser: resolves relative links and edits the query without hand-made parsing.
struct Url {
  std::unique_ptr<CURLU, void (*)(CURLU*)> h{curl_url(), curl_url_cleanup};

  explicit Url(const std::string& url, const std::string& what) {
    if (curl_url_set(h.get(), CURLUPART_URL, url.c_str(), 0) != CURLUE_OK)
      fail("{}: '{}' is not a valid URL; correct it in the catalogue", what, url);
  }
  std::string get(CURLUPart part) const {
    char* text = nullptr;
    if (curl_url_get(h.get(), part, &text, 0) != CURLUE_OK || !text) return "";
    std::string s = text;
    curl_free(text);
    return s;
  }
  std::string str() const { return get(CURLUPART_URL); }
  // Sets key=value in the query, replacing the key in any letter case (WFS keys are
  // case-insensitive: STARTINDEX and startIndex are the same parameter).
  void set_param(const std::string& key, const std::string& value) {
    std::string query = get(CURLUPART_QUERY), out;
    std::size_t a = 0;
    while (a <= query.size() && !query.empty()) {
      std::size_t b = query.find('&', a);
      if (b == std::string::npos) b = query.size();
      const std::string item = query.substr(a, b - a);
      const std::string name = item.substr(0, item.find('='));
      if (!item.empty() && lower(name) != lower(key)) {
        if (!out.empty()) out += '&';
        out += item;
      }
      a = b + 1;
    }
    out += fmt::format("{}{}={}", out.empty() ? "" : "&", key, value);
    curl_url_set(h.get(), CURLUPART_QUERY, out.c_str(), 0);
  }
  bool has_param(const std::string& key) const {
    const std::string query = fmt::format("&{}", lower(get(CURLUPART_QUERY)));
    return query.find(fmt::format("&{}=", lower(key))) != std::string::npos;
  }
  // A link from a page, absolute or relative to it.
  std::string resolve(const std::string& href) const {
    Url u(str(), "link");
    if (curl_url_set(u.h.get(), CURLUPART_URL, href.c_str(), 0) != CURLUE_OK) return "";
    return u.str();
  }
};

// What a page says about itself.
struct Page {
  json items = json::array();  // GeoJSON "features", OData "value"
  std::optional<json> crs;     // the GeoJSON 2008 "crs" member WFS servers add for RD New
  std::string next;            // rel="next" link or odata.nextLink, resolved
  std::optional<std::uint64_t> matched;
};

Page read_page(const fs::path& file, const std::string& url, const std::string& what,
               const std::string& paging) {
  std::ifstream in(file, std::ios::binary);
  json doc;
  try {
    doc = json::parse(in);
  } catch (const json::exception& e) {
    fail(
        "{}: the page {} is not valid JSON ({}); the service may have cut the answer off — run "
        "again, or check the URL in the catalogue",
        what, url, e.what());
  }
  const char* key = paging == "odata" ? "value" : "features";
  if (!doc.is_object() || !doc.contains(key) || !doc[key].is_array())
    fail("{}: the page {} has no \"{}\" array; check that the URL asks for {}", what, url, key,
         paging == "odata" ? "JSON ($format=json)"
                           : "GeoJSON (outputFormat=application/json, f=json)");
  Page p;
  p.items = std::move(doc[key]);
  if (doc.contains("crs")) p.crs = doc["crs"];
  if (auto m = doc.find("numberMatched"); m != doc.end() && m->is_number_unsigned())
    p.matched = m->get<std::uint64_t>();
  std::string href;
  if (auto n = doc.find("odata.nextLink"); n != doc.end() && n->is_string()) href = *n;
  if (auto links = doc.find("links"); href.empty() && links != doc.end() && links->is_array())
    for (const auto& l : *links)
      if (l.is_object() && l.value("rel", "") == "next" && l.contains("href") &&
          l["href"].is_string()) {
        href = l["href"].get<std::string>();
        break;
      }
  if (!href.empty()) p.next = Url(url, what).resolve(href);
  return p;
}

// A feature's identity for duplicate detection: its "id", else none (kept as is). Features that
// cross a tile border come back from both tiles with the same id.
std::optional<std::string> feature_id(const json& f) {
  auto id = f.find("id");
  if (id == f.end() || id->is_null()) return std::nullopt;
  return id->is_string() ? id->get<std::string>() : id->dump();
}

fs::path page_file(const fs::path& dir, std::size_t tile, std::uint64_t n) {
  return dir / fmt::format("tile-{:03}-page-{:06}.json", tile + 1, n);
}

// The pages folder belongs to one list of first-page URLs: pages of another request are not
// resumed.
void prepare_pages_dir(const fs::path& dir, const std::string& urls, const std::string& what) {
  const fs::path stamp = dir / "urls.txt";
  std::string have;
  if (std::ifstream in(stamp); in) {
    std::stringstream ss;
    ss << in.rdbuf();
    have = ss.str();
  }
  std::error_code ec;
  if (have != urls) {
    fs::remove_all(dir, ec);
    fs::create_directories(dir, ec);
    if (ec) fail("{}: cannot create '{}': {}", what, dir.string(), ec.message());
    std::ofstream(stamp) << urls;
  }
}

std::string first_page(const PagedDownload& d, const std::string& url) {
  Url first(url, d.base.what);
  if (d.paging == "wfs") {
    first.set_param("count", std::to_string(d.page_size));
    first.set_param("startIndex", "0");
  } else if (d.paging == "next" && !first.has_param("limit")) {
    first.set_param("limit", std::to_string(d.page_size));
  }
  return first.str();
}

// Writes the merged collection: header once, then items as they come, duplicates dropped.
class Merger {
 public:
  Merger(const fs::path& out, bool geojson) : file_(out), geojson_(geojson) {
    out_.open(file_.temp_path(), std::ios::binary);
  }
  void add(const Page& p, PagedResult& r) {
    if (!header_) {
      out_ << "{";
      if (geojson_) out_ << "\"type\":\"FeatureCollection\",";
      if (geojson_ && p.crs) out_ << "\"crs\":" << p.crs->dump() << ",";
      out_ << (geojson_ ? "\"features\":[\n" : "\"value\":[\n");
      header_ = true;
    }
    std::uint64_t fresh = 0;
    for (const auto& f : p.items) {
      if (auto id = geojson_ ? feature_id(f) : std::nullopt; id && !ids_.insert(*id).second) {
        ++r.duplicates;
        continue;
      }
      out_ << (first_ ? "" : ",\n") << f.dump();
      first_ = false;
      ++fresh;
    }
    r.features += fresh;
  }
  void commit(const std::string& what) {
    if (!header_)
      out_ << (geojson_ ? "{\"type\":\"FeatureCollection\",\"features\":[" : "{\"value\":[");
    out_ << "\n]}\n";
    out_.close();
    if (!out_)
      fail("{}: cannot write '{}': {}; free disk space or fix the folder's permissions", what,
           file_.temp_path().string(), std::strerror(errno));
    file_.commit();
  }

 private:
  AtomicOutput file_;
  bool geojson_;
  std::ofstream out_;
  bool header_ = false, first_ = true;
  std::unordered_set<std::string> ids_;
};

}  // namespace

PagedResult download_pages(const PagedDownload& d) {
  const std::string& what = d.base.what;
  if (d.paging != "wfs" && d.paging != "next" && d.paging != "odata")
    fail("{}: paging '{}' is unknown; use \"wfs\", \"next\", \"odata\" or \"none\"", what,
         d.paging);
  if (d.urls.empty()) fail("{}: nothing to download", what);
  std::vector<std::string> firsts;
  std::string stamp;
  for (const auto& u : d.urls) {
    firsts.push_back(first_page(d, u));
    stamp += firsts.back() + "\n";
  }
  prepare_pages_dir(d.pages_dir, stamp, what);

  Merger merged(d.out, d.paging != "odata");
  PagedResult r;
  for (std::size_t tile = 0; tile < firsts.size(); ++tile) {
    std::set<std::string> seen_urls;
    std::unique_ptr<Progress> progress;
    std::string url = firsts[tile];
    std::uint64_t start = 0, pages = 0, matched = 0;
    json previous;
    const std::string label =
        firsts.size() > 1 ? fmt::format("{} tile {}/{}", what, tile + 1, firsts.size()) : what;
    while (!url.empty()) {
      check_interrupted();
      if (static_cast<long>(pages) >= d.max_pages)
        fail(
            "{}: more than {} pages; the service does not seem to end (check the paging "
            "settings in the catalogue)",
            label, d.max_pages);
      if (!seen_urls.insert(url).second)
        fail("{}: the service links back to a page it already gave ({}); it cannot be paged", label,
             url);
      const fs::path file = page_file(d.pages_dir, tile, pages + 1);
      if (!fs::exists(file)) {  // pages of an interrupted run are kept and not fetched again
        Download page = d.base;
        page.url = url;
        page.part = fs::path(file.string() + ".part");
        page.etag.clear(), page.last_modified.clear();
        page.show_progress = false;
        Downloaded got = download(page);
        try {
          check_content(page.part, got.content_type, what, url, d.format);
        } catch (const Error&) {
          std::error_code ec;
          fs::remove(page.part, ec);
          throw;
        }
        fs::rename(page.part, file);
      }
      Page p = read_page(file, url, what, d.paging);
      ++pages;
      r.bytes += fs::file_size(file);
      if (p.matched) matched = *p.matched;
      // Features so far against numberMatched when the service gives it, else a running count.
      if (!progress) progress = std::make_unique<Progress>(label + " (features)", matched);
      merged.add(p, r);
      progress->advance(p.items.size());
      // The same page twice in a row: the server ignores the paging parameters. (A page of only
      // features seen before is fine: large polygons come back from every tile they cross.)
      if (!p.items.empty() && p.items == previous)
        fail(
            "{}: page {} repeats features of earlier pages; the service ignores {} — set "
            "paging = \"none\" in the catalogue or use its bulk download",
            label, pages, d.paging == "wfs" ? "startIndex" : "the next link");

      previous = std::move(p.items);
      if (d.paging != "wfs") {
        url = previous.empty() ? "" : p.next;
      } else {
        // Stop on an empty page or when numberMatched is reached. A page shorter than asked may
        // only mean the server caps the page size, so that alone does not end the loop.
        start += previous.size();
        if (previous.empty() || (matched > 0 && start >= matched)) {
          url.clear();
        } else {
          Url next(firsts[tile], what);
          next.set_param("startIndex", std::to_string(start));
          url = next.str();
        }
      }
    }
    r.pages += pages;
    r.matched += matched;
    if (progress) progress->finish();
  }
  merged.commit(what);
  std::error_code ec;
  fs::remove_all(d.pages_dir, ec);  // merged: the pages have done their work
  return r;
}

}  // namespace casco::data
