#include "daemon/systemd/warnings_entry.hpp"

#include <doctest/doctest.h>

#include <string>
#include <utility>
#include <vector>

#include "daemon/systemd/message_ids.hpp"

namespace alembic_exporter::systemd {
namespace {

using Fields = std::vector<std::pair<std::string, std::string>>;

TEST_CASE("the entry names the count, the first warning and the kinds") {
  ComponentStatus status;
  status.component = "manager";
  status.script_warnings = {
      {"dynamic_depends_on", "versions/e1.py", 13, 14, "depends_on of revision e1 is only known"},
      {"dynamic_branch_labels", "versions/c1.py", 5, 18, "branch_labels of revision c1"},
      {"dynamic_branch_labels", "versions/c2.py", 5, 18, "branch_labels of revision c2"}};
  const LogEntry entry = warnings_entry(status);
  CHECK(entry.level == LogLevel::notice);
  CHECK(entry.component == "manager");
  CHECK(entry.message_id == message_ids::script_warnings_changed);
  CHECK(entry.message ==
        "3 script warnings (first: versions/e1.py:13:14: depends_on of revision e1 is only "
        "known)");
  CHECK(entry.fields ==
        Fields{{"ALEMBIC_COMPONENT", "manager"},
               {"ALEMBIC_WARNINGS", "3"},
               {"ALEMBIC_WARNING_KINDS", "dynamic_branch_labels,dynamic_depends_on"}});
}

TEST_CASE("the entry when the last warning is gone") {
  ComponentStatus status;
  status.component = "manager";
  const LogEntry entry = warnings_entry(status);
  CHECK(entry.message == "no script warnings any more");
  CHECK(entry.fields == Fields{{"ALEMBIC_COMPONENT", "manager"},
                               {"ALEMBIC_WARNINGS", "0"},
                               {"ALEMBIC_WARNING_KINDS", ""}});
}

}  // namespace
}  // namespace alembic_exporter::systemd
