#include "collectors/postgres/pg_failure.hpp"

#include <doctest/doctest.h>

namespace alembic_exporter::postgres {
namespace {

TEST_CASE("SQLSTATEs map to failure reasons") {
  CHECK(failure_reason_for_sqlstate("28P01") == FailureReason::auth_failed);
  CHECK(failure_reason_for_sqlstate("28000") == FailureReason::auth_failed);
  CHECK(failure_reason_for_sqlstate("3D000") == FailureReason::database_missing);
  CHECK(failure_reason_for_sqlstate("42501") == FailureReason::permission_denied);
  CHECK(failure_reason_for_sqlstate("57014") == FailureReason::timeout);
  CHECK(failure_reason_for_sqlstate("08P01") == FailureReason::protocol);
  CHECK(failure_reason_for_sqlstate("08006") == FailureReason::connection_refused);
  CHECK(failure_reason_for_sqlstate("57P01") == FailureReason::connection_refused);
  CHECK(failure_reason_for_sqlstate("57P03") == FailureReason::connection_refused);
  CHECK(failure_reason_for_sqlstate("53300") == FailureReason::connection_refused);
  CHECK(failure_reason_for_sqlstate("42703") == FailureReason::query_failed);
  CHECK(failure_reason_for_sqlstate("XX000") == FailureReason::query_failed);
  CHECK(is_undefined_table("42P01"));
  CHECK_FALSE(is_undefined_table("42501"));
}

TEST_CASE("reason labels") {
  CHECK(to_string(FailureReason::connection_refused) == "connection_refused");
  CHECK(to_string(FailureReason::dns) == "dns");
  CHECK(to_string(FailureReason::auth_failed) == "auth_failed");
  CHECK(to_string(FailureReason::database_missing) == "database_missing");
  CHECK(to_string(FailureReason::permission_denied) == "permission_denied");
  CHECK(to_string(FailureReason::query_failed) == "query_failed");
}

TEST_CASE("the SQLSTATE of a verbose libpq message, whatever the severity's language") {
  constexpr std::string_view english =
      "connection to server at \"127.0.0.1\", port 5432 failed: FATAL:  28P01: password "
      "authentication failed for user \"postgres\"\n";
  CHECK(sqlstate_in_message(english) == "28P01");
  CHECK(server_text_in_message(english) == "password authentication failed for user \"postgres\"");
  constexpr std::string_view german =
      "Verbindung fehlgeschlagen: FATAL:  3D000: Datenbank »x« existiert nicht\nLOCATION:  x\n";
  CHECK(sqlstate_in_message(german) == "3D000");
  CHECK(server_text_in_message(german) == "Datenbank »x« existiert nicht");
  constexpr std::string_view second_host =
      "connection to server at \"a\" (10.0.0.1), port 1 failed: Connection refused\n"
      "connection to server at \"b\" (10.0.0.2), port 5432 failed: FATAL:  57P03: the database "
      "system is starting up\n";
  CHECK(sqlstate_in_message(second_host) == "57P03");
  CHECK_FALSE(
      sqlstate_in_message("connection to server at \"h\", port 1 failed: Connection "
                          "refused\n\tIs the server running on that host?\n"));
}

TEST_CASE("connection failures without SQLSTATE") {
  CHECK(reason_for_connection_message("could not translate host name \"nonexistent.invalid\" to "
                                      "address: Name or service not known\n") ==
        FailureReason::dns);
  CHECK(reason_for_connection_message("connection to server at \"h\" (10.0.0.1), port 5432 "
                                      "failed: server does not support SSL, but SSL was "
                                      "required\n") == FailureReason::ssl);
  CHECK(reason_for_connection_message("connection to server at \"h\", port 1 failed: Connection "
                                      "refused\n") == FailureReason::connection_refused);
  CHECK(reason_for_connection_message("connection to server on socket \"/x/.s.PGSQL.5432\" "
                                      "failed: No such file or directory\n") ==
        FailureReason::connection_refused);
  CHECK(libpq_text_in_message("connection to server at \"h\" (10.0.0.1), port 5432 failed: "
                              "server does not support SSL, but SSL was required\nmore") ==
        "server does not support SSL, but SSL was required");
}

TEST_CASE("endpoints and details") {
  CHECK(format_endpoint("localhost", "8100") == "localhost:8100");
  CHECK(format_endpoint("::1", "") == "[::1]:5432");
  CHECK(format_endpoint("/run/postgresql", "5433") == "/run/postgresql:5433");
  CHECK(failure_detail(FailureReason::connection_refused, "localhost:8100", "") ==
        "Connection refused to localhost:8100");
  CHECK(failure_detail(FailureReason::permission_denied, "h:5432",
                       "permission denied for table alembic_version\nDETAIL: x") ==
        "Permission denied at h:5432: permission denied for table alembic_version");
  CHECK(failure_detail(FailureReason::dns, "nonexistent.invalid", "") ==
        "Cannot resolve host nonexistent.invalid");
}

}  // namespace
}  // namespace alembic_exporter::postgres
