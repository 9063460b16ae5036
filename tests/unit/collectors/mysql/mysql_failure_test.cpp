#include "collectors/mysql/mysql_failure.hpp"

#include <doctest/doctest.h>

namespace alembic_exporter::mysql {
namespace {

TEST_CASE("MySQL/MariaDB error numbers map to the failure reasons") {
  CHECK(failure_reason_for_error(2003, "Can't connect to server on '127.0.0.1' (111)") ==
        FailureReason::connection_refused);
  CHECK(failure_reason_for_error(2002, "Can't connect to local server through socket (2)") ==
        FailureReason::connection_refused);
  CHECK(failure_reason_for_error(2003, "Can't connect to server on '10.0.0.1' (110)") ==
        FailureReason::timeout);
  CHECK(failure_reason_for_error(2005, "Unknown server host 'x' (-2)") == FailureReason::dns);
  CHECK(failure_reason_for_error(1045, "Access denied") == FailureReason::auth_failed);
  CHECK(failure_reason_for_error(1049, "Unknown database 'x'") == FailureReason::database_missing);
  CHECK(failure_reason_for_error(1044, "") == FailureReason::permission_denied);
  CHECK(failure_reason_for_error(1142, "") == FailureReason::permission_denied);
  CHECK(failure_reason_for_error(1205, "") == FailureReason::timeout);
  CHECK(failure_reason_for_error(1969, "") == FailureReason::timeout);
  CHECK(failure_reason_for_error(3024, "") == FailureReason::timeout);
  CHECK(failure_reason_for_error(2026, "") == FailureReason::ssl);
  CHECK(failure_reason_for_error(1040, "Too many connections") ==
        FailureReason::connection_refused);
  CHECK(failure_reason_for_error(2013, "Lost connection") == FailureReason::protocol);
  CHECK(failure_reason_for_error(1064, "You have an error in your SQL syntax") ==
        FailureReason::query_failed);
}

TEST_CASE("a missing table and a lost connection are recognised") {
  CHECK(is_no_such_table(1146));
  CHECK_FALSE(is_no_such_table(1142));
  CHECK(is_lost_connection(2006));
  CHECK(is_lost_connection(2013));
  CHECK_FALSE(is_lost_connection(2003));
}

}  // namespace
}  // namespace alembic_exporter::mysql
