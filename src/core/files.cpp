#include "core/files.hpp"

#include <signal.h>
#include <unistd.h>

#include <cctype>
#include <cerrno>
#include <chrono>
#include <string>
#include <system_error>

#include "core/error.hpp"

namespace casco {

namespace {

// The process id in a temporary's name — stem.tmp-PID[.ext][-journal|-wal|-shm], or .name.tmp-PID
// (a folder being filled) — or -1 when the name is not one of casco's temporaries.
long temporary_pid(const std::string& name) {
  const std::size_t at = name.rfind(".tmp-");
  if (at == std::string::npos || at == 0) return -1;
  std::size_t i = at + 5, digits = 0;
  long pid = 0;
  while (i < name.size() && std::isdigit(static_cast<unsigned char>(name[i])) && digits < 10) {
    pid = pid * 10 + (name[i] - '0');
    ++i, ++digits;
  }
  if (digits == 0 || (i < name.size() && std::isdigit(static_cast<unsigned char>(name[i]))))
    return -1;
  if (i < name.size() && name[i] == '.') {  // the extension: letters and digits
    const std::size_t start = ++i;
    while (i < name.size() && std::isalnum(static_cast<unsigned char>(name[i]))) ++i;
    if (i == start) return -1;
  }
  const std::string rest = name.substr(i);
  return rest.empty() || rest == "-journal" || rest == "-wal" || rest == "-shm" ? pid : -1;
}

bool process_alive(long pid) {
  return pid > 0 && (kill(static_cast<pid_t>(pid), 0) == 0 || errno == EPERM);
}

}  // namespace

std::vector<std::filesystem::path> remove_stale_temporaries(const std::filesystem::path& dir) {
  namespace fs = std::filesystem;
  std::vector<fs::path> removed;
  std::error_code ec;
  fs::directory_iterator it(dir.empty() ? fs::path(".") : dir, ec);
  if (ec) return removed;
  const auto now = fs::file_time_type::clock::now();
  for (; it != fs::directory_iterator(); it.increment(ec)) {
    if (ec) break;
    const std::string name = it->path().filename().string();
    const long pid = temporary_pid(name);
    if (pid < 0) continue;
    if (pid == static_cast<long>(getpid())) continue;
    std::error_code tec;
    const auto age = now - fs::last_write_time(it->path(), tec);
    if (tec) continue;
    const bool stale =
        (!process_alive(pid) && age > std::chrono::minutes(1)) || age > std::chrono::hours(24);
    if (!stale) continue;
    std::error_code rec;
    fs::remove_all(it->path(), rec);
    if (!rec) removed.push_back(it->path());
  }
  for (const auto& p : removed)
    info("removed '{}', left behind by an earlier casco run that was stopped", p.string());
  return removed;
}

void check_writable_folder(const std::filesystem::path& folder, const std::string& what) {
  namespace fs = std::filesystem;
  // Nothing is created here (an error later must leave nothing behind): the folder, or the
  // nearest existing folder above it, must be a folder casco may write into.
  fs::path dir = folder.empty() ? fs::path(".") : fs::absolute(folder);
  std::error_code ec;
  while (!fs::exists(dir, ec) && dir.has_parent_path() && dir.parent_path() != dir)
    dir = dir.parent_path();
  if (!fs::is_directory(dir, ec))
    fail("cannot make {} '{}': '{}' is a file, not a folder; choose another folder with -o", what,
         folder.string(), dir.string());
  if (access(dir.c_str(), W_OK | X_OK) != 0)
    fail(
        "cannot write {} '{}': '{}' is not writable ({}); choose another folder with -o, or "
        "change its permissions",
        what, folder.string(), dir.string(),
        std::error_code(errno, std::generic_category()).message());
}

void check_writable_file(const std::filesystem::path& file, const std::string& what) {
  namespace fs = std::filesystem;
  const fs::path dir = file.parent_path().empty() ? fs::path(".") : file.parent_path();
  std::error_code ec;
  if (fs::exists(file, ec) && access(file.c_str(), W_OK) != 0)
    fail("cannot write {} '{}': {}; change its permissions or write elsewhere", what, file.string(),
         std::error_code(errno, std::generic_category()).message());
  if (fs::exists(dir, ec) && access(dir.c_str(), W_OK | X_OK) != 0)
    fail(
        "cannot write {} '{}': its folder '{}' is not writable ({}); change its permissions or "
        "write elsewhere",
        what, file.string(), dir.string(),
        std::error_code(errno, std::generic_category()).message());
}

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
  remove_stale_temporaries(target_.parent_path());
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
