#pragma once
// Errors and warnings. Every user-facing failure is a casco::Error whose message names the file,
// line or feature and says what to do; the CLI prints it and exits non-zero.
#include <fmt/format.h>

#include <functional>
#include <stdexcept>
#include <string>
#include <string_view>

namespace casco {

class Error : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

template <typename... Args>
[[noreturn]] void fail(fmt::format_string<Args...> f, Args&&... args) {
  throw Error(fmt::format(f, std::forward<Args>(args)...));
}

// Warnings go to stderr by default; tests install their own sink to check them.
using WarningSink = std::function<void(std::string_view)>;
WarningSink set_warning_sink(WarningSink sink);
void warn_message(std::string_view message);

template <typename... Args>
void warn(fmt::format_string<Args...> f, Args&&... args) {
  warn_message(fmt::format(f, std::forward<Args>(args)...));
}

// Informational messages (stderr, suppressed with --quiet; tests may install a sink).
void set_quiet(bool quiet);
WarningSink set_info_sink(WarningSink sink);
void info_message(std::string_view message);
template <typename... Args>
void info(fmt::format_string<Args...> f, Args&&... args) {
  info_message(fmt::format(f, std::forward<Args>(args)...));
}

}  // namespace casco
