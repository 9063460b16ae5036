#include "daemon/render/status_json.hpp"

#include <doctest/doctest.h>

namespace alembic_exporter::render {

TEST_CASE("the JSON document has the documented keys and nulls for unknowns") {
  ComponentStatus behind;
  behind.component = "manager";
  behind.state = State::behind;
  behind.database_read = true;
  behind.pending = 1;
  behind.current = {{"a1", "Create users"}};
  behind.heads = {{"b2", ""}};
  behind.pending_revisions = {{"b2", ""}};
  behind.script_revisions = 2;
  behind.checked_at = std::chrono::system_clock::time_point(std::chrono::milliseconds(1500));
  behind.check_duration = std::chrono::duration<double>(0.25);

  ComponentStatus broken;
  broken.component = "appproxy";
  broken.state = State::script_error;
  broken.reason = "parse_error";
  broken.detail = "versions/x.py:3:1: unterminated string";
  broken.script_problems = {{"parse_error", "versions/x.py", 3, 1, "unterminated string"}};

  behind.script_warnings = {
      {"dynamic_branch_labels", "versions/c1.py", 5, 18, "branch_labels of revision c1"}};

  const ComponentStatus statuses[] = {behind, broken};
  CHECK(render_status_json(statuses) ==
        R"({"components":[{"name":"manager","state":"behind","reason":null,"detail":null,)"
        R"("database_read":true,"pending":1,"expected_heads":1,)"
        R"("heads":[{"revision":"b2","message":null}],)"
        R"("current":[{"revision":"a1","message":"Create users"}],)"
        R"("pending_revisions":[{"revision":"b2","message":null}],)"
        R"("script":{"revisions":2,"heads":1,"errors":[],"warnings":[{"kind":)"
        R"("dynamic_branch_labels","file":"versions/c1.py","line":5,"column":18,)"
        R"("message":"branch_labels of revision c1"}]},"migration":null,)"
        R"("checked_at":"1970-01-01T00:00:01.500Z","check_duration_seconds":0.25},)"
        R"({"name":"appproxy","state":"script_error","reason":"parse_error",)"
        R"("detail":"versions/x.py:3:1: unterminated string","database_read":false,)"
        R"("pending":null,"expected_heads":1,"heads":[],"current":[],"pending_revisions":[],)"
        R"("script":{"revisions":0,"heads":0,"errors":[{"kind":"parse_error",)"
        R"("file":"versions/x.py","line":3,"column":1,"message":"unterminated string"}],)"
        R"("warnings":[]},)"
        R"("migration":null,)"
        R"("checked_at":"1970-01-01T00:00:00.000Z","check_duration_seconds":0}]})"
        "\n");
}

TEST_CASE("a running migration is an object; a hidden application name is null") {
  ComponentStatus status;
  status.component = "manager";
  status.state = State::behind;
  status.migration = MigrationInProgress{
      4242, std::chrono::system_clock::time_point(std::chrono::milliseconds(2500)), ""};
  const ComponentStatus statuses[] = {status};
  const std::string json = render_status_json(statuses);
  CHECK(json.find(R"("migration":{"pid":4242,"started_at":"1970-01-01T00:00:02.500Z",)"
                  R"("application_name":null})") != std::string::npos);
}

}  // namespace alembic_exporter::render
