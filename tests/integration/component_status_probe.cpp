// Test-only: one check of one component through the collector factory (any engine), printed as
// one JSON line of the ComponentStatus fields the engine tests compare, including the
// migration-in-progress signal (whose rendering in /status and /metrics is issue 17's).
//
//   component_status_probe SCRIPT_LOCATION DATABASE_URL [TIMEOUT_MS]

#include <asio/io_context.hpp>
#include <chrono>
#include <iostream>
#include <string>

#include "collectors/collector_factory.hpp"
#include "daemon/render/json_writer.hpp"

namespace {

using namespace alembic_exporter;

std::string optional_number(const std::optional<std::size_t>& value) {
  return value ? std::to_string(*value) : "null";
}

std::string status_line(const ComponentStatus& status) {
  std::string line = "{\"state\":" + render::json_quoted(to_string(status.state)) +
                     ",\"reason\":" + render::json_quoted(status.reason) +
                     ",\"detail\":" + render::json_quoted(status.detail) +
                     ",\"pending\":" + optional_number(status.pending) +
                     ",\"endpoint\":" + render::json_quoted(status.database_endpoint) +
                     ",\"migration\":";
  if (status.migration) {
    const auto age = std::chrono::duration_cast<std::chrono::seconds>(
        std::chrono::system_clock::now() - status.migration->started_at);
    line += "{\"pid\":" + std::to_string(status.migration->pid) +
            ",\"age_seconds\":" + std::to_string(age.count()) +
            ",\"application_name\":" + render::json_quoted(status.migration->application_name) +
            "}";
  } else {
    line += "null";
  }
  return line + "}";
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 3) {
    std::cerr << "usage: component_status_probe SCRIPT_LOCATION DATABASE_URL [TIMEOUT_MS]\n";
    return 64;
  }
  asio::io_context io;
  ComponentSource source;
  source.name = "probe";
  source.script_location = argv[1];
  source.database_url = argv[2];
  if (argc > 3) source.timeout = std::chrono::milliseconds(std::stoll(argv[3]));
  CollectorFactory factory;
  auto made = factory.make(io, source);
  if (auto* error = std::get_if<std::string>(&made)) {
    std::cerr << *error << '\n';
    return 78;
  }
  auto& collector = std::get<std::unique_ptr<Collector>>(made);
  collector->check([](ComponentStatus status) { std::cout << status_line(status) << std::endl; });
  io.run();
  return 0;
}
