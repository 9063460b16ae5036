#include "daemon/core/component_history.hpp"

#include <doctest/doctest.h>

namespace alembic_exporter::core {
namespace {

using std::chrono::milliseconds;

ComponentStatus checked(State state, std::string reason = {}, bool database_read = true,
                        long long at_ms = 1000) {
  ComponentStatus status;
  status.component = "manager";
  status.state = state;
  status.reason = std::move(reason);
  status.database_read = database_read;
  status.checked_at = std::chrono::system_clock::time_point(milliseconds(at_ms));
  return status;
}

TEST_CASE("the first check is reported once as the initial state, not as a change") {
  const auto step = record_check(nullptr, checked(State::behind), milliseconds(30000));
  REQUIRE(step.transition.has_value());
  CHECK_FALSE(step.transition->previous.has_value());
  CHECK(step.transition->now->status.state == State::behind);
  CHECK(step.snapshot->state_changes == 0);
  CHECK(step.snapshot->interval == milliseconds(30000));
}

TEST_CASE("an unchanged state yields no transition; a changed one counts and reports") {
  auto first = record_check(nullptr, checked(State::behind), milliseconds(1));
  auto same = record_check(first.snapshot.get(), checked(State::behind), milliseconds(1));
  CHECK_FALSE(same.transition.has_value());
  CHECK(same.snapshot->state_changes == 0);

  auto changed = record_check(same.snapshot.get(), checked(State::up_to_date), milliseconds(1));
  REQUIRE(changed.transition.has_value());
  CHECK(changed.transition->previous == State::behind);
  CHECK(changed.transition->now->status.state == State::up_to_date);
  CHECK(changed.snapshot->state_changes == 1);
}

TEST_CASE("failed checks count by reason and keep the last success time") {
  auto ok = record_check(nullptr, checked(State::up_to_date, {}, true, 5000), milliseconds(1));
  REQUIRE(ok.snapshot->last_success.has_value());
  auto down =
      record_check(ok.snapshot.get(),
                   checked(State::unreachable, "connection_refused", false, 9000), milliseconds(1));
  auto again = record_check(down.snapshot.get(),
                            checked(State::unreachable, "timeout", false, 12000), milliseconds(1));
  auto broken =
      record_check(again.snapshot.get(), checked(State::script_error, "parse_error", true, 15000),
                   milliseconds(1));
  CHECK(again.snapshot->check_errors.at("connection_refused") == 1);
  CHECK(again.snapshot->check_errors.at("timeout") == 1);
  CHECK(again.snapshot->last_success == std::chrono::system_clock::time_point(milliseconds(5000)));
  CHECK(broken.snapshot->check_errors.at("script_error") == 1);
  CHECK(broken.snapshot->last_success ==
        std::chrono::system_clock::time_point(milliseconds(15000)));
  CHECK(broken.snapshot->state_changes == 2);
}

TEST_CASE("issue 15: a changed set of script warnings is reported, an unchanged one is not") {
  ComponentStatus warned = checked(State::up_to_date);
  warned.script_warnings = {{"dynamic_branch_labels", "versions/c1.py", 5, 18, "labels"}};
  const auto first = record_check(nullptr, warned, milliseconds(1));
  CHECK(first.warnings_changed);
  CHECK_FALSE(record_check(nullptr, checked(State::up_to_date), milliseconds(1)).warnings_changed);
  const auto same = record_check(first.snapshot.get(), warned, milliseconds(1));
  CHECK_FALSE(same.warnings_changed);
  CHECK_FALSE(same.transition.has_value());
  warned.script_warnings.front().line = 6;
  CHECK(record_check(same.snapshot.get(), warned, milliseconds(1)).warnings_changed);
  const auto cleared =
      record_check(same.snapshot.get(), checked(State::up_to_date), milliseconds(1));
  CHECK(cleared.warnings_changed);
  CHECK_FALSE(cleared.transition.has_value());  // warnings never change the state
}

}  // namespace
TEST_CASE("state_since is the first check that found the state, kept while it holds") {
  auto first = record_check(nullptr, checked(State::behind, {}, true, 1000), milliseconds(1));
  CHECK(first.snapshot->state_since == std::chrono::system_clock::time_point(milliseconds(1000)));
  auto same =
      record_check(first.snapshot.get(), checked(State::behind, {}, true, 2000), milliseconds(1));
  CHECK(same.snapshot->state_since == std::chrono::system_clock::time_point(milliseconds(1000)));
  auto changed = record_check(same.snapshot.get(), checked(State::up_to_date, {}, true, 3000),
                              milliseconds(1));
  CHECK(changed.snapshot->state_since == std::chrono::system_clock::time_point(milliseconds(3000)));
}

TEST_CASE("a migration is reported when it starts, when it ends, and when another replaces it") {
  const auto with_migration = [](std::int64_t pid) {
    ComponentStatus status = checked(State::behind);
    status.migration = MigrationInProgress{pid, {}, "alembic"};
    return status;
  };
  auto idle = record_check(nullptr, checked(State::behind), milliseconds(1));
  CHECK_FALSE(idle.migration.has_value());
  auto started = record_check(idle.snapshot.get(), with_migration(42), milliseconds(1));
  REQUIRE(started.migration.has_value());
  CHECK_FALSE(started.migration->ended.has_value());
  REQUIRE(started.migration->started.has_value());
  CHECK(started.migration->started->pid == 42);
  auto running = record_check(started.snapshot.get(), with_migration(42), milliseconds(1));
  CHECK_FALSE(running.migration.has_value());
  auto replaced = record_check(running.snapshot.get(), with_migration(43), milliseconds(1));
  REQUIRE(replaced.migration.has_value());
  CHECK(replaced.migration->ended->pid == 42);
  CHECK(replaced.migration->started->pid == 43);
  auto ended = record_check(replaced.snapshot.get(), checked(State::up_to_date), milliseconds(1));
  REQUIRE(ended.migration.has_value());
  CHECK(ended.migration->ended->pid == 43);
  CHECK_FALSE(ended.migration->started.has_value());
}

}  // namespace alembic_exporter::core
