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
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>
#include <thread>

#include "core/crs.hpp"
#include "core/error.hpp"
#include "core/hash.hpp"
#include "core/progress.hpp"
#include "datakit/fetch.hpp"
#include "datakit/internal.hpp"
#include "model/definition.hpp"
#include "model/store.hpp"
#include "test_util.hpp"
#include "water/groundwater.hpp"

using namespace casco;
namespace fs = std::filesystem;

namespace {

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

// `n` point features with ids inside Drenthe, as a GeoJSON FeatureCollection.
std::string points(int n) {
  nlohmann::json fc = {{"type", "FeatureCollection"}, {"features", nlohmann::json::array()}};
  for (int i = 0; i < n; ++i)
    fc["features"].push_back(
        {{"type", "Feature"},
         {"id", "pt." + std::to_string(i)},
         {"properties", {{"naam", "punt " + std::to_string(i)}}},
         {"geometry", {{"type", "Point"}, {"coordinates", {6.3 + 0.05 * i, 52.8 + 0.02 * i}}}}});
  return fc.dump();
}

// The fixture server: /data/NAME serves a file with an ETag (304 on If-None-Match, 206 on Range,
// If-Range honoured); /drop/NAME breaks off halfway the first time; /dropchange/NAME too, and then
// the file changes to NAME.next; /wfs/NAME pages a FeatureCollection with count/startIndex and
// /ogc/NAME with limit/offset and rel="next" links; /slow answers too late; /html and /exception
// answer with the wrong kind of body; anything else is 404.
class Server {
 public:
  // Paging behaviour of /wfs and /ogc.
  struct Paging {
    long cap = 1000000;         // the server's own maximum page size
    bool matched = false;       // send numberMatched
    bool ignore_start = false;  // a WFS without paging: always the first page
    long fail_once_at = -1;     // 503 once for this startIndex
    long gone_from = -1;        // 404 from this startIndex on
    bool overlap = false;       // OGC: each next page starts one feature early
  };
  Paging paging;
  bool honour_if_range = true;

