// Placeholder until the subcommand lands: registers nothing.
#include "commands.hpp"
namespace casco::cli {
void add_serve(CLI::App&, Commands&) {}
}  // namespace casco::cli
