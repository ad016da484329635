// The plain-Dutch report on the real Drenthe model at 250 m: pages, links, self-contained HTML,
// figures that match the model, the optional sections, PDFs and errors.
#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>
#include <sstream>

#include "core/error.hpp"
#include "legend/legend.hpp"
#include "model/build.hpp"
#include "model/stats.hpp"
#include "render/window_map.hpp"
#include "report/access_layers.hpp"
#include "report/report.hpp"
#include "test_util.hpp"

using namespace casco;
namespace fs = std::filesystem;

namespace {

std::string decode_base64(const std::string& s) {
  auto value = [](char c) -> int {
    if (c >= 'A' && c <= 'Z') return c - 'A';
    if (c >= 'a' && c <= 'z') return c - 'a' + 26;
    if (c >= '0' && c <= '9') return c - '0' + 52;
    if (c == '+') return 62;
    if (c == '/') return 63;
    return -1;
  };
  std::string out;
  unsigned buf = 0;
  int bits = 0;
  for (char c : s) {
    if (c == '=') break;
    int v = value(c);
    if (v < 0) return "";  // not base64
    buf = buf << 6 | static_cast<unsigned>(v);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out += static_cast<char>((buf >> bits) & 0xff);
    }
  }
  return out;
}

// Every value of attribute `attr` (e.g. src=") in the page.
std::vector<std::string> attributes(const std::string& html, const std::string& attr) {
  std::vector<std::string> out;
  for (std::size_t p = html.find(attr); p != std::string::npos; p = html.find(attr, p + 1)) {
    std::size_t start = p + attr.size(), end = html.find('"', start);
    out.push_back(html.substr(start, end - start));
  }
  return out;
}

// "1.234" -> 1234 (Dutch notation, whole numbers).
double parse_nl(std::string s) {
  std::string digits;
  for (char c : s)
    if (std::isdigit(static_cast<unsigned char>(c)))
      digits += c;
    else if (c == ',')
      digits += '.';
  return std::stod(digits);
}

// The cells of the rows of class `cls`, as text.
std::vector<std::vector<std::string>> rows_of(const std::string& html, const std::string& cls) {
  std::vector<std::vector<std::string>> rows;
  const std::string open = "<tr class=\"" + cls + "\">";
  for (std::size_t p = html.find(open); p != std::string::npos; p = html.find(open, p + 1)) {
    std::size_t end = html.find("</tr>", p);
    std::vector<std::string> cells;
    for (std::size_t c = html.find("<td", p); c != std::string::npos && c < end;
         c = html.find("<td", c + 1)) {
      std::size_t s = html.find('>', c) + 1, e = html.find("</td>", s);
      cells.push_back(html.substr(s, e - s));
    }
    rows.push_back(cells);
  }
  return rows;
}

// White to green over 0..1.
casco::legend::Legend green_ramp() {
  casco::legend::Legend l;
  l.stops = {0xffffff, 0x00ff00};
  l.lo = 0, l.hi = 1;
  return l;
}

class Report : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new test::TempDir();
    try {
      fs::copy_file(test::drenthe_store_250(), *dir_ / "d.gpkg");
      report::ReportOptions o;
      o.store = *dir_ / "d.gpkg";
      o.rules = fs::path(CASCO_DATA_DIR) / "rules.toml";
      o.out = *dir_ / "rapport";
      o.pdf = false;
      o.map_size = 300;
      report::write_report(o);
    } catch (const std::exception& e) {
      error_ = e.what();
    }
  }
  static void TearDownTestSuite() { delete dir_; }
  void SetUp() override { ASSERT_TRUE(error_.empty()) << error_; }

  static fs::path out() { return *dir_ / "rapport"; }
  static Store store() { return Store::open(*dir_ / "d.gpkg"); }
  static inline test::TempDir* dir_ = nullptr;
  static inline std::string error_;
};

