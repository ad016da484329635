#pragma once
// Content hashes for the store manifest: a rebuild redoes a layer only when its definition or the
// bytes of its source changed.
#include <filesystem>
#include <string>
#include <string_view>

namespace casco {
std::string sha256_hex(std::string_view data);
std::string sha256_file(const std::filesystem::path& path);  // throws casco::Error if unreadable
}  // namespace casco