  Server() {
    svr_.Get(R"(/wfs/(.+))", [this](const httplib::Request& q, httplib::Response& r) {
      count(q);
      const long start = param(q, "startindex", 0), n = std::min(param(q, "count", 10), paging.cap);
      {
        std::lock_guard lock(mutex_);
        seen_["startIndex"].push_back(std::to_string(start));
        seen_["count"].push_back(std::to_string(param(q, "count", -1)));
      }
      if (paging.gone_from >= 0 && start >= paging.gone_from) return void(r.status = 404);
      if (start == paging.fail_once_at) {
        paging.fail_once_at = -1;
        return void(r.status = 503);
      }
      r.set_content(
          page(q.matches[1], paging.ignore_start ? 0 : start, n, "", q.get_param_value("bbox"))
              .dump(),
          "application/geo+json");
    });
    svr_.Get("/odata/rows", [this](const httplib::Request& q, httplib::Response& r) {
      count(q);
      const long skip = q.has_param("$skiptoken") ? std::stol(q.get_param_value("$skiptoken")) : 0;
      nlohmann::json out = {{"odata.metadata", "x"}, {"value", nlohmann::json::array()}};
      for (long i = skip; i < std::min(skip + 4, 10L); ++i)
        out["value"].push_back({{"ID", i}, {"WijkenEnBuurten", fmt::format("BU{:08}", i)}});
      if (skip + 4 < 10)
        out["odata.nextLink"] = fmt::format(
            "http://127.0.0.1:{}/odata/rows?$format=json&$skiptoken={}", port_, skip + 4);
      r.set_content(out.dump(), "application/json");
    });
    svr_.Get(R"(/ogc/(.+))", [this](const httplib::Request& q, httplib::Response& r) {
      count(q);
      const long offset = param(q, "offset", 0),
                 limit = std::min(param(q, "limit", 10), paging.cap);
      const long next = offset + limit - (paging.overlap ? 1 : 0);
      r.set_content(
          page(q.matches[1], offset, limit, fmt::format("?f=json&limit={}&offset={}", limit, next))
              .dump(),
          "application/geo+json");
    });
    svr_.Get(R"(/dropchange/(.+))", [this](const httplib::Request& q, httplib::Response& r) {
      if (count(q) == 1) {
        const std::string name = q.matches[1], body = file(name);
        r.set_header("ETag", etag_of(body));
        r.set_content_provider(body.size(), "application/zip",
                               [body](std::size_t, std::size_t, httplib::DataSink& sink) {
                                 sink.write(body.data(), body.size() / 2);
                                 return false;
                               });
        put(name, file(name + ".next"));  // the file changes on the server meanwhile
        return;
      }
      serve(q, r, q.matches[1], false);
    });
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
  static std::string etag_of(const std::string& body) {
    return fmt::format("\"{}\"", sha256_hex(body).substr(0, 16));
  }
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
    for (const char* key : {"If-None-Match", "Range", "If-Range"})
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
    const std::string etag = etag_of(body);
    r.set_header("ETag", etag);
    if (q.get_header_value("If-None-Match") == etag) {
      r.status = 304;
      return;
    }
    ++full_bodies_;
    // httplib answers a Range with a 206 but knows no If-Range (RFC 9110 13.1.5): when the file
    // changed since the part the client has, drop the parsed range so the whole file goes out.
    // The Request object itself is not const; httplib only hands it to handlers as const.
    if (honour_if_range && q.has_header("If-Range") && q.get_header_value("If-Range") != etag)
      const_cast<httplib::Request&>(q).ranges.clear();
    r.set_content(body, "application/octet-stream");
  }
  static long param(const httplib::Request& q, const std::string& key, long fallback) {
    for (const auto& [k, v] : q.params) {  // WFS keys are case-insensitive
      std::string lk = k;
      for (auto& c : lk) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      if (lk == key) return std::stol(v);
    }
    return fallback;
  }
  // Features [start, start + n) of a stored FeatureCollection (within `bbox` lon/lat when given,
  // plus the feature "big", which every box overlaps); a next link while more remain.
  nlohmann::json page(const std::string& name, long start, long n, const std::string& next,
                      const std::string& bbox = "") {
    nlohmann::json all = nlohmann::json::parse(file(name));
    if (!bbox.empty()) {
      double b[4];
      std::sscanf(bbox.c_str(), "%lf,%lf,%lf,%lf", &b[0], &b[1], &b[2], &b[3]);
      nlohmann::json kept = nlohmann::json::array();
      for (const auto& f : all["features"]) {
        const auto& c = f["geometry"]["coordinates"];
        if (f["id"] == "big" || (c[0] >= b[0] && c[0] < b[2] && c[1] >= b[1] && c[1] < b[3]))
          kept.push_back(f);
      }
      all["features"] = kept;
    }
    const long total = static_cast<long>(all["features"].size());
    nlohmann::json out = {{"type", "FeatureCollection"}, {"features", nlohmann::json::array()}};
    for (long i = start; i < std::min(total, start + n); ++i)
      out["features"].push_back(all["features"][static_cast<std::size_t>(i)]);
    if (paging.matched) out["numberMatched"] = total;
    if (!next.empty() && start + n < total)
      out["links"] = {{{"rel", "self"}, {"href", "?f=json"}}, {{"rel", "next"}, {"href", next}}};
    return out;
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
         source("exception", "/exception", "geojson", "") +
         source("changing", "/dropchange/changing.zip", "zip", "") +
         source("wfs",
                "/wfs/pts.geojson?service=WFS&request=GetFeature&typeNames=t:pts&"
                "outputFormat=application/json",
                "geojson",
                "service = \"wfs\"\ncrs = \"EPSG:4326\"\ncut = \"clip\"\npage_size = 3") +
         source(
             "tiled",
             "/wfs/pts.geojson?service=WFS&request=GetFeature&typeNames=t:pts&"
             "outputFormat=application/json&bbox={bbox_4326}",
             "geojson",
             "service = \"wfs\"\ncrs = \"EPSG:4326\"\ncut = \"clip\"\npage_size = 2\ntiles = 2") +
         source("odata", "/odata/rows?$format=json", "json", "paging = \"odata\"") +
         source("osm", "/data/{osm_extract}-latest.osm.pbf", "pbf", "cut = \"none\"") +
         source("provinciaal", "/data/parcels.geojson", "geojson",
                "crs = \"EPSG:4326\"\ncut = \"clip\"\nareas = [\"drenthe\"]") +
         source("ogc", "/ogc/pts.geojson?f=json&limit=2", "geojson",
                "service = \"ogcapi\"\ncrs = \"EPSG:4326\"\ncut = \"clip\"");
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
    output = test::read_file(log);
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
  return test::read_file(into / "casco-data.lock");
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
  EXPECT_EQ(test::read_file(options.into / "raw" / "parcels.geojson"), parcels(false));
  EXPECT_FALSE(fs::exists(options.into / "raw" / "parcels.geojson.part"));
  const std::string lock = lock_text(options.into);
  EXPECT_NE(lock.find(sha256_hex(parcels(false))), std::string::npos) << lock;
  EXPECT_NE(lock.find("\"etag\""), std::string::npos);
  EXPECT_NE(lock.find("CC0 1.0"), std::string::npos);
  // Amsterdam lies outside the area: dropped; the rest is in RD New.
  LayerFacts f = gpkg_facts(options.into / "parcels.gpkg", "parcels");
  EXPECT_EQ(f.features, 3);
  EXPECT_EQ(f.epsg, "28992");
  const std::string model = test::read_file(options.into / "model-sources.toml");
  EXPECT_NE(model.find("[[layer]]"), std::string::npos) << model;
  EXPECT_NE(model.find("parcels.gpkg"), std::string::npos) << model;
  EXPECT_NE(model.find("percelen"), std::string::npos) << model;
  EXPECT_NE(test::read_file(options.into / "ATTRIBUTION.txt").find("Bron parcels: test."),
            std::string::npos);
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
  EXPECT_EQ(test::read_file(options.into / "raw" / "parcels.geojson"), parcels(false));
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
  EXPECT_EQ(test::read_file(options.into / "raw" / "parcels.geojson"), parcels(false));
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
  return test::read_file(p);
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
  EXPECT_THROW(c.area("atlantis"), Error);
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

// ---- resume when the file changed meanwhile (If-Range), full disk ----

std::string bytes(std::size_t n, int seed) {
  std::string b(n, '\0');
  for (std::size_t i = 0; i < n; ++i) b[i] = static_cast<char>((i * 7919 + seed) % 251);
  return b;
}

TEST_F(DataTest, ResumeOfAFileThatChangedDownloadsItWhole) {
  const std::string v1 = bytes(200000, 1), v2 = bytes(260000, 2);
  server.put("changing.zip", v1);
  server.put("changing.zip.next", v2);
  auto r = run({"changing"});
  EXPECT_EQ(only_outcome(r).status, "downloaded") << only_outcome(r).message;
  // The resume carried If-Range with v1's ETag; the server sent v2 whole, not v2's tail after
  // v1's head.
  ASSERT_EQ(server.headers("If-Range").size(), 1u);
  EXPECT_EQ(server.headers("If-Range")[0], Server::etag_of(v1));
  EXPECT_EQ(sha256_file(options.into / "raw" / "changing.zip"), sha256_hex(v2));
  EXPECT_FALSE(fs::exists(options.into / "raw" / "changing.zip.part.validator"));
}

TEST_F(DataTest, ResumeFromServerIgnoringIfRangeIsCaughtByItsETag) {
  server.honour_if_range = false;  // answers 206 with the tail of the new file
  const std::string v1 = bytes(200000, 3), v2 = bytes(260000, 4);
  server.put("changing.zip", v1);
  server.put("changing.zip.next", v2);
  auto r = run({"changing"});
  EXPECT_EQ(only_outcome(r).status, "downloaded") << only_outcome(r).message;
  EXPECT_EQ(sha256_file(options.into / "raw" / "changing.zip"), sha256_hex(v2));
  EXPECT_EQ(server.hits("/dropchange/changing.zip"), 3);  // broken, refused 206, whole again
}

TEST_F(DataTest, FullDiskIsAClearErrorAndKeepsPreviousData) {
  if (!fs::exists("/dev/full")) GTEST_SKIP() << "no /dev/full on this machine";
  ASSERT_TRUE(run({"parcels"}).ok());
  const std::string lock_before = lock_text(options.into);
  server.put("parcels.geojson", parcels(true));
  // Every write to the download lands on a device that is always full.
  fs::create_symlink("/dev/full", options.into / "raw" / "parcels.geojson.part");
  auto r = run({"parcels"});
  const auto& o = only_outcome(r);
  EXPECT_EQ(o.status, "failed");
  EXPECT_NE(o.message.find("No space left on device"), std::string::npos) << o.message;
  EXPECT_NE(o.message.find("free disk space"), std::string::npos) << o.message;
  EXPECT_EQ(test::read_file(options.into / "raw" / "parcels.geojson"), parcels(false));
  EXPECT_EQ(gpkg_facts(options.into / "parcels.gpkg", "parcels").features, 3);
  EXPECT_EQ(lock_text(options.into), lock_before);
  fs::remove(options.into / "raw" / "parcels.geojson.part");
  EXPECT_EQ(only_outcome(run({"parcels"})).status, "downloaded");
  EXPECT_EQ(gpkg_facts(options.into / "parcels.gpkg", "parcels").features, 4);
}

// ---- paged services ----

int merged_features(const fs::path& geojson) {
  return static_cast<int>(nlohmann::json::parse(test::read_file(geojson))["features"].size());
}

TEST_F(DataTest, WfsIsPagedWithStartIndexEvenWhenTheServerCapsThePage) {
  server.put("pts.geojson", points(7));
  server.paging.cap = 2;  // asks for 3 per page, gets 2
  auto r = run({"wfs"});
  const auto& o = only_outcome(r);
  ASSERT_EQ(o.status, "downloaded") << o.message;
  EXPECT_NE(o.message.find("7 features in 5 pages"), std::string::npos) << o.message;
  // Without numberMatched it stops on the first empty page.
  EXPECT_EQ(server.headers("startIndex"), (std::vector<std::string>{"0", "2", "4", "6", "7"}));
  for (const auto& c : server.headers("count")) EXPECT_EQ(c, "3");
  EXPECT_EQ(merged_features(options.into / "raw" / "wfs.geojson"), 7);
  EXPECT_EQ(gpkg_facts(options.into / "wfs.gpkg", "wfs").features, 7);
  EXPECT_EQ(gpkg_facts(options.into / "wfs.gpkg", "wfs").epsg, "28992");
  EXPECT_FALSE(fs::exists(options.into / "raw" / "wfs.geojson.pages"));
  // Same pages again: unchanged by checksum, nothing reprocessed.
  const auto before = fs::last_write_time(options.into / "wfs.gpkg");
  auto again = run({"wfs"});
  EXPECT_EQ(only_outcome(again).status, "unchanged") << only_outcome(again).message;
  EXPECT_EQ(fs::last_write_time(options.into / "wfs.gpkg"), before);
}

TEST_F(DataTest, WfsStopsAtNumberMatchedAndRetriesAFailedPage) {
  server.put("pts.geojson", points(6));
  server.paging.matched = true;
  server.paging.fail_once_at = 3;
  auto r = run({"wfs"});
  ASSERT_EQ(only_outcome(r).status, "downloaded") << only_outcome(r).message;
  EXPECT_EQ(server.headers("startIndex"), (std::vector<std::string>{"0", "3", "3"}));
  EXPECT_EQ(merged_features(options.into / "raw" / "wfs.geojson"), 6);
}

TEST_F(DataTest, WfsThatIgnoresStartIndexIsAClearError) {
  server.put("pts.geojson", points(7));
  server.paging.ignore_start = true;
  auto r = run({"wfs"});
  const auto& o = only_outcome(r);
  EXPECT_EQ(o.status, "failed");
  EXPECT_NE(o.message.find("ignores startIndex"), std::string::npos) << o.message;
  EXPECT_EQ(server.hits("/wfs/pts.geojson"), 2);
  EXPECT_FALSE(fs::exists(options.into / "raw" / "wfs.geojson"));
}

TEST_F(DataTest, InterruptedPagingResumesAfterTheLastCompletePage) {
  server.put("pts.geojson", points(8));
  server.paging.gone_from = 6;  // the third page fails for good (404)
  auto first = run({"wfs"});
  EXPECT_EQ(only_outcome(first).status, "failed");
  EXPECT_NE(only_outcome(first).message.find("404"), std::string::npos);
  EXPECT_TRUE(fs::exists(options.into / "raw" / "wfs.geojson.pages" / "tile-001-page-000002.json"));
  server.paging.gone_from = -1;
  auto second = run({"wfs"});
  ASSERT_EQ(only_outcome(second).status, "downloaded") << only_outcome(second).message;
  // Pages 1 and 2 were kept; the second run asked from startIndex 6 on.
  EXPECT_EQ(server.headers("startIndex"), (std::vector<std::string>{"0", "3", "6", "6", "8"}));
  EXPECT_EQ(merged_features(options.into / "raw" / "wfs.geojson"), 8);
}

TEST_F(DataTest, OgcApiFollowsNextLinksAndDropsRepeatedFeatures) {
  server.put("pts.geojson", points(5));
  server.paging.matched = true;
  auto r = run({"ogc"});
  ASSERT_EQ(only_outcome(r).status, "downloaded") << only_outcome(r).message;
  EXPECT_NE(only_outcome(r).message.find("5 features in 3 pages"), std::string::npos)
      << only_outcome(r).message;
  EXPECT_EQ(gpkg_facts(options.into / "ogc.gpkg", "ogc").features, 5);

  server.paging.overlap = true;  // each page repeats the last feature of the one before
  server.put("pts.geojson", points(6));
  r = run({"ogc"});
  ASSERT_EQ(only_outcome(r).status, "downloaded") << only_outcome(r).message;
  EXPECT_NE(only_outcome(r).message.find("6 features in 5 pages (4 repeated"), std::string::npos)
      << only_outcome(r).message;
  EXPECT_EQ(merged_features(options.into / "raw" / "ogc.geojson"), 6);
}

TEST(DataCatalogue, PagingSettingsAreChecked) {
  test::TempDir dir;
  const std::string head =
      "[[source]]\nid = \"x\"\ntitle = \"X\"\nproducer = \"P\"\nlicence = \"L\"\n"
      "attribution = \"A\"\nurl = \"http://127.0.0.1/x\"\nfile = \"x.csv\"\n";
  test::write_file(dir / "a.toml", head + "format = \"csv\"\npaging = \"wfs\"\n");
  test::write_file(dir / "b.toml", head + "format = \"geojson\"\npage_size = 0\n");
  for (const char* f : {"a.toml", "b.toml"}) {
    try {
      data::load_catalogue(dir / f);
      ADD_FAILURE() << f << ": expected an error";
    } catch (const Error& e) {
      EXPECT_NE(std::string(e.what()).find(std::string(f) + ":10"), std::string::npos) << e.what();
    }
  }
  // Defaults: WFS and OGC API GeoJSON are paged; plain files are not.
  auto c = data::load_catalogue(fs::path(CASCO_SOURCE_DIR) / "data" / "catalogue.toml");
  for (const auto& s : c.sources) {
    if (s.id == "natura2000") {
      EXPECT_EQ(s.paging, "wfs");
    }
    if (s.id == "bag_pand") {
      EXPECT_EQ(s.paging, "next");
    }
    if (s.id == "osm") {
      EXPECT_EQ(s.paging, "none");
    }
  }
}

TEST_F(DataTest, TiledRequestsCoverTheAreaAndKeepCrossingFeaturesOnce) {
  nlohmann::json fc = nlohmann::json::parse(points(9));
  fc["features"].push_back({{"type", "Feature"},
                            {"id", "big"},
                            {"properties", {{"naam", "groot"}}},
                            {"geometry", {{"type", "Point"}, {"coordinates", {6.6, 52.9}}}}});
  server.put("pts.geojson", fc.dump());
  auto r = run({"tiled"});
  const auto& o = only_outcome(r);
  ASSERT_EQ(o.status, "downloaded") << o.message;
  EXPECT_NE(o.message.find("10 features in"), std::string::npos) << o.message;
  EXPECT_NE(o.message.find("over 4 tiles"), std::string::npos) << o.message;
  EXPECT_NE(o.message.find("(3 repeated"), std::string::npos) << o.message;
  EXPECT_EQ(merged_features(options.into / "raw" / "tiled.geojson"), 10);
  // Every point lies in exactly one of the four boxes: nothing lost at the tile borders.
  std::set<std::string> ids;
  const auto merged =
      nlohmann::json::parse(test::read_file(options.into / "raw" / "tiled.geojson"));
  for (const auto& f : merged["features"]) ids.insert(f["id"].get<std::string>());
  EXPECT_EQ(ids.size(), 10u);
}

TEST_F(DataTest, ODataFollowsNextLinkIntoOneTable) {
  auto r = run({"odata"});
  const auto& o = only_outcome(r);
  ASSERT_EQ(o.status, "downloaded") << o.message;
  EXPECT_NE(o.message.find("10 rows in 3 pages"), std::string::npos) << o.message;
  const auto table = nlohmann::json::parse(test::read_file(options.into / "raw" / "odata.json"));
  ASSERT_EQ(table["value"].size(), 10u);
  EXPECT_EQ(table["value"][9]["WijkenEnBuurten"], "BU00000009");
  EXPECT_EQ(server.hits("/odata/rows"), 3);
}

// The fragment `casco data fetch` writes for the bundled catalogue is a valid model.toml include,
// and it provides the layers that Drenthe's disabled rules wait for.
TEST(DataCatalogue, BundledCatalogueLayersAreAValidModelInclude) {
  const fs::path root(CASCO_SOURCE_DIR);
  auto c = data::load_catalogue(root / "data" / "catalogue.toml");
  test::TempDir dir;
  data::Lock lock;
  lock.area = "drenthe";
  for (const auto& s : c.sources) {
    data::LockEntry e;
    e.kind = s.format == "geotiff" ? "raster" : "vector";
    e.output = s.id + (e.kind == "raster" ? ".tif" : ".gpkg");
    lock.entries[s.id] = e;
  }
  data::write_model_sources(c, lock, dir.path());
  test::write_file(
      dir / "model.toml",
      "[model]\nname = \"t\"\ninclude = [\"model-sources.toml\"]\n[study_area]\n"
      "path = \"" +
          (root / "data/drenthe/sources/base/boundaries/provincie_2024.geojson").string() + "\"\n");
  ModelDef m = load_model_definition(dir / "model.toml");
  for (const char* needed :
       {"beekdalen", "grondwaterbeschermingsgebieden", "lofar_zones", "nnn", "bodemgebruik"})
    EXPECT_NE(m.find(needed), nullptr) << needed;
  const LayerDef* zones = m.find("bodemgebruik");
  ASSERT_NE(zones, nullptr);
  EXPECT_EQ(zones->zone_code, "bg2017");
  EXPECT_EQ(m.find("nnn")->source.path, fs::absolute(dir / "nnn.gpkg").lexically_normal());
  EXPECT_EQ(m.find("nnn")->source.layer, "nnn");
  EXPECT_EQ(m.find("nnn")->attribution, "Natuurnetwerk Nederland: provincies / PDOK.");
  // BAG: dwellings per cell, counted from the addresses with a residential use; the same count
  // takes the place of the model's estimated weight for where people live.
  for (const char* id : {"woningen_bag", "bewoonbaarheid"}) {
    const LayerDef* L = m.find(id);
    ASSERT_NE(L, nullptr) << id;
    EXPECT_EQ(L->mode, LayerDef::AttributeMode::Count) << id;
    EXPECT_EQ(L->source.where, "gebruiksdoel LIKE '%woonfunctie%'") << id;
  }
  // Every `needs` of a disabled Drenthe rule that the catalogue can provide is named the same.
  const std::string rules = test::read_file(root / "data/drenthe/rules.toml");
  for (const char* id : {"beekdalen", "grondwaterbeschermingsgebieden", "lofar_zones", "nnn"})
    EXPECT_NE(rules.find(fmt::format("needs = [\"{}\"]", id)), std::string::npos) << id;
}

// The grondwatertrap from the BRO GHG and GLG (catalogue layer grondwatertrap_bro, an expression
// over ghg_bro and glg_bro in cm): written only when both sources are fetched, and built into the
// same classes as the wells' grondwatertrap (water::groundwater_class, the Bodemkaart table), for
// one pair of depths per row covering Gt I … VIII, the class edges, and no data.
TEST(DataCatalogue, GrondwatertrapFollowsFromTheBroGhgAndGlgOnceBothAreFetched) {
  const fs::path root(CASCO_SOURCE_DIR);
  auto c = data::load_catalogue(root / "data" / "catalogue.toml");
  test::TempDir dir;
  auto lock_of = [](std::initializer_list<const char*> ids) {
    data::Lock lock;
    lock.area = "drenthe";
    for (const char* id : ids) {
      data::LockEntry e;
      e.kind = "raster";
      e.output = std::string(id) + ".tif";
      lock.entries[id] = e;
    }
    return lock;
  };
  // Only the GLG fetched: no grondwatertrap (it would read a layer the model does not have).
  data::write_model_sources(c, lock_of({"bro_glg"}), dir.path());
  std::string written = test::read_file(dir / "model-sources.toml");
  EXPECT_NE(written.find("glg_bro"), std::string::npos);
  EXPECT_EQ(written.find("grondwatertrap_bro"), std::string::npos) << written;

  // Both: the layer is there, with no file of its own, and builds into the Gt classes.
  data::write_model_sources(c, lock_of({"bro_ghg", "bro_glg"}), dir.path());
  written = test::read_file(dir / "model-sources.toml");
  EXPECT_NE(written.find("grondwatertrap_bro"), std::string::npos) << written;
  EXPECT_EQ(written.find("with_sources"), std::string::npos) << written;

  const std::vector<std::pair<float, float>> pairs = {
      // GHG, GLG in cm below ground
      {10, 40},   {20, 70},  {30, 100}, {50, 100}, {30, 150},      {60, 150},    {100, 200},
      {160, 250}, {40, 120}, {39, 119}, {80, 50},  {kNoData, 100}, {30, kNoData}};
  Grid g;
  g.x0 = 200000, g.y0 = 500000 + 25.0 * static_cast<double>(pairs.size());
  g.cell = 25, g.cols = 4, g.rows = static_cast<int>(pairs.size()), g.crs = "EPSG:28992";
  {
    char* wkt = nullptr;
    make_srs("EPSG:28992", "the test grid").exportToWkt(&wkt);
    g.crs_wkt = wkt;  // the GeoTIFFs declare RD New, as the fetched BRO rasters do
    CPLFree(wkt);
  }
  Raster ghg(g, 0.0f), glg(g, 0.0f);
  for (int r = 0; r < g.rows; ++r)
    for (int col = 0; col < g.cols; ++col)
      ghg.at(r, col) = pairs[std::size_t(r)].first, glg.at(r, col) = pairs[std::size_t(r)].second;
  write_geotiff(ghg, dir / "bro_ghg.tif");
  write_geotiff(glg, dir / "bro_glg.tif");
  test::write_file(
      dir / "area.geojson",
      test::rd_collection(fmt::format(
          R"({{"type":"Feature","properties":{{}},"geometry":{{"type":"Polygon","coordinates":[[[200000,500000],[200100,500000],[200100,{0}],[200000,{0}],[200000,500000]]]}}}})",
          g.y0)));
  test::write_file(dir / "model.toml",
                   "[model]\nname = \"t\"\ncell_size = 25\ninclude = [\"model-sources.toml\"]\n"
                   "[study_area]\npath = \"area.geojson\"\n");
  const ModelDef m = load_model_definition(dir / "model.toml");
  const LayerDef* gt = m.find("grondwatertrap_bro");
  ASSERT_NE(gt, nullptr);
  EXPECT_EQ(gt->derivation, Derivation::Expression);
  // The catalogue has more layers than these three; build only what the Gt needs.
  ModelDef only = m;
  only.layers.clear();
  for (const LayerDef& L : m.layers)
    if (L.id == "ghg_bro" || L.id == "glg_bro" || L.id == "grondwatertrap_bro")
      only.layers.push_back(L);
  build_model(only, {dir / "gt.gpkg", std::nullopt, false});
  const Store s = Store::open(dir / "gt.gpkg");
  const Raster built = s.read("grondwatertrap_bro");
  ASSERT_EQ(built.grid.rows, g.rows);
  for (int r = 0; r < g.rows; ++r) {
    const auto [hi, lo] = pairs[std::size_t(r)];
    const std::string cls = water::groundwater_class(hi / 100.0, lo / 100.0);
    if (cls.empty()) {
      EXPECT_TRUE(std::isnan(built.at(r, 1))) << hi << " " << lo;
    } else {
      EXPECT_EQ(built.at(r, 1), static_cast<float>(water::groundwater_class_number(cls)))
          << "GHG " << hi << " GLG " << lo << ": Gt " << cls;
    }
  }
  // The hand-read classes of the first eight rows: Gt I … VIII in order.
  for (int r = 0; r < 8; ++r) EXPECT_EQ(built.at(r, 0), static_cast<float>(r + 1)) << r;
  EXPECT_EQ(s.layer("grondwatertrap_bro").describe.style.classes.size(), 8u);
}

// Sources marked `surroundings` (the road network, Natura 2000) are fetched over the area grown
// by its surroundings_m: Drenthe's box 204,000-270,000 x 514,000-581,000 plus 25 km on every side
// is 179,000-295,000 x 489,000-606,000, and the road network comes from the Netherlands extract
// (the Drenthe extract ends at the border). Other sources keep the area's own box; --surroundings 0
// turns it off.
TEST(DataCatalogue, SourcesPeopleUseAcrossTheBorderAreFetchedWithTheSurroundings) {
  auto c = data::load_catalogue(fs::path(CASCO_SOURCE_DIR) / "data" / "catalogue.toml");
  EXPECT_DOUBLE_EQ(c.area("drenthe").surroundings_m, 25000);
  data::FetchOptions o;
  o.into = "niet-aangemaakt";
  o.area = "drenthe";
  o.only = {"osm", "natura2000", "bodemgebruik"};
  o.dry_run = true;
  auto message = [&](const data::FetchReport& r, const std::string& id) {
    for (const auto& out : r.outcomes)
      if (out.id == id) return out.message;
    return std::string("(not planned)");
  };
  auto r = data::fetch(c, o);
  EXPECT_NE(message(r, "osm").find("/europe/netherlands-latest.osm.pbf"), std::string::npos)
      << message(r, "osm");
  EXPECT_NE(message(r, "natura2000").find("bbox=179000,489000,295000,606000,"), std::string::npos)
      << message(r, "natura2000");
  EXPECT_NE(message(r, "bodemgebruik").find("bbox=204000,514000,270000,581000,"), std::string::npos)
      << message(r, "bodemgebruik");
  o.surroundings_m = 0;
  r = data::fetch(c, o);
  EXPECT_NE(message(r, "osm").find("/europe/netherlands/drenthe-latest.osm.pbf"), std::string::npos)
      << message(r, "osm");
  EXPECT_NE(message(r, "natura2000").find("bbox=204000,514000,270000,581000,"), std::string::npos)
      << message(r, "natura2000");
  EXPECT_FALSE(fs::exists(o.into));
  // Grown past the Netherlands' RD New range, a box stops at it.
  data::Area edge = data::area_from_bbox({180000, 600000, 290000, 620000});
  EXPECT_EQ(data::with_surroundings(edge, 25000).bbox_rd,
            (std::array<double, 4>{155000, 575000, 300000, 629000}));
  // A malformed value is an error at its line.
  test::TempDir d;
  test::write_file(d / "c.toml",
                   "[[area]]\nid = \"x\"\nbbox_28992 = [0, 300000, 1000, 301000]\n"
                   "surroundings_m = -5\n");
  try {
    data::load_catalogue(d / "c.toml");
    ADD_FAILURE() << "a negative surroundings_m was accepted";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("surroundings_m in area 'x' must be metres from 0"),
              std::string::npos)
        << e.what();
  }
}

TEST(DataCatalogue, MissingIncludeIsAClearModelError) {
  test::TempDir dir;
  test::write_file(dir / "model.toml",
                   "[model]\nname = \"t\"\ninclude = [\"official/model-sources.toml\"]\n"
                   "[study_area]\npath = \"x.geojson\"\n");
  try {
    load_model_definition(dir / "model.toml");
    FAIL() << "expected an error";
  } catch (const Error& e) {
    const std::string msg = e.what();
    EXPECT_NE(msg.find("model.toml:3"), std::string::npos) << msg;
    EXPECT_NE(msg.find("casco data fetch"), std::string::npos) << msg;
  }
  // An included file may hold only layers; its own line numbers are reported.
  fs::create_directories(dir / "official");
  test::write_file(dir / "official" / "model-sources.toml",
                   "[[layer]]\nid = \"a\"\ntitle = \"A\"\ngroup = \"natuur\"\nunit = \"0/1\"\n"
                   "derivation = \"presense\"\nsource = \"a.gpkg\"\n");
  try {
    load_model_definition(dir / "model.toml");
    FAIL() << "expected an error";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("model-sources.toml:6"), std::string::npos) << e.what();
  }
}

// ---- areas: every province, ad-hoc boxes, area-bound sources ----

TEST(DataCatalogue, EveryProvinceIsAnAreaWithAComputedWgs84Box) {
  auto c = data::load_catalogue(fs::path(CASCO_SOURCE_DIR) / "data" / "catalogue.toml");
  EXPECT_EQ(c.areas.size(), 13u);  // 12 provinces and the Netherlands
  for (const auto& a : c.areas) {
    EXPECT_GT(a.bbox_wgs84[0], 3.0) << a.id;
    EXPECT_LT(a.bbox_wgs84[2], 7.3) << a.id;
    EXPECT_GT(a.bbox_wgs84[1], 50.6) << a.id;
    EXPECT_LT(a.bbox_wgs84[3], 53.7) << a.id;
    EXPECT_NE(a.osm_extract.find("europe/netherlands"), std::string::npos) << a.id;
  }
  // Drenthe's hand-written WGS84 box and the one PROJ gives for its RD box agree within ~1 km.
  const data::Area& d = c.area("drenthe");
  const data::Area computed = data::area_from_bbox(d.bbox_rd);
  for (int i = 0; i < 4; ++i) EXPECT_NEAR(computed.bbox_wgs84[i], d.bbox_wgs84[i], 0.015) << i;
  EXPECT_EQ(c.area("limburg").osm_extract, "europe/netherlands/limburg");
  // Degrees where metres belong are caught.
  EXPECT_THROW(data::area_from_bbox({6.1, 52.6, 7.1, 53.2}), Error);
}

TEST_F(DataTest, BoxAreaOsmExtractAndAreaBoundSources) {
  server.put("europe/netherlands-latest.osm.pbf", bytes(5000, 9));
  options.bbox = std::array<double, 4>{230000, 550000, 250000, 570000};  // around Assen
  auto r = run({"osm", "parcels", "provinciaal"});
  ASSERT_EQ(r.outcomes.size(), 3u);
  // No extract named for a box: the Netherlands extract.
  EXPECT_EQ(r.outcomes[0].status, "downloaded") << r.outcomes[0].message;
  EXPECT_EQ(sha256_file(options.into / "raw" / "osm.pbf"), sha256_hex(bytes(5000, 9)));
  // Only the Assen parcel lies in this box.
  EXPECT_EQ(r.outcomes[1].status, "downloaded") << r.outcomes[1].message;
  EXPECT_EQ(gpkg_facts(options.into / "parcels.gpkg", "parcels").features, 1);
  EXPECT_EQ(r.outcomes[2].status, "skipped");
  EXPECT_NE(r.outcomes[2].message.find("only for area drenthe"), std::string::npos);
  EXPECT_NE(lock_text(options.into).find("bbox-230000-550000-250000-570000"), std::string::npos);
  // The same folder cannot take another area.
  options.bbox.reset();
  EXPECT_THROW(run({"parcels"}), Error);
  EXPECT_NE(cli("fetch --catalogue " + (dir / "catalogue.toml").string() + " --into " +
                options.into.string() + " --bbox 6.1,52.6,7.1,53.2"),
            0);
  EXPECT_NE(output.find("not degrees"), std::string::npos) << output;
}

TEST_F(DataTest, UnreachableHostIsTriedOnceForAllItsSources) {
  // Port 1 on the loopback refuses connections: nothing leaves the machine.
  std::string text = catalogue(server.port());
  for (const char* id : {"dood1", "dood2"})
    text += fmt::format(
        "[[source]]\nid = \"{0}\"\ntitle = \"T\"\nproducer = \"P\"\nlicence = \"L\"\n"
        "attribution = \"A\"\nurl = \"http://127.0.0.1:1/{0}.zip\"\nformat = \"zip\"\n"
        "file = \"{0}.zip\"\n",
        id);
  write_catalogue(text);
  options.retries = 1;
  auto r = run({"dood1", "dood2", "parcels"});
  ASSERT_EQ(r.outcomes.size(), 3u);  // in catalogue order
  // Another port on the same machine is another server: fetched.
  EXPECT_EQ(r.outcomes[0].status, "downloaded") << r.outcomes[0].message;
  EXPECT_EQ(r.outcomes[1].status, "failed");
  EXPECT_NE(r.outcomes[1].message.find("2 attempts"), std::string::npos) << r.outcomes[1].message;
  EXPECT_EQ(r.outcomes[2].status, "failed");
  EXPECT_NE(r.outcomes[2].message.find("not tried: 127.0.0.1:1 could not be reached for dood1"),
            std::string::npos)
      << r.outcomes[2].message;
}

TEST_F(DataTest, DryRunListsTheRequestsAndTouchesNothing) {
  options.dry_run = true;
  auto r = run({"parcels", "tiled", "byhand"});
  ASSERT_EQ(r.outcomes.size(), 3u);  // in catalogue order
  EXPECT_EQ(r.outcomes[0].status, "planned");
  EXPECT_NE(r.outcomes[0].message.find("/data/parcels.geojson"), std::string::npos);
  EXPECT_EQ(r.outcomes[1].status, "skipped");  // by hand
  EXPECT_EQ(r.outcomes[2].status, "planned");
  EXPECT_NE(r.outcomes[2].message.find("4 tiles"), std::string::npos) << r.outcomes[2].message;
  // The tiles' boxes split the area's: the first starts at its corner.
  EXPECT_NE(r.outcomes[2].message.find("bbox=6.11,52.61,"), std::string::npos)
      << r.outcomes[2].message;
  EXPECT_EQ(server.hits("/data/parcels.geojson") + server.hits("/wfs/pts.geojson"), 0);
  EXPECT_FALSE(fs::exists(options.into));
}
