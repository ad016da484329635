// The viewer's HTTP API, in process: a server on an ephemeral port over a 250 m Drenthe store,
// asked with httplib::Client.
#include "viewer/viewer_fixture.hpp"

namespace casco {
namespace {

TEST_F(Viewer, ModelListsTheLayersByGroupWithLegends) {
  auto r = client().Get("/api/model");
  ASSERT_TRUE(r);
  ASSERT_EQ(r->status, 200);
  json m = json::parse(r->body);
  EXPECT_EQ(m["grid"]["cell"], 250.0);
  std::map<std::string, json> layers;
  std::vector<std::string> groups;
  for (const auto& g : m["groups"]) {
    groups.push_back(g["id"]);
    for (const auto& L : g["layers"]) layers[L["id"]] = L;
  }
  // Every layer of the store (the bundled model's layers and its study area).
  EXPECT_EQ(layers.size(), Store::open(*dir_ / "d.gpkg").manifest().layers.size());
  EXPECT_GT(layers.size(), 30u);
  ASSERT_TRUE(layers.count("gemeenten"));
  ASSERT_TRUE(layers.count("afstand_station"));
  EXPECT_EQ(layers["gemeenten"]["legend"]["kind"], "classes");
  EXPECT_EQ(layers["gemeenten"]["legend"]["classes"].size(), 12u);  // Drenthe's gemeenten
  EXPECT_EQ(layers["afstand_station"]["legend"]["kind"], "ramp");
  EXPECT_LT(layers["afstand_station"]["legend"]["lo"].get<double>(),
            layers["afstand_station"]["legend"]["hi"].get<double>());
  EXPECT_EQ(layers["afstand_station"]["legend"]["unit"], "km");  // shown as people read it
  EXPECT_EQ(layers["hunebedden"]["legend"]["kind"], "classes");
  EXPECT_TRUE(layers["hunebedden"]["legend"]["points"].get<bool>());  // symbols, not 250 m cells
  EXPECT_EQ(layers["afstand_station"]["role"], "distance");
  EXPECT_EQ(groups.back(), "bestuur");  // administrative units after the systems
  EXPECT_TRUE(m["assessment"].get<bool>());
}

// One legend per layer in the viewer, the PNG maps, the report and QGIS: test_viewer_legends.cpp.

TEST_F(Viewer, KindsComeFromTheRuleFile) {
  auto r = client().Get("/api/kinds");
  ASSERT_TRUE(r);
  ASSERT_EQ(r->status, 200);
  json k = json::parse(r->body);
  std::vector<std::string> ids;
  for (const auto& x : k["kinds"]) ids.push_back(x["id"]);
  EXPECT_NE(std::find(ids.begin(), ids.end(), "woningbouw"), ids.end());
  EXPECT_NE(std::find(ids.begin(), ids.end(), "zonnepark"), ids.end());
}

TEST_F(Viewer, TileOverDrentheIsColouredAndFarAwayTransparent) {
  int w = 0, h = 0;
  auto near = client().Get(tile_path("gemeenten", tile_at(6.56, 52.99, 12)));  // Assen
  ASSERT_TRUE(near);
  ASSERT_EQ(near->status, 200);
  EXPECT_EQ(near->get_header_value("Content-Type"), "image/png");
  auto alpha = png_alpha(near->body, w, h);
  ASSERT_EQ(alpha.size(), 256u * 256u) << "not a 256 px PNG";
  EXPECT_EQ(std::count(alpha.begin(), alpha.end(), 255), 256 * 256);  // all inside a gemeente

  auto far = client().Get(tile_path("gemeenten", tile_at(2.35, 48.85, 10)));  // Paris
  ASSERT_TRUE(far);
  ASSERT_EQ(far->status, 200);
  alpha = png_alpha(far->body, w, h);
  ASSERT_EQ(alpha.size(), 256u * 256u);
  EXPECT_EQ(std::count(alpha.begin(), alpha.end(), 0), 256 * 256);

  // The province's edge: some pixels coloured, some not.
  auto edge = client().Get(tile_path("provincie", tile_at(6.2, 52.85, 9)));
  ASSERT_TRUE(edge);
  alpha = png_alpha(edge->body, w, h);
  ASSERT_EQ(alpha.size(), 256u * 256u);
  auto opaque = std::count(alpha.begin(), alpha.end(), 255);
  EXPECT_GT(opaque, 1000);
  EXPECT_LT(opaque, 256 * 256 - 1000);
}

TEST_F(Viewer, TilesCarryETagsAndAnswer304) {
  const std::string path = tile_path("natura2000", tile_at(6.40, 52.81, 11));
  auto c = client();
  auto first = c.Get(path.c_str());
  ASSERT_TRUE(first);
  ASSERT_EQ(first->status, 200);
  const std::string etag = first->get_header_value("ETag");
  ASSERT_FALSE(etag.empty());
  EXPECT_NE(first->get_header_value("Cache-Control").find("max-age"), std::string::npos);
  auto again = c.Get(path.c_str(), {{"If-None-Match", etag}});
  ASSERT_TRUE(again);
  EXPECT_EQ(again->status, 304);
  EXPECT_TRUE(again->body.empty());
  auto other = c.Get(path.c_str(), {{"If-None-Match", "\"something-else\""}});
  ASSERT_TRUE(other);
  EXPECT_EQ(other->status, 200);
}

TEST_F(Viewer, ValueAtAssenNamesTheGemeente) {
  auto r = client().Get("/api/value?lon=6.5625&lat=52.9925");
  ASSERT_TRUE(r);
  ASSERT_EQ(r->status, 200);
  json v = json::parse(r->body);
  ASSERT_TRUE(v["inside"].get<bool>());
  std::map<std::string, json> by_id;
  for (const auto& x : v["values"]) by_id[x["id"]] = x;
  EXPECT_EQ(by_id.size(), Store::open(*dir_ / "d.gpkg").manifest().layers.size());
  ASSERT_TRUE(by_id["gemeenten"].contains("zone"));
  EXPECT_EQ(by_id["gemeenten"]["zone"]["name"], "Assen");
  EXPECT_TRUE(by_id["afstand_station"]["value"].is_number());

  auto outside = client().Get("/api/value?lon=4.9&lat=52.37");  // Amsterdam
  ASSERT_TRUE(outside);
  EXPECT_EQ(outside->status, 200);
  EXPECT_FALSE(json::parse(outside->body)["inside"].get<bool>());
  auto bad = client().Get("/api/value?lon=abc&lat=52");
  ASSERT_TRUE(bad);
  EXPECT_EQ(bad->status, 400);
}

TEST_F(Viewer, BordersAreGeoJsonInWgs84) {
  auto r = client().Get("/api/borders/gemeenten.geojson");
  ASSERT_TRUE(r);
  ASSERT_EQ(r->status, 200);
  json fc = json::parse(r->body);
  ASSERT_EQ(fc["type"], "FeatureCollection");
  EXPECT_EQ(fc["features"].size(), 12u);
  bool assen = false;
  for (const auto& f : fc["features"])
    assen = assen || f["properties"].value("name", "") == "Assen";
  EXPECT_TRUE(assen);
  // Some position of the first feature lies in Drenthe in degrees.
  json c = fc["features"][0]["geometry"]["coordinates"];
  while (c.is_array() && c[0].is_array()) c = c[0];
  EXPECT_GT(c[0].get<double>(), 6.0);
  EXPECT_LT(c[0].get<double>(), 7.2);
  EXPECT_GT(c[1].get<double>(), 52.5);
  EXPECT_LT(c[1].get<double>(), 53.3);
  auto not_zones = client().Get("/api/borders/natura2000.geojson");
  ASSERT_TRUE(not_zones);
  EXPECT_EQ(not_zones->status, 404);
}

TEST_F(Viewer, HousingInDwingelderveldIsForbidden) {
  auto r = post_plan(lonlat_square(6.403, 52.808, 0.002, R"({"naam":"Heide"})"), "woningbouw");
  ASSERT_TRUE(r);
  ASSERT_EQ(r->status, 200) << r->body;
  json a = json::parse(r->body);
  ASSERT_EQ(a["plans"].size(), 1u);
  EXPECT_EQ(a["plans"][0]["plan"], "Heide");
  EXPECT_EQ(a["plans"][0]["verdict"], "verboden");
  bool natura = false;
  for (const auto& rule : a["plans"][0]["rules"])
    if (rule["hit"].get<bool>() && rule["verdict"] == "verboden") {
      natura = true;
      EXPECT_GT(rule["area_ha"].get<double>(), 0);
      EXPECT_FALSE(rule["reason"].get<std::string>().empty());
    }
  EXPECT_TRUE(natura);
  EXPECT_EQ(a["geojson"]["features"].size(), 1u);  // the plan, back in WGS 84 for the map
}

TEST_F(Viewer, BadPlansAre400AndTheServerKeepsServing) {
  for (const std::string& body :
       {std::string("{not json"), std::string(R"({"type":"Point","coordinates":[6.4,52.8]})"),
        std::string(R"({"type":"FeatureCollection","features":[{"type":"Feature","geometry":)"
                    R"({"type":"LineString","coordinates":[[6.4,52.8],[6.5,52.9]]}}]})"),
        lonlat_square(2.35, 48.85, 0.01)}) {  // Paris: outside the study area
    auto r = post_plan(body, "woningbouw");
    ASSERT_TRUE(r);
    EXPECT_EQ(r->status, 400) << body;
    json e = json::parse(r->body);
    EXPECT_FALSE(e.value("error", "").empty());
    EXPECT_FALSE(e.value("fout", "").empty());
  }
  auto unknown_kind = post_plan(lonlat_square(6.403, 52.808, 0.002), "kasteel");
  ASSERT_TRUE(unknown_kind);
  EXPECT_EQ(unknown_kind->status, 400);
  auto next = client().Get("/api/model");
  ASSERT_TRUE(next);
  EXPECT_EQ(next->status, 200);
}

TEST_F(Viewer, TooLargeRequestsAre413) {
  std::string huge = R"({"type":"Feature","properties":{"pad":")" + std::string(3u << 20, 'x') +
                     R"("},"geometry":null})";
  auto r = post_plan(huge, "woningbouw");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 413);
  // Under the size limit but too many vertices.
  std::string ring;
  for (int i = 0; i <= 10001; ++i) {
    double t = 2 * M_PI * i / 10001;
    ring += fmt::format("{}[{:.6f},{:.6f}]", i ? "," : "", 6.4 + 0.01 * std::cos(t),
                        52.8 + 0.01 * std::sin(t));
  }
  auto many = post_plan(
      R"({"type":"Feature","properties":{},"geometry":{"type":"Polygon","coordinates":[[)" + ring +
          "]]}}",
      "woningbouw");
  ASSERT_TRUE(many);
  EXPECT_EQ(many->status, 413);
  auto next = client().Get("/api/kinds");
  ASSERT_TRUE(next);
  EXPECT_EQ(next->status, 200);
}

