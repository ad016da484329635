// The casco command line as a user runs it: exit codes, messages and outputs.
#include <gdal_priv.h>
#include <gtest/gtest.h>

#include <array>
#include <cstdio>
#include <fstream>
#include <memory>
#include <nlohmann/json.hpp>

#include "test_util.hpp"

namespace fs = std::filesystem;

namespace {

struct Result {
  int code;
  std::string out;
};

Result run(const std::string& args) {
  std::string cmd = std::string(CASCO_BINARY) + " " + args + " 2>&1";
  std::unique_ptr<FILE, int (*)(FILE*)> pipe(popen(cmd.c_str(), "r"), pclose);
  std::string out;
  std::array<char, 4096> buf{};
  std::size_t n;
  while ((n = fread(buf.data(), 1, buf.size(), pipe.get())) > 0) out.append(buf.data(), n);
  int status = pclose(pipe.release());
  return {WEXITSTATUS(status), out};
}

// Runs one SQL statement on a GeoPackage (through GDAL, in process).
Result run_sqlite(const fs::path& gpkg, const std::string& sql) {
  GDALAllRegister();
  GDALDatasetUniquePtr ds(
      GDALDataset::Open(gpkg.c_str(), GDAL_OF_VECTOR | GDAL_OF_UPDATE, nullptr, nullptr, nullptr));
  if (!ds) return {1, "cannot open " + gpkg.string()};
  CPLErrorReset();
  OGRLayer* r = ds->ExecuteSQL(sql.c_str(), nullptr, nullptr);
  if (r) ds->ReleaseResultSet(r);
  if (CPLGetLastErrorType() == CE_Failure) return {1, CPLGetLastErrorMsg()};
  return {0, ""};
}

// One small store shared by the tests: the Drenthe model at 500 m.
const fs::path& store() {
  static casco::test::TempDir dir;
  static fs::path path = [] {
    fs::path p = dir / "drenthe.gpkg";
    Result r = run("build --quiet --cell-size 500 " + std::string(CASCO_DATA_DIR) +
                   "/model.toml -o " + p.string());
    EXPECT_EQ(r.code, 0) << r.out;
    return p;
  }();
  return path;
}

}  // namespace

TEST(Cli, VersionAndHelp) {
  Result v = run("--version");
  EXPECT_EQ(v.code, 0);
  EXPECT_NE(v.out.find("casco 0."), std::string::npos) << v.out;
  Result h = run("--help");
  EXPECT_EQ(h.code, 0);
  for (const char* sub : {"build", "info", "export", "stats"})
    EXPECT_NE(h.out.find(sub), std::string::npos) << sub;
  EXPECT_NE(run("").code, 0);  // a subcommand is required
}

TEST(Cli, BuildPrintsWhatItDidAndInfoListsLayers) {
  Result info = run("info " + store().string());
  EXPECT_EQ(info.code, 0) << info.out;
  EXPECT_NE(info.out.find("natura2000"), std::string::npos);
  EXPECT_NE(info.out.find("Natura 2000-gebied"), std::string::npos);
  Result json = run("info --format json " + store().string());
  auto j = nlohmann::json::parse(json.out);
  EXPECT_EQ(j["grid"]["cell_size"], 500.0);
  EXPECT_GE(j["layers"].size(), 20u);
}

TEST(Cli, StatsByGemeenteInThreeFormats) {
  Result text = run("stats " + store().string() + " inwoners --by gemeenten");
  EXPECT_EQ(text.code, 0) << text.out;
  EXPECT_NE(text.out.find("Midden-Drenthe"), std::string::npos);
  EXPECT_NE(text.out.find("total"), std::string::npos);
  EXPECT_NE(text.out.find("within the study area"), std::string::npos) << text.out;
  Result csv = run("stats --format csv " + store().string() + " inwoners --by regios");
  EXPECT_EQ(csv.code, 0) << csv.out;
  EXPECT_EQ(std::count(csv.out.begin(), csv.out.end(), '\n'), 4);  // header + 3 regions
  Result json = run("stats --format json " + store().string() + " natura2000 --by gemeenten");
  auto j = nlohmann::json::parse(json.out);
  EXPECT_EQ(j["rows"].size(), 12u);
  EXPECT_EQ(j["within"], "study area");
}