TEST(ReportText, DutchNumbersAndSlugs) {
  EXPECT_EQ(report::nl_number(68932.4), "68.932");
  EXPECT_EQ(report::nl_number(1234567), "1.234.567");
  EXPECT_EQ(report::nl_number(999), "999");
  EXPECT_EQ(report::nl_number(1234.56, 1), "1.234,6");
  EXPECT_EQ(report::nl_number(-1500), "-1.500");
  EXPECT_EQ(report::nl_number(-0.01, 1), "0,0");
  EXPECT_EQ(report::slug("Aa en Hunze"), "aa-en-hunze");
  EXPECT_EQ(report::slug("De Wolden"), "de-wolden");
  EXPECT_EQ(report::slug("Tynaarlo"), "tynaarlo");
}

TEST_F(Report, WritesTheProvinceAndTwelveGemeentePages) {
  std::size_t html = 0;
  for (const auto& e : fs::directory_iterator(out())) html += e.path().extension() == ".html";
  EXPECT_TRUE(fs::exists(out() / "index.html"));
  EXPECT_EQ(html, 13u);
  EXPECT_EQ(store().zones("gemeenten").size(), 12u);
  // Written atomically: no temporary folders left next to it.
  for (const auto& e : fs::directory_iterator(dir_->path()))
    EXPECT_EQ(e.path().filename().string().find(".rapport."), std::string::npos) << e.path();
}

TEST_F(Report, IndexLinksToEveryGemeentePageAndBack) {
  const std::string index = test::read_file(out() / "index.html");
  const Store s = store();  // outlives the loop over its zone records
  for (const auto& z : s.zones("gemeenten")) {
    const std::string file = report::slug(z.name) + ".html";
    EXPECT_NE(index.find("href=\"" + file + "\""), std::string::npos) << z.name;
    ASSERT_TRUE(fs::exists(out() / file)) << file;
    const std::string page = test::read_file(out() / file);
    EXPECT_NE(page.find("href=\"index.html\""), std::string::npos) << file;
    EXPECT_NE(page.find("<h1>" + z.name), std::string::npos) << file;
  }
}

TEST_F(Report, PagesAreSelfContained) {
  for (const auto& e : fs::directory_iterator(out())) {
    const std::string html = test::read_file(e.path());
    const std::string name = e.path().filename().string();
    for (const auto& attr : {"src=\"", "href=\""})
      for (const auto& v : attributes(html, attr)) {
        EXPECT_NE(v.rfind("http://", 0), 0u) << name << ": " << v;
        EXPECT_NE(v.rfind("https://", 0), 0u) << name << ": " << v;
      }
    EXPECT_EQ(html.find("url("), std::string::npos) << name;
    EXPECT_EQ(html.find("<link"), std::string::npos) << name;
    EXPECT_EQ(html.find("<script"), std::string::npos) << name;
    const auto images = attributes(html, "<img src=\"");
    EXPECT_GE(images.size(), 3u) << name;
    for (const auto& src : images) {
      const std::string prefix = "data:image/png;base64,";
      ASSERT_EQ(src.rfind(prefix, 0), 0u) << name;
      const std::string png = decode_base64(src.substr(prefix.size()));
      EXPECT_EQ(png.substr(0, 8), std::string("\x89PNG\r\n\x1a\n", 8)) << name;
      EXPECT_GT(png.size(), 500u) << name;
    }
  }
}

TEST_F(Report, AssenInhabitantsAreTheZonalSum) {
  Store s = store();
  auto rows = zonal_stats(s.read("inwoners"), s.read("gemeenten"), s.zones("gemeenten"));
  double assen = -1;
  for (const auto& r : rows)
    if (r.name == "Assen") assen = r.sum;
  ASSERT_GT(assen, 50000);
  const std::string page = test::read_file(out() / "assen.html");
  const std::string figure = report::nl_number(assen, 0);
  EXPECT_NE(figure.find('.'), std::string::npos);  // thousands grouped with a dot
  EXPECT_NE(page.find("<span class=\"inwoners\">" + figure + "</span>"), std::string::npos)
      << figure;
  EXPECT_NE(page.find("In Assen wonen " + figure + " mensen"), std::string::npos);
}

