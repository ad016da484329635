// Placeholder until the subcommand lands: registers nothing.
#include "commands.hpp"
namespace casco::cli {
void add_allocate(CLI::App&, Commands&) {}
void add_compare(CLI::App&, Commands&) {}
}  // namespace casco::cli
