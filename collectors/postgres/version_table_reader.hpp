#pragma once

#include <asio.hpp>
#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "collectors/network_reader_settings.hpp"
#include "collectors/postgres/database_url.hpp"
#include "collectors/postgres/pg_failure.hpp"
#include "collectors/postgres/pg_session.hpp"
#include "collectors/version_reader.hpp"

namespace alembic_exporter::postgres {

using alembic_exporter::ReadOutcome;
using alembic_exporter::VersionTableRows;

/// Reads the version table of one component's database with one round trip on a PgSession
/// (asynchronous, read-only, bounded by the budget; see there).
class VersionTableReader final : public VersionReader {
 public:
  VersionTableReader(asio::io_context& io, ReaderSettings settings);

  /// Starts one read; `done` runs exactly once on the io_context (never inside `read`), within
  /// `timeout` plus at most `cancel_grace` for cancelling a running statement. A reused connection
  /// that turns out dead is replaced once within the same budget. Reads must not overlap:
  /// starting one while another is in flight throws std::logic_error. Destroying the reader
  /// abandons a read in flight: its `done` is not called.
  void read(std::function<void(ReadOutcome)> done) override;

  /// Ends a read in flight now, as if its budget had run out: a running statement is cancelled
  /// on the server and `done` gets a `timeout` failure. No effect when idle.
  void cancel() override;

 private:
  const std::string query_;
  PgSession session_;
};

}  // namespace alembic_exporter::postgres