TEST(Cli, ExportWritesGeoTiff) {
  casco::test::TempDir dir;
  Result r = run("export " + store().string() + " natura2000 " + (dir / "n.tif").string());
  EXPECT_EQ(r.code, 0) << r.out;
  EXPECT_TRUE(fs::exists(dir / "n.tif"));
  Result bad = run("export " + store().string() + " natura2000 " + (dir / "n.xyz").string());
  EXPECT_NE(bad.code, 0);
  EXPECT_NE(bad.out.find(".tif"), std::string::npos) << bad.out;
}

TEST(Cli, ErrorsNameTheProblemAndExitNonZero) {
  casco::test::TempDir dir;
  casco::test::write_file(dir / "bad.toml", "[model]\ncell_size = \"groot\"\n");
  Result r = run("build " + (dir / "bad.toml").string() + " -o " + (dir / "x.gpkg").string());
  EXPECT_EQ(r.code, 1);
  EXPECT_NE(r.out.find("bad.toml:2:"), std::string::npos) << r.out;
  EXPECT_FALSE(fs::exists(dir / "x.gpkg"));

  Result unknown = run("stats " + store().string() + " bestaat_niet --by gemeenten");
  EXPECT_EQ(unknown.code, 1);
  EXPECT_NE(unknown.out.find("no layer 'bestaat_niet'"), std::string::npos) << unknown.out;

  Result notzones = run("stats " + store().string() + " inwoners --by natura2000");
  EXPECT_EQ(notzones.code, 1);
  EXPECT_NE(notzones.out.find("not a zone layer"), std::string::npos) << notzones.out;

  Result notstore = run("info " + (dir / "bad.toml").string());
  EXPECT_EQ(notstore.code, 1);
  Result missing = run("info " + (dir / "missing.gpkg").string());
  EXPECT_EQ(missing.code, 1);
  EXPECT_NE(missing.out.find("does not exist"), std::string::npos);
}

// Ctrl-C during a build: a clear message, a non-zero exit, the previous store untouched and no
// temporary file left behind.
TEST(Cli, InterruptedBuildLeavesThePreviousStoreIntact) {
  casco::test::TempDir dir;
  fs::path out = dir / "drenthe.gpkg";
  casco::test::write_file(out, "previous store");
  std::string script =
      "cd " + dir.path().string() + " && (" + std::string(CASCO_BINARY) + " build " +
      std::string(CASCO_DATA_DIR) + "/model.toml --cell-size 10 -o " + out.string() +
      " > log.txt 2>&1 & pid=$!; sleep 3; kill -INT $pid; wait $pid; echo $? > code.txt)";
  ASSERT_EQ(std::system(script.c_str()), 0);
  std::ifstream code(dir / "code.txt"), log(dir / "log.txt"), prev(out);
  int exit_code = -1;
  code >> exit_code;
  std::string log_text((std::istreambuf_iterator<char>(log)), {}),
      prev_text((std::istreambuf_iterator<char>(prev)), {});
  EXPECT_NE(exit_code, 0) << log_text;
  EXPECT_NE(log_text.find("interrupted"), std::string::npos) << log_text;
  EXPECT_EQ(prev_text, "previous store");
  for (auto& entry : fs::directory_iterator(dir.path()))
    EXPECT_EQ(entry.path().string().find(".tmp-"), std::string::npos) << entry.path();
}

