// `casco report STORE`: the plain-Dutch report — one HTML page (and PDF) for the province and one
// per gemeente, for residents, councillors and planners.
#include <cstdio>
#include <filesystem>
#include <memory>

#include "commands.hpp"
#include "core/error.hpp"
#include "report/report.hpp"

namespace casco::cli {

void add_report(CLI::App& app, Commands& commands) {
  auto* cmd = app.add_subcommand(
      "report", "Write a plain-Dutch report: an HTML page (and PDF) per gemeente and province");
  auto o = std::make_shared<report::ReportOptions>();
  auto no_pdf = std::make_shared<bool>(false);
  cmd->add_option("STORE", o->store, "Model store (.gpkg)")->required();
  cmd->add_option("--rules", o->rules,
                  "Rule file (rules.toml): adds where each kind of development fits");
  cmd->add_option("--water", o->water,
                  "Water configuration (water.toml): adds the summary of the groundwater wells");
  cmd->add_option("--templates", o->templates,
                  "Folder with report.toml and the templates (default: 'report' next to the "
                  "model definition the store was built from)");
  cmd->add_option("--out", o->out, "Folder to write (replaced as a whole; default: rapport)");
  cmd->add_option(
         "--gemeente", o->zones,
         "Only these zones, e.g. gemeenten (names or codes; repeat or separate with commas)")
      ->delimiter(',');
  cmd->add_option("--kind", o->kinds, "Kinds of development to map (default: report.toml kinds)")
      ->delimiter(',');
  cmd->add_option("--map-size", o->map_size, "Longest side of a map in pixels (default 1000)");
  cmd->add_flag("--no-pdf", *no_pdf, "Write only the HTML pages, no PDFs");
  commands.push_back({cmd, [o, no_pdf] {
                        o->pdf = !*no_pdf;
                        report::ReportResult r = report::write_report(*o);
                        std::printf("wrote %zu page(s)%s: %s\n", r.pages.size(),
                                    r.pdfs.empty() ? "" : " with PDFs",
                                    (o->out / "index.html").c_str());
                        return 0;
                      }});
}

}  // namespace casco::cli
