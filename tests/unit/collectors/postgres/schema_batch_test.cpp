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
  CHECK(schema_versions_query({"tenant_a", "o\"x"}, "alembic_version") ==
        "SELECT 'tenant_a'::text, version_num FROM \"tenant_a\".\"alembic_version\" UNION ALL "
        "SELECT 'o\"x'::text, version_num FROM \"o\"\"x\".\"alembic_version\"");
}

TEST_CASE("each schema gets its own rows, sorted; a schema without rows has an empty table") {
  SessionResults results;
  results.results.push_back(rows({{"tenant_b", "b2"}, {"tenant_a", "a1"}, {"tenant_b", "b1"}}));
  const auto outcomes =
      schema_outcomes(SessionOutcome(std::move(results)), {"tenant_a", "tenant_b", "tenant_c"});
  REQUIRE(outcomes.size() == 3);
  CHECK(std::get<VersionTableRows>(outcomes.at("tenant_a")).revisions ==
        std::vector<std::string>{"a1"});
  CHECK(std::get<VersionTableRows>(outcomes.at("tenant_b")).revisions ==
        std::vector<std::string>{"b1", "b2"});
  CHECK(std::get<VersionTableRows>(outcomes.at("tenant_c")).revisions.empty());
  CHECK_FALSE(std::get<VersionTableRows>(outcomes.at("tenant_c")).table_missing);
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
