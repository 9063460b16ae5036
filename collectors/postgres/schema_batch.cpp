#include "collectors/postgres/schema_batch.hpp"

#include <algorithm>
#include <asio/post.hpp>
#include <stdexcept>

#include "collectors/postgres/pg_failure.hpp"
#include "collectors/version_query.hpp"

namespace alembic_exporter::postgres {

std::string schema_versions_query(const std::vector<std::string>& schemas,
                                  const std::string& table) {
  std::string query;
  for (const auto& schema : schemas) {
    if (!query.empty()) query += " UNION ALL ";
    query += "SELECT " + quote_literal(schema) + "::text, version_num FROM " +
             quote_identifier(schema) + "." + quote_identifier(table);
  }
  return query;
}

std::map<std::string, ReadOutcome> schema_outcomes(const SessionOutcome& outcome,
                                                   const std::vector<std::string>& schemas) {
  std::map<std::string, ReadOutcome> outcomes;
  std::optional<ReadFailure> failure;
  if (const auto* session_failure = std::get_if<ReadFailure>(&outcome)) {
    failure = *session_failure;
  } else {
    const auto& [results, endpoint] = std::get<SessionResults>(outcome);
    const PGresult* result = results.front().get();
    if (PQresultStatus(result) != PGRES_TUPLES_OK) {
      failure = result_failure(result, endpoint);
    } else {
      for (const auto& schema : schemas) outcomes[schema] = VersionTableRows{};
      for (int row = 0; row < PQntuples(result); ++row) {
        auto found = outcomes.find(PQgetvalue(result, row, 0));
        if (found == outcomes.end() || PQgetisnull(result, row, 1) != 0) continue;
        std::get<VersionTableRows>(found->second)
            .revisions.emplace_back(PQgetvalue(result, row, 1));
      }
      for (auto& [schema, rows] : outcomes) {
        auto& revisions = std::get<VersionTableRows>(rows).revisions;
        std::sort(revisions.begin(), revisions.end());
      }
      return outcomes;
    }
  }
  for (const auto& schema : schemas) outcomes[schema] = *failure;
  return outcomes;
}

SchemaBatch::SchemaBatch(asio::io_context& io, ReaderSettings settings)
    : io_(io),
      table_(settings.version_table),
      session_(io, std::move(settings), "the version tables of the schemas") {}

std::uint64_t SchemaBatch::request(const std::string& schema,
                                   std::function<void(ReadOutcome)> done) {
  const std::uint64_t id = next_id_++;
  waiting_.emplace(id, Request{schema, std::move(done)});
  if (!statement_running_ && !start_posted_) {
    // The other targets of the round ask in the same turn: one statement for all of them.
    start_posted_ = true;
    asio::post(io_, [weak = weak_from_this()] {
      if (const auto self = weak.lock()) self->start();
    });
  }
  return id;
}

void SchemaBatch::forget(std::uint64_t id) {
  waiting_.erase(id);
  running_.erase(id);
}

void SchemaBatch::cancel() { session_.cancel(); }

void SchemaBatch::start() {
  start_posted_ = false;
  if (waiting_.empty() || statement_running_) return;
  statement_running_ = true;
  running_ = std::move(waiting_);
  waiting_.clear();
  std::vector<std::string> schemas;
  for (const auto& [id, request] : running_) schemas.push_back(request.schema);
  std::sort(schemas.begin(), schemas.end());
  schemas.erase(std::unique(schemas.begin(), schemas.end()), schemas.end());
  session_.run(schema_versions_query(schemas, table_), [this, schemas](SessionOutcome outcome) {
    statement_running_ = false;
    auto outcomes = schema_outcomes(outcome, schemas);
    auto finished = std::move(running_);
    running_.clear();
    for (auto& [id, request] : finished) request.done(outcomes.at(request.schema));
    if (!waiting_.empty()) start();
  });
}

SchemaSlotReader::SchemaSlotReader(std::shared_ptr<SchemaBatch> batch, std::string schema)
    : batch_(std::move(batch)), schema_(std::move(schema)) {}

SchemaSlotReader::~SchemaSlotReader() {
  if (in_flight_) batch_->forget(*in_flight_);
}

void SchemaSlotReader::read(std::function<void(ReadOutcome)> done) {
  if (in_flight_) throw std::logic_error("SchemaSlotReader::read while a read is in flight");
  in_flight_ = batch_->request(schema_, [this, done = std::move(done)](ReadOutcome outcome) {
    in_flight_.reset();
    done(std::move(outcome));
  });
}

void SchemaSlotReader::cancel() {
  if (in_flight_) batch_->cancel();
}

}  // namespace alembic_exporter::postgres
