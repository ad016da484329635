#include "core/progress.hpp"

#include <unistd.h>

#include <csignal>
#include <cstdio>

#include "core/error.hpp"

namespace casco {
namespace {
int g_enabled = -1;  // -1: decide by isatty
volatile std::sig_atomic_t g_interrupted = 0;
extern "C" void on_signal(int) {
  g_interrupted = 1;
}
}  // namespace

void Progress::set_enabled(bool enabled) {
  g_enabled = enabled ? 1 : 0;
}

Progress::Progress(std::string label, std::size_t total)
    : label_(std::move(label)),
      total_(total == 0 ? 1 : total),
      unknown_total_(total == 0),
      enabled_(g_enabled < 0 ? isatty(2) != 0 : g_enabled == 1) {
  draw(true);
}

Progress::~Progress() {
  finish();
}

void Progress::advance(std::size_t n) {
  done_ += n;
  if (enabled_) draw(false);
}

void Progress::set_label(std::string label) {
  std::lock_guard lock(mutex_);
  label_ = std::move(label);
}

void Progress::finish() {
  if (finished_) return;
  finished_ = true;
  if (!enabled_) return;
  std::lock_guard lock(mutex_);
  std::fprintf(stderr, "\r\x1b[K");
  std::fflush(stderr);
}

void Progress::draw(bool force) {
  if (!enabled_) return;
  std::unique_lock lock(mutex_, std::try_to_lock);
  if (!lock.owns_lock()) return;
  auto now = std::chrono::steady_clock::now();
  if (!force && now - last_draw_ < std::chrono::milliseconds(100)) return;
  last_draw_ = now;
  if (unknown_total_) {
    std::fprintf(stderr, "\r\x1b[K%s: %zu", label_.c_str(), done_.load());
    std::fflush(stderr);
    return;
  }
  std::size_t done = std::min(done_.load(), total_);
  constexpr int kWidth = 30;
  int filled = static_cast<int>(kWidth * done / total_);
  std::string bar(static_cast<std::size_t>(filled), '#');
  bar.append(static_cast<std::size_t>(kWidth - filled), '-');
  std::fprintf(stderr, "\r\x1b[K[%s] %3d%% %s", bar.c_str(), static_cast<int>(100 * done / total_),
               label_.c_str());
  std::fflush(stderr);
}

void install_interrupt_handler() {
  std::signal(SIGINT, on_signal);
  std::signal(SIGTERM, on_signal);
}

bool interrupted() {
  return g_interrupted != 0;
}

void check_interrupted() {
  if (g_interrupted)
    throw Error("interrupted: stopped before finishing; earlier output left intact");
}

}  // namespace casco
