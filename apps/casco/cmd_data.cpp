// casco data fetch | list | check: official open data for a study area (datakit/fetch.hpp).
#include <iostream>

#include "commands.hpp"
#include "core/error.hpp"
#include "datakit/fetch.hpp"

namespace casco::cli {
namespace fs = std::filesystem;

namespace {

void add_fetch(CLI::App& data, Commands& commands) {
  struct Options {
    data::FetchOptions fetch;
    fs::path catalogue;
    std::string only;
    std::vector<double> bbox;
  };
  auto o = std::make_shared<Options>();
  auto* cmd = data.add_subcommand(
      "fetch", "Download what is missing or changed, cut it to the area in EPSG:28992");
  auto* area = cmd->add_option(
      "--area", o->fetch.area,
      "Study area from the catalogue (default: its first area; the bundled catalogue lists the "
      "provinces and nederland)");
  cmd->add_option("--bbox", o->bbox, "Or a box in RD New metres: minx,miny,maxx,maxy")
      ->delimiter(',')
      ->expected(4)
      ->excludes(area);
  cmd->add_option("--surroundings", o->fetch.surroundings_m,
                  "Metres beyond the area for the sources people use across the border (roads, "
                  "Natura 2000); default: the area's surroundings_m in the catalogue (Drenthe "
                  "25000), 0 for none")
      ->check(CLI::Range(0.0, 100000.0));
  cmd->add_option("--into", o->fetch.into, "Folder for the data, lock file and model-sources.toml")
      ->required();
  cmd->add_option("--catalogue", o->catalogue, "Catalogue (default data/catalogue.toml)");
  cmd->add_option("--only", o->only, "Only these source ids, comma-separated");
  cmd->add_option("--timeout", o->fetch.low_speed_time_s,
                  "Give up a transfer after this many seconds without data (default 60)");
  cmd->add_option("--retries", o->fetch.retries,
                  "Extra attempts on server errors, timeouts and broken connections (default 4)");
  cmd->add_option("--backoff", o->fetch.backoff_s,
                  "Seconds before the first retry; doubles each time (default 2)");
  cmd->add_flag("--dry-run", o->fetch.dry_run,
                "Print the requests that would be made (URLs with the area's box); download and "
                "write nothing");
  commands.push_back(
      {cmd, [o] {
         auto c =
             data::load_catalogue(o->catalogue.empty() ? data::default_catalogue() : o->catalogue);
         o->fetch.only = split_list(o->only);
         if (o->bbox.size() == 4) o->fetch.bbox = {o->bbox[0], o->bbox[1], o->bbox[2], o->bbox[3]};
         data::FetchReport r = data::fetch(c, o->fetch);
         std::cout << r.text();
         if (o->fetch.dry_run) return 0;
         if (!r.ok())
           fail(
               "some sources failed (see above); the data fetched before is left "
               "intact in {}",
               o->fetch.into.string());
         info("wrote {}/model-sources.toml and ATTRIBUTION.txt", o->fetch.into.string());
         return 0;
       }});
}

void add_list(CLI::App& data, Commands& commands) {
  auto dir = std::make_shared<fs::path>();
  auto* cmd = data.add_subcommand("list", "What is present: age, size, licence, attribution");
  cmd->add_option("DIR", *dir, "Folder written by casco data fetch")->required();
  commands.push_back({cmd, [dir] {
                        std::cout << data::list(*dir);
                        return 0;
                      }});
}

void add_check(CLI::App& data, Commands& commands) {
  auto dir = std::make_shared<fs::path>();
  auto* cmd = data.add_subcommand(
      "check", "Verify checksums, CRS, geometry, coverage and attributes; exit 1 on a problem");
  cmd->add_option("DIR", *dir, "Folder written by casco data fetch")->required();
  commands.push_back({cmd, [dir] {
                        data::CheckReport r = data::check(*dir);
                        std::cout << r.text;
                        return r.problems == 0 ? 0 : 1;
                      }});
}

}  // namespace

void add_data(CLI::App& app, Commands& commands) {
  auto* data = app.add_subcommand("data", "Fetch, check and list official open data");
  data->require_subcommand(1);
  add_fetch(*data, commands);
  add_list(*data, commands);
  add_check(*data, commands);
}

}  // namespace casco::cli
