#pragma once
// Shared helpers for tests: scratch folders and small hand-made sources.
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include "core/error.hpp"
#include "model/build.hpp"
#include "model/definition.hpp"

namespace casco::test {

// A fresh folder under the system temp dir, removed at the end of the test.
class TempDir {
 public:
  TempDir() {
    path_ = std::filesystem::temp_directory_path() /
            ("casco-test-" + std::to_string(getpid()) + "-" + std::to_string(counter()++));
    std::filesystem::remove_all(path_);
    std::filesystem::create_directories(path_);
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  const std::filesystem::path& path() const { return path_; }
  std::filesystem::path operator/(const std::string& name) const { return path_ / name; }

 private:
  static int& counter() {
    static int c = 0;
    return c;
  }
  std::filesystem::path path_;
};

// The bundled Drenthe model at 250 m, built once per build tree and shared read-only by the tests
// (ctest builds it first, as fixture drenthe_store; a test run on its own builds it when missing
// and finds it up to date afterwards). A test that changes a store copies it first.
inline std::filesystem::path drenthe_store_250() {
  const std::filesystem::path path = std::filesystem::path(CASCO_TEST_STORES) / "drenthe-250.gpkg";
  std::filesystem::create_directories(path.parent_path());
  build_model(load_model_definition(std::filesystem::path(CASCO_DATA_DIR) / "model.toml"),
              {path, 250.0, false});
  return path;
}

inline void write_file(const std::filesystem::path& p, const std::string& text) {
  std::ofstream out(p, std::ios::binary);
  out << text;
}

inline std::string read_file(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

// A GeoJSON FeatureCollection in RD New (EPSG:28992) from feature snippets.
inline std::string rd_collection(const std::string& features) {
  return R"({"type":"FeatureCollection","crs":{"type":"name","properties":{"name":"urn:ogc:def:crs:EPSG::28992"}},"features":[)" +
         features + "]}";
}

inline std::string rd_square(double x0, double y0, double size, const std::string& props) {
  auto n = [](double v) { return std::to_string(v); };
  double x1 = x0 + size, y1 = y0 + size;
  return R"({"type":"Feature","properties":)" + props +
         R"(,"geometry":{"type":"Polygon","coordinates":[[[)" + n(x0) + "," + n(y0) + "],[" +
         n(x1) + "," + n(y0) + "],[" + n(x1) + "," + n(y1) + "],[" + n(x0) + "," + n(y1) + "],[" +
         n(x0) + "," + n(y0) + "]]]}}";
}

inline std::string rd_point(double x, double y, const std::string& props) {
  return R"({"type":"Feature","properties":)" + props +
         R"(,"geometry":{"type":"Point","coordinates":[)" + std::to_string(x) + "," +
         std::to_string(y) + "]}}";
}

// The warnings (and, if asked, the informational messages) given while it lives. The previous
// sinks are put back when it goes, also when the code under test throws: a sink left behind
// would capture a vector that no longer exists.
class CapturedMessages {
 public:
  explicit CapturedMessages(bool with_info = false)
      : old_warn_(set_warning_sink([this](std::string_view m) { warnings.emplace_back(m); })),
        with_info_(with_info) {
    if (with_info_)
      old_info_ = set_info_sink([this](std::string_view m) { infos.emplace_back(m); });
  }
  ~CapturedMessages() {
    set_warning_sink(old_warn_);
    if (with_info_) set_info_sink(old_info_);
  }
  CapturedMessages(const CapturedMessages&) = delete;
  CapturedMessages& operator=(const CapturedMessages&) = delete;

  // Whether a warning (or an info) holds the text.
  bool warned(const std::string& text) const { return holds(warnings, text); }
  bool informed(const std::string& text) const { return holds(infos, text); }

  std::vector<std::string> warnings, infos;

 private:
  static bool holds(const std::vector<std::string>& list, const std::string& text) {
    for (const auto& m : list)
      if (m.find(text) != std::string::npos) return true;
    return false;
  }
  WarningSink old_warn_, old_info_;
  bool with_info_;
};

}  // namespace casco::test