TEST_F(Viewer, PathsCannotLeaveTheBundle) {
  auto index = client().Get("/");
  ASSERT_TRUE(index);
  EXPECT_EQ(index->status, 200);
  EXPECT_NE(index->body.find("casco test"), std::string::npos);
  for (const char* path :
       {"/../secret.txt", "/%2e%2e/secret.txt", "/%2E%2E%2Fsecret.txt", "/..%2fsecret.txt",
        "/secret.txt", "/web/../secret.txt", "/api/tiles/../../secret.txt",
        "/api/tiles/..%2f..%2fsecret/1/2/3.png", "/api/tiles/nope/10/500/300.png",
        "/api/borders/..%2fsecret.geojson", "/%5c..%5csecret.txt", "//etc/passwd", "/api/nothing",
        "/index.html/..", "/./index.html"}) {
    auto r = client().Get(path);
    ASSERT_TRUE(r) << path;
    EXPECT_TRUE(r->status == 400 || r->status == 404) << path << " -> " << r->status;
    EXPECT_EQ(r->body.find("SECRET"), std::string::npos) << path;
  }
  auto bad_zoom = client().Get("/api/tiles/gemeenten/30/1/1.png");
  ASSERT_TRUE(bad_zoom);
  EXPECT_EQ(bad_zoom->status, 400);
  auto bad_xy = client().Get("/api/tiles/gemeenten/2/4/0.png");
  ASSERT_TRUE(bad_xy);
  EXPECT_EQ(bad_xy->status, 400);
}

