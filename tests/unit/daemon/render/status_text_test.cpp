#include "daemon/render/status_text.hpp"

#include <doctest/doctest.h>

namespace alembic_exporter::render {
namespace {

const StatusAdvice advice{"alembic -c alembic.ini upgrade heads",
                          "alembic -c alembic.ini merge heads", "alembic -c alembic.ini heads",
                          "/etc/alembic-exporter/config.yaml"};

const RevisionRef current{"abc123def456", "Add session status field"};
const RevisionRef head{"def456ghi789", "Add domain fair share"};

ComponentStatus status(State state) {
  ComponentStatus result;
  result.component = "manager";
  result.state = state;
  return result;
}

std::string render(const ComponentStatus& value, TextOptions options = {}) {
  return render_status_text(value, advice, options);
}

TEST_CASE("up-to-date") {
  auto value = status(State::up_to_date);
  value.current = {current};
  value.heads = {current};
  value.pending = 0;
  CHECK(render(value) ==
        "✅ Database Status: Up-to-date\n"
        "Component: manager\n"
        "Current Revision: abc123def456 (Add session status field)\n"
        "Head Revision: abc123def456 (Add session status field)\n"
        "Status: Database schema is current. No migrations pending.\n");
}

TEST_CASE("behind, plural and singular") {
  auto value = status(State::behind);
  value.current = {current};
  value.heads = {head};
  value.pending = 2;
  CHECK(render(value) ==
        "⚠️ Database Status: Behind\n"
        "Component: manager\n"
        "Current Revision: abc123def456 (Add session status field)\n"
        "Head Revision: def456ghi789 (Add domain fair share)\n"
        "Status: 2 migrations pending.\n"
        "\n"
        "Recommended action:\n"
        "Run alembic -c alembic.ini upgrade heads to apply pending migrations.\n");
  value.pending = 1;
  CHECK(render(value).find("Status: 1 migration pending.\n") != std::string::npos);
}

TEST_CASE("diverged lists the heads without messages") {
  auto value = status(State::diverged);
  value.current = {current};
  value.heads = {head, {"ghi789jkl012", "Other"}};
  value.pending = 3;
  CHECK(render(value) ==
        "🔀 Database Status: Diverged\n"
        "Component: manager\n"
        "Current Revision: abc123def456 (Add session status field)\n"
        "Head Revisions: def456ghi789, ghi789jkl012\n"
        "Status: Multiple migration heads detected.\n"
        "\n"
        "Recommended action:\n"
        "Run alembic -c alembic.ini merge heads to resolve diverged heads.\n");
}

TEST_CASE("no revision") {
  auto value = status(State::no_revision);
  value.heads = {current};
  CHECK(render(value) ==
        "❓ Database Status: No revision\n"
        "Component: manager\n"
        "Current Revision: None\n"
        "Head Revision: abc123def456 (Add session status field)\n"
        "Status: Database not initialized.\n"
        "\n"
        "Recommended action:\n"
        "Run alembic -c alembic.ini upgrade heads for initial database setup.\n");
}

TEST_CASE("unknown revision") {
  auto value = status(State::unknown_revision);
  value.current = {{"0badc0ffee00", ""}};
  value.heads = {current};
  value.detail = "Database revision 0badc0ffee00 is not in the migration scripts.";
  CHECK(render(value) ==
        "❓ Database Status: Unknown revision\n"
        "Component: manager\n"
        "Current Revision: 0badc0ffee00\n"
        "Head Revision: abc123def456 (Add session status field)\n"
        "Status: Database revision 0badc0ffee00 is not in the migration scripts.\n"
        "\n"
        "Recommended action:\n"
        "Check out the code that matches the database, or downgrade the database with the "
        "code that created it.\n");
}

TEST_CASE("cannot connect") {
  auto value = status(State::unreachable);
  value.detail = "Connection refused to localhost:8100";
  value.database_endpoint = "localhost:8100";
  CHECK(render(value) ==
        "❌ Error: Cannot connect to database\n"
        "Component: manager\n"
        "Details: Connection refused to localhost:8100\n"
        "\n"
        "Recommended actions:\n"
        "1. Check PostgreSQL is running on localhost:8100\n"
        "2. Verify the database settings of component manager in "
        "/etc/alembic-exporter/config.yaml\n");
}

TEST_CASE("the advice names the engine: MySQL/MariaDB's server, SQLite's file") {
  auto value = status(State::unreachable);
  value.database_endpoint = "db.example:3306";
  value.database_engine = "MySQL/MariaDB";
  CHECK(render(value).find("1. Check MySQL/MariaDB is running on db.example:3306\n") !=
        std::string::npos);
  value.database_endpoint = "/srv/app/app.db";
  value.database_engine = "SQLite";
  CHECK(render(value).find("1. Check the SQLite file /srv/app/app.db exists and is readable\n") !=
        std::string::npos);
  value.database_engine = "PostgreSQL";
  value.database_endpoint = "localhost:5432";
  CHECK(render(value).find("1. Check PostgreSQL is running on localhost:5432\n") !=
        std::string::npos);
}

TEST_CASE("scripts cannot be read") {
  auto value = status(State::script_error);
  value.detail = "versions/1a2b_add_x.py:12:5: unterminated string";
  CHECK(render(value) ==
        "❌ Error: Migration scripts cannot be read\n"
        "Component: manager\n"
        "Details: versions/1a2b_add_x.py:12:5: unterminated string\n"
        "\n"
        "Recommended action:\n"
        "Fix the migration scripts, then run alembic -c alembic.ini heads to verify.\n");
}

TEST_CASE("plain output drops the glyph and keeps the headline") {
  auto value = status(State::behind);
  value.pending = 2;
  const auto text = render(value, {.glyphs = false});
  CHECK(text.rfind("Database Status: Behind\nComponent: manager\n", 0) == 0);
}

TEST_CASE("several current revisions are listed by id; verbose lists pending in order") {
  auto value = status(State::behind);
  value.current = {{"a1", "one"}, {"b2", "two"}};
  value.heads = {head};
  value.pending = 2;
  value.pending_revisions = {{"c3", "three"}, {"d4", ""}};
  const auto text = render(value, {.verbose = true});
  CHECK(text.find("Current Revisions: a1, b2\n") != std::string::npos);
  CHECK(text.find("Status: 2 migrations pending.\nPending Revisions:\n  c3 (three)\n  d4\n") !=
        std::string::npos);
  CHECK(render(value).find("Pending Revisions") == std::string::npos);
}

TEST_CASE("a running migration adds one line after the status") {
  auto value = status(State::behind);
  value.current = {current};
  value.heads = {head};
  value.pending = 1;
  value.migration = MigrationInProgress{
      4242, std::chrono::system_clock::time_point(std::chrono::milliseconds(1764000000250)),
      "alembic"};
  CHECK(render(value, {false, false}) ==
        "Database Status: Behind\n"
        "Component: manager\n"
        "Current Revision: abc123def456 (Add session status field)\n"
        "Head Revision: def456ghi789 (Add domain fair share)\n"
        "Status: 1 migration pending.\n"
        "A migration is running since 2025-11-24T16:00:00.250Z (pid 4242, application "
        "alembic).\n"
        "\n"
        "Recommended action:\n"
        "Run alembic -c alembic.ini upgrade heads to apply pending migrations.\n");
}

TEST_CASE("warnings: one Note line; --verbose lists them; the verdict is unchanged") {
  auto value = status(State::up_to_date);
  value.current = {current};
  value.heads = {current};
  value.pending = 0;
  const std::string without = render(value);
  value.script_warnings = {{"dynamic_branch_labels", "versions/c1.py", 5, 18,
                            "branch_labels of revision c1 is only known at import time"},
                           {"dynamic_depends_on", "versions/e1.py", 9, 14,
                            "depends_on of revision e1 is only known at import time"}};
  CHECK(render(value) == without +
                             "Note: 2 warnings about the migration scripts (values only known "
                             "when alembic imports them); the status above does not depend on "
                             "them. Run with --verbose to list them.\n");
  CHECK(render(value, {.verbose = true})
            .ends_with(
                "the status above does not depend on them:\n"
                "  versions/c1.py:5:18: branch_labels of revision c1 is only known at import time\n"
                "  versions/e1.py:9:14: depends_on of revision e1 is only known at import time\n"));
  value.script_warnings.pop_back();
  CHECK(render(value).find("Note: 1 warning about") != std::string::npos);
}

}  // namespace
}  // namespace alembic_exporter::render
