#pragma once
// Output files appear whole or not at all: write to a temporary sibling, then rename over the
// target. If the writer throws or is interrupted, the temporary is removed and the old file stays.
#include <filesystem>

namespace casco {

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
