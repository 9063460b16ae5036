#include "daemon/core/shard.hpp"

#include <doctest/doctest.h>

#include <string>

using alembic_exporter::core::hashmod;
using alembic_exporter::core::owns;
using alembic_exporter::core::Shard;

// Expected values from Python: int.from_bytes(hashlib.md5(key).digest()[8:], "big") % modulus,
// which is what Prometheus' hashmod relabelling computes.
TEST_CASE("hashmod equals Prometheus' hashmod") {
  CHECK(hashmod("tenants/tenant_001", 1000000007ULL) == 4311599115255653245ULL % 1000000007ULL);
  CHECK(hashmod("tenants/tenant_001", 7) == 3);
  CHECK(hashmod("manager", 7) == 4);
  CHECK(hashmod("", 7) == 1);
}

TEST_CASE("every key belongs to exactly one of the shards") {
  for (int i = 0; i < 500; ++i) {
    const std::string key = "tenants/tenant_" + std::to_string(i);
    int owners = 0;
    for (std::uint32_t index = 0; index < 3; ++index) owners += owns(Shard{index, 3}, key) ? 1 : 0;
    CHECK(owners == 1);
  }
}

TEST_CASE("a single shard owns everything") { CHECK(owns(Shard{}, "manager")); }
