#pragma once

#include <libpq-fe.h>

#include <asio/io_context.hpp>
#include <chrono>
#include <functional>
#include <memory>
#include <string>
#include <variant>
#include <vector>

#include "collectors/network_reader_settings.hpp"
#include "collectors/postgres/database_url.hpp"
#include "collectors/read_failure.hpp"

namespace alembic_exporter::postgres {

using ReaderSettings = NetworkReaderSettings<DatabaseUrl>;

struct ResultClearer {
  void operator()(PGresult* result) const { PQclear(result); }
};
using Result = std::unique_ptr<PGresult, ResultClearer>;

/// What one statement list returned: a result per statement, in order, up to the first error
/// (PostgreSQL stops there), and the server it ran on, for messages.
struct SessionResults {
  std::vector<Result> results;
  std::string endpoint;
};

/// Why the session could not run the statements (connecting, a lost connection, the budget), or
/// their results; an error of a statement (an SQLSTATE) is a result, not a failure.
using SessionOutcome = std::variant<SessionResults, ReadFailure>;

/// One read-only libpq session to one database, run asynchronously on an io_context: libpq's
/// non-blocking connect and query driven by Asio readiness of its socket, bounded by an Asio
/// deadline, with a reconnect backoff and keep-alive as the settings say. What the version-table
/// reader and discovery share. Not thread-safe: use it from the io_context's one thread. libpq
/// resolves host names synchronously (PQconnectStartParams/PQconnectPoll call getaddrinfo), so a
/// slow resolver delays the loop; IP addresses or `hostaddr` avoid that. The program must ignore
/// SIGPIPE: libpq 15's PQcancel sends without MSG_NOSIGNAL.
class PgSession {
 public:
  /// `purpose` names the statements in timeout messages ("the version table query").
  PgSession(asio::io_context& io, ReaderSettings settings, std::string purpose);
  /// Abandons a run in flight: its `done` is not called.
  ~PgSession();
  PgSession(const PgSession&) = delete;
  PgSession& operator=(const PgSession&) = delete;

  /// Sends `query` (the simple protocol: several statements in one message) and calls `done`
  /// exactly once on the io_context (never inside `run`), within `timeout` plus at most
  /// `cancel_grace` for cancelling a running statement. A reused connection that turns out dead
  /// is replaced once within the same budget. Runs must not overlap: starting one while another
  /// is in flight throws std::logic_error.
  void run(std::string query, std::function<void(SessionOutcome)> done);

  /// Ends a run in flight now, as if its budget had run out: a running statement is cancelled
  /// on the server and `done` gets a `timeout` failure. No effect when idle.
  void cancel();

 private:
  class Operation;
  std::shared_ptr<Operation> operation_;
};

/// The failure an error result reports, in the words of the readers' other failures.
ReadFailure result_failure(const PGresult* result, const std::string& endpoint);

/// How long a cancelled or timed-out run waits for its cancel request to reach the server; if
/// the server does not take it, the session's statement_timeout still ends the statement.
inline constexpr std::chrono::milliseconds cancel_grace{250};

/// Blocks until the cancel requests of cancelled runs have been sent (each travels on its own
/// thread, which exiting the process would kill), at most `cancel_grace`. For shutdown.
void await_cancel_requests();

}  // namespace alembic_exporter::postgres
