#include "daemon/core/target_diff.hpp"

#include <doctest/doctest.h>

using alembic_exporter::core::diff_targets;
using alembic_exporter::core::TargetChanges;

TEST_CASE("a listing adds what is new and removes what is gone") {
  CHECK(diff_targets({"tenant_a", "tenant_b", "tenant_c"}, {"tenant_b", "tenant_c", "tenant_d"}) ==
        TargetChanges{{"tenant_d"}, {"tenant_a"}});
}

TEST_CASE("the first listing adds everything; an empty one removes everything") {
  CHECK(diff_targets({}, {"a", "b"}) == TargetChanges{{"a", "b"}, {}});
  CHECK(diff_targets({"a", "b"}, {}) == TargetChanges{{}, {"a", "b"}});
  CHECK(diff_targets({"a"}, {"a"}) == TargetChanges{});
}
