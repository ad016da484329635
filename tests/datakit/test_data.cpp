// casco data fetch / check / list against a local HTTP server (cpp-httplib on 127.0.0.1): fresh
// downloads, conditional re-runs, changes, 404, broken connections (resume), timeouts, HTML and
// OGC exception answers. Nothing here reaches outside the machine.
#include <gdal_priv.h>
#include <gtest/gtest.h>
#include <httplib.h>
#include <ogrsf_frmts.h>

#include <atomic>
#include <chrono>
#include <cstdlib>
#include <fstream>
#include <map>
#include <mutex>
#include <sstream>
#include <thread>

#include "core/error.hpp"
#include "core/hash.hpp"
#include "core/progress.hpp"
#include "datakit/fetch.hpp"
#include "test_util.hpp"

using namespace casco;
namespace fs = std::filesystem;

namespace {

std::string read(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

// A small square polygon in WGS84 (GeoJSON's default CRS).
std::string square(double lon, double lat, const std::string& name) {
  auto n = [](double v) { return std::to_string(v); };
  const double d = 0.01;
  return R"({"type":"Feature","properties":{"naam":")" + name +
         R"("},"geometry":{"type":"Polygon","coordinates":[[[)" + n(lon) + "," + n(lat) + "],[" +
         n(lon + d) + "," + n(lat) + "],[" + n(lon + d) + "," + n(lat + d) + "],[" + n(lon) + "," +
         n(lat + d) + "],[" + n(lon) + "," + n(lat) + "]]]}}";
}

std::string parcels(bool with_fourth) {
  std::string f = square(6.56, 53.0, "assen") + "," + square(6.9, 52.8, "emmen") + "," +
                  square(6.3, 52.7, "meppel") + "," + square(4.9, 52.37, "amsterdam");
  if (with_fourth) f += "," + square(6.45, 52.75, "hoogeveen");
  return R"({"type":"FeatureCollection","features":[)" + f + "]}";
}

// The fixture server: /data/NAME serves a file with an ETag (304 on If-None-Match, 206 on Range);
// /drop/NAME breaks off halfway the first time; /slow answers too late; /html and /exception
// answer with the wrong kind of body; anything else is 404.
class Server {
 public:
  Server() {
    svr_.Get(R"(/data/(.+))", [this](const httplib::Request& q, httplib::Response& r) {
      serve(q, r, q.matches[1]);
    });
    svr_.Get(R"(/drop/(.+))", [this](const httplib::Request& q, httplib::Response& r) {
      if (count(q) == 1) {
        const std::string body = file(q.matches[1]);
        r.set_content_provider(body.size(), "application/zip",
                               [body](std::size_t, std::size_t, httplib::DataSink& sink) {
                                 sink.write(body.data(), body.size() / 2);
                                 return false;  // close the connection halfway
                               });
        return;
      }
      serve(q, r, q.matches[1], false);
    });
    svr_.Get("/slow", [this](const httplib::Request& q, httplib::Response& r) {
      count(q);
      std::this_thread::sleep_for(std::chrono::milliseconds(2500));
      r.set_content("{}", "application/json");
    });
    svr_.Get("/html", [this](const httplib::Request& q, httplib::Response& r) {
      count(q);
      r.set_content("<!DOCTYPE html><html><body>Log in</body></html>", "text/html");
    });
    svr_.Get("/exception", [this](const httplib::Request& q, httplib::Response& r) {
      count(q);
      r.set_content(
          R"(<?xml version="1.0"?><ows:ExceptionReport xmlns:ows="http://www.opengis.net/ows/1.1"><ows:Exception exceptionCode="InvalidParameterValue"><ows:ExceptionText>Unknown typename: natura3000</ows:ExceptionText></ows:Exception></ows:ExceptionReport>)",
          "application/xml");
    });
    svr_.set_logger([](const httplib::Request& q, const httplib::Response& r) {
      if (std::getenv("CASCO_TEST_HTTP_LOG"))
        std::fprintf(stderr, "%s %s range=%s -> %d\n", q.method.c_str(), q.path.c_str(),
                     q.get_header_value("Range").c_str(), r.status);
    });
    port_ = svr_.bind_to_any_port("127.0.0.1");
    thread_ = std::thread([this] { svr_.listen_after_bind(); });
    while (!svr_.is_running()) std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  ~Server() {
    svr_.stop();
    thread_.join();
  }
  int port() const { return port_; }
  void put(const std::string& name, const std::string& body) {
    std::lock_guard lock(mutex_);
    files_[name] = body;
  }
  int hits(const std::string& path) {
    std::lock_guard lock(mutex_);
    return hits_[path];
  }
  int full_bodies() const { return full_bodies_; }
  std::vector<std::string> headers(const std::string& key) {
    std::lock_guard lock(mutex_);
    return seen_[key];
  }

 private:
  std::string file(const std::string& name) {
    std::lock_guard lock(mutex_);
    return files_[name];
  }
  int count(const httplib::Request& q) {
    std::lock_guard lock(mutex_);
    for (const char* key : {"If-None-Match", "Range"})
      if (q.has_header(key)) seen_[key].push_back(q.get_header_value(key));
    return ++hits_[q.path];
  }
  void serve(const httplib::Request& q, httplib::Response& r, const std::string& name,
             bool count_hit = true) {
    if (count_hit) count(q);
    const std::string body = file(name);
    if (body.empty()) {
      r.status = 404;
      return;
    }
    const std::string etag = "\"" + sha256_hex(body).substr(0, 16) + "\"";
    r.set_header("ETag", etag);
    if (q.get_header_value("If-None-Match") == etag) {
      r.status = 304;
      return;
    }
    ++full_bodies_;
    r.set_content(body, "application/octet-stream");  // httplib answers a Range with a 206
  }

  httplib::Server svr_;
  std::thread thread_;
  int port_ = 0;
  std::mutex mutex_;
  std::map<std::string, std::string> files_;
  std::map<std::string, int> hits_;
  std::map<std::string, std::vector<std::string>> seen_;
  std::atomic<int> full_bodies_{0};
};

// A catalogue with one source per server route.
std::string catalogue(int port, const std::string& parcels_path = "/data/parcels.geojson",
                      const std::string& attributes = R"(["naam"])") {
  const std::string base = "http://127.0.0.1:" + std::to_string(port);
  auto source = [&](const std::string& id, const std::string& path, const std::string& format,
                    const std::string& extra) {
    return "[[source]]\nid = \"" + id + "\"\ntitle = \"T " + id +
           "\"\nproducer = \"P\"\nlicence = \"CC0 1.0\"\nattribution = \"Bron " + id +
           ": test.\"\nurl = \"" + base + path + "\"\nformat = \"" + format + "\"\nfile = \"" + id +
           "." + format + "\"\n" + extra + "\n";
  };
  return "[[area]]\nid = \"drenthe\"\nbbox_28992 = [204000, 514000, 270000, 581000]\n"
         "bbox_4326 = [6.11, 52.61, 7.10, 53.21]\n\n" +
         source("parcels", parcels_path, "geojson",
                "crs = \"EPSG:4326\"\ncut = \"clip\"\nattributes = " + attributes +
                    "\n[source.layer]\nid = \"percelen\"\ntitle = \"Percelen\"\ngroup = "
                    "\"landbouw\"\nunit = \"0/1\"\nderivation = \"presence\"") +
         source("blob", "/drop/blob.zip", "zip", "") +
         source("dem", "/data/dem.tif", "geotiff", "cut = \"bbox\"") +
         "[[source]]\nid = \"byhand\"\ntitle = \"By hand\"\nproducer = \"P\"\nlicence = "
         "\"CC0 1.0\"\nattribution = \"Bron byhand.\"\npublished = false\nlanding = "
         "\"https://example.org/byhand\"\nformat = \"geojson\"\ncut = \"clip\"\nfile = "
         "\"byhand.geojson\"\n\n" +
         source("slow", "/slow", "geojson", "") + source("html", "/html", "geojson", "") +
         source("exception", "/exception", "geojson", "");
}

class DataTest : public ::testing::Test {
 protected:
  void SetUp() override {
    Progress::set_enabled(false);
    set_quiet(true);
    server.put("parcels.geojson", parcels(false));
    write_catalogue(catalogue(server.port()));
    options.into = dir.path() / "data";
    options.connect_timeout_s = 2;
    options.low_speed_time_s = 1;
    options.retries = 2;
    options.backoff_s = 0.01;
  }
  void write_catalogue(const std::string& text) { test::write_file(dir / "catalogue.toml", text); }
  data::FetchReport run(std::vector<std::string> only) {
    options.only = std::move(only);
    return data::fetch(data::load_catalogue(dir / "catalogue.toml"), options);
  }
  // "casco data ARGS" as a process: its exit code; stdout+stderr in `output`.
  int cli(const std::string& args) {
    const fs::path log = dir / "cli.log";
    int rc = std::system(
        (std::string(CASCO_BINARY) + " data " + args + " --no-progress > " + log.string() + " 2>&1")
            .c_str());
    output = read(log);
    return WIFEXITED(rc) ? WEXITSTATUS(rc) : -1;
  }

  Server server;
  test::TempDir dir;
  data::FetchOptions options;
  std::string output;
};

const data::Outcome& only_outcome(const data::FetchReport& r) {
  EXPECT_EQ(r.outcomes.size(), 1u);
  return r.outcomes.at(0);
}

std::string lock_text(const fs::path& into) {
  return read(into / "casco-data.lock");
}

struct LayerFacts {
  int features = -1;
  std::string epsg;
};

LayerFacts gpkg_facts(const fs::path& file, const char* layer) {
  LayerFacts f;
  std::unique_ptr<GDALDataset> ds(GDALDataset::Open(file.c_str(), GDAL_OF_VECTOR));
  if (!ds) return f;
  OGRLayer* l = ds->GetLayerByName(layer);
  if (!l) return f;
  f.features = static_cast<int>(l->GetFeatureCount());
  if (const OGRSpatialReference* srs = l->GetSpatialRef())
    if (const char* code = srs->GetAuthorityCode(nullptr)) f.epsg = code;
  return f;
}

}  // namespace

TEST_F(DataTest, FreshFetchWritesFilesLockAndCutGeoPackage) {
  auto r = run({"parcels"});
  const auto& o = only_outcome(r);
  EXPECT_EQ(o.status, "downloaded") << o.message;
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(read(options.into / "raw" / "parcels.geojson"), parcels(false));
  EXPECT_FALSE(fs::exists(options.into / "raw" / "parcels.geojson.part"));
  const std::string lock = lock_text(options.into);
  EXPECT_NE(lock.find(sha256_hex(parcels(false))), std::string::npos) << lock;
  EXPECT_NE(lock.find("\"etag\""), std::string::npos);
  EXPECT_NE(lock.find("CC0 1.0"), std::string::npos);
  // Amsterdam lies outside the area: dropped; the rest is in RD New.
  LayerFacts f = gpkg_facts(options.into / "parcels.gpkg", "parcels");
  EXPECT_EQ(f.features, 3);
  EXPECT_EQ(f.epsg, "28992");
  const std::string model = read(options.into / "model-sources.toml");
  EXPECT_NE(model.find("[[layer]]"), std::string::npos) << model;
  EXPECT_NE(model.find("parcels.gpkg"), std::string::npos) << model;
  EXPECT_NE(model.find("percelen"), std::string::npos) << model;
  EXPECT_NE(read(options.into / "ATTRIBUTION.txt").find("Bron parcels: test."), std::string::npos);
  const std::string listing = data::list(options.into);
  EXPECT_NE(listing.find("parcels.gpkg"), std::string::npos) << listing;
  EXPECT_NE(listing.find("Bron parcels: test."), std::string::npos) << listing;
}

TEST_F(DataTest, RerunIsConditionalAndDownloadsNothing) {
  ASSERT_TRUE(run({"parcels"}).ok());
  const auto before = fs::last_write_time(options.into / "parcels.gpkg");
  EXPECT_EQ(server.full_bodies(), 1);
  auto r = run({"parcels"});
  EXPECT_EQ(only_outcome(r).status, "unchanged") << only_outcome(r).message;
  EXPECT_EQ(server.hits("/data/parcels.geojson"), 2);
  EXPECT_EQ(server.full_bodies(), 1);  // the second answer was a 304 without a body
  ASSERT_EQ(server.headers("If-None-Match").size(), 1u);
  EXPECT_NE(lock_text(options.into).find(server.headers("If-None-Match")[0].substr(1, 16)),
            std::string::npos);
  EXPECT_EQ(fs::last_write_time(options.into / "parcels.gpkg"), before);  // not reprocessed
}

TEST_F(DataTest, ChangedFileIsDownloadedAgainAndLockUpdated) {
  ASSERT_TRUE(run({"parcels"}).ok());
  server.put("parcels.geojson", parcels(true));
  auto r = run({"parcels"});
  EXPECT_EQ(only_outcome(r).status, "downloaded") << only_outcome(r).message;
  const std::string lock = lock_text(options.into);
  EXPECT_NE(lock.find(sha256_hex(parcels(true))), std::string::npos);
  EXPECT_EQ(lock.find(sha256_hex(parcels(false))), std::string::npos);
  EXPECT_EQ(gpkg_facts(options.into / "parcels.gpkg", "parcels").features, 4);
}

TEST_F(DataTest, NotFoundNamesSourceAndLeavesPreviousDataIntact) {
  ASSERT_TRUE(run({"parcels"}).ok());
  const std::string lock_before = lock_text(options.into);
  write_catalogue(catalogue(server.port(), "/data/gone.geojson"));
  auto r = run({"parcels"});
  const auto& o = only_outcome(r);
  EXPECT_FALSE(r.ok());
  EXPECT_EQ(o.status, "failed");
  EXPECT_NE(o.message.find("parcels"), std::string::npos) << o.message;
  EXPECT_NE(o.message.find("/data/gone.geojson"), std::string::npos) << o.message;
  EXPECT_NE(o.message.find("404"), std::string::npos) << o.message;
  EXPECT_EQ(server.hits("/data/gone.geojson"), 1);  // no retry on a 404
  EXPECT_EQ(read(options.into / "raw" / "parcels.geojson"), parcels(false));
  EXPECT_EQ(gpkg_facts(options.into / "parcels.gpkg", "parcels").features, 3);
  EXPECT_EQ(lock_text(options.into), lock_before);
  // The command line says so and exits non-zero.
  EXPECT_NE(cli("fetch --catalogue " + (dir / "catalogue.toml").string() + " --into " +
                options.into.string() + " --only parcels --retries 0"),
            0);
  EXPECT_NE(output.find("parcels"), std::string::npos) << output;
  EXPECT_NE(output.find("404"), std::string::npos) << output;
}

TEST_F(DataTest, UnreadableDownloadKeepsPreviousData) {
  ASSERT_TRUE(run({"parcels"}).ok());
  const std::string lock_before = lock_text(options.into);
  server.put("parcels.geojson", "this is not GeoJSON");
  auto r = run({"parcels"});
  EXPECT_EQ(only_outcome(r).status, "failed");
  EXPECT_NE(only_outcome(r).message.find("parcels"), std::string::npos) << only_outcome(r).message;
  EXPECT_EQ(read(options.into / "raw" / "parcels.geojson"), parcels(false));
  EXPECT_EQ(gpkg_facts(options.into / "parcels.gpkg", "parcels").features, 3);
  EXPECT_EQ(lock_text(options.into), lock_before);
  EXPECT_EQ(data::check(options.into).problems, 0);
}

TEST_F(DataTest, BrokenConnectionIsResumedWithRange) {
  std::string blob(300000, '\0');
  for (std::size_t i = 0; i < blob.size(); ++i) blob[i] = static_cast<char>((i * 7919) % 251);
  server.put("blob.zip", blob);
  auto r = run({"blob"});
  EXPECT_EQ(only_outcome(r).status, "downloaded") << only_outcome(r).message;
  EXPECT_EQ(server.hits("/drop/blob.zip"), 2);
  const auto ranges = server.headers("Range");
  ASSERT_EQ(ranges.size(), 1u);
  EXPECT_EQ(ranges[0], "bytes=150000-");
  EXPECT_EQ(sha256_file(options.into / "raw" / "blob.zip"), sha256_hex(blob));
  EXPECT_NE(lock_text(options.into).find(sha256_hex(blob)), std::string::npos);
}

// A 40 x 40 GeoTIFF in WGS84 over Assen, as bytes.
std::string dem_tiff(const fs::path& scratch) {
  GDALAllRegister();
  const fs::path p = scratch / "dem-src.tif";
  GDALDataset* ds = GetGDALDriverManager()->GetDriverByName("GTiff")->Create(p.c_str(), 40, 40, 1,
                                                                             GDT_Float32, nullptr);
  double gt[6] = {6.4, 0.01, 0, 53.1, 0, -0.01};
  ds->SetGeoTransform(gt);
  OGRSpatialReference wgs84;
  wgs84.importFromEPSG(4326);
  ds->SetSpatialRef(&wgs84);
  std::vector<float> v(1600, 12.5f);
  EXPECT_EQ(
      ds->GetRasterBand(1)->RasterIO(GF_Write, 0, 0, 40, 40, v.data(), 40, 40, GDT_Float32, 0, 0),
      CE_None);
  GDALClose(ds);
  return read(p);
}

TEST_F(DataTest, RasterIsWarpedToRdNew) {
  server.put("dem.tif", dem_tiff(dir.path()));
  auto r = run({"dem"});
  EXPECT_EQ(only_outcome(r).status, "downloaded") << only_outcome(r).message;
  std::unique_ptr<GDALDataset> ds(
      GDALDataset::Open((options.into / "dem.tif").c_str(), GDAL_OF_RASTER));
  ASSERT_TRUE(ds);
  ASSERT_TRUE(ds->GetSpatialRef());
  EXPECT_STREQ(ds->GetSpatialRef()->GetAuthorityCode(nullptr), "28992");
  data::CheckReport c = data::check(options.into);
  EXPECT_EQ(c.problems, 0) << c.text;
  // The DEM covers 0.4 x 0.4 degrees of the 66 x 67 km box: about a quarter, not the warped box.
  const auto at = c.text.find("band(s), covers ");
  ASSERT_NE(at, std::string::npos) << c.text;
  const int percent = std::atoi(c.text.c_str() + at + 16);
  EXPECT_GT(percent, 15) << c.text;
  EXPECT_LT(percent, 40) << c.text;
}

TEST_F(DataTest, UnpublishedSourceIsSkippedUntilPlacedByHand) {
  auto r = run({"byhand"});
  EXPECT_EQ(only_outcome(r).status, "skipped");
  EXPECT_NE(only_outcome(r).message.find("https://example.org/byhand"), std::string::npos);
  EXPECT_TRUE(r.ok());
  test::write_file(options.into / "raw" / "byhand.geojson", parcels(false));
  r = run({"byhand"});
  EXPECT_EQ(only_outcome(r).status, "downloaded") << only_outcome(r).message;
  EXPECT_EQ(gpkg_facts(options.into / "byhand.gpkg", "byhand").features, 3);
  EXPECT_EQ(only_outcome(run({"byhand"})).status, "unchanged");
}

TEST_F(DataTest, SlowServerTimesOutAfterRetries) {
  options.retries = 1;
  const auto t0 = std::chrono::steady_clock::now();
  auto r = run({"slow"});
  const double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  const auto& o = only_outcome(r);
  EXPECT_EQ(o.status, "failed");
  EXPECT_NE(o.message.find("timed out"), std::string::npos) << o.message;
  EXPECT_NE(o.message.find("2 attempts"), std::string::npos) << o.message;
  EXPECT_EQ(server.hits("/slow"), 2);
  EXPECT_LT(s, 8.0);
}

TEST_F(DataTest, HtmlAndExceptionReportAreClearErrors) {
  auto r = run({"html", "exception"});
  ASSERT_EQ(r.outcomes.size(), 2u);
  EXPECT_EQ(r.outcomes[0].status, "failed");
  EXPECT_NE(r.outcomes[0].message.find("HTML page"), std::string::npos) << r.outcomes[0].message;
  EXPECT_NE(r.outcomes[0].message.find("/html"), std::string::npos);
  EXPECT_EQ(r.outcomes[1].status, "failed");
  EXPECT_NE(r.outcomes[1].message.find("exception report"), std::string::npos)
      << r.outcomes[1].message;
  EXPECT_NE(r.outcomes[1].message.find("Unknown typename: natura3000"), std::string::npos)
      << r.outcomes[1].message;
  for (const char* f :
       {"html.geojson", "html.geojson.part", "exception.geojson", "exception.geojson.part"})
    EXPECT_FALSE(fs::exists(options.into / "raw" / f)) << f;
}

TEST_F(DataTest, CheckPassesGoodAndFlagsBrokenFolders) {
  ASSERT_TRUE(run({"parcels"}).ok());
  data::CheckReport good = data::check(options.into);
  EXPECT_EQ(good.problems, 0) << good.text;
  EXPECT_NE(good.text.find("3 features, 0 invalid"), std::string::npos) << good.text;
  EXPECT_NE(good.text.find("covers"), std::string::npos) << good.text;
  EXPECT_EQ(cli("check " + options.into.string()), 0) << output;

  // Damaged download and a missing output.
  { std::ofstream(options.into / "raw" / "parcels.geojson", std::ios::app) << " "; }
  fs::remove(options.into / "parcels.gpkg");
  data::CheckReport broken = data::check(options.into);
  EXPECT_EQ(broken.problems, 2) << broken.text;
  EXPECT_NE(broken.text.find("SHA-256"), std::string::npos) << broken.text;
  EXPECT_NE(broken.text.find("parcels.gpkg is missing"), std::string::npos) << broken.text;
  EXPECT_EQ(cli("check " + options.into.string()), 1) << output;
}

TEST_F(DataTest, CheckFlagsMissingAttributes) {
  write_catalogue(catalogue(server.port(), "/data/parcels.geojson", R"(["naam", "gewascode"])"));
  ASSERT_TRUE(run({"parcels"}).ok());
  data::CheckReport r = data::check(options.into);
  EXPECT_EQ(r.problems, 1) << r.text;
  EXPECT_NE(r.text.find("attribute 'gewascode' missing"), std::string::npos) << r.text;
}

TEST(DataCatalogue, BundledCatalogueLoadsAndNamesErrors) {
  auto c = data::load_catalogue(fs::path(CASCO_SOURCE_DIR) / "data" / "catalogue.toml");
  EXPECT_GE(c.sources.size(), 13u);
  EXPECT_EQ(c.area("drenthe").bbox_rd[0], 204000);
  EXPECT_THROW(c.area("utrecht"), Error);
  test::TempDir dir;
  test::write_file(dir / "bad.toml", "[[source]]\nid = \"x\"\ntitel = \"typo\"\n");
  try {
    data::load_catalogue(dir / "bad.toml");
    FAIL() << "expected an error";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("bad.toml:3"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("titel"), std::string::npos) << e.what();
  }
}
