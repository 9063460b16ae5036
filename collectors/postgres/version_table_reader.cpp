#include "collectors/postgres/version_table_reader.hpp"

#include <libpq-fe.h>

#include <algorithm>
#include <array>
#include <atomic>
#include <stdexcept>
#include <system_error>
#include <thread>

#include "collectors/password_file.hpp"
#include "collectors/postgres/session_parameters.hpp"
#include "collectors/reconnect_backoff.hpp"
#include "collectors/socket_watch.hpp"
#include "collectors/version_query.hpp"

namespace alembic_exporter::postgres {
namespace {

struct ConnectionCloser {
  void operator()(PGconn* connection) const { PQfinish(connection); }
};
struct ResultClearer {
  void operator()(PGresult* result) const { PQclear(result); }
};
struct CancelFreer {
  void operator()(PGcancel* cancel) const { PQfreeCancel(cancel); }
};
using Connection = std::unique_ptr<PGconn, ConnectionCloser>;
using Result = std::unique_ptr<PGresult, ResultClearer>;
using CancelRequest = std::unique_ptr<PGcancel, CancelFreer>;

constexpr std::chrono::milliseconds cancel_poll_interval{10};

/// A server that refuses a session with too_many_connections (SQLSTATE 53300) may still count a
/// backend whose client has just closed it: the backend leaves the server's count only when it has
/// exited, after the close that freed this daemon's max_connections slot. One more attempt after
/// this pause, within the read's budget, tells that moment from a server that is really full.
constexpr std::chrono::milliseconds too_many_connections_pause{100};

/// Threads running PQcancel now, for await_cancel_requests.
std::atomic<int> cancel_requests_in_flight{0};

std::string_view or_empty(const char* text) { return text == nullptr ? "" : text; }

void ignore_notice(void* /*context*/, const char* /*message*/) {}

}  // namespace

/// The state machine behind VersionTableReader. Asio handlers hold only a weak_ptr and the
/// token of the step that issued them, so a handler outliving its read (or the reader) is inert.
class VersionTableReader::Operation : public std::enable_shared_from_this<Operation> {
 public:
  Operation(asio::io_context& io, ReaderSettings settings)
      : io_(io),
        settings_(std::move(settings)),
        // One round trip: the migration check first, since a missing version table ends the
        // statement list with an error.
        query_(migration_query(settings_.version_table, settings_.version_table_schema) + "; " +
               version_query(settings_.version_table, settings_.version_table_schema)),
        socket_(io),
        deadline_(io),
        cancel_poll_(io),
        retry_connect_(io),
        backoff_(settings_.reconnect_backoff_initial, settings_.reconnect_backoff_max) {}
  Operation(const Operation&) = delete;
  Operation& operator=(const Operation&) = delete;

  void read(std::function<void(ReadOutcome)> done) {
    if (done_) throw std::logic_error("VersionTableReader::read while a read is in flight");
    done_ = std::move(done);
    ++token_;
    replaced_dead_connection_ = false;
    retried_too_many_connections_ = false;
    deadline_.expires_after(settings_.timeout);
    deadline_.async_wait(guard(&Operation::on_deadline));
    if (connection_ && PQstatus(connection_.get()) == CONNECTION_OK) {
      reused_connection_ = true;
      start_query();
      return;
    }
    close_connection();
    if (const ReadFailure* failure = backoff_.holding()) {
      finish(*failure);
      return;
    }
    start_connect();
  }

  void cancel() {
    if (phase_ == Phase::connecting) {
      // Not the server's fault: no backoff.
      const std::string where = endpoint();
      close_connection();
      finish(ReadFailure{FailureReason::timeout, "Cancelled connecting to " + where});
    } else if (phase_ == Phase::querying) {
      cancel_statement("Cancelled");
    }
  }

  void abandon() {
    ++token_;
    done_ = nullptr;
    phase_ = Phase::idle;
    deadline_.cancel();
    cancel_poll_.cancel();
    retry_connect_.cancel();
    close_connection();
  }

 private:
  enum class Phase { idle, connecting, querying, cancelling };
  using Step = void (Operation::*)(asio::error_code);

  std::function<void(asio::error_code)> guard(Step step) {
    return [weak = weak_from_this(), token = token_, step](asio::error_code error) {
      const auto self = weak.lock();
      if (self && self->token_ == token) ((*self).*step)(error);
    };
  }

  std::string endpoint() const {
    if (!connection_) return {};
    return format_endpoint(or_empty(PQhost(connection_.get())),
                           or_empty(PQport(connection_.get())));
  }

  void close_connection() {
    socket_.close();
    connection_.reset();
  }

