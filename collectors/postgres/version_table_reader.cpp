#include "collectors/postgres/version_table_reader.hpp"

#include <algorithm>
#include <stdexcept>

#include "collectors/postgres/migration_query.hpp"
#include "collectors/postgres/pg_failure.hpp"
#include "collectors/version_query.hpp"

namespace alembic_exporter::postgres {
namespace {

/// A hidden transaction start (another role's session without pg_read_all_stats) is absent.
std::optional<MigrationSighting> migration_of(const PGresult* result) {
  if (PQntuples(result) == 0) return std::nullopt;
  MigrationSighting migration;
  migration.pid = std::stoll(PQgetvalue(result, 0, 0));
  if (PQgetisnull(result, 0, 1) == 0) {
    migration.started_at = std::chrono::system_clock::time_point(
        std::chrono::milliseconds(std::stoll(PQgetvalue(result, 0, 1))));
  }
  migration.application_name = PQgetvalue(result, 0, 2);  // "" for NULL
  return migration;
}

ReadOutcome outcome_of(const PGresult* result, const std::string& endpoint) {
  if (PQresultStatus(result) == PGRES_TUPLES_OK) {
    VersionTableRows rows;
    for (int row = 0; row < PQntuples(result); ++row) {
      if (PQgetisnull(result, row, 0) == 0) rows.revisions.emplace_back(PQgetvalue(result, row, 0));
    }
    std::sort(rows.revisions.begin(), rows.revisions.end());
    return rows;
  }
  const char* sqlstate = PQresultErrorField(result, PG_DIAG_SQLSTATE);
  if (sqlstate != nullptr && is_undefined_table(sqlstate)) return VersionTableRows{{}, true};
  return result_failure(result, endpoint);
}

/// The migration check's rows, then the version table's (or why it could not be read).
ReadOutcome read_outcome(SessionOutcome session) {
  if (auto* failure = std::get_if<ReadFailure>(&session)) return std::move(*failure);
  const auto& [results, endpoint] = std::get<SessionResults>(session);
  std::optional<MigrationSighting> migration;
  std::size_t next = 0;
  if (PQresultStatus(results[0].get()) == PGRES_TUPLES_OK)
    migration = migration_of(results[next++].get());
  if (next == results.size()) {
    return ReadFailure{FailureReason::protocol,
                       failure_detail(FailureReason::protocol, endpoint, "no result")};
  }
  ReadOutcome outcome = outcome_of(results[next].get(), endpoint);
  if (auto* rows = std::get_if<VersionTableRows>(&outcome)) rows->migration = migration;
  return outcome;
}

}  // namespace

VersionTableReader::VersionTableReader(asio::io_context& io, ReaderSettings settings)
    // One round trip: the migration check first, since a missing version table ends the
    // statement list with an error.
    : query_(migration_query(settings.version_table, settings.version_table_schema) + "; " +
             version_query(settings.version_table, settings.version_table_schema)),
      session_(io, std::move(settings), "the version table query") {}

void VersionTableReader::read(std::function<void(ReadOutcome)> done) {
  session_.run(query_, [done = std::move(done)](SessionOutcome outcome) {
    done(read_outcome(std::move(outcome)));
  });
}

void VersionTableReader::cancel() { session_.cancel(); }

}  // namespace alembic_exporter::postgres
