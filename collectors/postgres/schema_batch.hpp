#pragma once

#include <asio/io_context.hpp>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "collectors/postgres/pg_session.hpp"
#include "collectors/version_reader.hpp"

namespace alembic_exporter::postgres {

/// One statement reading the version table of every schema of `schemas`: a row per schema with
/// its rows as `query_to_xml` text, NULL where the table does not exist (any more).
std::string schema_versions_query(const std::vector<std::string>& schemas,
                                  const std::string& table);

/// Pure: the `version_num` values in a `query_to_xml` text, unescaped, in byte order.
std::vector<std::string> revisions_in_xml(std::string_view xml);

/// Pure: each schema's rows from the statement's result (`table_missing` for a NULL), or the
/// failure every one of them gets when the statement failed.
std::map<std::string, ReadOutcome> schema_outcomes(const SessionOutcome& outcome,
                                                   const std::vector<std::string>& schemas);

/// The version tables of the schema targets of one database (schema discovery, issue 18), read
/// together: the reads requested in one turn of the io_context become one statement
/// (schema_versions_query) on one session. Reads requested while it runs wait for the next one.
/// Not thread-safe: use it from the io_context's one thread.
class SchemaBatch : public std::enable_shared_from_this<SchemaBatch> {
 public:
  SchemaBatch(asio::io_context& io, ReaderSettings settings);
  SchemaBatch(const SchemaBatch&) = delete;
  SchemaBatch& operator=(const SchemaBatch&) = delete;

  /// Adds `schema` to the next statement; `done` runs once with its outcome, unless `forget(id)`
  /// comes first. Returns the request's id.
  std::uint64_t request(const std::string& schema, std::function<void(ReadOutcome)> done);
  /// Drops a request: its `done` is not called.
  void forget(std::uint64_t id);
  /// Ends the running statement now (`timeout` for every request in it).
  void cancel();

 private:
  struct Request {
    std::string schema;
    std::function<void(ReadOutcome)> done;
  };
  void start();

  asio::io_context& io_;
  const std::string table_;
  PgSession session_;
  std::map<std::uint64_t, Request> waiting_;
  std::map<std::uint64_t, Request> running_;
  std::uint64_t next_id_ = 0;
  bool start_posted_ = false;
  /// A statement is out: forgetting all of its requests does not end it.
  bool statement_running_ = false;
};

/// One schema target's VersionReader: its reads go through the fleet's SchemaBatch.
class SchemaSlotReader final : public VersionReader {
 public:
  SchemaSlotReader(std::shared_ptr<SchemaBatch> batch, std::string schema);
  ~SchemaSlotReader() override;
  SchemaSlotReader(const SchemaSlotReader&) = delete;
  SchemaSlotReader& operator=(const SchemaSlotReader&) = delete;

  void read(std::function<void(ReadOutcome)> done) override;
  /// Cancels the batch's statement: the targets read with this one time out with it.
  void cancel() override;

 private:
  std::shared_ptr<SchemaBatch> batch_;
  const std::string schema_;
  std::optional<std::uint64_t> in_flight_;
};

}  // namespace alembic_exporter::postgres
