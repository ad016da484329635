// Finding one's way in the viewer: search over the model's own places, gemeenten and postcodes;
// the offline base map's place names; values in words; the data a waiting rule needs, named; the
// bundle sent gzipped once instead of compressed per request.
#include "viewer/search.hpp"
#include "viewer/viewer_fixture.hpp"

namespace casco {
namespace {

class ViewerFind : public Viewer {
 protected:
  static json get_json(const std::string& path) {
    auto r = client().Get(path.c_str());
    if (!r || r->status != 200)
      throw std::runtime_error(path + ": " +
                               (r ? std::to_string(r->status) + " " + r->body : "no answer"));
    return json::parse(r->body);
  }
};

// A hand-made index: the whole name first, then the start of the name, then the start of a word,
// then anywhere; among equals the configured type order, then the larger (weight).
TEST(SearchIndex, RanksWholeNameThenStartThenWordThenAnywhere) {
  auto entry = [](std::string type, std::string name, double weight, int priority) {
    viewer::SearchEntry e;
    e.type = std::move(type), e.name = std::move(name), e.weight = weight, e.priority = priority;
    return e;
  };
  viewer::SearchIndex index(
      {entry("plaats", "Nieuw-Schoonebeek", 1200, 1), entry("plaats", "Schoonebeek", 6000, 1),
       entry("plaats", "Schoonoord", 1600, 1), entry("gemeente", "Emmen", 0, 0),
       entry("plaats", "Emmen", 56000, 1), entry("plaats", "Emmer-Compascuum", 7000, 1)});
  auto names = [&](const std::string& q) {
    std::vector<std::string> out;
    for (const auto* e : index.find(q)) out.push_back(e->type + ":" + e->name);
    return out;
  };
  EXPECT_EQ(names("schoonebeek"),
            (std::vector<std::string>{"plaats:Schoonebeek", "plaats:Nieuw-Schoonebeek"}));
  EXPECT_EQ(names("schoon"), (std::vector<std::string>{"plaats:Schoonebeek", "plaats:Schoonoord",
                                                       "plaats:Nieuw-Schoonebeek"}));
  EXPECT_EQ(names("EMMEN"), (std::vector<std::string>{"gemeente:Emmen", "plaats:Emmen"}));
  EXPECT_EQ(names("nieuw schoonebeek"), (std::vector<std::string>{"plaats:Nieuw-Schoonebeek"}));
  EXPECT_TRUE(names("e").empty());  // one letter finds nothing
  EXPECT_EQ(viewer::fold("Nieuw-Schoonebeek"), "nieuw schoonebeek");
}

TEST_F(ViewerFind, SearchFindsGemeentePlaceAndPostcode) {
  json a = get_json("/api/search?q=assen");
  ASSERT_GE(a["results"].size(), 2u);
  // Equal matches in the viewer file's order: the gemeente, then the place.
  EXPECT_EQ(a["results"][0]["type"], "gemeente");
  EXPECT_EQ(a["results"][0]["name"], "Assen");
  EXPECT_EQ(a["results"][0]["zone"]["layer"], "gemeenten");
  const auto& box = a["results"][0]["bbox"];  // holds the town centre (6.56 E, 52.99 N)
  EXPECT_LT(box[0].get<double>(), 6.56);
  EXPECT_GT(box[2].get<double>(), 6.56);
  EXPECT_LT(box[1].get<double>(), 52.99);
  EXPECT_GT(box[3].get<double>(), 52.99);
  EXPECT_EQ(a["results"][1]["type"], "plaats");
  EXPECT_GT(a["results"][1]["inhabitants"].get<double>(), 50000);

  json pc = get_json("/api/search?q=9401%20AB");  // a full postcode finds its PC4 area
  ASSERT_GE(pc["results"].size(), 1u);
  EXPECT_EQ(pc["results"][0]["type"], "postcode");
  EXPECT_EQ(pc["results"][0]["name"], "9401");

  // The outline of a found zone, to highlight it.
  json outline = get_json("/api/zone/gemeenten/GM0106.geojson");
  ASSERT_EQ(outline["features"].size(), 1u);
  EXPECT_EQ(outline["features"][0]["properties"]["name"], "Assen");

  EXPECT_TRUE(get_json("/api/search?q=zzqx")["results"].empty());
  EXPECT_TRUE(get_json("/api/search")["results"].empty());  // no query, nothing found
  auto bad = client().Get("/api/search?q=assen&limit=0");
  ASSERT_TRUE(bad);
  EXPECT_EQ(bad->status, 400);
}

TEST_F(ViewerFind, BaseMapNamesPlacesLargestFirst) {
  json b = get_json("/api/basemap.geojson");
  std::map<std::string, int> rank;
  bool study = false;
  for (const auto& f : b["features"]) {
    const std::string layer = f["properties"]["layer"];
    if (layer == "studiegebied") study = true;
    if (layer == "plaats") rank[f["properties"]["name"]] = f["properties"]["rank"];
  }
  EXPECT_TRUE(study);
  EXPECT_EQ(rank["Assen"], 1);  // > 25 000 inhabitants: labelled from the province view
  EXPECT_EQ(rank["Emmen"], 1);
  ASSERT_TRUE(rank.count("Dwingeloo"));
  EXPECT_GT(rank["Dwingeloo"], 2);  // a village: labelled only when zoomed in
}

TEST_F(ViewerFind, ValuesReadAsWords) {
  json v = get_json("/api/value?lon=6.5625&lat=52.9925");  // central Assen
  std::map<std::string, json> by_id;
  for (const auto& x : v["values"]) by_id[x["id"]] = x;
  EXPECT_EQ(by_id["hunebedden"]["text"], "nee");            // not "0 aanwezig 0/1"
  EXPECT_EQ(by_id["natura2000_gebieden"]["text"], "geen");  // no zone here, not "0"
}

TEST_F(ViewerFind, WaitingRulesNameTheDataTheyNeed) {
  auto r = post_plan(lonlat_square(6.55, 52.97, 0.003, R"({"naam":"Zuid"})"), "woningbouw");
  ASSERT_TRUE(r);
  ASSERT_EQ(r->status, 200) << r->body;
  json a = json::parse(r->body);
  bool nnn = false;
  for (const auto& w : a["plans"][0]["not_checked"])
    for (const auto& n : w["needs_described"])
      if (n["id"] == "nnn") {
        nnn = true;
        EXPECT_TRUE(n["in_catalogue"].get<bool>());
        EXPECT_NE(n["title"].get<std::string>().find("Natuurnetwerk"), std::string::npos);
      }
  EXPECT_TRUE(nnn);
}

TEST_F(ViewerFind, BundleIsSentGzippedOnceAndUnchanged) {
  const std::string script = test::read_file(*dir_ / "web" / "app.js");
  httplib::Client c = client();
  c.set_decompress(false);
  auto r = c.Get("/app.js", {{"Accept-Encoding", "br, gzip"}});
  ASSERT_TRUE(r);
  ASSERT_EQ(r->status, 200);
  EXPECT_EQ(r->get_header_value_count("Content-Encoding"), 1u);
  EXPECT_EQ(r->get_header_value("Content-Encoding"), "gzip");
  EXPECT_LT(r->body.size(), script.size() / 2);
  // Decoded once, it is the file.
  httplib::Client d = client();
  auto plain = d.Get("/app.js", {{"Accept-Encoding", "gzip"}});
  ASSERT_TRUE(plain);
  EXPECT_EQ(plain->body, script);
  // A client that takes no gzip gets the file as it is.
  auto none = c.Get("/app.js", {{"Accept-Encoding", "identity"}});
  ASSERT_TRUE(none);
  EXPECT_EQ(none->get_header_value("Content-Encoding"), "");
  EXPECT_EQ(none->body, script);
}

}  // namespace
}  // namespace casco
