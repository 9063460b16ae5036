#include "collectors/postgres/target_lister.hpp"

#include <algorithm>

#include "collectors/postgres/discovery_query.hpp"
#include "collectors/postgres/pg_failure.hpp"

namespace alembic_exporter::postgres {

PgTargetLister::PgTargetLister(asio::io_context& io, ReaderSettings settings,
                               const DiscoverySpec& spec)
    : query_(discovery_query(spec, settings.version_table)),
      max_targets_(spec.max_targets),
      session_(io, std::move(settings), "the discovery query") {}

void PgTargetLister::list(std::function<void(ListOutcome)> done) {
  session_.run(query_, [this, done = std::move(done)](SessionOutcome outcome) {
    done(listing_of(outcome, max_targets_));
  });
}

void PgTargetLister::cancel() { session_.cancel(); }

ListOutcome listing_of(const SessionOutcome& outcome, std::size_t max_targets) {
  if (const auto* failure = std::get_if<ReadFailure>(&outcome)) return *failure;
  const auto& [results, endpoint] = std::get<SessionResults>(outcome);
  const PGresult* result = results.front().get();
  if (PQresultStatus(result) != PGRES_TUPLES_OK) return result_failure(result, endpoint);
  TargetListing listing;
  const int rows = PQntuples(result);
  if (rows > 0) {
    listing.matched = std::stoull(PQgetvalue(result, 0, 1));
    listing.database = PQgetvalue(result, 0, 2);
  }
  // The statement returns one row beyond the limit, to tell that it was exceeded.
  const std::size_t listed = std::min(static_cast<std::size_t>(rows), max_targets);
  for (std::size_t row = 0; row < listed; ++row) {
    listing.names.emplace_back(PQgetvalue(result, static_cast<int>(row), 0));
  }
  return listing;
}

}  // namespace alembic_exporter::postgres
