#pragma once
// Content hashes for the store manifest: a rebuild redoes a layer only when its definition or the
// bytes of its source changed.
#include <filesystem>
#include <string>
#include <string_view>

namespace casco {
std::string sha256_hex(std::string_view data);

// SHA-256 over data given in pieces.
class Sha256 {
 public:
  Sha256();
  ~Sha256();
  Sha256(const Sha256&) = delete;
  Sha256& operator=(const Sha256&) = delete;
  void update(const void* data, std::size_t bytes);
  std::string hex();  // once, at the end

 private:
  struct Impl;
  Impl* impl_;
};
std::string sha256_file(const std::filesystem::path& path);  // throws casco::Error if unreadable
}  // namespace casco
