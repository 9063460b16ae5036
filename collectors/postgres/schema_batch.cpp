#include "collectors/postgres/schema_batch.hpp"

#include <algorithm>
#include <array>
#include <asio/post.hpp>
#include <stdexcept>
#include <string_view>
#include <utility>

#include "collectors/postgres/pg_failure.hpp"
#include "collectors/version_query.hpp"

namespace alembic_exporter::postgres {
namespace {

/// The five entities PostgreSQL's XML functions write (escape_xml in its xml.c).
std::string xml_unescaped(std::string_view text) {
  constexpr std::array<std::pair<std::string_view, char>, 5> entities{
      {{"&amp;", '&'}, {"&lt;", '<'}, {"&gt;", '>'}, {"&quot;", '"'}, {"&apos;", '\''}}};
  std::string plain;
  for (std::size_t i = 0; i < text.size();) {
    const auto entity = std::find_if(entities.begin(), entities.end(), [&](const auto& candidate) {
      return text.substr(i).starts_with(candidate.first);
    });
    if (text[i] == '&' && entity != entities.end()) {
      plain += entity->second;
      i += entity->first.size();
    } else {
      plain += text[i++];
    }
  }
  return plain;
}

}  // namespace

std::string schema_versions_query(const std::vector<std::string>& schemas,
                                  const std::string& table) {
  // One query_to_xml per schema rather than a UNION ALL of the tables: at 5 000 schemas the
  // server plans the UNION ALL for 20-35 s, these in 0.3-0.4 s (docs/BENCHMARKS.md). A table
  // dropped since the listing gives NULL (to_regclass) instead of failing the statement.
  std::string list;
  for (const auto& schema : schemas) list += (list.empty() ? "" : ",") + quote_literal(schema);
  const std::string relation = "format('%I.%I', s, " + quote_literal(table) + ")";
  return "SELECT s, CASE WHEN to_regclass(" + relation +
         ") IS NOT NULL THEN query_to_xml(format('SELECT version_num FROM %I.%I', s, " +
         quote_literal(table) + "), false, true, '')::text END FROM unnest(ARRAY[" + list +
         "]::text[]) AS s";
}

std::vector<std::string> revisions_in_xml(std::string_view xml) {
  constexpr std::string_view open = "<version_num>";
  constexpr std::string_view close = "</version_num>";
  std::vector<std::string> revisions;
  for (auto at = xml.find(open); at != std::string_view::npos; at = xml.find(open, at)) {
    at += open.size();
    const auto end = xml.find(close, at);
    if (end == std::string_view::npos) break;
    revisions.push_back(xml_unescaped(xml.substr(at, end - at)));
    at = end + close.size();
  }
  std::sort(revisions.begin(), revisions.end());
  return revisions;
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
      // A schema without a row was not asked for; one with NULL has no version table now.
      for (const auto& schema : schemas) outcomes[schema] = VersionTableRows{{}, true};
      for (int row = 0; row < PQntuples(result); ++row) {
        auto found = outcomes.find(PQgetvalue(result, row, 0));
        if (found == outcomes.end() || PQgetisnull(result, row, 1) != 0) continue;
        found->second = VersionTableRows{revisions_in_xml(PQgetvalue(result, row, 1)), false};
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
