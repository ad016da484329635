#pragma once
// A progress bar on stderr for long work. Silent when stderr is not a terminal (CI, pipes), so
// logs stay clean. Thread-safe: workers call advance() from any thread.
#include <atomic>
#include <chrono>
#include <cstddef>
#include <mutex>
#include <string>

namespace casco {

class Progress {
 public:
  // total = 0: the amount of work is not known; the label and the count so far are shown.
  Progress(std::string label, std::size_t total);
  ~Progress();
  Progress(const Progress&) = delete;
  Progress& operator=(const Progress&) = delete;

  void advance(std::size_t n = 1);
  void set_label(std::string label);
  void finish();

  // Force on/off (tests, --no-progress); by default on when stderr is a terminal.
  static void set_enabled(bool enabled);

 private:
  void draw(bool force);
  std::string label_;
  std::size_t total_;
  bool unknown_total_;
  std::atomic<std::size_t> done_{0};
  std::mutex mutex_;
  std::chrono::steady_clock::time_point last_draw_{};
  bool enabled_;
  bool finished_ = false;
};

// Set by SIGINT/SIGTERM; long loops call check_interrupted() to stop cleanly (temp files removed).
void install_interrupt_handler();
bool interrupted();
void check_interrupted();

}  // namespace casco
