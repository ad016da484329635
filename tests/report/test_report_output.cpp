// The report as its readers get it: PDFs with page numbers, links that work in the HTML and the
// PDFs (relative, to files that are there), no local path anywhere; and sentences that read right
// for none, one and many and name the rules and parties that really apply.
#include <fmt/format.h>
#include <gtest/gtest.h>

#include <cstdio>
#include <cstdlib>
#include <set>

#include "report/report.hpp"
#include "report/templates.hpp"
#include "report/text.hpp"
#include "test_util.hpp"
#include "water/groundwater.hpp"
#include "water/water.hpp"

using namespace casco;
namespace fs = std::filesystem;

namespace {

// The standard output of a shell command.
std::string run(const std::string& cmd) {
  std::string out;
  if (FILE* p = ::popen(cmd.c_str(), "r")) {
    char buf[4096];
    for (std::size_t n; (n = std::fread(buf, 1, sizeof buf, p)) > 0;) out.append(buf, n);
    ::pclose(p);
  }
  return out;
}

bool have(const std::string& program) {
  return std::system(("command -v " + program + " > /dev/null 2>&1").c_str()) == 0;
}

// Every text between `open` and `close` (std::regex overflows its stack on pages this size).
std::vector<std::string> between(const std::string& text, const std::string& open, char close) {
  std::vector<std::string> out;
  for (std::size_t p = text.find(open); p != std::string::npos; p = text.find(open, p + 1)) {
    const std::size_t start = p + open.size(), end = text.find(close, start);
    if (end == std::string::npos) break;
    out.push_back(text.substr(start, end - start));
  }
  return out;
}

// The page without its data: URIs (the maps), whose base64 may hold any letters.
std::string without_data_uris(const std::string& html) {
  std::string out;
  std::size_t from = 0;
  for (std::size_t p = html.find("\"data:"); p != std::string::npos;
       p = html.find("\"data:", from)) {
    out.append(html, from, p - from + 1);
    from = html.find('"', p + 1);
    if (from == std::string::npos) return out;
  }
  return out + html.substr(from);
}

// The file part of a relative link ("assen.pdf#water" -> "assen.pdf"), and its fragment.
std::pair<std::string, std::string> split_link(const std::string& link) {
  const auto hash = link.find('#');
  if (hash == std::string::npos) return {link, ""};
  return {link.substr(0, hash), link.substr(hash + 1)};
}

void expect_relative(const std::string& link, const std::string& where) {
  EXPECT_EQ(link.find("://"), std::string::npos) << where << ": " << link;
  EXPECT_NE(link.rfind("file:", 0), 0u) << where << ": " << link;
  EXPECT_NE(link.rfind('/', 0), 0u) << where << ": " << link;
  EXPECT_EQ(link.find(".."), std::string::npos) << where << ": " << link;
}

// What no output may contain: local folders of the machine that wrote it.
void expect_no_local_path(const std::string& text, const fs::path& dir, const std::string& where) {
  for (const std::string& bad : {std::string("file://"), std::string("/tmp"), std::string(".tmp-"),
                                 fs::absolute(dir).string(), std::string(CASCO_SOURCE_DIR)})
    EXPECT_EQ(text.find(bad), std::string::npos) << where << " contains '" << bad << "'";
}

class ReportOutput : public ::testing::Test {
 protected:
  void SetUp() override { fs::copy_file(test::drenthe_store_250(), dir_ / "d.gpkg"); }
  test::TempDir dir_;
};

TEST_F(ReportOutput, PdfsHavePageNumbersAndEveryLinkIsRelativeAndWorks) {
  if (!have("chromium")) GTEST_SKIP() << "chromium is not installed (Debian package chromium)";
  if (!have("pdftotext")) GTEST_SKIP() << "pdftotext is missing (Debian package poppler-utils)";
  report::ReportOptions o;
  o.store = dir_ / "d.gpkg";
  o.rules = fs::path(CASCO_DATA_DIR) / "rules.toml";
  o.out = dir_ / "rapport";
  o.zones = {"Assen"};
  o.map_size = 200;
  const auto r = report::write_report(o);
  ASSERT_EQ(r.pdfs.size(), 2u);
  std::size_t pdf_links = 0, html_links = 0;
  for (const auto& e : fs::directory_iterator(o.out)) {
    const std::string name = e.path().filename().string();
    const std::string raw = test::read_file(e.path());
    if (e.path().extension() == ".pdf") {
      // Every page says "Pagina i van n".
      const std::string text = run("pdftotext -layout '" + e.path().string() + "' -");
      std::vector<std::string> pages;
      for (std::size_t s = 0, f; (f = text.find('\f', s)) != std::string::npos; s = f + 1)
        pages.push_back(text.substr(s, f - s));
      ASSERT_GE(pages.size(), 2u) << name;
      for (std::size_t i = 0; i < pages.size(); ++i)
        EXPECT_NE(pages[i].find(fmt::format("Pagina {} van {}", i + 1, pages.size())),
                  std::string::npos)
            << name << " page " << i + 1;
      expect_no_local_path(text, dir_.path(), name + " (text)");
      EXPECT_EQ(raw.find("file://"), std::string::npos) << name;
      EXPECT_EQ(raw.find(fs::absolute(dir_.path()).string()), std::string::npos) << name;
      for (const auto& link : between(raw, "/URI (", ')')) {
        ++pdf_links;
        expect_relative(link, name);
        const auto [file, fragment] = split_link(link);
        EXPECT_EQ(fs::path(file).extension(), ".pdf") << name << ": " << link;
        EXPECT_TRUE(fs::exists(o.out / file)) << name << ": " << link;
      }
    } else {
      ASSERT_EQ(e.path().extension(), ".html") << name;
      // Maps are data: URIs; the text around them is checked.
      const std::string html = without_data_uris(raw);
      expect_no_local_path(html, dir_.path(), name);
      for (const auto& link : between(html, "href=\"", '"')) {
        ++html_links;
        expect_relative(link, name);
        const auto [file, fragment] = split_link(link);
        const fs::path target = file.empty() ? e.path() : o.out / file;
        ASSERT_TRUE(fs::exists(target)) << name << ": " << link;
        if (!fragment.empty()) {
          EXPECT_NE(test::read_file(target).find("id=\"" + fragment + "\""), std::string::npos)
              << name << ": " << link;
        }
      }
    }
  }
  EXPECT_GE(pdf_links, 2u);   // the province links to Assen and back
  EXPECT_GE(html_links, 4u);  // and the tables of contents
}

// A hand-made afwegingskader: consultation with one party everywhere, and one rule that waits
// for data. The sentences name that party and rule, and never a share of 0 %.
TEST_F(ReportOutput, SentencesNameTheRulesAndPartiesThatApply) {
  test::write_file(dir_ / "rules.toml", R"(
[ruleset]
name = "Proefkader"
version = "1"

[kinds.proef]
title = "Proefbouw"

[[rule]]
id = "overal_afstemmen"
title = "Leidingstrook: afstemming met de Gasunie"
kinds = ["proef"]
when = "studiegebied > 0"
verdict = "afstemming"
party = "de Gasunie"
reason = "Overal ligt een leiding."
policy = { document = "Proefbeleid", quote = "Stem af." }

[[rule]]
id = "wacht"
title = "Beekdal: nee, tenzij"
kinds = ["proef"]
when = "beekdal > 0"
verdict = "nee_tenzij"
reason = "Beekdalen blijven open."
conditions = ["Aantonen dat het beekdal open blijft."]
policy = { document = "Proefbeleid", quote = "Open." }
enabled = false
needs = ["beekdal"]

[[rule]]
id = "wacht_ook"
title = "Stilte"
kinds = ["proef"]
when = "stiltegebieden > 0"
verdict = "voorwaarde"
reason = "Stil."
conditions = ["Geen lawaai."]
policy = { document = "Proefbeleid", quote = "Stil." }
enabled = false
needs = ["stiltegebieden"]
)");
  report::ReportOptions o;
  o.store = dir_ / "d.gpkg";
  o.rules = dir_ / "rules.toml";
  o.out = dir_ / "rapport";
  o.zones = {"Assen"};
  o.kinds = {"proef"};
  o.pdf = false;
  o.map_size = 150;
  report::write_report(o);
  const std::string page = test::read_file(o.out / "assen.html");
  const std::size_t at = page.find("<h3>Proefbouw</h3>");
  ASSERT_NE(at, std::string::npos);
  const std::string part = page.substr(at, page.find("<figure", at) - at);
  EXPECT_NE(part.find("Nergens in Assen kan proefbouw zonder meer"), std::string::npos) << part;
  // The rule's title without what the sentence says already ("Leidingstrook: afstemming met …").
  EXPECT_NE(part.find("Op 100\u00a0% kan het pas na afstemming met de Gasunie (Leidingstrook)."),
            std::string::npos)
      << part;
  EXPECT_NE(part.find("2 regels wachten nog op kaartgegevens"), std::string::npos) << part;
  // Nothing is free, so nothing can become less free; no rule of another province's data.
  EXPECT_EQ(part.find(" 0\u00a0%"), std::string::npos) << part;
  EXPECT_EQ(part.find("minder plekken"), std::string::npos) << part;
  EXPECT_EQ(page.find("waterschap"), std::string::npos);
  EXPECT_EQ(page.find("ASTRON"), std::string::npos);
  // The province page lists the waiting rule with what it needs.
  const std::string index = test::read_file(o.out / "index.html");
  EXPECT_NE(index.find("Beekdal: nee, tenzij: wacht op de kaartlaag beekdal."), std::string::npos);
  // A layer report.toml describes is named in words, not by its id.
  EXPECT_NE(index.find("Stilte: wacht op de kaart van de stiltegebieden."), std::string::npos);
}

// With --water (as scripts/demo.sh runs it), the report shows the bundled wells: how many filters
// and readings, for how many GHG and GLG were computed, and how many fall or rise over the long
// term, with the map of the wells by their trend. The counts are those of src/water on the same
// file; without --water the section has no wells.
TEST_F(ReportOutput, WithWaterTheReportShowsTheWellsTheirGxgAndTrends) {
  const fs::path water_toml = fs::path(CASCO_DATA_DIR) / "water.toml";
  const water::WaterConfig cfg = water::load_water_config(water_toml);
  ASSERT_FALSE(cfg.wells_path.empty());
  const Store store = Store::open(dir_ / "d.gpkg");
  const Grid& g = store.grid();
  const water::WellSet wells =
      water::read_wells(cfg.wells_path, cfg.wells, g.crs_wkt.empty() ? g.crs : g.crs_wkt);
  std::size_t with_gxg = 0, falling = 0, rising = 0, no_trend = 0, too_short = 0;
  for (const water::Well& w : wells.wells) {
    const water::WellStats st = water::well_statistics(w, cfg.gxg);
    with_gxg += st.years > 0;
    falling += st.trend.verdict == "daalt";
    rising += st.trend.verdict == "stijgt";
    no_trend += st.trend.verdict == "geen duidelijke trend";
    too_short += st.trend.verdict == "te kort" || st.trend.verdict.empty();
  }
  ASSERT_GT(with_gxg, 1u);
  // (The bundled series show no significant long-term trend at most filters; the sentence
  // must say so right whatever the counts.)

  report::ReportOptions o;
  o.store = dir_ / "d.gpkg";
  o.rules = fs::path(CASCO_DATA_DIR) / "rules.toml";
  o.water = water_toml;
  o.out = dir_ / "rapport";
  o.zones = {"Assen"};
  o.pdf = false;
  o.map_size = 150;
  report::write_report(o);
  const std::string index = test::read_file(o.out / "index.html");
  const std::size_t at = index.find("<h3>Grondwater, gemeten in peilbuizen</h3>");
  ASSERT_NE(at, std::string::npos) << "no wells section in the province page";
  const std::string part = index.substr(at, index.find("<h3>", at + 4) - at);
  EXPECT_NE(
      part.find(fmt::format("metingen van {} peilbuisfilters (grondwaterstanden_hondsrug_dino.csv",
                            report::number(static_cast<double>(wells.wells.size())))),
      std::string::npos)
      << part;
  EXPECT_NE(part.find(fmt::format("Van {} filters zijn de gemiddeld hoogste en laagste "
                                  "grondwaterstand (GHG en GLG) berekend",
                                  report::number(static_cast<double>(with_gxg)))),
            std::string::npos)
      << part;
  // The trend sentence reads right for none, one and many falling and rising filters.
  const std::string falls = falling == 0 ? std::string("daalt het grondwater bij geen enkel filter")
                            : falling == 1
                                ? std::string("daalt het grondwater bij 1 filter")
                                : fmt::format("daalt het grondwater bij {} filters",
                                              report::number(static_cast<double>(falling)));
  const std::string rises =
      rising == 0 ? std::string("stijgt het bij geen enkel;")
      : rising == 1
          ? std::string("stijgt het bij 1;")
          : fmt::format("stijgt het bij {};", report::number(static_cast<double>(rising)));
  EXPECT_NE(part.find("Over de lange termijn " + falls + " en " + rises), std::string::npos)
      << falling << " falling, " << rising << " rising\n"
      << part;
  EXPECT_NE(
      part.find(fmt::format("bij {} is er geen duidelijke trend en bij {} is de reeks te kort",
                            report::number(static_cast<double>(no_trend)),
                            report::number(static_cast<double>(too_short)))),
      std::string::npos)
      << part;
  EXPECT_NE(part.find("De peilbuizen en de trend van hun grondwaterstand"), std::string::npos)
      << part;
  // The elevation-based parts say what they wait for (AHN), with the rules that wait for it.
  EXPECT_NE(index.find("<b>het hoogtemodel AHN</b>"), std::string::npos);
  EXPECT_NE(index.find("Bluespot (laagte waar regenwater blijft staan)"), std::string::npos);

  // The same report without --water: no wells.
  o.water.clear();
  o.out = dir_ / "zonder";
  report::write_report(o);
  EXPECT_EQ(test::read_file(o.out / "index.html").find("gemeten in peilbuizen"), std::string::npos);
}

// The systems sentence about places, through the Drenthe template, for 0, 1 and many.
std::string places_sentence(double n) {
  const report::Templates t(fs::path(CASCO_DATA_DIR) / "report");
  report::Dict d("test");
  report::set(d, "AREA", "Assen");
  report::set(d, "PROVINCE", "Drenthe");
  report::Dict* g = d.AddSectionDictionary("GROUP");
  report::set(*g, "TITLE", "Erfgoed");
  report::Dict* p = g->AddSectionDictionary("SENTENCE")->AddSectionDictionary("PLACES");
  report::set(*p, "TERM", "molens");
  report::set_count(*p, "N", n);
  report::set(*p->AddSectionDictionary("WHERE"), "TEXT", "oosten");
  const std::string html = t.expand("systemen.tpl", d);
  const std::size_t at = html.find("Molens");
  return at == std::string::npos ? html
                                 : html.substr(at, html.find('.', html.find("Assen", at)) - at + 1);
}

TEST(ReportSentences, PlacesReadRightForNoneOneAndMany) {
  EXPECT_EQ(places_sentence(0), "Molens: geen in Assen.");
  EXPECT_EQ(places_sentence(1), "Molens: op 1 plek in Assen.");  // one place has no "mostly"
  EXPECT_EQ(places_sentence(3), "Molens: op 3 plekken in Assen, vooral in het oosten.");
  EXPECT_EQ(places_sentence(1234), "Molens: op 1.234 plekken in Assen, vooral in het oosten.");
}

// The list helpers the templates build sentences with.
std::string list_text(const std::vector<std::string>& items, std::size_t shown) {
  report::Dict d("test");
  report::add_list_more(d, "RULE", items, shown);
  ctemplate::StringToTemplateCache(
      "list.tpl",
      "{{#RULE}}{{#COMMA}}, {{/COMMA}}{{#AND}} en {{/AND}}{{VALUE}}{{/RULE}}"
      "{{#MORE}} en nog {{N}} {{#N_ONE}}andere{{/N_ONE}}{{#N_MANY}}andere{{/N_MANY}}{{/MORE}}.",
      ctemplate::DO_NOT_STRIP);
  std::string out;
  ctemplate::ExpandTemplate("list.tpl", ctemplate::DO_NOT_STRIP, &d, &out);
  return out;
}

TEST(ReportSentences, ListsReadRightForOneTwoAndMore) {
  EXPECT_EQ(list_text({"Natura 2000"}, 3), "Natura 2000.");
  EXPECT_EQ(list_text({"Natura 2000", "hunebed"}, 3), "Natura 2000 en hunebed.");
  EXPECT_EQ(list_text({"a", "b", "c"}, 3), "a, b en c.");
  EXPECT_EQ(list_text({"a", "b", "c", "d", "e"}, 3), "a, b, c en nog 2 andere.");
}

TEST(ReportSentences, SharesAndCounts) {
  EXPECT_EQ(report::percent(0.123), "12\u00a0%");
  EXPECT_EQ(report::percent(0.034), "3,4\u00a0%");
  ctemplate::StringToTemplateCache(
      "count.tpl",
      "{{N}} {{#N_NONE}}geen{{/N_NONE}}{{#N_ONE}}een{{/N_ONE}}{{#N_MANY}}veel{{/N_MANY}}",
      ctemplate::DO_NOT_STRIP);
  auto count = [](double n) {
    report::Dict d("test");
    report::set_count(d, "N", n);
    std::string out;
    ctemplate::ExpandTemplate("count.tpl", ctemplate::DO_NOT_STRIP, &d, &out);
    return out;
  };
  EXPECT_EQ(count(0.4), "0 geen");  // rounds to none
  EXPECT_EQ(count(1), "1 een");
  EXPECT_EQ(count(1.4), "1 een");
  EXPECT_EQ(count(2), "2 veel");
  EXPECT_EQ(count(12345), "12.345 veel");
}

}  // namespace
