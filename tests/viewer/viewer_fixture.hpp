#pragma once
// The viewer tests' shared fixture: a server on an ephemeral port over a 250 m Drenthe store (the
// Drenthe viewer file: base map, search), asked with httplib::Client; and small helpers.
#include <gdal_priv.h>
#include <gtest/gtest.h>
#include <httplib.h>

#include <chrono>
#include <cmath>
#include <functional>
#include <nlohmann/json.hpp>
#include <thread>

#include "core/crs.hpp"
#include "core/error.hpp"
#include "model/build.hpp"
#include "model/store.hpp"
#include "test_util.hpp"
#include "viewer/server.hpp"

namespace fs = std::filesystem;
using nlohmann::json;

namespace casco {
namespace {

// The XYZ tile holding a point (standard Web Mercator tiling).
struct TileId {
  int z, x, y;
};
inline TileId tile_at(double lon, double lat, int z) {
  const double n = std::ldexp(1.0, z), r = lat * M_PI / 180;
  return {z, static_cast<int>((lon + 180) / 360 * n),
          static_cast<int>((1 - std::asinh(std::tan(r)) / M_PI) / 2 * n)};
}

inline std::string tile_path(const std::string& layer, TileId t) {
  return "/api/tiles/" + layer + "/" + std::to_string(t.z) + "/" + std::to_string(t.x) + "/" +
         std::to_string(t.y) + ".png";
}

// Decodes a PNG with GDAL (independent of the server's encoder); returns the alpha band.
inline std::vector<std::uint8_t> png_alpha(const std::string& png, int& width, int& height) {
  const std::string name = "/vsimem/test_viewer_tile.png";
  VSILFILE* f = VSIFileFromMemBuffer(
      name.c_str(), reinterpret_cast<GByte*>(const_cast<char*>(png.data())), png.size(), FALSE);
  VSIFCloseL(f);
  GDALDatasetUniquePtr ds(GDALDataset::Open(name.c_str(), GDAL_OF_RASTER | GDAL_OF_READONLY));
  std::vector<std::uint8_t> alpha;
  // An all-opaque tile may be written as RGB (cairo does so): alpha 255 everywhere.
  if (ds && ds->GetDriver() && std::string(ds->GetDriver()->GetDescription()) == "PNG") {
    width = ds->GetRasterXSize(), height = ds->GetRasterYSize();
    alpha.assign(static_cast<std::size_t>(width) * height, 255);
    if (ds->GetRasterCount() == 4 &&
        ds->GetRasterBand(4)->RasterIO(GF_Read, 0, 0, width, height, alpha.data(), width, height,
                                       GDT_Byte, 0, 0) != CE_None)
      alpha.clear();
    if (ds->GetRasterCount() != 3 && ds->GetRasterCount() != 4) alpha.clear();
  }
  ds.reset();
  VSIUnlink(name.c_str());
  return alpha;
}

inline std::string lonlat_square(double lon, double lat, double half, const std::string& props = "{}") {
  auto p = [](double x, double y) {
    return "[" + std::to_string(x) + "," + std::to_string(y) + "]";
  };
  return R"({"type":"Feature","properties":)" + props +
         R"(,"geometry":{"type":"Polygon","coordinates":[[)" + p(lon - half, lat - half) + "," +
         p(lon + half, lat - half) + "," + p(lon + half, lat + half) + "," +
         p(lon - half, lat + half) + "," + p(lon - half, lat - half) + "]]}}";
}

class Viewer : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new test::TempDir();
    try {
      ensure_gdal_registered();
      fs::copy_file(test::drenthe_store_250(), *dir_ / "d.gpkg");
      // A stand-in bundle, and a file beside it that must never be served.
      fs::create_directories(*dir_ / "web");
      test::write_file(*dir_ / "web" / "index.html", "<!doctype html><title>casco test</title>");
      test::write_file(*dir_ / "secret.txt", "SECRET-OUTSIDE-WEB");
      // A script large enough to be gzipped once at start.
      std::string script = "// casco test script\n";
      for (int i = 0; i < 400; ++i) script += "console.log('regel " + std::to_string(i) + "');\n";
      test::write_file(*dir_ / "web" / "app.js", script);
      viewer::ServerOptions o;
      o.store = *dir_ / "d.gpkg";
      o.rules = fs::path(CASCO_DATA_DIR) / "rules.toml";
      o.viewer = fs::path(CASCO_DATA_DIR) / "viewer.toml";
      o.web_dir = *dir_ / "web";
      o.port = 0;
      server_ = new viewer::Server(o);
      port_ = server_->bind();
      thread_ = new std::thread([] { server_->run(); });
      wait_until_ready(port_);
    } catch (const std::exception& e) {
      error_ = e.what();
    }
  }
  static void TearDownTestSuite() {
    if (server_) server_->stop();
    if (thread_) thread_->join();
    delete thread_;
    delete server_;
    delete dir_;
  }
  void SetUp() override { ASSERT_TRUE(error_.empty()) << error_; }

  // Polls until the server answers (it accepts as soon as run() starts), at most 20 s.
  static void wait_until_ready(int port) {
    httplib::Client c("127.0.0.1", port);
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
    while (std::chrono::steady_clock::now() < deadline) {
      if (auto r = c.Get("/api/kinds"); r && r->status == 200) return;
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    throw std::runtime_error("the viewer server did not answer within 20 s");
  }

  // Runs a second server on the test store with `o` (store and port filled in) while `ask` puts
  // its questions to it.
  static void with_server(viewer::ServerOptions o,
                          const std::function<void(httplib::Client&)>& ask) {
    o.store = *dir_ / "d.gpkg";
    o.port = 0;
    viewer::Server s(o);
    const int port = s.bind();
    std::thread t([&] { s.run(); });
    wait_until_ready(port);
    httplib::Client c("127.0.0.1", port);
    c.set_read_timeout(60, 0);
    ask(c);
    s.stop();
    t.join();
  }

  static httplib::Client client() {
    httplib::Client c("127.0.0.1", port_);
    c.set_read_timeout(60, 0);
    return c;
  }
  static httplib::Result post_plan(const std::string& body, const std::string& kind) {
    return client().Post(("/api/assess?kind=" + kind).c_str(), body, "application/geo+json");
  }

  static inline test::TempDir* dir_ = nullptr;
  static inline viewer::Server* server_ = nullptr;
  static inline std::thread* thread_ = nullptr;
  static inline int port_ = 0;
  static inline std::string error_;
};

}  // namespace
}  // namespace casco
