#pragma once

#include <asio/io_context.hpp>
#include <chrono>
#include <memory>
#include <string>
#include <variant>

#include "collectors/collector.hpp"
#include "collectors/component_source.hpp"

namespace alembic_exporter {

/// Builds the collector for one component, or says in one line why the source is unusable
/// (`alembic.ini:3:1: ...`, `no database URL ...`); the line never contains a password.
std::variant<std::unique_ptr<Collector>, std::string> make_collector(asio::io_context& io,
                                                                     const ComponentSource& source);

/// Blocks until the statements of cancelled checks have been cancelled on their servers, at most
/// the readers' cancel grace (250 ms): destroying a collector cancels its check, but the request
/// outlives it briefly, and a process exiting before it is sent leaves the statement running.
/// For shutdown.
void await_cancellations();

}  // namespace alembic_exporter
