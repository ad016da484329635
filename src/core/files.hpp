#pragma once
// Output files appear whole or not at all: write to a temporary sibling, then rename over the
// target. If the writer throws or is interrupted, the temporary is removed and the old file stays.
#include <filesystem>
#include <string>
#include <vector>

namespace casco {

// Temporaries of casco's own runs that were killed (not just interrupted: those clean up) stay
// behind as NAME.tmp-PID.EXT (or .NAME.tmp-PID for folders). Removes those in `dir` whose process
// is gone and that are older than a minute, or that are older than a day whatever their process;
// returns what was removed. Every AtomicOutput calls it for its folder.
std::vector<std::filesystem::path> remove_stale_temporaries(const std::filesystem::path& dir);

// Fails with a clear message, before any work starts, when casco could not write into `folder`
// (or create it: nothing is created here) or could not replace `file` (the file and its folder must be
// writable). `what` names the output in the message ("the output folder", "the model store").
void check_writable_folder(const std::filesystem::path& folder, const std::string& what);
void check_writable_file(const std::filesystem::path& file, const std::string& what);

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