// One province, one set of figures: the population paragraph, the key figure and the gemeenten
// table of the province page say the same, and every other count says what it is.
TEST_F(Report, ThePopulationParagraphAgreesWithTheTables) {
  Store s = store();
  double total = 0;
  for (const auto& r : study_area_stats(s, "inwoners", "gemeenten")) total += r.sum;  // casco stats
  const std::string figure = report::nl_number(total, 0);
  EXPECT_EQ(figure, "504.105");  // the CBS wijk figures, every one inside a gemeente
  const std::string page = test::read_file(out() / "index.html");
  EXPECT_NE(page.find("<span class=\"inwoners\">" + figure + "</span>"), std::string::npos);
  EXPECT_NE(page.find("In Drenthe wonen " + figure + " mensen (CBS 2024)"), std::string::npos);
  const std::size_t sources = page.find("Waar de inwonertallen vandaan komen");
  ASSERT_NE(sources, std::string::npos);
  const std::string para = page.substr(sources, page.find("</p>", sources) - sources);
  EXPECT_NE(para.find(": " + figure + " in Drenthe"), std::string::npos) << para;
  EXPECT_NE(para.find("afgerond op 5"), std::string::npos) << para;
  EXPECT_NE(para.find("Inwoners 2021"), std::string::npos) << para;  // the PC4 count, named
  // The gemeenten's own (unrounded) CBS figures: 24 more, and why (report.toml explain).
  EXPECT_NE(para.find("komt op 504.129 (24 meer). CBS rondt het inwonertal van elke wijk af op 5"),
            std::string::npos)
      << para;
  EXPECT_NE(para.find("komt op 494.705 (9.400 minder). Die telling is van 2021"), std::string::npos)
      << para;
  // The gemeenten table adds up to the same figure.
  double table = 0;
  const std::string gem = page.substr(page.find("<h3>De gemeenten</h3>"));
  for (std::size_t p = gem.find("<tr>"); p != std::string::npos && p < gem.find("</table>");
       p = gem.find("<tr>", p + 1)) {
    std::size_t last = gem.rfind("<td", gem.find("</tr>", p));
    if (last == std::string::npos || last < p) continue;
    std::size_t a = gem.find('>', last) + 1;
    table += parse_nl(gem.substr(a, gem.find("</td>", a) - a));
  }
  EXPECT_NEAR(table, total, 6);  // each row rounded to the person
}

TEST_F(Report, SuitabilityHectaresAddUpToTheGemeente) {
  Store s = store();
  // The report counts over the study area only (a gemeente's cells beyond it drop out).
  Raster zones = s.read("gemeenten");
  const auto study = s.study_mask();
  for (std::size_t i = 0; i < zones.values.size(); ++i)
    if (!study[i]) zones.values[i] = kNoData;
  auto rows = zonal_stats(zones, zones, s.zones("gemeenten"));
  const double cell_ha = s.grid().cell_area_ha();
  for (const auto& z : rows) {
    const std::string page = test::read_file(out() / (report::slug(z.name) + ".html"));
    auto classes = rows_of(page, "oordeel");
    ASSERT_EQ(classes.size(), 10u) << z.name;  // five classes for woningbouw and zonnepark
    for (std::size_t kind = 0; kind < 2; ++kind) {
      double sum = 0;
      for (std::size_t c = 0; c < 5; ++c) sum += parse_nl(classes[kind * 5 + c].at(2));
      EXPECT_NEAR(sum, z.area_ha, cell_ha) << z.name << " kind " << kind;
    }
  }
  // The province page adds up to the province.
  const std::string index = test::read_file(out() / "index.html");
  double total = 0;
  for (const auto& z : rows) total += z.area_ha;
  auto classes = rows_of(index, "oordeel");
  ASSERT_EQ(classes.size(), 10u);
  double sum = 0;
  for (std::size_t c = 0; c < 5; ++c) sum += parse_nl(classes[c].at(2));
  EXPECT_NEAR(sum, total, cell_ha);
}

