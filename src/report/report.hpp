#pragma once
// `casco report`: a plain-Dutch report of a model store for residents, councillors and planners —
// one self-contained HTML page for the province and one per zone of its zones layer (the
// gemeenten), with maps, and a PDF of each when Chromium is installed. The figures come from the
// store (report/figures.hpp); the HTML and every sentence from the province's templates
// (report.toml and *.tpl in e.g. data/drenthe/report/). docs/report.md.
#include <filesystem>
#include <string>
#include <vector>

namespace casco::report {

struct ReportOptions {
  std::filesystem::path store;
  // The folder with report.toml and the templates; empty: the folder `report` next to the model
  // definition the store was built from.
  std::filesystem::path templates;
  std::filesystem::path rules;            // rules.toml; empty: no suitability section
  std::filesystem::path water;            // water.toml; empty: no wells summary
  std::filesystem::path out = "rapport";  // folder, replaced as a whole
  std::vector<std::string> zones;         // names, codes or file names; empty: every zone
  std::vector<std::string> kinds;         // kinds of development; empty: report.toml kinds
  bool pdf = true;
  int map_size = 1000;  // longest side of a map in pixels
};

struct ReportResult {
  std::vector<std::filesystem::path> pages;  // index.html first
  std::vector<std::filesystem::path> pdfs;   // empty without Chromium or with pdf = false
  bool chromium_missing = false;
  std::size_t maps = 0;  // maps drawn (each for every page)
};

// Writes the report; throws casco::Error for a bad store, template folder or rule file or an
// unknown zone. The folder appears whole or not at all.
ReportResult write_report(const ReportOptions& options);

// The template folder the report uses for a store when none is given (see ReportOptions).
std::filesystem::path default_templates(const std::filesystem::path& store);

// "Aa en Hunze" -> "aa-en-hunze": the file name of a zone's page.
std::string slug(const std::string& name);
// 68932.4 -> "68.932", 12.25 with 1 decimal -> "12,3": Dutch notation.
std::string nl_number(double v, int decimals = 0);

}  // namespace casco::report
