#include "report/pdf.hpp"

#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <thread>
#include <vector>

#include "core/error.hpp"

namespace casco::report {
namespace fs = std::filesystem;

std::optional<fs::path> find_chromium() {
  if (const char* env = std::getenv("CASCO_CHROMIUM")) {
    if (*env && ::access(env, X_OK) == 0) return fs::path(env);
    return std::nullopt;
  }
  const char* path = std::getenv("PATH");
  const std::string dirs = path ? path : "/usr/bin:/bin";
  for (const char* name : {"chromium", "chromium-browser"}) {
    for (std::size_t a = 0, b; a <= dirs.size(); a = b + 1) {
      b = dirs.find(':', a);
      if (b == std::string::npos) b = dirs.size();
      const fs::path candidate = fs::path(dirs.substr(a, b - a)) / name;
      if (b > a && ::access(candidate.c_str(), X_OK) == 0) return candidate;
    }
  }
  return std::nullopt;
}

std::string print_pdf(const fs::path& chromium, const fs::path& html, const fs::path& pdf,
                      const fs::path& profile) {
  std::vector<std::string> args = {chromium.string(),
                                   "--headless",
                                   "--no-sandbox",
                                   "--disable-gpu",
                                   "--no-first-run",
                                   "--disable-background-networking",
                                   "--disable-component-update",
                                   "--disable-sync",
                                   "--no-pdf-header-footer",
                                   "--user-data-dir=" + profile.string(),
                                   "--print-to-pdf=" + pdf.string(),
                                   html.string()};
  std::vector<char*> argv;
  for (auto& s : args) argv.push_back(s.data());
  argv.push_back(nullptr);
  const pid_t pid = fork();
  if (pid < 0) return "cannot start chromium (fork failed)";
  if (pid == 0) {
    const int null = ::open("/dev/null", O_RDWR);
    if (null >= 0)
      for (int fd = 0; fd < 3; ++fd) (void)dup2(null, fd);
    execv(argv[0], argv.data());
    _exit(127);
  }
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::minutes(2);
  int status = 0;
  while (true) {
    const pid_t r = waitpid(pid, &status, WNOHANG);
    if (r == pid) break;
    if (r < 0) return "cannot wait for chromium";
    if (std::chrono::steady_clock::now() > deadline) {
      kill(pid, SIGKILL);
      waitpid(pid, &status, 0);
      return "chromium took longer than two minutes";
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0 || !fs::exists(pdf))
    return fmt::format("chromium exited with status {}",
                       WIFEXITED(status) ? WEXITSTATUS(status) : -1);
  return "";
}

namespace {

// The end of the PDF literal string that starts at `open` (its '('), or npos.
std::size_t string_end(const std::string& s, std::size_t open) {
  int depth = 0;
  for (std::size_t i = open; i < s.size(); ++i) {
    if (s[i] == '\\') {
      ++i;
    } else if (s[i] == '(') {
      ++depth;
    } else if (s[i] == ')' && --depth == 0) {
      return i;
    }
  }
  return std::string::npos;
}

// "file:///tmp/.rapport.tmp-1/assen.html#water" -> "assen.pdf#water".
std::string relative_target(const std::string& uri) {
  const std::size_t hash = uri.find('#');
  std::string path = uri.substr(0, hash),
              fragment = hash == std::string::npos ? "" : uri.substr(hash);
  std::string name = path.substr(path.rfind('/') + 1);
  if (name.size() > 5 && name.compare(name.size() - 5, 5, ".html") == 0)
    name = name.substr(0, name.size() - 5) + ".pdf";
  return name + fragment;
}

}  // namespace

std::size_t relative_links(const fs::path& pdf) {
  std::string bytes;
  {
    std::ifstream in(pdf, std::ios::binary);
    if (!in) fail("cannot read '{}'", pdf.string());
    std::stringstream ss;
    ss << in.rdbuf();
    bytes = ss.str();
  }
  const std::string key = "/URI (";
  std::size_t changed = 0;
  for (std::size_t at = bytes.find(key); at != std::string::npos; at = bytes.find(key, at + 1)) {
    const std::size_t open = at + key.size() - 1, close = string_end(bytes, open);
    if (close == std::string::npos) break;
    const std::string uri = bytes.substr(open + 1, close - open - 1);
    if (uri.rfind("file:", 0) != 0) continue;
    std::string replacement(1, '(');
    replacement += relative_target(uri);
    replacement += ')';
    if (replacement.size() > close - open + 1) continue;  // cannot happen: the path got shorter
    replacement.append(close - open + 1 - replacement.size(), ' ');
    bytes.replace(open, replacement.size(), replacement);
    ++changed;
  }
  if (changed) {
    std::ofstream out(pdf, std::ios::binary | std::ios::trunc);
    out << bytes;
    if (!out) fail("cannot write '{}'", pdf.string());
  }
  return changed;
}

}  // namespace casco::report
