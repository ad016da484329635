#pragma once
// Subcommands that live in their own file (cmd_<name>.cpp) register here: each adds its CLI11
// subcommand with its options and returns the function that runs it once the line is parsed.
#include <CLI/CLI.hpp>
#include <functional>
#include <string>
#include <vector>

namespace casco::cli {

struct Command {
  CLI::App* app = nullptr;   // the subcommand, to test whether it was chosen
  std::function<int()> run;  // runs it; returns the exit code, throws casco::Error
};
using Commands = std::vector<Command>;

// "a,b,,c" → {"a", "b", "c"}: comma-separated option values.
inline std::vector<std::string> split_list(const std::string& list) {
  std::vector<std::string> out;
  for (std::size_t a = 0, b; a < list.size(); a = b + 1) {
    b = list.find(',', a);
    if (b == std::string::npos) b = list.size();
    if (b > a) out.push_back(list.substr(a, b - a));
  }
  return out;
}

// One line per file; main() calls each before parsing.
void add_model_commands(CLI::App& app, Commands& commands);   // cmd_model.cpp
void add_rules_commands(CLI::App& app, Commands& commands);   // cmd_rules.cpp
void add_access_commands(CLI::App& app, Commands& commands);  // cmd_access.cpp
void add_allocate(CLI::App& app, Commands& commands);         // cmd_allocate.cpp
void add_compare(CLI::App& app, Commands& commands);          // cmd_allocate.cpp
void add_serve(CLI::App& app, Commands& commands);            // cmd_serve.cpp
void add_report(CLI::App& app, Commands& commands);           // cmd_report.cpp
void add_data(CLI::App& app, Commands& commands);             // cmd_data.cpp
void add_water(CLI::App& app, Commands& commands);            // cmd_water.cpp

}  // namespace casco::cli