TEST_F(Viewer, WithoutABundleTheRootSaysHowToBuildIt) {
  viewer::ServerOptions o;
  o.web_dir = *dir_ / "no-such-folder";
  with_server(o, [&](httplib::Client& c) {
    auto root = c.Get("/");
    auto kinds = c.Get("/api/kinds");
    auto assess = c.Post("/api/assess?kind=woningbouw", lonlat_square(6.403, 52.808, 0.002),
                         "application/json");
    ASSERT_TRUE(root);
    EXPECT_EQ(root->status, 200);
    EXPECT_NE(root->body.find("scripts/build-web.sh"), std::string::npos);
    ASSERT_TRUE(kinds);
    EXPECT_FALSE(json::parse(kinds->body)["available"].get<bool>());
    ASSERT_TRUE(assess);
    EXPECT_EQ(assess->status, 503);  // no rule file given
  });
}

// The legends are cached beside the store: a second start computes nothing (the cache is not
// rewritten) and answers the same; a damaged cache is computed again.
TEST_F(Viewer, LegendCacheGivesTheSameModelAndSurvivesDamage) {
  const fs::path cache = *dir_ / "d.gpkg.legends.json";
  ASSERT_TRUE(fs::exists(cache));
  const auto written = fs::last_write_time(cache);
  auto first = client().Get("/api/model");
  ASSERT_TRUE(first);
  auto start = [&](std::string& model) {
    viewer::ServerOptions o;
    o.rules = fs::path(CASCO_DATA_DIR) / "rules.toml";
    o.viewer = fs::path(CASCO_DATA_DIR) / "viewer.toml";
    with_server(o, [&](httplib::Client& c) {
      auto r = c.Get("/api/model");
      ASSERT_TRUE(r);
      model = r->body;
    });
  };
  std::string again;
  start(again);
  EXPECT_EQ(again, first->body);
  EXPECT_EQ(fs::last_write_time(cache), written);  // nothing had to be computed

  test::write_file(cache, "{\"casco\": \"broken");
  std::string repaired;
  start(repaired);
  EXPECT_EQ(repaired, first->body);
  EXPECT_FALSE(json::parse(test::read_file(cache), nullptr, false).is_discarded());
}

// A server stopped at any moment stops: before run(), while run() starts, or once it listens
// (a stop() that came before httplib listened used to be lost, and run() waited for ever).
TEST_F(Viewer, StopsWhateverTheMomentItIsStopped) {
  viewer::ServerOptions o;
  o.store = *dir_ / "d.gpkg";
  o.port = 0;
  {
    viewer::Server s(o);
    s.bind();
    s.stop();
    s.run();  // returns at once
  }
  for (int round = 0; round < 20; ++round) {
    viewer::Server s(o);
    s.bind();
    std::thread t([&] { s.run(); });
    if (round % 2) std::this_thread::sleep_for(std::chrono::milliseconds(round));
    s.stop();
    t.join();
  }
  SUCCEED() << "every server stopped";
}

}  // namespace
}  // namespace casco
