// Downloads with libcurl: resume onto a .part file (Range), conditional requests (304), retries
// with exponential back-off on transient failures, and a low-speed timeout.
#include <curl/curl.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <memory>
#include <thread>

#include "core/error.hpp"
#include "core/progress.hpp"
#include "datakit/internal.hpp"

namespace casco::data {
namespace {

std::string lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return s;
}

std::string trim(std::string s) {
  auto space = [](unsigned char c) { return std::isspace(c) != 0; };
  while (!s.empty() && space(s.back())) s.pop_back();
  std::size_t a = 0;
  while (a < s.size() && space(s[a])) ++a;
  return s.substr(a);
}

void init_curl_once() {
  static const bool done = [] { return curl_global_init(CURL_GLOBAL_DEFAULT) == CURLE_OK; }();
  if (!done) fail("libcurl could not be initialised");
}

// One HTTP exchange; what the callbacks see.
struct Transfer {
  CURL* curl = nullptr;
  fs::path part;
  std::uint64_t offset = 0;  // bytes already in the .part (Range request when > 0)
  FILE* file = nullptr;
  long status = 0;
  std::uint64_t received = 0;  // body bytes of this response written to the .part
  std::string error_body;      // first bytes of a non-2xx body, for the message
  std::string etag, last_modified, content_type, content_range;
  std::unique_ptr<Progress> progress;
  curl_off_t shown = 0;  // bytes already passed to the progress bar
  std::string label;
  bool show_progress = true;
  bool write_failed = false;
  int write_errno = 0;
  std::string resumed_validator;  // the If-Range value sent with a resume; empty on a fresh request
};

// The validator of the response a .part was started from, for If-Range on resume. Only a strong
// ETag or a Last-Modified date may be used (RFC 9110, 13.1.5).
fs::path validator_path(const fs::path& part) {
  return fs::path(part.string() + ".validator");
}

std::string read_validator(const fs::path& part) {
  std::ifstream in(validator_path(part));
  std::string v;
  std::getline(in, v);
  return trim(v);
}

void save_validator(const Transfer& t) {
  std::string v;
  if (!t.etag.empty() && t.etag.rfind("W/", 0) != 0)
    v = t.etag;
  else if (!t.last_modified.empty())
    v = t.last_modified;
  std::error_code ec;
  if (v.empty())
    fs::remove(validator_path(t.part), ec);
  else
    std::ofstream(validator_path(t.part), std::ios::trunc) << v << "\n";
}

std::size_t on_header(char* data, std::size_t size, std::size_t n, void* user) {
  auto* t = static_cast<Transfer*>(user);
  std::string line(data, size * n);
  if (line.rfind("HTTP/", 0) == 0) {  // a new response (after a redirect): forget the old one
    t->etag.clear(), t->last_modified.clear(), t->content_type.clear(), t->content_range.clear();
    return size * n;
  }
  auto colon = line.find(':');
  if (colon == std::string::npos) return size * n;
  std::string key = lower(line.substr(0, colon)), value = trim(line.substr(colon + 1));
  if (key == "etag") t->etag = value;
  if (key == "last-modified") t->last_modified = value;
  if (key == "content-type") t->content_type = lower(value);
  if (key == "content-range") t->content_range = value;
  return size * n;
}

// Opens the .part on the first body byte, once the status is known: 206 appends, 200 restarts.
bool open_part(Transfer* t) {
  if (t->status == 206) {
    // The server must continue exactly where we stopped.
    std::string expect = "bytes " + std::to_string(t->offset) + "-";
    if (t->content_range.rfind(expect, 0) != 0) return false;
    // A server that ignores If-Range sends the rest of a file that changed: its ETag tells.
    if (!t->resumed_validator.empty() && t->resumed_validator.front() == '"' && !t->etag.empty() &&
        t->etag != t->resumed_validator)
      return false;
    t->file = std::fopen(t->part.c_str(), "ab");
  } else {
    t->offset = 0;
    t->file = std::fopen(t->part.c_str(), "wb");
    if (t->file) save_validator(*t);
  }
  if (!t->file) t->write_errno = errno;
  return t->file != nullptr;
}

std::size_t on_body(char* data, std::size_t size, std::size_t n, void* user) {
  auto* t = static_cast<Transfer*>(user);
  const std::size_t bytes = size * n;
  if (t->status == 0) curl_easy_getinfo(t->curl, CURLINFO_RESPONSE_CODE, &t->status);
  if (t->status != 200 && t->status != 206) {
    if (t->error_body.size() < 2048) t->error_body.append(data, std::min<std::size_t>(bytes, 2048));
    return bytes;
  }
  if (!t->file && !open_part(t)) {
    t->write_failed = true;
    return 0;  // aborts the transfer
  }
  if (std::fwrite(data, 1, bytes, t->file) != bytes) {
    t->write_failed = true;
    t->write_errno = errno;
    return 0;
  }
  t->received += bytes;
  return bytes;
}

int on_progress(void* user, curl_off_t total, curl_off_t now, curl_off_t, curl_off_t) {
  auto* t = static_cast<Transfer*>(user);
  if (interrupted()) return 1;  // Ctrl-C: stop; the .part stays for a later resume
  if (total > 0 && !t->progress && t->show_progress)
    t->progress = std::make_unique<Progress>(t->label, static_cast<std::size_t>(total));
  if (t->progress && now > t->shown) {
    t->progress->advance(static_cast<std::size_t>(now - t->shown));
    t->shown = now;
  }
  return 0;
}

std::uint64_t file_size_or_zero(const fs::path& p) {
  std::error_code ec;
  auto s = fs::file_size(p, ec);
  return ec ? 0 : s;
}

enum class Verdict { Done, NotModified, Retry, Fatal };

struct Attempt {
  Verdict verdict = Verdict::Fatal;
  std::string error;
  bool unreachable = false;  // the host was not found or refused the connection
};

std::string short_body(const std::string& body) {
  std::string s;
  for (char c : body.substr(0, 200)) s += (c == '\n' || c == '\r') ? ' ' : c;
  return trim(s);
}

// Sorts the outcome of one exchange into done / retry / give up.
Attempt judge(const Download& d, Transfer& t, CURLcode rc) {
  if (t.file) {
    // The last buffered bytes reach the disk here: a full disk may only show now.
    if (std::fclose(t.file) != 0 && !t.write_failed) t.write_failed = true, t.write_errno = errno;
    t.file = nullptr;
  }
  if (rc == CURLE_ABORTED_BY_CALLBACK && interrupted())
    fail("{}: interrupted; run the same command again to resume {}", d.what, d.url);
  if (t.write_failed && t.status == 206) {
    std::error_code ec;
    fs::remove(t.part, ec);  // cannot continue this .part: start over on the retry
    fs::remove(validator_path(t.part), ec);
    return {Verdict::Retry, "the server resumed at the wrong offset (" + t.content_range +
                                ") or from a file that changed (ETag " + t.etag + ")"};
  }
  if (t.write_failed)
    fail(
        "{}: cannot write '{}': {}; free disk space or fix the folder's permissions, then run "
        "again (the data already there is left as it was)",
        d.what, t.part.string(), t.write_errno ? std::strerror(t.write_errno) : "write error");
  if (rc != CURLE_OK) {
    const bool transient = rc == CURLE_OPERATION_TIMEDOUT || rc == CURLE_COULDNT_CONNECT ||
                           rc == CURLE_PARTIAL_FILE || rc == CURLE_RECV_ERROR ||
                           rc == CURLE_SEND_ERROR || rc == CURLE_GOT_NOTHING ||
                           rc == CURLE_COULDNT_RESOLVE_HOST || rc == CURLE_HTTP2_STREAM ||
                           rc == CURLE_SSL_CONNECT_ERROR;
    std::string what = curl_easy_strerror(rc);
    if (rc == CURLE_OPERATION_TIMEDOUT) what = "timed out (" + what + ")";
    return {transient ? Verdict::Retry : Verdict::Fatal, what,
            rc == CURLE_COULDNT_RESOLVE_HOST || rc == CURLE_COULDNT_CONNECT};
  }
  if (t.status == 304) return {Verdict::NotModified, ""};
  if (t.status == 416) {  // our .part is longer than the file: start again
    std::error_code ec;
    fs::remove(t.part, ec);
    fs::remove(validator_path(t.part), ec);
    return {Verdict::Retry, "HTTP 416 (range not satisfiable)"};
  }
  if (t.status != 200 && t.status != 206) {
    std::string msg = fmt::format("HTTP {}", t.status);
    if (!t.error_body.empty()) msg += ": " + short_body(t.error_body);
    const bool transient = t.status >= 500 || t.status == 429 || t.status == 408;
    return {transient ? Verdict::Retry : Verdict::Fatal, msg};
  }
  curl_off_t length = -1;
  curl_easy_getinfo(t.curl, CURLINFO_CONTENT_LENGTH_DOWNLOAD_T, &length);
  if (length >= 0 && static_cast<std::uint64_t>(length) != t.received)
    return {Verdict::Retry, fmt::format("truncated: {} of {} bytes", t.received, length)};
  if (t.status == 200 && t.received == 0 && !t.file) {
    std::ofstream(t.part, std::ios::binary | std::ios::trunc);  // an empty but complete body
  }
  return {Verdict::Done, ""};
}

Attempt attempt_once(const Download& d, Transfer& t) {
  CURL* curl = curl_easy_init();
  if (!curl) fail("libcurl could not start a transfer");
  std::unique_ptr<CURL, void (*)(CURL*)> guard(curl, curl_easy_cleanup);
  t.curl = curl;
  t.offset = file_size_or_zero(t.part);
  curl_easy_setopt(curl, CURLOPT_URL, d.url.c_str());
  curl_easy_setopt(curl, CURLOPT_FOLLOWLOCATION, 1L);
  curl_easy_setopt(curl, CURLOPT_MAXREDIRS, 10L);
  curl_easy_setopt(curl, CURLOPT_USERAGENT, "casco-data/1 (+https://github.com/casco)");
  curl_easy_setopt(curl, CURLOPT_CONNECTTIMEOUT, d.connect_timeout_s);
  curl_easy_setopt(curl, CURLOPT_LOW_SPEED_LIMIT, 1L);
  curl_easy_setopt(curl, CURLOPT_LOW_SPEED_TIME, d.low_speed_time_s);
  curl_easy_setopt(curl, CURLOPT_TIMEOUT, d.total_timeout_s);
  curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(curl, CURLOPT_HEADERFUNCTION, on_header);
  curl_easy_setopt(curl, CURLOPT_HEADERDATA, &t);
  curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, on_body);
  curl_easy_setopt(curl, CURLOPT_WRITEDATA, &t);
  curl_easy_setopt(curl, CURLOPT_NOPROGRESS, 0L);
  curl_easy_setopt(curl, CURLOPT_XFERINFOFUNCTION, on_progress);
  curl_easy_setopt(curl, CURLOPT_XFERINFODATA, &t);
  curl_slist* headers = nullptr;
  std::string range;
  if (t.offset > 0) {
    // A plain Range header (not RESUME_FROM): a server that answers 200 simply starts over.
    range = std::to_string(t.offset) + "-";
    curl_easy_setopt(curl, CURLOPT_RANGE, range.c_str());
    // If the file changed since the .part was started, the server sends it whole (200).
    t.resumed_validator = read_validator(t.part);
    if (!t.resumed_validator.empty())
      headers = curl_slist_append(headers, ("If-Range: " + t.resumed_validator).c_str());
  } else {  // only a fresh request may be conditional: a 304 says nothing about a half .part
    if (!d.etag.empty()) headers = curl_slist_append(headers, ("If-None-Match: " + d.etag).c_str());
    if (!d.last_modified.empty())
      headers = curl_slist_append(headers, ("If-Modified-Since: " + d.last_modified).c_str());
  }
  std::unique_ptr<curl_slist, void (*)(curl_slist*)> header_guard(headers, curl_slist_free_all);
  if (headers) curl_easy_setopt(curl, CURLOPT_HTTPHEADER, headers);
  CURLcode rc = curl_easy_perform(curl);
  if (t.status == 0) curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &t.status);
  Attempt a = judge(d, t, rc);
  if (t.progress) t.progress->finish();
  t.progress.reset();
  return a;
}

}  // namespace

