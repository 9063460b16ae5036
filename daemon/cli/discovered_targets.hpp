#pragma once

#include <asio/io_context.hpp>
#include <string>
#include <variant>
#include <vector>

#include "daemon/cli/status_targets.hpp"

namespace alembic_exporter::cli {

/// `targets` with each discovering component replaced by its targets as its server lists them now
/// (every one: the CLI has no shard), each a copy of it with `target_database` or
/// `target_schema` set; or in one line why a listing failed or found more than `max_targets`.
/// Runs the listings on `io` and returns when they have finished.
std::variant<std::vector<StatusTarget>, std::string> expand_discovered(
    asio::io_context& io, std::vector<StatusTarget> targets);

/// The status of a discovered target names it: its database (and schema).
void label_target(ComponentStatus& status, const ComponentSource& source);

}  // namespace alembic_exporter::cli
