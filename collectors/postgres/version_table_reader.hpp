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
#include "collectors/postgres/migration_query.hpp"
#include "collectors/postgres/pg_failure.hpp"
#include "collectors/version_reader.hpp"

namespace alembic_exporter::postgres {

using alembic_exporter::ReadOutcome;
using alembic_exporter::VersionTableRows;

using ReaderSettings = NetworkReaderSettings<DatabaseUrl>;

/// Reads the version table of one component's database, asynchronously on an io_context:
/// libpq's non-blocking connect and query driven by Asio readiness of its socket, bounded by an
/// Asio deadline. The session is read-only. Not thread-safe: use it from the io_context's one
/// thread. libpq resolves host names synchronously (PQconnectStartParams/PQconnectPoll call
/// getaddrinfo), so a slow resolver delays the loop; IP addresses or `hostaddr` avoid that.
/// The program must ignore SIGPIPE: libpq 15's PQcancel sends without MSG_NOSIGNAL.
class VersionTableReader final : public VersionReader {
 public:
  VersionTableReader(asio::io_context& io, ReaderSettings settings);
  /// Abandons a read in flight: its `done` is not called.
  ~VersionTableReader() override;
  VersionTableReader(const VersionTableReader&) = delete;
  VersionTableReader& operator=(const VersionTableReader&) = delete;

  /// Starts one read; `done` runs exactly once on the io_context (never inside `read`), within
  /// `timeout` plus at most `cancel_grace` for cancelling a running statement. A reused connection
  /// that turns out dead is replaced once within the same budget. Reads must not overlap:
  /// starting one while another is in flight throws std::logic_error.
  void read(std::function<void(ReadOutcome)> done) override;

  /// Ends a read in flight now, as if its budget had run out: a running statement is cancelled
  /// on the server and `done` gets a `timeout` failure. No effect when idle.
  void cancel() override;

 private:
  class Operation;
  std::shared_ptr<Operation> operation_;
};

/// How long a cancelled or timed-out read waits for its cancel request to reach the server; if
/// the server does not take it, the session's statement_timeout still ends the statement.
inline constexpr std::chrono::milliseconds cancel_grace{250};

/// Blocks until the cancel requests of cancelled reads have been sent (each travels on its own
/// thread, which exiting the process would kill), at most `cancel_grace`. For shutdown.
void await_cancel_requests();

}  // namespace alembic_exporter::postgres
