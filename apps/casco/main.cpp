// casco — planning-support engine for the province of Drenthe. A thin command line over the
// libraries in src/: each subcommand lives in cmd_<topic>.cpp, parses its options, calls the
// library and prints. Here: the program, the flags every subcommand shares, and error handling.
#include <gdal_priv.h>

#include <CLI/CLI.hpp>
#include <cstdio>

#include "casco/version.hpp"
#include "commands.hpp"
#include "core/error.hpp"
#include "core/progress.hpp"

using namespace casco;

namespace {

// GDAL prints its own warnings to stderr; route them through casco's so they are labelled once.
void gdal_error_handler(CPLErr level, CPLErrorNum, const char* msg) {
  if (level == CE_Warning) warn("GDAL: {}", msg);
  // Errors are reported by the code that called GDAL (with file and layer names).
}

}  // namespace

int main(int argc, char** argv) {
  GDALAllRegister();
  CPLSetErrorHandler(gdal_error_handler);
  install_interrupt_handler();

  CLI::App app{
      "casco — ruimtelijk casco: planning support for Drenthe.\n"
      "Builds the province model (aligned grid layers in RD New) from open data and answers\n"
      "questions about it. Run 'casco SUBCOMMAND --help' for details.",
      "casco"};
  app.set_version_flag("-V,--version", std::string("casco ") + kVersion);
  app.require_subcommand(1);

  cli::Commands commands;
  for (auto add : {&cli::add_model_commands, &cli::add_rules_commands, &cli::add_access_commands,
                   &cli::add_allocate, &cli::add_compare, &cli::add_serve, &cli::add_report,
                   &cli::add_data, &cli::add_water})
    add(app, commands);
  bool quiet = false, no_progress = false;
  for (const auto& c : commands) {
    c.app->add_flag("-q,--quiet", quiet, "Print no progress or informational messages");
    c.app->add_flag("--no-progress", no_progress, "Never draw a progress bar");
  }

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e);
  }
  set_quiet(quiet);
  if (quiet || no_progress) Progress::set_enabled(false);

  try {
    for (const auto& c : commands)
      if (*c.app) return c.run();
  } catch (const Error& e) {
    std::fprintf(stderr, "casco: error: %s\n", e.what());
    return 1;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "casco: internal error: %s\n", e.what());
    return 3;
  }
  return 0;
}