TEST_F(Report, NormSectionOnlyWithAccessLayers) {
  EXPECT_EQ(test::read_file(out() / "assen.html").find("id=\"bereikbaarheid\""), std::string::npos);
  // A copy with accessibility layers, added by the access library as `casco access` adds them.
  fs::copy_file(*dir_ / "d.gpkg", *dir_ / "a.gpkg");
  test::add_access_layers(*dir_ / "a.gpkg");
  report::ReportOptions o;
  o.store = *dir_ / "a.gpkg";
  o.out = *dir_ / "rapport_access";
  o.zones = {"Assen"};
  o.pdf = false;
  o.map_size = 200;
  auto r = report::write_report(o);
  EXPECT_EQ(r.pages.size(), 2u);  // the province and Assen
  const std::string page = test::read_file(o.out / "assen.html");
  EXPECT_NE(page.find("id=\"bereikbaarheid\""), std::string::npos);
  EXPECT_NE(page.find("Basisschool binnen 15 minuten fietsen"), std::string::npos);
  EXPECT_NE(page.find("schatting hemelsbreed"), std::string::npos);
  // Without --rules there is no suitability section.
  EXPECT_EQ(page.find("id=\"geschiktheid\""), std::string::npos);
  // The province page links only to the pages that were written.
  const std::string index = test::read_file(o.out / "index.html");
  EXPECT_NE(index.find("href=\"assen.html\""), std::string::npos);
  EXPECT_EQ(index.find("href=\"emmen.html\""), std::string::npos);
}

TEST_F(Report, ClearErrors) {
  report::ReportOptions o;
  o.store = *dir_ / "nope.gpkg";
  o.out = *dir_ / "rapport_err";
  o.pdf = false;
  try {
    report::write_report(o);
    FAIL() << "no error for a missing store";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("nope.gpkg"), std::string::npos) << e.what();
  }
  test::write_file(*dir_ / "fake.gpkg", "not a store");
  o.store = *dir_ / "fake.gpkg";
  EXPECT_THROW(report::write_report(o), Error);

  // An unknown gemeente names the known ones, and the previous report stays.
  o.store = *dir_ / "d.gpkg";
  o.out = out();
  o.zones = {"Atlantis"};
  try {
    report::write_report(o);
    FAIL() << "no error for an unknown gemeente";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("Atlantis"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("Assen"), std::string::npos) << e.what();
  }
  EXPECT_TRUE(fs::exists(out() / "emmen.html"));

  // The folder is replaced as a whole, so it must be one of its own.
  o.zones.clear();
  o.out = ".";
  EXPECT_THROW(report::write_report(o), Error);
}

TEST_F(Report, MissingChromiumWarnsOnceAndWritesTheHtml) {
  ::setenv("CASCO_CHROMIUM", "/nonexistent/chromium", 1);
  test::CapturedMessages said;
  const std::vector<std::string>& warnings = said.warnings;
  report::ReportOptions o;
  o.store = *dir_ / "d.gpkg";
  o.out = *dir_ / "rapport_nopdf/";  // a trailing slash names the same folder
  o.zones = {"Assen", "Emmen"};
  o.map_size = 200;
  report::ReportResult r;
  EXPECT_NO_THROW(r = report::write_report(o));
  ::unsetenv("CASCO_CHROMIUM");
  EXPECT_TRUE(r.chromium_missing);
  EXPECT_TRUE(fs::exists(*dir_ / "rapport_nopdf" / "emmen.html"));
  EXPECT_TRUE(r.pdfs.empty());
  EXPECT_EQ(r.pages.size(), 3u);
  ASSERT_EQ(warnings.size(), 1u);
  EXPECT_NE(warnings[0].find("chromium"), std::string::npos);
}

TEST_F(Report, PdfThroughChromium) {
  if (std::system("command -v chromium > /dev/null 2>&1") != 0)
    GTEST_SKIP() << "chromium is not installed (Debian package chromium); PDFs are not tested";
  report::ReportOptions o;
  o.store = *dir_ / "d.gpkg";
  o.out = *dir_ / "rapport_pdf";
  o.zones = {"Assen"};
  o.map_size = 200;
  auto r = report::write_report(o);
  ASSERT_EQ(r.pdfs.size(), 2u);
  for (const auto& pdf : {o.out / "index.pdf", o.out / "assen.pdf"}) {
    ASSERT_TRUE(fs::exists(pdf)) << pdf;
    EXPECT_EQ(test::read_file(pdf).substr(0, 5), "%PDF-") << pdf;
  }
  // No Chromium profile is left in the report.
  EXPECT_FALSE(fs::exists(o.out / ".chromium"));
}

