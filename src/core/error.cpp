#include "core/error.hpp"

#include <unistd.h>

#include <cstdio>
#include <mutex>

namespace casco {
namespace {
std::mutex g_mutex;
WarningSink g_sink;
WarningSink g_info_sink;
bool g_quiet = false;
}  // namespace

WarningSink set_warning_sink(WarningSink sink) {
  std::lock_guard lock(g_mutex);
  std::swap(g_sink, sink);
  return sink;
}

void warn_message(std::string_view message) {
  std::lock_guard lock(g_mutex);
  if (g_sink) {
    g_sink(message);
    return;
  }
  // On a terminal, first clear a progress bar that may occupy the line.
  std::fprintf(stderr, "%scasco: warning: %.*s\n", isatty(2) ? "\r\x1b[K" : "",
               static_cast<int>(message.size()), message.data());
}

void set_quiet(bool quiet) {
  g_quiet = quiet;
}

WarningSink set_info_sink(WarningSink sink) {
  std::lock_guard lock(g_mutex);
  std::swap(g_info_sink, sink);
  return sink;
}

void info_message(std::string_view message) {
  std::lock_guard lock(g_mutex);
  if (g_info_sink) {
    g_info_sink(message);
    return;
  }
  if (g_quiet) return;
  std::fprintf(stderr, "%.*s\n", static_cast<int>(message.size()), message.data());
}

}  // namespace casco
