#include "collectors/postgres/pg_session.hpp"

#include <libpq-fe.h>

#include <algorithm>
#include <array>
#include <atomic>
#include <stdexcept>
#include <system_error>
#include <thread>

#include "collectors/password_file.hpp"
#include "collectors/postgres/encryption_probes.hpp"
#include "collectors/postgres/pg_failure.hpp"
#include "collectors/postgres/session_parameters.hpp"
#include "collectors/reconnect_backoff.hpp"
#include "collectors/socket_watch.hpp"

namespace alembic_exporter::postgres {
namespace {

struct ConnectionCloser {
  void operator()(PGconn* connection) const { PQfinish(connection); }
};
struct CancelFreer {
  void operator()(PGcancel* cancel) const { PQfreeCancel(cancel); }
};
using Connection = std::unique_ptr<PGconn, ConnectionCloser>;
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

/// The state machine behind PgSession. Asio handlers hold only a weak_ptr and the token of the
/// step that issued them, so a handler outliving its run (or the session) is inert.
class PgSession::Operation : public std::enable_shared_from_this<Operation> {
 public:
  Operation(asio::io_context& io, ReaderSettings settings, std::string purpose)
      : io_(io),
        settings_(std::move(settings)),
        purpose_(std::move(purpose)),
        socket_(io),
        deadline_(io),
        cancel_poll_(io),
        retry_connect_(io),
        backoff_(settings_.reconnect_backoff_initial, settings_.reconnect_backoff_max) {}
  Operation(const Operation&) = delete;
  Operation& operator=(const Operation&) = delete;

  void run(std::string query, std::function<void(SessionOutcome)> done) {
    if (done_) throw std::logic_error("PgSession::run while a run is in flight");
    done_ = std::move(done);
    query_ = std::move(query);
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
    skipped_probes_ = false;
    std::optional<std::string> password;
    if (settings_.password_file) {
      auto read = read_password_file(*settings_.password_file);
      if (auto* failure = std::get_if<ReadFailure>(&read)) {
        connect_failed(std::move(*failure));
        return;
      }
      password = std::move(std::get<std::string>(read));
    }
    ConnectionParameters parameters =
        session_parameters(settings_.url, password, settings_.timeout);
    server_key_ = EncryptionProbes::server_key(parameters);
    skipped_probes_ = EncryptionProbes::process().skip_known_failures(
        server_key_, parameters, std::chrono::steady_clock::now());
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
    if (!skipped_probes_) {
      EncryptionProbes::process().record(server_key_, connection_.get(),
                                         std::chrono::steady_clock::now());
    }
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
    if (skipped_probes_) {
      EncryptionProbes::process().forget(server_key_);
      skipped_probes_ = false;
      // pg_hba.conf has no line for an unencrypted connection (28000): the server may require
      // TLS or GSSAPI encryption by now. Once more as libpq would, probing; any other failure
      // (too many connections, a wrong password, ...) is the check's.
      if (connection_ &&
          sqlstate_in_message(PQerrorMessage(connection_.get())) == std::string("28000")) {
        close_connection();
        start_connect();
        return;
      }
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
    results_.clear();
    if (!watch_socket()) return;
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
      Result result(PQgetResult(connection_.get()));
      if (!result) {
        query_done();
        return;
      }
      results_.push_back(std::move(result));
    }
    socket_.wait(SocketWatch::Direction::read, guard(&Operation::on_readable));
  }

  void query_done() {
    const auto error = std::find_if(results_.begin(), results_.end(), [](const Result& result) {
      const ExecStatusType status = PQresultStatus(result.get());
      return status != PGRES_TUPLES_OK && status != PGRES_COMMAND_OK;
    });
    if (results_.empty()) {
      finish(ReadFailure{FailureReason::protocol,
                         failure_detail(FailureReason::protocol, endpoint(), "no result")});
    } else if (error != results_.end() && PQstatus(connection_.get()) == CONNECTION_BAD) {
      lost_connection(result_failure(error->get(), endpoint()));
    } else {
      finish(SessionResults{std::move(results_), endpoint()});
    }
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
    pending_failure_ = {FailureReason::timeout, what + " waiting for " + purpose_ + " at " +
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

  void finish(SessionOutcome outcome) {
    ++token_;
    phase_ = Phase::idle;
    deadline_.cancel();
    cancel_poll_.cancel();
    retry_connect_.cancel();
    if (!settings_.keepalive || (connection_ && PQstatus(connection_.get()) != CONNECTION_OK)) {
      close_connection();
    }
    asio::post(io_, [done = std::exchange(done_, nullptr), outcome = std::move(outcome)]() mutable {
      done(std::move(outcome));
    });
  }

  asio::io_context& io_;
  const ReaderSettings settings_;
  const std::string purpose_;
  std::string query_;
  Connection connection_;
  SocketWatch socket_;
  asio::steady_timer deadline_;
  asio::steady_timer cancel_poll_;
  asio::steady_timer retry_connect_;
  std::function<void(SessionOutcome)> done_;
  Phase phase_ = Phase::idle;
  std::uint64_t token_ = 0;
  bool reused_connection_ = false;
  bool replaced_dead_connection_ = false;
  bool retried_too_many_connections_ = false;
  /// This connection's server in EncryptionProbes, and whether it skipped a probe.
  std::string server_key_;
  bool skipped_probes_ = false;
  std::vector<Result> results_;
  ConnectBackoff backoff_;
  ReadFailure pending_failure_{FailureReason::timeout, {}};
  std::shared_ptr<std::atomic<bool>> cancel_sent_;
  std::chrono::steady_clock::time_point cancel_wait_until_;
};

PgSession::PgSession(asio::io_context& io, ReaderSettings settings, std::string purpose)
    : operation_(std::make_shared<Operation>(io, std::move(settings), std::move(purpose))) {}

PgSession::~PgSession() { operation_->abandon(); }

void PgSession::run(std::string query, std::function<void(SessionOutcome)> done) {
  operation_->run(std::move(query), std::move(done));
}

void PgSession::cancel() { operation_->cancel(); }

ReadFailure result_failure(const PGresult* result, const std::string& endpoint) {
  const char* sqlstate = PQresultErrorField(result, PG_DIAG_SQLSTATE);
  if (sqlstate == nullptr) {
    // libpq's own error (lost connection, bad message): it has no SQLSTATE.
    return ReadFailure{FailureReason::protocol,
                       failure_detail(FailureReason::protocol, endpoint,
                                      libpq_text_in_message(PQresultErrorMessage(result)))};
  }
  const FailureReason reason = failure_reason_for_sqlstate(sqlstate);
  return ReadFailure{reason,
                     failure_detail(reason, endpoint,
                                    or_empty(PQresultErrorField(result, PG_DIAG_MESSAGE_PRIMARY)))};
}

void await_cancel_requests() {
  const auto until = std::chrono::steady_clock::now() + cancel_grace;
  while (cancel_requests_in_flight.load() > 0 && std::chrono::steady_clock::now() < until) {
    std::this_thread::sleep_for(cancel_poll_interval);
  }
}

}  // namespace alembic_exporter::postgres
