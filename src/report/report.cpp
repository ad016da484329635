// casco report: figures from the store, maps drawn as the figures read their layers, pages from
// the templates, PDFs through Chromium; written into a temporary sibling folder that replaces the
// report folder at the end.
#include "report/report.hpp"

#include <fmt/ranges.h>
#include <unistd.h>

#include <fstream>
#include <future>

#include "core/dutch.hpp"
#include "core/error.hpp"
#include "core/progress.hpp"
#include "report/maps.hpp"
#include "report/pages.hpp"
#include "report/pdf.hpp"
#include "report/text.hpp"

namespace casco::report {
namespace fs = std::filesystem;

std::string nl_number(double v, int decimals) {
  return dutch_number(v, decimals);
}

std::string slug(const std::string& name) {
  std::string out;
  for (char ch : name) {
    const auto c = static_cast<unsigned char>(ch);
    if (std::isalnum(c))
      out += static_cast<char>(std::tolower(c));
    else if (c >= 0x80)
      continue;  // accented letters (UTF-8) drop out: file names stay plain ASCII
    else if (!out.empty() && out.back() != '-')
      out += '-';
  }
  while (!out.empty() && out.back() == '-') out.pop_back();
  return out.empty() ? "gebied" : out;
}

fs::path default_templates(const fs::path& store) {
  const std::string def = Store::open(store).manifest().definition_file;
  return fs::path(def).parent_path() / "report";
}

namespace {

// A sibling folder that replaces the report folder at the end, or is removed on failure.
class TempFolder {
 public:
  explicit TempFolder(fs::path target) : target_(std::move(target)) {
    const fs::path parent = target_.parent_path().empty() ? fs::path(".") : target_.parent_path();
    std::error_code ec;
    fs::create_directories(parent, ec);
    if (ec) fail("cannot create folder '{}': {}", parent.string(), ec.message());
    temp_ = parent / fmt::format(".{}.tmp-{}", target_.filename().string(), getpid());
    fs::remove_all(temp_, ec);
    fs::create_directories(temp_, ec);
    if (ec) fail("cannot create folder '{}': {}", temp_.string(), ec.message());
  }
  ~TempFolder() {
    std::error_code ec;
    if (!committed_) fs::remove_all(temp_, ec);
  }
  const fs::path& path() const { return temp_; }
  void commit() {
    std::error_code ec;
    const fs::path old =
        temp_.parent_path() / fmt::format(".{}.old-{}", target_.filename().string(), getpid());
    if (fs::exists(target_)) {
      fs::rename(target_, old, ec);
      if (ec) fail("cannot replace '{}': {}", target_.string(), ec.message());
    }
    fs::rename(temp_, target_, ec);
    if (ec) {
      std::error_code ignore;
      if (fs::exists(old)) fs::rename(old, target_, ignore);
      fail("cannot write '{}': {}", target_.string(), ec.message());
    }
    committed_ = true;
    fs::remove_all(old, ec);
  }

