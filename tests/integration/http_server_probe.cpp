// Test-only: serves one fixed snapshot through HttpServer on 127.0.0.1 (a free port) until
// stdin closes, so that the HTTP layer can be tested without the daemon.
//
//   http_server_probe [WEB_CONFIG_FILE]
//
// Prints the port on a line of its own once listening; problems on stderr, exit 78 for a bad
// web config and 1 when the server cannot start.

#include <iostream>
#include <optional>
#include <string>

#include "daemon/http/http_server.hpp"
#include "daemon/web/web_config.hpp"

namespace {

using namespace alembic_exporter;

std::shared_ptr<const core::Snapshot> fixed_snapshot() {
  ComponentStatus status;
  status.component = "manager";
  status.state = State::behind;
  status.database_read = true;
  status.pending = 2;
  status.current = {{"a1b2c3d4e5f6", "Create users"}};
  status.heads = {{"f6e5d4c3b2a1", "Add email"}};
  status.script_revisions = 3;
  status.checked_at = std::chrono::system_clock::now();
  auto component = std::make_shared<core::ComponentSnapshot>();
  component->status = std::move(status);
  component->interval = std::chrono::seconds(30);
  component->last_success = component->status.checked_at;
  auto snapshot = std::make_shared<core::Snapshot>();
  snapshot->components.push_back(std::move(component));
  snapshot->config_reload_success_time = std::chrono::system_clock::now();
  return snapshot;
}

}  // namespace

int main(int argc, char** argv) {
  std::optional<web::WebSettings> web;
  if (argc > 1) {
    auto result = web::load_web_settings(argv[1]);
    if (const auto* problems = std::get_if<std::vector<config::ConfigProblem>>(&result)) {
      for (const auto& problem : *problems) std::cerr << problem.to_string() << '\n';
      return 78;
    }
    web = std::get<web::WebSettings>(std::move(result));
  }
  core::SnapshotStore snapshots;
  snapshots.publish(fixed_snapshot());
  try {
    const http::HttpServer server({"127.0.0.1:0"}, {&snapshots, [] { return true; }},
                                  web ? &*web : nullptr);
    std::cout << server.ports().at(0) << std::endl;
    for (std::string line; std::getline(std::cin, line);) {
    }
  } catch (const std::exception& error) {
    std::cerr << error.what() << '\n';
    return 1;
  }
  return 0;
}