  // -- connecting ---------------------------------------------------------------------------

  void start_connect() {
    phase_ = Phase::connecting;
    reused_connection_ = false;
    std::optional<std::string> password;
    if (settings_.password_file) {
      auto read = read_password_file(*settings_.password_file);
      if (auto* failure = std::get_if<ReadFailure>(&read)) {
        connect_failed(std::move(*failure));
        return;
      }
      password = std::move(std::get<std::string>(read));
    }
    const ConnectionParameters parameters =
        session_parameters(settings_.url, password, settings_.timeout);
    std::vector<const char*> keywords;
    std::vector<const char*> values;
    for (const auto& [keyword, value] : parameters) {
      keywords.push_back(keyword.c_str());
      values.push_back(value.c_str());
    }
    keywords.push_back(nullptr);
    values.push_back(nullptr);
    // expand_dbname = 0: a dbname is a name, never another connection string.
    connection_.reset(PQconnectStartParams(keywords.data(), values.data(), 0));
    if (!connection_) {
      connect_failed({FailureReason::protocol, "libpq could not allocate a connection"});
      return;
    }
    // Makes libpq write the SQLSTATE of an error the server sends during startup into the
    // message (libpq 15 has no other way to get it for a connection that failed).
    PQsetErrorVerbosity(connection_.get(), PQERRORS_VERBOSE);
    // libpq's default notice processor writes server notices to stderr; they are not ours to show.
    PQsetNoticeProcessor(connection_.get(), ignore_notice, nullptr);
    if (PQstatus(connection_.get()) == CONNECTION_BAD) {
      connect_failed(connection_failure());
      return;
    }
    // libpq's documented start: behave as if PQconnectPoll had asked to wait for writing. A
    // unix-socket or loopback connection is usually writable at once: then poll libpq now rather
    // than through the io_context, so the startup packet is on its way when read() returns and the
    // server starts its backend while the caller works (a check scans its scripts meanwhile).
    if (!watch_socket()) return;
    continue_connect(socket_.ready_now(SocketWatch::Direction::write)
                         ? PQconnectPoll(connection_.get())
                         : PGRES_POLLING_WRITING);
  }

  void continue_connect(PostgresPollingStatusType status) {
    if (status == PGRES_POLLING_OK) {
      connected();
      return;
    }
    if (status != PGRES_POLLING_READING && status != PGRES_POLLING_WRITING) {
      connect_failed(connection_failure());
      return;
    }
    if (!watch_socket()) return;
    socket_.wait(status == PGRES_POLLING_READING ? SocketWatch::Direction::read
                                                 : SocketWatch::Direction::write,
                 guard(&Operation::on_connect_ready));
  }

  void on_connect_ready(asio::error_code error) {
    if (error) {
      socket_failed(error);
      return;
    }
    continue_connect(PQconnectPoll(connection_.get()));
  }

  void connected() {
    backoff_.succeeded();
    if (PQsetnonblocking(connection_.get(), 1) != 0) {
      connect_failed(connection_failure());
      return;
    }
    start_query();
  }

  ReadFailure connection_failure() const {
    const std::string_view message = PQerrorMessage(connection_.get());
    const std::string where = endpoint();
    if (const auto sqlstate = sqlstate_in_message(message)) {
      const FailureReason reason = failure_reason_for_sqlstate(*sqlstate);
      return {reason, failure_detail(reason, where, server_text_in_message(message))};
    }
    if (PQconnectionNeedsPassword(connection_.get())) {
      return {FailureReason::auth_failed,
              failure_detail(FailureReason::auth_failed, where, "no password was given")};
    }
    switch (const FailureReason reason = reason_for_connection_message(message)) {
      case FailureReason::dns:
        return {reason, failure_detail(reason, or_empty(PQhost(connection_.get())), "")};
      case FailureReason::connection_refused:
        return {reason, failure_detail(reason, where, "")};
      default:
        return {reason, failure_detail(reason, where, libpq_text_in_message(message))};
    }
  }

  void connect_failed(ReadFailure failure) {
    if (failure.reason == FailureReason::connection_refused && !retried_too_many_connections_ &&
        connection_ &&
        sqlstate_in_message(PQerrorMessage(connection_.get())) == std::string("53300")) {
      retried_too_many_connections_ = true;
      socket_.close();  // the connection stays, naming the endpoint if the deadline comes first
      retry_connect_.expires_after(too_many_connections_pause);
      retry_connect_.async_wait(guard(&Operation::on_retry_connect));
      return;
    }
    close_connection();
    backoff_.failed(failure);
    finish(std::move(failure));
  }

