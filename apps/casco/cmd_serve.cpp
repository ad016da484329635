// `casco serve STORE`: the local web map viewer (src/viewer, docs/api.md).
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <memory>
#include <thread>

#include "commands.hpp"
#include "core/error.hpp"
#include "core/progress.hpp"
#include "viewer/server.hpp"

#ifndef CASCO_WEB_DIR
#define CASCO_WEB_DIR "web/dist"
#endif

namespace casco::cli {
namespace {

struct ServeArgs {
  std::filesystem::path store, rules, viewer, web = CASCO_WEB_DIR;
  std::string host = "127.0.0.1";
  int port = 8765;
  std::size_t cache_mb = 512, max_connections = 128;
};

int run_serve(const ServeArgs& a) {
  viewer::ServerOptions o;
  o.store = a.store;
  o.host = a.host;
  o.port = a.port;
  o.web_dir = a.web;
  o.rules = a.rules;
  o.cache_bytes = a.cache_mb << 20;
  o.max_connections = a.max_connections;
  // Without --rules, the Drenthe afwegingskader when run from the repository.
  if (o.rules.empty() && std::filesystem::exists("data/drenthe/rules.toml"))
    o.rules = "data/drenthe/rules.toml";
  if (o.rules.empty())
    warn("no rule file (--rules): the viewer shows the layers but cannot judge plans");
  // The viewer file beside the rule file (the Drenthe one when run from the repository).
  o.viewer = a.viewer;
  if (o.viewer.empty() && !o.rules.empty() &&
      std::filesystem::exists(o.rules.parent_path() / "viewer.toml"))
    o.viewer = o.rules.parent_path() / "viewer.toml";
  if (o.viewer.empty())
    warn("no viewer file (--viewer): the base map shows the study area and borders only");
  if (!std::filesystem::exists(o.web_dir / "index.html"))
    warn("no viewer bundle in {}: run scripts/build-web.sh (the API works meanwhile)",
         o.web_dir.string());
  if (o.host != "127.0.0.1" && o.host != "localhost" && o.host != "::1")
    warn("listening on {}: other machines can reach the viewer and its API", o.host);

  info("loading the layers of {} …", o.store.string());
  viewer::Server server(o);
  server.bind();
  std::printf("casco viewer: %s  (Ctrl-C stops)\n", server.url().c_str());
  std::fflush(stdout);
  // The server runs in its own thread; this one waits for Ctrl-C (the handler only sets a flag).
  std::thread worker([&] { server.run(); });
  while (!interrupted()) std::this_thread::sleep_for(std::chrono::milliseconds(200));
  server.stop();
  worker.join();
  std::printf("casco viewer stopped\n");
  return 0;
}

}  // namespace

void add_serve(CLI::App& app, Commands& commands) {
  auto args = std::make_shared<ServeArgs>();
  auto* cmd = app.add_subcommand(
      "serve", "Local web map viewer: layers, values per point and plan assessment in a browser");
  cmd->add_option("STORE", args->store, "Model store (.gpkg)")
      ->required()
      ->check(CLI::ExistingFile);
  cmd->add_option("--rules", args->rules,
                  "Rule file for plan assessment (default: data/drenthe/rules.toml if present)")
      ->check(CLI::ExistingFile);
  cmd->add_option("--viewer", args->viewer,
                  "Viewer file: base map, search, travel time (default: viewer.toml beside the "
                  "rule file)")
      ->check(CLI::ExistingFile);
  cmd->add_option("--host", args->host,
                  "Address to listen on (default 127.0.0.1: this machine only)");
  cmd->add_option("--port", args->port, "Port (default 8765; 0 = any free port)")
      ->check(CLI::Range(0, 65535));
  cmd->add_option("--cache-mb", args->cache_mb,
                  "Layer values kept in memory, in MB (default 512; the server needs about 0.5 "
                  "GB more, docs/api.md)")
      ->check(CLI::Range(std::size_t{64}, std::size_t{1} << 20));
  cmd->add_option("--max-connections", args->max_connections,
                  "Open connections at most; more are answered 503 (default 128)")
      ->check(CLI::Range(std::size_t{1}, std::size_t{100000}));
  cmd->add_option("--web", args->web,
                  "Viewer bundle folder (default: web/dist of the source tree)");
  commands.push_back({cmd, [args] { return run_serve(*args); }});
}

}  // namespace casco::cli
