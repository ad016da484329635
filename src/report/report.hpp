#pragma once
// `casco report`: a plain-Dutch report of a model store for residents, councillors and planners —
// one self-contained HTML page for the province and one per gemeente (maps embedded as PNG), and
// a PDF of each when Chromium is installed. Texts are generated from the figures (docs/report.md).
#include <filesystem>
#include <string>
#include <vector>

namespace casco::report {

struct ReportOptions {
  std::filesystem::path store;
  std::filesystem::path rules;            // rules.toml; empty: no suitability section
  std::filesystem::path out = "rapport";  // folder, replaced as a whole
  std::vector<std::string> gemeenten;     // names, codes or slugs; empty: every gemeente
  std::vector<std::string> kinds;         // kinds of development; empty: woningbouw + zonnepark
  bool pdf = true;
  int map_size = 900;  // longest side of a map in pixels
};

struct ReportResult {
  std::vector<std::filesystem::path> pages;  // index.html first
  std::vector<std::filesystem::path> pdfs;   // empty without Chromium or with pdf = false
  bool chromium_missing = false;
};

// Writes the report; throws casco::Error for a bad store or rule file or an unknown gemeente.
// The folder appears whole or not at all.
ReportResult write_report(const ReportOptions& options);

// "Aa en Hunze" -> "aa-en-hunze": the file name of a gemeente page.
std::string slug(const std::string& name);
// 68932.4 -> "68.932", 12.25 with 1 decimal -> "12,3": Dutch notation.
std::string nl_number(double v, int decimals = 0);

}  // namespace casco::report
