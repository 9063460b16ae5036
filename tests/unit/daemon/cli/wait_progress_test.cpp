#include "daemon/cli/wait_progress.hpp"

#include <doctest/doctest.h>

namespace alembic_exporter::cli {
namespace {

using std::chrono::milliseconds;

ComponentStatus checked(State state, std::optional<std::size_t> pending = {}) {
  ComponentStatus status;
  status.component = "manager";
  status.state = state;
  status.pending = pending;
  status.checked_at = std::chrono::system_clock::time_point(milliseconds(1764000000250));
  return status;
}

TEST_CASE("a change line names the old and the new state, the first one the state alone") {
  const auto behind = checked(State::behind, 3);
  CHECK(change_line(nullptr, behind) == "2025-11-24T16:00:00.250Z manager: behind (3 pending)");
  CHECK(change_line(&behind, checked(State::up_to_date, 0)) ==
        "2025-11-24T16:00:00.250Z manager: behind → up_to_date");
  auto migrating = behind;
  migrating.migration = MigrationInProgress{
      77, std::chrono::system_clock::time_point(milliseconds(1764000000000)), "alembic"};
  CHECK(change_line(&behind, migrating) ==
        "2025-11-24T16:00:00.250Z manager: behind (3 pending); migration running since "
        "2025-11-24T16:00:00.000Z (pid 77, application alembic)");
}

TEST_CASE("only a new state, pending count or migration is worth a line") {
  const auto behind = checked(State::behind, 3);
  CHECK(worth_reporting(nullptr, behind));
  CHECK_FALSE(worth_reporting(&behind, checked(State::behind, 3)));
  CHECK(worth_reporting(&behind, checked(State::behind, 2)));
  CHECK(worth_reporting(&behind, checked(State::up_to_date, 0)));
  auto migrating = behind;
  migrating.migration = MigrationInProgress{77, {}, ""};
  CHECK(worth_reporting(&behind, migrating));
  CHECK(worth_reporting(&migrating, behind));
}

TEST_CASE("arrived only when every target has a result in one of the wanted states") {
  const std::vector<State> until{State::up_to_date, State::unknown_revision};
  std::vector<std::optional<ComponentStatus>> latest{checked(State::up_to_date), std::nullopt};
  CHECK_FALSE(all_arrived(latest, until));
  latest[1] = checked(State::behind, 1);
  CHECK_FALSE(all_arrived(latest, until));
  latest[1] = checked(State::unknown_revision);
  CHECK(all_arrived(latest, until));
}

TEST_CASE("the progress line shows the time and every checked target") {
  std::vector<std::optional<ComponentStatus>> latest{checked(State::behind, 2), std::nullopt};
  latest[0]->migration = MigrationInProgress{77, {}, ""};
  CHECK(progress_line(latest, std::chrono::seconds(75), std::chrono::seconds(600)) ==
        "waiting 1m15s/10m: manager behind (2 pending) [migrating]");
}

}  // namespace
}  // namespace alembic_exporter::cli