TEST_F(Report, AllocationLayersGetTheirOwnSection) {
  fs::copy_file(*dir_ / "d.gpkg", *dir_ / "t.gpkg", fs::copy_options::overwrite_existing);
  Store s = Store::open(*dir_ / "t.gpkg");
  Raster zones = s.read("gemeenten");
  Raster claims(s.grid(), 0.0f);
  for (std::size_t i = 0; i < claims.values.size(); ++i)
    if (zones.values[i] >= 1) claims.values[i] = i % 3 == 0 ? 1.0f : 2.0f;
  LayerRecord rec;
  rec.id = "toewijzing_proef";
  rec.title = "Toewijzing (proef)";
  rec.group = "scenario";
  rec.derivation = "allocate";
  // Described as the scenario module describes an opgavenkaart (scenario.cpp).
  rec.describe.role = role::kAllocation;
  rec.describe.params = {{"scenario", "proef"}};
  rec.describe.style.classes = {
      {0, "geen claim (huidig gebruik)", ""}, {1, "claim 1", "#e41a1c"}, {2, "claim 2", "#377eb8"}};
  add_layers(*dir_ / "t.gpkg", {{rec, &claims}});
  report::ReportOptions o;
  o.store = *dir_ / "t.gpkg";
  o.out = *dir_ / "rapport_t";
  o.zones = {"Assen"};
  o.pdf = false;
  o.map_size = 200;
  report::write_report(o);
  const std::string page = test::read_file(o.out / "assen.html");
  EXPECT_NE(page.find("id=\"toewijzing\""), std::string::npos);
  EXPECT_NE(page.find("claim 1"), std::string::npos);
  EXPECT_NE(page.find("claim 2"), std::string::npos);
  EXPECT_EQ(test::read_file(out() / "assen.html").find("id=\"toewijzing\""), std::string::npos);
}

TEST_F(Report, GemeenteMapsAreCroppedToTheGemeente) {
  Store s = store();
  WindowMapper mapper(s, "gemeenten", 400);
  MapWindow whole = mapper.whole();
  int assen = 0;
  for (const auto& z : s.zones("gemeenten"))
    if (z.name == "Assen") assen = z.zone;
  MapWindow w = mapper.window_of(assen);
  EXPECT_LT(w.cols, whole.cols / 2);
  EXPECT_LT(w.rows, whole.rows / 2);
  EXPECT_GE(w.col0, whole.col0 - 1);
  // Every Assen cell lies inside the window.
  const Raster& z = mapper.zones();
  for (int row = 0; row < z.grid.rows; ++row)
    for (int col = 0; col < z.grid.cols; ++col)
      if (z.at(row, col) == static_cast<float>(assen)) {
        EXPECT_TRUE(col >= w.col0 && col < w.col0 + w.cols && row >= w.row0 &&
                    row < w.row0 + w.rows);
      }
  std::string png = mapper.png(s.read("natura2000"), green_ramp(), w, assen);
  ASSERT_GT(png.size(), 24u);
  EXPECT_EQ(png.substr(0, 8), std::string("\x89PNG\r\n\x1a\n", 8));
  // Width and height from the PNG header: the longest side is the requested size.
  auto be32 = [&](std::size_t at) {
    return static_cast<int>(
        static_cast<unsigned char>(png[at]) << 24 | static_cast<unsigned char>(png[at + 1]) << 16 |
        static_cast<unsigned char>(png[at + 2]) << 8 | static_cast<unsigned char>(png[at + 3]));
  };
  EXPECT_EQ(std::max(be32(16), be32(20)), 400);
  EXPECT_THROW(mapper.window_of(999), Error);
  EXPECT_THROW(WindowMapper(s, "inwoners"), Error);
}

}  // namespace