std::string url_host(const std::string& url) {
  std::unique_ptr<CURLU, void (*)(CURLU*)> u(curl_url(), curl_url_cleanup);
  char *host = nullptr, *port = nullptr;
  if (curl_url_set(u.get(), CURLUPART_URL, url.c_str(), 0) != CURLUE_OK ||
      curl_url_get(u.get(), CURLUPART_HOST, &host, 0) != CURLUE_OK || !host)
    return "";
  std::string h = host;
  curl_free(host);
  if (curl_url_get(u.get(), CURLUPART_PORT, &port, 0) == CURLUE_OK && port) {
    h += fmt::format(":{}", port);  // only a port written in the URL
    curl_free(port);
  }
  return h;
}

Downloaded download(const Download& d) {
  init_curl_once();
  std::string last_error;
  bool unreachable = false;
  for (int attempt = 0; attempt <= d.retries; ++attempt) {
    if (attempt > 0) {
      const double wait = d.backoff_s * static_cast<double>(1 << std::min(attempt - 1, 10));
      info("{}: {}; retry {} of {} in {:.1f} s", d.what, last_error, attempt, d.retries, wait);
      std::this_thread::sleep_for(std::chrono::duration<double>(wait));
      check_interrupted();
    }
    Transfer t;
    t.part = d.part;
    t.label = d.what;
    t.show_progress = d.show_progress;
    Attempt a = attempt_once(d, t);
    Downloaded out;
    out.attempts = attempt + 1;
    out.etag = t.etag;
    out.last_modified = t.last_modified;
    out.content_type = t.content_type;
    if (a.verdict == Verdict::NotModified) {
      out.not_modified = true;
      return out;
    }
    if (a.verdict == Verdict::Done) {
      std::error_code ec;
      fs::remove(validator_path(d.part), ec);
      out.bytes = file_size_or_zero(d.part);
      return out;
    }
    last_error = a.error;
    unreachable = a.unreachable;
    if (a.verdict == Verdict::Fatal) {
      if (t.status == 404)
        fail(
            "{}: {}: not found (HTTP 404): the catalogue's URL is out of date or the service "
            "moved; look up the current address and correct the catalogue",
            d.what, d.url);
      fail("{}: {}: {}; check the URL in the catalogue", d.what, d.url, a.error);
    }
  }
  const int n = d.retries + 1;
  const std::string kept =
      file_size_or_zero(d.part) > 0
          ? fmt::format("the partial download is kept as '{}' and resumed next time; ",
                        d.part.string())
          : std::string();
  const std::string message = fmt::format(
      "{}: {}: {} (gave up after {} attempt{}); {}check the connection, try again later or "
      "raise --timeout / --retries",
      d.what, d.url, last_error, n, n == 1 ? "" : "s", kept);
  if (unreachable) throw HostUnreachable(message, url_host(d.url));
  throw Error(message);
}

