#include "core/files.hpp"

#include <unistd.h>

#include <system_error>

#include "core/error.hpp"

namespace casco {

AtomicOutput::AtomicOutput(std::filesystem::path target) : target_(std::move(target)) {
  auto dir = target_.parent_path();
  if (!dir.empty() && !std::filesystem::exists(dir)) {
    std::error_code ec;
    std::filesystem::create_directories(dir, ec);
    if (ec) fail("cannot create folder '{}': {}", dir.string(), ec.message());
  }
  // Keep the extension last: GDAL picks drivers by it.
  temp_ = target_.parent_path() / (target_.stem().string() + ".tmp-" + std::to_string(getpid()) +
                                   target_.extension().string());
  std::error_code ec;
  std::filesystem::remove(temp_, ec);
}

AtomicOutput::~AtomicOutput() {
  if (!committed_) {
    std::error_code ec;
    std::filesystem::remove(temp_, ec);
  }
}

void AtomicOutput::commit() {
  std::error_code ec;
  std::filesystem::rename(temp_, target_, ec);
  if (ec) fail("cannot move '{}' to '{}': {}", temp_.string(), target_.string(), ec.message());
  committed_ = true;
}

}  // namespace casco
