#include "daemon/systemd/target_entry.hpp"

#include <doctest/doctest.h>

#include "daemon/systemd/message_ids.hpp"

namespace alembic_exporter::systemd {

TEST_CASE("a target that appears or disappears is one entry with its database") {
  const LogEntry gone = target_entry("tenants", "tenant_007", "", false);
  CHECK(gone.component == "tenants");
  CHECK(gone.message == "target gone: database tenant_007 is no longer listed");
  CHECK(gone.message_id == message_ids::target_disappeared);
  CHECK(gone.fields == std::vector<std::pair<std::string, std::string>>{
                           {"ALEMBIC_COMPONENT", "tenants"}, {"ALEMBIC_DATABASE", "tenant_007"}});
  const LogEntry found = target_entry("tenants", "app", "tenant_011", true);
  CHECK(found.message == "new target: schema tenant_011 of database app");
  CHECK(found.message_id == message_ids::target_appeared);
  CHECK(found.level == LogLevel::info);
  CHECK(found.fields.back() == std::pair<std::string, std::string>("ALEMBIC_SCHEMA", "tenant_011"));
}

}  // namespace alembic_exporter::systemd
