#pragma once

#include <asio/io_context.hpp>
#include <atomic>
#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "collectors/version_reader.hpp"

namespace alembic_exporter::sqlite {

/// One component's SQLite database file and how to read it.
struct SqliteReaderSettings {
  std::string path;  ///< absolute
  std::string version_table = "alembic_version";
  /// An attached database's name (`main` when absent).
  std::optional<std::string> version_table_schema{};
  /// Budget of one read, also SQLite's busy timeout.
  std::chrono::milliseconds timeout{5000};
};

/// Reads the version table of a SQLite file on a worker thread, so the io_context never blocks:
/// opened read-only (`mode=ro` URI, never created or written), a busy timeout within the budget,
/// WAL databases read beside an active writer. Each read opens and closes the file. A missing
/// file is `database_missing`, an unreadable one `permission_denied`. After reading, a process
/// holding SQLite's write lock on the file is reported as a migration in progress.
class SqliteVersionReader final : public VersionReader {
 public:
  SqliteVersionReader(asio::io_context& io, SqliteReaderSettings settings);
  ~SqliteVersionReader() override;
  SqliteVersionReader(const SqliteVersionReader&) = delete;
  SqliteVersionReader& operator=(const SqliteVersionReader&) = delete;

  void read(std::function<void(ReadOutcome)> done) override;
  void cancel() override;

 private:
  class Operation;
  std::shared_ptr<Operation> operation_;
};

/// Reads the version table now, on the calling thread (what the worker runs); a running query
/// stops soon after `stop` becomes true.
ReadOutcome read_version_table(const SqliteReaderSettings& settings, const std::atomic<bool>& stop);

/// `file:` URI for sqlite3_open_v2 opening `path` read-only.
std::string read_only_uri(std::string_view path);

/// Blocks until the worker threads of abandoned reads have finished, at most `budget`.
void await_workers(std::chrono::milliseconds budget);

}  // namespace alembic_exporter::sqlite
