#pragma once
// Small pieces every handler of the viewer's server uses: refusals with a message in English and
// Dutch, JSON answers, parsing of path and query parts, and the checks on request paths.
#include <httplib.h>

#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/error.hpp"

namespace casco::viewer {

using json = nlohmann::json;

// A request the server refuses on purpose, with the message in English and Dutch.
struct HttpError {
  int status;
  std::string en, nl;
};

[[noreturn]] void reject(int status, std::string en, std::string nl);

// Request text echoed in messages may not be UTF-8: replace, never throw.
std::string dump(const json& j);
void send_json(httplib::Response& res, const json& j, int status = 200);
void send_error(httplib::Response& res, int status, const std::string& en, const std::string& nl);

// Runs a handler; refusals and failures become JSON errors so one bad request never ends the
// server.
template <typename F>
void guarded(httplib::Response& res, F&& f) {
  try {
    f();
  } catch (const HttpError& e) {
    send_error(res, e.status, e.en, e.nl);
  } catch (const Error& e) {
    send_error(res, 500, e.what(), std::string("interne fout: ") + e.what());
  } catch (const std::exception& e) {
    send_error(res, 500, std::string("internal error: ") + e.what(),
               std::string("interne fout: ") + e.what());
  }
}

// Whole non-negative numbers only: no signs, spaces or exponents in tile paths.
std::optional<int> parse_int(std::string_view s);
std::optional<double> parse_double(const std::string& s);
// A query parameter in degrees; refuses (400) a missing or out-of-range value.
double degrees_param(const httplib::Request& req, const char* name, double limit);

std::vector<std::string_view> split(std::string_view s, char sep);
bool ends_with(std::string_view s, std::string_view tail);
std::string lower(std::string s);

// Paths that try to leave their folder or smuggle separators past the router.
bool suspicious_target(const httplib::Request& req);
std::string mime_of(const std::string& name);

// The bytes as a gzip stream (zlib, level 6): the viewer's bundle is compressed once when the
// server starts, not per request (cpp-httplib would brotli-compress a 400 kB script on every
// request, seconds each).
std::string gzip(const std::string& bytes);
// Whether the client accepts gzip (Accept-Encoding).
bool accepts_gzip(const httplib::Request& req);

}  // namespace casco::viewer