void check_content(const fs::path& file, const std::string& content_type, const std::string& what,
                   const std::string& url, const std::string& format) {
  std::ifstream in(file, std::ios::binary);
  std::string head(4096, '\0');
  in.read(head.data(), static_cast<std::streamsize>(head.size()));
  head.resize(static_cast<std::size_t>(in.gcount()));
  if (head.rfind("\xEF\xBB\xBF", 0) == 0) head = head.substr(3);
  const std::string body = trim(head), low = lower(body);
  if (content_type.rfind("text/html", 0) == 0 || low.rfind("<!doctype", 0) == 0 ||
      low.rfind("<html", 0) == 0)
    fail(
        "{}: {}: the server answered with an HTML page where {} data was expected (a portal, "
        "login or error page); check the URL in the catalogue",
        what, url, format);
  if (low.find("exceptionreport") != std::string::npos ||
      low.find("<serviceexception") != std::string::npos) {
    std::string text;
    for (const char* tag : {"exceptiontext", "serviceexception>", "serviceexception "}) {
      auto p = low.find(tag);
      if (p == std::string::npos) continue;
      auto a = low.find('>', p), b = low.find('<', a + 1);
      if (a != std::string::npos && b != std::string::npos)
        text = trim(body.substr(a + 1, b - a - 1));
      if (!text.empty()) break;
    }
    fail(
        "{}: {}: the service answered with an OGC exception report: {}; check the request "
        "parameters (layer name, bbox, output format) in the catalogue",
        what, url, text.empty() ? short_body(head) : text);
  }
  const bool json_format = format == "geojson" || format == "json";
  const bool json_error =
      content_type.find("problem+json") != std::string::npos ||
      (json_format && low.rfind("{", 0) == 0 && low.find("\"features\"") == std::string::npos &&
       (low.find("\"error\"") != std::string::npos ||
        low.find("\"exception\"") != std::string::npos ||
        low.find("\"detail\"") != std::string::npos ||
        low.find("\"description\"") != std::string::npos));
  if (json_error)
    fail("{}: {}: the service answered with an error: {}; check the request in the catalogue", what,
         url, short_body(head));
}

}  // namespace casco::data
