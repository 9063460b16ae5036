#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <variant>

#include "config/parse_error.hpp"
#include "config/validated_config.hpp"

namespace alembic_exporter::config {

/// Why `index` of `count` replicas is not a shard (count below 1, index outside 0..count-1), in
/// one line; nullopt when it is one. The YAML `shard:` block and `serve --shard` share it.
std::optional<std::string> shard_problem(long long index, long long count);

/// Parses `--shard I/N`, e.g. "1/3".
std::variant<Shard, ParseError> parse_shard(std::string_view text);

}  // namespace alembic_exporter::config
