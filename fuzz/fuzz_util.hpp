#pragma once
// Shared by the fuzz targets (docs/fuzzing.md): a scratch folder per process for parsers that read
// paths, quiet warnings, and the oracle every target applies to what it rejects: bad input must
// end in a casco::Error that names the input's file, with a line that lies inside the input.
// Anything else — another exception, a crash, a sanitizer report, a hang — is a finding.
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <string>

namespace casco::fuzz {

// /tmp/casco-fuzz-<pid>: made on first use, removed when the process ends.
const std::filesystem::path& scratch();

// Writes `text` to scratch() / name (folders made as needed) and returns the path.
std::filesystem::path write_input(const std::string& name, const std::string& text);

// "@@ a<ext>\n...\n@@ b<ext>\n..." → the files of scratch() / folder, emptied first; returns
// the folder. Names are a-z, 0-9 and _ before `extension`; any other name becomes "other<ext>".
std::filesystem::path write_folder(const std::string& folder, const std::string& text,
                                   const std::string& extension);

inline std::string text_of(const std::uint8_t* data, std::size_t size) {
  return std::string(reinterpret_cast<const char*>(data), size);
}

// Drops warnings and informational messages (the fuzzer's output stays readable).
void quiet();

// Runs `parse`; a casco::Error must name `file` (and, as "file:line[:column]: ...", a line of
// `input`); any other exception aborts with a report.
void expect_clean(const std::string& file, const std::string& input,
                  const std::function<void()>& parse);

// Aborts with a report (a silently wrong result the target detected).
[[noreturn]] void finding(const std::string& what);

}  // namespace casco::fuzz
