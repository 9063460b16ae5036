#include "collectors/postgres/schema_batch.hpp"

#include <doctest/doctest.h>

#include <array>

namespace alembic_exporter::postgres {
namespace {

/// A result as the server sends it for schema_versions_query: (schema, version_num) rows.
Result rows(const std::vector<std::pair<std::string, std::string>>& values) {
  Result result(PQmakeEmptyPGresult(nullptr, PGRES_TUPLES_OK));
  std::array<PGresAttDesc, 2> columns{};
  columns[0].name = const_cast<char*>("text");
  columns[1].name = const_cast<char*>("version_num");
  REQUIRE(PQsetResultAttrs(result.get(), 2, columns.data()) != 0);
  for (int row = 0; row < static_cast<int>(values.size()); ++row) {
    auto& [schema, revision] = values[static_cast<std::size_t>(row)];
    PQsetvalue(result.get(), row, 0, const_cast<char*>(schema.c_str()),
               static_cast<int>(schema.size()));
    PQsetvalue(result.get(), row, 1, const_cast<char*>(revision.c_str()),
               static_cast<int>(revision.size()));
  }
  return result;
}

TEST_CASE("one statement reads every schema's version table") {
  CHECK(schema_versions_query({"tenant_a", "o'x"}, "alembic_version") ==
        "SELECT s, CASE WHEN to_regclass(format('%I.%I', s, 'alembic_version')) IS NOT NULL THEN "
        "query_to_xml(format('SELECT version_num FROM %I.%I', s, 'alembic_version'), false, "
        "true, '')::text END FROM unnest(ARRAY['tenant_a','o''x']::text[]) AS s");
}

TEST_CASE("the revisions of a query_to_xml text, unescaped and sorted") {
  CHECK(revisions_in_xml("<row xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\">\n"
                         "  <version_num>b2</version_num>\n</row>\n\n"
                         "<row xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\">\n"
                         "  <version_num>a&lt;1&amp;&apos;</version_num>\n</row>\n") ==
        std::vector<std::string>{"a<1&'", "b2"});
  CHECK(revisions_in_xml("").empty());
}

TEST_CASE("each schema gets its own rows; NULL means its version table is gone") {
  SessionResults results;
  results.results.push_back(rows({{"tenant_a", "<row><version_num>a1</version_num></row>"},
                                  {"tenant_b",
                                   "<row><version_num>b1</version_num></row>"
                                   "<row><version_num>b2</version_num></row>"},
                                  {"tenant_c", ""}}));
  PQsetvalue(results.results[0].get(), 3, 0, const_cast<char*>("tenant_d"), 8);
  PQsetvalue(results.results[0].get(), 3, 1, nullptr, -1);
  const auto outcomes = schema_outcomes(SessionOutcome(std::move(results)),
                                        {"tenant_a", "tenant_b", "tenant_c", "tenant_d"});
  REQUIRE(outcomes.size() == 4);
  CHECK(std::get<VersionTableRows>(outcomes.at("tenant_a")).revisions ==
        std::vector<std::string>{"a1"});
  CHECK(std::get<VersionTableRows>(outcomes.at("tenant_b")).revisions ==
        std::vector<std::string>{"b1", "b2"});
  CHECK(std::get<VersionTableRows>(outcomes.at("tenant_c")).revisions.empty());
  CHECK_FALSE(std::get<VersionTableRows>(outcomes.at("tenant_c")).table_missing);
  CHECK(std::get<VersionTableRows>(outcomes.at("tenant_d")).table_missing);
}

TEST_CASE("a failed statement fails every schema of the round") {
  const auto outcomes = schema_outcomes(
      SessionOutcome(ReadFailure{FailureReason::timeout, "Timed out"}), {"tenant_a", "tenant_b"});
  REQUIRE(outcomes.size() == 2);
  for (const auto& [schema, outcome] : outcomes) {
    CHECK(std::get<ReadFailure>(outcome).reason == FailureReason::timeout);
  }
}

}  // namespace
}  // namespace alembic_exporter::postgres
