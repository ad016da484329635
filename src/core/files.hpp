#pragma once
// Output files appear whole or not at all: write to a temporary sibling, then rename over the
// target. If the writer throws or is interrupted, the temporary is removed and the old file stays.
#include <filesystem>
#include <vector>

namespace casco {

// Temporaries of casco's own runs that were killed (not just interrupted: those clean up) stay
// behind as NAME.tmp-PID.EXT (or .NAME.tmp-PID for folders). Removes those in `dir` whose process
// is gone and that are older than a minute, or that are older than a day whatever their process;
// returns what was removed. Every AtomicOutput calls it for its folder.
std::vector<std::filesystem::path> remove_stale_temporaries(const std::filesystem::path& dir);

class AtomicOutput {
 public:
  explicit AtomicOutput(std::filesystem::path target);
  ~AtomicOutput();  // removes the temporary unless commit() succeeded
  AtomicOutput(const AtomicOutput&) = delete;
  AtomicOutput& operator=(const AtomicOutput&) = delete;

  const std::filesystem::path& temp_path() const { return temp_; }
  const std::filesystem::path& target() const { return target_; }
  void commit();  // rename temp -> target

 private:
  std::filesystem::path target_;
  std::filesystem::path temp_;
  bool committed_ = false;
};

}  // namespace casco