  void on_retry_connect(asio::error_code error) {
    if (error) return;
    close_connection();
    start_connect();
  }

  // -- querying -----------------------------------------------------------------------------

  void start_query() {
    phase_ = Phase::querying;
    first_result_.reset();
    migration_.reset();
    results_ = 0;
    if (!watch_socket()) return;
    // The simple protocol: two statements in one message.
    if (PQsendQuery(connection_.get(), query_.c_str()) == 0) {
      connection_broke();
      return;
    }
    flush();
  }

  void flush() {
    const int pending = PQflush(connection_.get());
    if (pending < 0) {
      connection_broke();
    } else if (pending > 0) {
      socket_.wait(SocketWatch::Direction::write, guard(&Operation::on_writable));
    } else {
      socket_.wait(SocketWatch::Direction::read, guard(&Operation::on_readable));
    }
  }

  void on_writable(asio::error_code error) {
    if (error) {
      socket_failed(error);
    } else if (PQconsumeInput(connection_.get()) == 0) {
      connection_broke();
    } else {
      flush();
    }
  }

  void on_readable(asio::error_code error) {
    if (error) {
      socket_failed(error);
      return;
    }
    if (PQconsumeInput(connection_.get()) == 0) {
      connection_broke();
      return;
    }
    while (PQisBusy(connection_.get()) == 0) {
      const Result result(PQgetResult(connection_.get()));
      if (!result) {
        query_done();
        return;
      }
      if (++results_ == 1 && PQresultStatus(result.get()) == PGRES_TUPLES_OK) {
        migration_ = migration_of(result.get());
      } else if (!first_result_) {
        first_result_ = outcome_of(result.get());
      }
    }
    socket_.wait(SocketWatch::Direction::read, guard(&Operation::on_readable));
  }

