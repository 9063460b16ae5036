#include "daemon/systemd/migration_entry.hpp"

#include <doctest/doctest.h>

#include "daemon/systemd/message_ids.hpp"

namespace alembic_exporter::systemd {
namespace {

const MigrationInProgress first{
    4242, std::chrono::system_clock::time_point(std::chrono::milliseconds(1764000000250)),
    "alembic"};
const MigrationInProgress second{4343, first.started_at, ""};

TEST_CASE("a migration that starts is one notice with its session's fields") {
  const auto entries = migration_entries("manager", {std::nullopt, first});
  REQUIRE(entries.size() == 1);
  CHECK(entries[0].level == LogLevel::notice);
  CHECK(entries[0].message_id == message_ids::migration_started);
  CHECK(full_message(entries[0]) ==
        "manager: migration running since 2025-11-24T16:00:00.250Z (pid 4242, application "
        "alembic)");
  CHECK(entries[0].fields == std::vector<std::pair<std::string, std::string>>{
                                 {"ALEMBIC_COMPONENT", "manager"},
                                 {"ALEMBIC_MIGRATION_PID", "4242"},
                                 {"ALEMBIC_MIGRATION_STARTED_AT", "2025-11-24T16:00:00.250Z"},
                                 {"ALEMBIC_MIGRATION_APPLICATION", "alembic"}});
}

TEST_CASE("another session taking over ends the first migration, then starts the second") {
  const auto entries = migration_entries("manager", {first, second});
  REQUIRE(entries.size() == 2);
  CHECK(entries[0].message_id == message_ids::migration_ended);
  CHECK(entries[0].level == LogLevel::info);
  CHECK(entries[1].message_id == message_ids::migration_started);
  CHECK(entries[1].fields.size() == 3);  // no application name: the server hid it
}

}  // namespace
}  // namespace alembic_exporter::systemd
