#pragma once

#include <asio/io_context.hpp>
#include <memory>
#include <string>
#include <variant>

#include "collector.hpp"
#include "component_source.hpp"

namespace alembic_exporter {

/// Builds the collector for one component, or says in one line why the source is unusable
/// (`alembic.ini:3:1: ...`, `no database URL ...`); the line never contains a password.
std::variant<std::unique_ptr<Collector>, std::string> make_collector(asio::io_context& io,
                                                                     const ComponentSource& source);

}  // namespace alembic_exporter