 private:
  fs::path target_, temp_;
  bool committed_ = false;
};

// Which areas get a page: all, or the province and the zones asked for.
std::vector<bool> select_pages(const std::vector<Area>& areas, const std::vector<std::string>& want,
                               const fs::path& store) {
  std::vector<bool> pages(areas.size(), want.empty());
  pages[0] = true;
  for (const auto& w : want) {
    bool found = false;
    for (std::size_t k = 1; k < areas.size(); ++k)
      if (slug(areas[k].name) == slug(w) || areas[k].code == w || areas[k].file == w)
        pages[k] = found = true;
    if (!found) {
      std::vector<std::string> names;
      for (std::size_t k = 1; k < areas.size(); ++k) names.push_back(areas[k].name);
      fail("unknown area '{}' in store '{}'; the areas are: {}", w, store.string(),
           fmt::join(names, ", "));
    }
  }
  return pages;
}

void check_options(const ReportOptions& o, const fs::path& out_dir) {
  if (out_dir.empty() || out_dir.filename() == "." || out_dir.filename() == "..")
    fail("give a folder of its own for the report (--out), e.g. out/rapport, not '{}'",
         o.out.string());
  if (o.map_size < 100) fail("map size {} px is too small (use at least 100)", o.map_size);
  if (!fs::exists(o.store))
    fail("store '{}' does not exist; build it first with 'casco build MODEL -o {}'",
         o.store.string(), o.store.string());
}

// PDFs of the written pages, two Chromiums at a time (each is mostly start-up and one core of
// layout), with their links made relative again.
std::vector<fs::path> print_pdfs(const fs::path& chromium, const fs::path& dir,
                                 const std::vector<std::string>& names, Progress& progress) {
  const fs::path profiles = dir / ".chromium";
  std::vector<std::string> errors(names.size());
  for (std::size_t start = 0; start < names.size(); start += 2) {
    check_interrupted();
    std::vector<std::future<std::string>> jobs;
    for (std::size_t j = start; j < std::min(names.size(), start + 2); ++j)
      jobs.push_back(std::async(std::launch::async, [&, j] {
        return print_pdf(chromium, fs::absolute(dir / (names[j] + ".html")),
                         fs::absolute(dir / (names[j] + ".pdf")), profiles / std::to_string(j));
      }));
    for (std::size_t j = 0; j < jobs.size(); ++j) {
      errors[start + j] = jobs[j].get();
      progress.advance();
    }
  }
  std::error_code ec;
  fs::remove_all(profiles, ec);
  std::vector<fs::path> pdfs;
  for (std::size_t j = 0; j < names.size(); ++j) {
    if (!errors[j].empty())
      fail("cannot print '{}.html' as PDF: {}; use --no-pdf to write only the HTML pages", names[j],
           errors[j]);
    relative_links(dir / (names[j] + ".pdf"));
    pdfs.push_back(names[j] + ".pdf");
  }
  return pdfs;
}

}  // namespace

ReportResult write_report(const ReportOptions& o) {
  // "out/rapport/" names the folder "rapport" too; "." or ".." cannot be replaced as a whole.
  fs::path out_dir = o.out.lexically_normal();
  if (out_dir.filename().empty()) out_dir = out_dir.parent_path();
  check_options(o, out_dir);
  const Store store = Store::open(o.store);
  const fs::path dir = o.templates.empty() ? default_templates(o.store) : o.templates;
  const ReportConfig config = load_report_config(dir);
  const Templates templates(dir);
  std::optional<rules::RuleSet> rules;
  if (!o.rules.empty()) {
    std::vector<std::string> ids;
    for (const auto& L : store.manifest().layers) ids.push_back(L.id);
    rules = rules::load_rules(o.rules, ids);
  }
  std::optional<water::WaterConfig> water;
  if (!o.water.empty()) water = water::load_water_config(o.water);

  ReportMaps maps(
      store, [&](const std::vector<Area>& a) { return select_pages(a, o.zones, o.store); },
      o.map_size, config.place_labels);
  FigureInputs in{&store,
                  &config,
                  rules ? &*rules : nullptr,
                  water ? &*water : nullptr,
                  o.kinds,
                  config.norms_missed};
  const Figures figures = compute_figures(in, &maps);

  PageInput page_in{&figures, &store, &config, &maps, maps.pages(), nl_date(utc_now_iso())};
  std::vector<std::string> names;
  for (std::size_t k = 0; k < figures.areas.size(); ++k)
    if (page_in.written[k]) names.push_back(figures.areas[k].file);
  const std::optional<fs::path> chromium = o.pdf ? find_chromium() : std::nullopt;
  ReportResult result;
  result.chromium_missing = o.pdf && !chromium;
  result.maps = maps.count();
  TempFolder temp(out_dir);
  Progress progress("rapport", names.size() * (chromium ? 2 : 1));
  for (std::size_t k = 0; k < figures.areas.size(); ++k) {
    if (!page_in.written[k]) continue;
    check_interrupted();
    const fs::path file = temp.path() / (figures.areas[k].file + ".html");
    std::ofstream out(file, std::ios::binary);
    out << render_page(templates, page_in, k);
    out.close();
    if (!out) fail("cannot write '{}'", file.string());
    result.pages.push_back(out_dir / file.filename());
    progress.advance();
  }
  if (chromium)
    for (const fs::path& pdf : print_pdfs(*chromium, temp.path(), names, progress))
      result.pdfs.push_back(out_dir / pdf);
  progress.finish();
  temp.commit();
  if (result.chromium_missing)
    warn(
        "PDFs need Chromium (Debian package chromium: apt-get install chromium); wrote the HTML "
        "pages only");
  return result;
}

}  // namespace casco::report
