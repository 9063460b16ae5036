#include "daemon/core/check_stagger.hpp"

#include <doctest/doctest.h>

#include <string>
#include <vector>

using alembic_exporter::core::first_check_offset;
using namespace std::chrono_literals;

TEST_CASE("first checks of a fleet spread over the whole interval") {
  // 1 000 targets into ten 3 s slots of a 30 s interval: each slot gets about a tenth.
  std::vector<int> slots(10, 0);
  for (int i = 0; i < 1000; ++i) {
    const auto offset = first_check_offset("tenants/tenant_" + std::to_string(i), 30s);
    REQUIRE(offset >= 0ms);
    REQUIRE(offset < 30s);
    ++slots[static_cast<std::size_t>(offset / 3s)];
  }
  for (const int count : slots) {
    CHECK(count > 60);
    CHECK(count < 140);
  }
}

TEST_CASE("a target keeps its offset; different targets get different ones") {
  CHECK(first_check_offset("tenants/tenant_1", 30s) == first_check_offset("tenants/tenant_1", 30s));
  CHECK(first_check_offset("tenants/tenant_1", 30s) != first_check_offset("tenants/tenant_2", 30s));
  CHECK(first_check_offset("tenants/tenant_1", 0ms) == 0ms);
}