TEST(Cli, AssessPrintsVerdictsAndExitsZeroWhateverTheVerdict) {
  casco::test::TempDir dir;
  casco::test::write_file(
      dir / "plannen.geojson",
      casco::test::rd_collection(
          R"({"type":"Feature","properties":{"naam":"Heide"},"geometry":{"type":"Polygon","coordinates":[[[223000,535500],[224000,535500],[224000,536500],[223000,536500],[223000,535500]]]}},)"
          R"({"type":"Feature","properties":{"naam":"Centrum"},"geometry":{"type":"Polygon","coordinates":[[[233000,556000],[234000,556000],[234000,557000],[233000,557000],[233000,556000]]]}})"));
  std::string rules = std::string(CASCO_DATA_DIR) + "/rules.toml";
  Result r =
      run("assess " + store().string() + " " + rules + " " + (dir / "plannen.geojson").string() +
          " --kind woningbouw --parts " + (dir / "delen.gpkg").string());
  EXPECT_EQ(r.code, 0) << r.out;
  EXPECT_NE(r.out.find("Heide"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("verboden"), std::string::npos) << r.out;
  EXPECT_TRUE(fs::exists(dir / "delen.gpkg"));
  Result md = run("assess --format markdown " + store().string() + " " + rules + " " +
                  (dir / "plannen.geojson").string() + " --kind zonnepark");
  EXPECT_EQ(md.code, 0) << md.out;
  EXPECT_NE(md.out.find("| plan | soort | ha | oordeel |"), std::string::npos) << md.out;
  Result bad_kind = run("assess " + store().string() + " " + rules + " " +
                        (dir / "plannen.geojson").string() + " --kind kantoren");
  EXPECT_EQ(bad_kind.code, 1);
  EXPECT_NE(bad_kind.out.find("unknown kind of development 'kantoren'"), std::string::npos)
      << bad_kind.out;
  casco::test::write_file(
      dir / "kapot.toml",
      "[ruleset]\nname = \"x\"\n[kinds.woningbouw]\ntitle = \"W\"\n[[rule]]\nid = \"a\"\ntitle = "
      "\"A\"\n"
      "kinds = [\"*\"]\nwhen = \"natura2000 >\"\nverdict = \"verboden\"\nreason = \"r\"\n"
      "policy = { document = \"d\" }\n");
  Result syntax = run("assess " + store().string() + " " + (dir / "kapot.toml").string() + " " +
                      (dir / "plannen.geojson").string() + " --kind woningbouw");
  EXPECT_EQ(syntax.code, 1);
  EXPECT_NE(syntax.out.find("kapot.toml:9:21:"), std::string::npos) << syntax.out;
}

TEST(Cli, SuitabilityWritesMapsAndAHectareTable) {
  casco::test::TempDir dir;
  Result r = run("suitability " + store().string() + " " + std::string(CASCO_DATA_DIR) +
                 "/rules.toml --kind zonnepark -o " + (dir / "zp").string() + " --format csv");
  EXPECT_EQ(r.code, 0) << r.out;
  for (const char* f :
       {"zp_verdict.tif", "zp_verdict.png", "zp_score.tif", "zp_score.png", "zp_hectares.csv"})
    EXPECT_TRUE(fs::exists(dir / f)) << f;
  EXPECT_NE(r.out.find("Midden-Drenthe"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("Zuidoost-Drenthe"), std::string::npos) << r.out;
}

TEST(Cli, AllocateWritesTheOpgavenkaartAndCompareTheDifference) {
  casco::test::TempDir dir;
  fs::copy_file(store(), dir / "d.gpkg");
  const std::string sc = std::string(CASCO_DATA_DIR) + "/scenarios/";
  Result a = run("allocate " + (dir / "d.gpkg").string() + " " + sc + "woondeals_2030.toml -o " +
                 (dir / "a").string() + " --by regios");
  ASSERT_EQ(a.code, 0) << a.out;
  EXPECT_NE(a.out.find("woningbouw Zuidoost-Drenthe"), std::string::npos) << a.out;
  EXPECT_NE(a.out.find("schaduwprijs"), std::string::npos) << a.out;
  for (const char* f : {"allocatie.tif", "allocatie.png", "betwist.tif", "betwist.png",
                        "claims.csv", "gebieden.csv", "allocatie.json"})
    EXPECT_TRUE(fs::exists(dir / "a" / f)) << f;
  // The allocation is a layer of the store now, with the kinds as labelled classes.
  Result info = run("info " + (dir / "d.gpkg").string());
  EXPECT_NE(info.out.find("toewijzing_woondeals_2030"), std::string::npos) << info.out;
  // Its kinds are zones for `casco stats`: the built-up land (bebouwd) takes only inbreiding, every
  // greenfield kind lands on land not built on.
  Result by_kind = run("stats --format json " + (dir / "d.gpkg").string() +
                       " bebouwd --by toewijzing_woondeals_2030");
  ASSERT_EQ(by_kind.code, 0) << by_kind.out;
  int kinds = 0;
  const nlohmann::json table = nlohmann::json::parse(by_kind.out);
  for (const auto& row : table["rows"]) {
    if (row["cells"] == 0) continue;
    ++kinds;
    if (row["code"] == "inbreiding")
      EXPECT_EQ(row["mean"], 1.0) << row.dump();
    else
      EXPECT_EQ(row["sum"], 0.0) << row.dump();
  }
  EXPECT_GE(kinds, 6) << by_kind.out;
  Result b = run("allocate --no-store " + (dir / "d.gpkg").string() + " " + sc +
                 "woondeals_hoog.toml --variant natter -o " + (dir / "b").string());
  ASSERT_EQ(b.code, 0) << b.out;
  EXPECT_NE(b.out.find("Variant: Natter klimaat"), std::string::npos) << b.out;
  Result c = run("compare " + (dir / "a").string() + " " + (dir / "b").string() +
                 " --by regios --format csv");
  ASSERT_EQ(c.code, 0) << c.out;
  EXPECT_NE(c.out.find("regios,Zuidoost-Drenthe,Zuidoost-Drenthe,woningbouw,"), std::string::npos)
      << c.out;
  EXPECT_TRUE(fs::exists(dir / "b" / "verschil.png"));
  // Bad input: an unknown variant, a scenario that is not there.
  Result bad = run("allocate " + (dir / "d.gpkg").string() + " " + sc +
                   "woondeals_2030.toml --variant droger -o " + (dir / "c").string());
  EXPECT_EQ(bad.code, 1);
  EXPECT_NE(bad.out.find("defines no variant 'droger'"), std::string::npos) << bad.out;
  Result missing =
      run("allocate " + (dir / "d.gpkg").string() + " " + (dir / "nope.toml").string());
  EXPECT_EQ(missing.code, 1);
  EXPECT_NE(missing.out.find("nope.toml"), std::string::npos) << missing.out;
  EXPECT_FALSE(fs::exists(dir / "c"));
  // An output folder that cannot be made is refused before the work, not after it.
  casco::test::write_file(dir / "a-file", "x");
  Result blocked = run("allocate --no-store " + (dir / "d.gpkg").string() + " " + sc +
                       "woondeals_2030.toml -o " + (dir / "a-file" / "kaarten").string());
  EXPECT_EQ(blocked.code, 1) << blocked.out;
  EXPECT_NE(blocked.out.find("is a file, not a folder"), std::string::npos) << blocked.out;
  EXPECT_EQ(blocked.out.find("allocated"), std::string::npos) << blocked.out;
}

// casco check reads every layer against its checksum: 0 when all hold, 1 naming a damaged one.
TEST(Cli, CheckNamesADamagedLayerAndExitsWithOne) {
  casco::test::TempDir dir;
  fs::copy_file(store(), dir / "d.gpkg");
  Result ok = run("check " + (dir / "d.gpkg").string());
  EXPECT_EQ(ok.code, 0) << ok.out;
  EXPECT_NE(ok.out.find("layers read, 0 damaged"), std::string::npos) << ok.out;
  // Four bytes of the first tile of 'inwoners' overwritten, as a bad disk block would.
  Result broke = run_sqlite(dir / "d.gpkg",
                            "UPDATE inwoners SET tile_data = substr(tile_data, 1, 40000) || "
                            "X'41424344' || substr(tile_data, 40005)");
  ASSERT_EQ(broke.code, 0) << broke.out;
  Result bad = run("check " + (dir / "d.gpkg").string());
  EXPECT_EQ(bad.code, 1) << bad.out;
  EXPECT_NE(bad.out.find("BESCHADIGD inwoners"), std::string::npos) << bad.out;
  EXPECT_NE(bad.out.find("1 damaged"), std::string::npos) << bad.out;
  Result stats = run("stats " + (dir / "d.gpkg").string() + " inwoners --by gemeenten");
  EXPECT_EQ(stats.code, 1) << stats.out;
  EXPECT_NE(stats.out.find("is damaged"), std::string::npos) << stats.out;
}
