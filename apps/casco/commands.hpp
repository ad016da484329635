#pragma once
// Subcommands that live in their own file (cmd_<name>.cpp) register here: each adds its CLI11
// subcommand with its options and returns the function that runs it once the line is parsed.
#include <CLI/CLI.hpp>
#include <functional>
#include <vector>

namespace casco::cli {

struct Command {
  CLI::App* app = nullptr;     // the subcommand, to test whether it was chosen
  std::function<int()> run;    // runs it; returns the exit code, throws casco::Error
};
using Commands = std::vector<Command>;

// One line per file; main() calls each before parsing.
void add_allocate(CLI::App& app, Commands& commands);  // cmd_allocate.cpp
void add_compare(CLI::App& app, Commands& commands);   // cmd_allocate.cpp
void add_serve(CLI::App& app, Commands& commands);     // cmd_serve.cpp
void add_report(CLI::App& app, Commands& commands);    // cmd_report.cpp

}  // namespace casco::cli
