#include "fuzz_util.hpp"

#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <fstream>

#include "core/error.hpp"

namespace casco::fuzz {

const std::filesystem::path& scratch() {
  static const std::filesystem::path dir = [] {
    auto d = std::filesystem::temp_directory_path() / ("casco-fuzz-" + std::to_string(getpid()));
    std::filesystem::create_directories(d);
    std::atexit([] {
      std::error_code ec;
      std::filesystem::remove_all(scratch(), ec);
    });
    return d;
  }();
  return dir;
}

std::filesystem::path write_input(const std::string& name, const std::string& text) {
  const auto path = scratch() / name;
  std::filesystem::create_directories(path.parent_path());
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << text;
  if (!out) finding("cannot write the scratch file " + path.string());
  return path;
}

std::filesystem::path write_folder(const std::string& folder, const std::string& text,
                                   const std::string& extension) {
  const auto dir = scratch() / folder;
  std::error_code ec;
  std::filesystem::remove_all(dir, ec);
  std::filesystem::create_directories(dir);
  std::string name, body;
  auto flush = [&] {
    if (!name.empty()) write_input(folder + "/" + name, body);
    name.clear();
    body.clear();
  };
  std::size_t at = 0;
  while (at < text.size()) {
    std::size_t end = text.find('\n', at);
    if (end == std::string::npos) end = text.size();
    const std::string line = text.substr(at, end - at);
    if (line.rfind("@@ ", 0) == 0) {
      flush();
      name = line.substr(3);
      bool plain = name.size() > extension.size() && name.size() < 40 && name.ends_with(extension);
      for (char c : name.substr(0, name.size() - extension.size()))
        plain = plain && ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_');
      if (!plain) name = "other" + extension;
    } else {
      body += line;
      if (end < text.size()) body += '\n';
    }
    at = end + 1;
  }
  flush();
  return dir;
}

void quiet() {
  static const bool once = [] {
    set_warning_sink([](std::string_view) {});
    set_quiet(true);
    return true;
  }();
  (void)once;
}

void finding(const std::string& what) {
  std::fprintf(stderr, "casco fuzz finding: %s\n", what.c_str());
  std::fflush(stderr);
  std::abort();
}

namespace {

// "file:12:3: ..." or "file:12: ..." → 12; 0 when the message gives no line right after the file.
long line_after(const std::string& message, const std::string& file) {
  if (message.compare(0, file.size() + 1, file + ":") != 0) return 0;
  std::size_t i = file.size() + 1, start = i;
  while (i < message.size() && i - start < 9 && message[i] >= '0' && message[i] <= '9') ++i;
  if (i == start || i >= message.size() || message[i] != ':') return 0;
  return std::stol(message.substr(start, i - start));
}

}  // namespace

void expect_clean(const std::string& file, const std::string& input,
                  const std::function<void()>& parse) {
  try {
    parse();
  } catch (const Error& e) {
    const std::string message = e.what();
    if (message.find(file) == std::string::npos)
      finding("the error does not name the file " + file + ": " + message);
    if (long line = line_after(message, file)) {
      const long lines = static_cast<long>(std::count(input.begin(), input.end(), '\n')) + 1;
      if (line < 1 || line > lines)
        finding("the error points at line " + std::to_string(line) + " of an input of " +
                std::to_string(lines) + " lines: " + message);
    }
  } catch (const std::exception& e) {
    finding(std::string("an exception other than casco::Error (the CLI's 'internal error'): ") +
            e.what());
  }
}

}  // namespace casco::fuzz
