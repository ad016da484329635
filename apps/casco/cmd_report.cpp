// Placeholder until the subcommand lands: registers nothing.
#include "commands.hpp"
namespace casco::cli {
void add_report(CLI::App&, Commands&) {}
}  // namespace casco::cli
