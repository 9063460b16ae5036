#pragma once

#include <cstdint>
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

}  // namespace alembic_exporter::core
