#include "collectors/alembic/migration_start.hpp"

#include <doctest/doctest.h>

#include <chrono>
#include <optional>

namespace alembic_exporter::alembic {
namespace {

using std::chrono::seconds;
using Clock = std::chrono::system_clock;

const Clock::time_point kT0 = Clock::time_point(seconds(1'800'000'000));

MigrationSighting sighting(std::int64_t pid, std::optional<Clock::time_point> started_at) {
  return MigrationSighting{pid, started_at, "alembic"};
}

TEST_CASE("no migration seen: none, whatever was seen before") {
  const MigrationInProgress before{42, kT0, "alembic"};
  CHECK_FALSE(migration_with_start(std::nullopt, before, kT0 + seconds(5)).has_value());
  CHECK_FALSE(migration_with_start(std::nullopt, std::nullopt, kT0).has_value());
}

TEST_CASE("the start the engine shows is reported, with the session's pid and name") {
  const auto migration = migration_with_start(sighting(42, kT0 - seconds(30)), std::nullopt, kT0);
  REQUIRE(migration.has_value());
  CHECK(migration->pid == 42);
  CHECK(migration->application_name == "alembic");
  CHECK(migration->started_at == kT0 - seconds(30));
}

TEST_CASE("a hidden start is the time of the first sighting, kept by later checks") {
  const auto first = migration_with_start(sighting(42, std::nullopt), std::nullopt, kT0);
  REQUIRE(first.has_value());
  CHECK(first->started_at == kT0);
  const auto second = migration_with_start(sighting(42, std::nullopt), first, kT0 + seconds(10));
  REQUIRE(second.has_value());
  CHECK(second->started_at == kT0);
}

TEST_CASE("a start that moves later for the same session keeps its earliest value") {
  // MySQL shows the age of the current statement: each new statement looks like a later start.
  const auto first = migration_with_start(sighting(7, kT0 - seconds(20)), std::nullopt, kT0);
  const auto second = migration_with_start(sighting(7, kT0 + seconds(8)), first, kT0 + seconds(10));
  REQUIRE(second.has_value());
  CHECK(second->started_at == kT0 - seconds(20));
  const auto earlier = migration_with_start(sighting(7, kT0 - seconds(60)), second, kT0);
  REQUIRE(earlier.has_value());
  CHECK(earlier->started_at == kT0 - seconds(60));
}

TEST_CASE("another session starts afresh") {
  const MigrationInProgress before{42, kT0 - seconds(100), "alembic"};
  const auto hidden = migration_with_start(sighting(43, std::nullopt), before, kT0);
  REQUIRE(hidden.has_value());
  CHECK(hidden->pid == 43);
  CHECK(hidden->started_at == kT0);
  const auto shown = migration_with_start(sighting(43, kT0 - seconds(3)), before, kT0);
  REQUIRE(shown.has_value());
  CHECK(shown->started_at == kT0 - seconds(3));
}

}  // namespace
}  // namespace alembic_exporter::alembic