  /// A hidden transaction start (another role's session without pg_read_all_stats) is absent.
  static std::optional<MigrationSighting> migration_of(const PGresult* result) {
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

  ReadOutcome outcome_of(const PGresult* result) const {
    if (PQresultStatus(result) == PGRES_TUPLES_OK) {
      VersionTableRows rows;
      for (int row = 0; row < PQntuples(result); ++row) {
        if (PQgetisnull(result, row, 0) == 0) {
          rows.revisions.emplace_back(PQgetvalue(result, row, 0));
        }
      }
      std::sort(rows.revisions.begin(), rows.revisions.end());
      return rows;
    }
    const char* sqlstate = PQresultErrorField(result, PG_DIAG_SQLSTATE);
    if (sqlstate == nullptr) {
      // libpq's own error (lost connection, bad message): it has no SQLSTATE.
      return ReadFailure{FailureReason::protocol,
                         failure_detail(FailureReason::protocol, endpoint(),
                                        libpq_text_in_message(PQresultErrorMessage(result)))};
    }
    if (is_undefined_table(sqlstate)) return VersionTableRows{{}, true};
    const FailureReason reason = failure_reason_for_sqlstate(sqlstate);
    return ReadFailure{
        reason, failure_detail(reason, endpoint(),
                               or_empty(PQresultErrorField(result, PG_DIAG_MESSAGE_PRIMARY)))};
  }

  void query_done() {
    ReadOutcome outcome =
        first_result_
            ? std::move(*first_result_)
            : ReadFailure{FailureReason::protocol,
                          failure_detail(FailureReason::protocol, endpoint(), "no result")};
    if (auto* rows = std::get_if<VersionTableRows>(&outcome)) rows->migration = migration_;
    if (std::holds_alternative<ReadFailure>(outcome) &&
        PQstatus(connection_.get()) == CONNECTION_BAD) {
      lost_connection(std::get<ReadFailure>(std::move(outcome)));
      return;
    }
    finish(std::move(outcome));
  }

  void connection_broke() {
    lost_connection({FailureReason::protocol,
                     "Connection to " + endpoint() + " lost: " +
                         std::string(libpq_text_in_message(PQerrorMessage(connection_.get())))});
  }

  // A kept-alive connection may have died while idle (server restarted, backend terminated):
  // that says nothing about the database now, so it is replaced once within the same budget.
  void lost_connection(ReadFailure failure) {
    close_connection();
    if (reused_connection_ && !replaced_dead_connection_) {
      replaced_dead_connection_ = true;
      start_connect();
      return;
    }
    finish(std::move(failure));
  }

  // -- shared by both phases ----------------------------------------------------------------

  bool watch_socket() {
    if (const auto error = socket_.follow(PQsocket(connection_.get()))) {
      socket_failed(error);
      return false;
    }
    return true;
  }

  void socket_failed(asio::error_code error) {
    ReadFailure failure{FailureReason::protocol,
                        failure_detail(FailureReason::protocol, endpoint(),
                                       "cannot wait for the socket: " + error.message())};
    if (phase_ == Phase::connecting) {
      connect_failed(std::move(failure));
    } else {
      close_connection();
      finish(std::move(failure));
    }
  }

  void on_deadline(asio::error_code error) {
    if (!error) {
      const std::string what =
          "Timed out after " + std::to_string(settings_.timeout.count()) + " ms";
      if (phase_ == Phase::connecting) {
        connect_failed({FailureReason::timeout, what + " connecting to " + endpoint()});
      } else if (phase_ == Phase::querying) {
        cancel_statement(what);
      }
    }
  }

  // PQcancel (libpq 15 has no non-blocking cancel; PQcancelCreate came with 17) opens its own
  // connection and blocks without a timeout, so it runs on a short-lived detached thread that
  // owns everything it touches. The read waits for it at most cancel_grace; if the server does
  // not take it, the session's statement_timeout still ends the statement.
  void cancel_statement(const std::string& what) {
    ++token_;
    phase_ = Phase::cancelling;
    pending_failure_ = {FailureReason::timeout, what + " waiting for the version table query at " +
                                                    endpoint() + "; cancel requested"};
    CancelRequest request(PQgetCancel(connection_.get()));
    close_connection();
    cancel_sent_ = std::make_shared<std::atomic<bool>>(false);
    cancel_wait_until_ = std::chrono::steady_clock::now() + cancel_grace;
    if (request) {
      ++cancel_requests_in_flight;
      try {
        std::thread([request = std::move(request), sent = cancel_sent_] {
          std::array<char, 256> error{};
          PQcancel(request.get(), error.data(), static_cast<int>(error.size()));
          sent->store(true);
          --cancel_requests_in_flight;
        }).detach();
      } catch (const std::system_error&) {
        --cancel_requests_in_flight;
        cancel_sent_->store(true);  // no thread: nothing to wait for
      }
    } else {
      cancel_sent_->store(true);
    }
    poll_cancel({});
  }

  void poll_cancel(asio::error_code error) {
    if (error) return;
    if (cancel_sent_->load() || std::chrono::steady_clock::now() >= cancel_wait_until_) {
      finish(std::move(pending_failure_));
      return;
    }
    cancel_poll_.expires_after(cancel_poll_interval);
    cancel_poll_.async_wait(guard(&Operation::poll_cancel));
  }

  void finish(ReadOutcome outcome) {
    ++token_;
    phase_ = Phase::idle;
    deadline_.cancel();
    cancel_poll_.cancel();
    retry_connect_.cancel();
    if (!settings_.keepalive || (connection_ && PQstatus(connection_.get()) != CONNECTION_OK)) {
      close_connection();
    }
    asio::post(io_, [done = std::exchange(done_, nullptr), outcome = std::move(outcome)] {
      done(outcome);
    });
  }

  asio::io_context& io_;
  const ReaderSettings settings_;
  const std::string query_;
  Connection connection_;
  SocketWatch socket_;
  asio::steady_timer deadline_;
  asio::steady_timer cancel_poll_;
  asio::steady_timer retry_connect_;
  std::function<void(ReadOutcome)> done_;
  Phase phase_ = Phase::idle;
  std::uint64_t token_ = 0;
  bool reused_connection_ = false;
  bool replaced_dead_connection_ = false;
  bool retried_too_many_connections_ = false;
  std::optional<ReadOutcome> first_result_;
  ConnectBackoff backoff_;
  std::optional<MigrationSighting> migration_;
  int results_ = 0;
  ReadFailure pending_failure_{FailureReason::timeout, {}};
  std::shared_ptr<std::atomic<bool>> cancel_sent_;
  std::chrono::steady_clock::time_point cancel_wait_until_;
};

VersionTableReader::VersionTableReader(asio::io_context& io, ReaderSettings settings)
    : operation_(std::make_shared<Operation>(io, std::move(settings))) {}

VersionTableReader::~VersionTableReader() { operation_->abandon(); }

void VersionTableReader::read(std::function<void(ReadOutcome)> done) {
  operation_->read(std::move(done));
}

void VersionTableReader::cancel() { operation_->cancel(); }

void await_cancel_requests() {
  const auto until = std::chrono::steady_clock::now() + cancel_grace;
  while (cancel_requests_in_flight.load() > 0 && std::chrono::steady_clock::now() < until) {
    std::this_thread::sleep_for(cancel_poll_interval);
  }
}

}  // namespace alembic_exporter::postgres
