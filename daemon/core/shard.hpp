#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "config/validated_config.hpp"

namespace alembic_exporter::core {

using config::Shard;

/// The hash Prometheus' `hashmod` relabelling computes: the last 8 bytes of the MD5 of `key`,
/// big-endian, modulo `modulus`. Stable across versions, hosts and restarts.
std::uint64_t hashmod(std::string_view key, std::uint64_t modulus);

/// Whether this replica checks the target with this key (see target_key): exactly one of
/// the `count` replicas owns each key.
inline bool owns(const Shard& shard, std::string_view target_key) {
  return shard.count <= 1 || hashmod(target_key, shard.count) == shard.index;
}

/// Whether this replica checks the configured component: a component with `discover` is kept by
/// every replica (its targets are split instead); any other belongs to the shard its name
/// (its target_key) hashes to.
bool owns_component(const Shard& shard, const config::ComponentConfig& component);

/// `config` without the configured components other shards own.
config::ValidatedConfig owned_part(config::ValidatedConfig config);

/// For `check-config`, as YAML comment lines: which components this shard checks and which it
/// leaves to the others; empty when there is a single shard.
std::string shard_summary(const config::ValidatedConfig& config);

}  // namespace alembic_exporter::core
