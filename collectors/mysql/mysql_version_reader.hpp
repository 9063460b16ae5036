#pragma once

#include <asio/io_context.hpp>
#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "collectors/mysql/mysql_url.hpp"
#include "collectors/network_reader_settings.hpp"
#include "collectors/version_reader.hpp"

namespace alembic_exporter::mysql {

using MysqlReaderSettings = NetworkReaderSettings<MysqlUrl>;

/// Reads the version table through MariaDB Connector/C's non-blocking API
/// (`mysql_real_connect_start`/`_cont`, `mysql_real_query_start`/`_cont`), waiting for
/// `mysql_get_socket` readiness and `mysql_get_timeout_value_ms` on the io_context. The session
/// is read-only (`SET SESSION TRANSACTION READ ONLY`) with `lock_wait_timeout` and MariaDB's
/// `max_statement_time` (MySQL: the `MAX_EXECUTION_TIME` hint) within the budget. After the
/// version table it looks for another session holding a write lock on it in
/// `performance_schema.metadata_locks`, when the server has that instrument enabled and the
/// user may read it; otherwise `migration` stays absent. Connector/C resolves host names
/// synchronously. Not thread-safe: use it from the io_context's one thread. Connector/C is
/// loaded with dlopen: make a reader only after load_libmariadb() succeeded (libmariadb.hpp).
class MysqlVersionReader final : public VersionReader {
 public:
  MysqlVersionReader(asio::io_context& io, MysqlReaderSettings settings);
  ~MysqlVersionReader() override;
  MysqlVersionReader(const MysqlVersionReader&) = delete;
  MysqlVersionReader& operator=(const MysqlVersionReader&) = delete;

  void read(std::function<void(ReadOutcome)> done) override;
  void cancel() override;

 private:
  class Operation;
  std::shared_ptr<Operation> operation_;
};

/// The session setup every read runs first: read-only, and lock and statement timeouts within
/// `timeout` (whole seconds for lock_wait_timeout, at least 1).
std::vector<std::string> session_commands(std::chrono::milliseconds timeout);

/// `SELECT version_num FROM [schema.]table` with MySQL's MAX_EXECUTION_TIME hint.
std::string version_query(std::string_view table, const std::optional<std::string>& schema,
                          std::chrono::milliseconds timeout);

/// Another session's write lock on the version table in performance_schema.metadata_locks: one
/// row of processlist id, seconds since its transaction's current statement began (NULL when
/// unknown), and its program_name connection attribute (empty when unknown).
std::string migration_query(std::string_view table, const std::optional<std::string>& schema);

}  // namespace alembic_exporter::mysql
