#include "collectors/mysql/mysql_version_reader.hpp"

#include <mysql.h>
#include <sys/socket.h>

#include <algorithm>
#include <asio/post.hpp>
#include <asio/steady_timer.hpp>
#include <stdexcept>

#include "collectors/mysql/libmariadb.hpp"
#include "collectors/mysql/mysql_failure.hpp"
#include "collectors/password_file.hpp"
#include "collectors/reconnect_backoff.hpp"
#include "collectors/socket_watch.hpp"
#include "collectors/version_query.hpp"

namespace alembic_exporter::mysql {
namespace {

struct Closer {
  void operator()(MYSQL* connection) const { libmariadb().close(connection); }
};
struct ResultFreer {
  void operator()(MYSQL_RES* result) const { libmariadb().free_result(result); }
};
using Connection = std::unique_ptr<MYSQL, Closer>;
using Result = std::unique_ptr<MYSQL_RES, ResultFreer>;

std::string quote_string(std::string_view text) {
  std::string quoted = "'";
  for (const char c : text) {
    if (c == '\'' || c == '\\') quoted += c;
    quoted += c;
  }
  return quoted + "'";
}

std::string schema_condition(const std::optional<std::string>& schema) {
  return schema ? quote_string(*schema) : std::string("DATABASE()");
}

}  // namespace

std::vector<std::string> session_commands(std::chrono::milliseconds timeout) {
  const auto seconds =
      std::max<long long>(1, std::chrono::ceil<std::chrono::seconds>(timeout).count());
  const auto milliseconds = std::max<long long>(1, timeout.count());
  // The MariaDB-only part is an executable comment (/*M!...*/) that MySQL skips; MySQL bounds
  // the statement with the query's MAX_EXECUTION_TIME hint instead.
  return {
      "SET SESSION TRANSACTION READ ONLY",
      "SET SESSION lock_wait_timeout = " + std::to_string(seconds) +
          " /*M!100108 , SESSION max_statement_time = " + std::to_string(milliseconds / 1000) +
          "." + std::to_string(1000 + milliseconds % 1000).substr(1) + " */",
  };
}

std::string version_query(std::string_view table, const std::optional<std::string>& schema,
                          std::chrono::milliseconds timeout) {
  std::string query = "SELECT /*+ MAX_EXECUTION_TIME(" +
                      std::to_string(std::max<long long>(1, timeout.count())) +
                      ") */ version_num FROM ";
  if (schema) query += quote_identifier(*schema, '`') + ".";
  return query + quote_identifier(table, '`');
}

std::string migration_query(std::string_view table, const std::optional<std::string>& schema) {
  return "SELECT t.PROCESSLIST_ID, t.PROCESSLIST_TIME, "
         "COALESCE((SELECT a.ATTR_VALUE FROM performance_schema.session_connect_attrs a "
         "WHERE a.PROCESSLIST_ID = t.PROCESSLIST_ID AND a.ATTR_NAME = 'program_name' LIMIT 1), '') "
         "FROM performance_schema.metadata_locks l "
         "JOIN performance_schema.threads t ON t.THREAD_ID = l.OWNER_THREAD_ID "
         "WHERE l.OBJECT_TYPE = 'TABLE' AND l.OBJECT_SCHEMA = " +
         schema_condition(schema) + " AND l.OBJECT_NAME = " + quote_string(table) +
         " AND l.LOCK_TYPE IN ('SHARED_WRITE', 'SHARED_UPGRADABLE', 'SHARED_NO_WRITE', "
         "'SHARED_NO_READ_WRITE', 'EXCLUSIVE') AND t.PROCESSLIST_ID <> CONNECTION_ID() "
         "ORDER BY t.PROCESSLIST_ID LIMIT 1";
}

/// The state machine behind MysqlVersionReader. Asio handlers hold only a weak_ptr and the
/// token of the step that issued them, so a handler outliving its read (or the reader) is inert.
class MysqlVersionReader::Operation : public std::enable_shared_from_this<Operation> {
 public:
  Operation(asio::io_context& io, MysqlReaderSettings settings)
      : io_(io),
        connector_(libmariadb()),
        settings_(std::move(settings)),
        endpoint_(endpoint_of(settings_.url)),
        query_(version_query(settings_.version_table, settings_.version_table_schema,
                             settings_.timeout)),
        migration_query_(migration_query(settings_.version_table, settings_.version_table_schema)),
        socket_(io),
        deadline_(io),
        library_timer_(io),
        backoff_(settings_.reconnect_backoff_initial, settings_.reconnect_backoff_max) {}
  Operation(const Operation&) = delete;
  Operation& operator=(const Operation&) = delete;

  void read(std::function<void(ReadOutcome)> done) {
    if (done_) throw std::logic_error("MysqlVersionReader::read while a read is in flight");
    done_ = std::move(done);
    ++token_;
    replaced_dead_connection_ = false;
    deadline_.expires_after(settings_.timeout);
    deadline_.async_wait(guard(&Operation::on_deadline));
    if (connection_) {
      reused_connection_ = true;
      start_query();
      return;
    }
    if (const ReadFailure* failure = backoff_.holding()) {
      finish(*failure);
      return;
    }
    start_connect();
  }

  void cancel() {
    if (phase_ == Phase::idle) return;
    abort_connection();
    finish(ReadFailure{FailureReason::timeout, "Cancelled at " + endpoint_});
  }

  void abandon() {
    ++token_;
    done_ = nullptr;
    phase_ = Phase::idle;
    deadline_.cancel();
    library_timer_.cancel();
    abort_connection();
  }

 private:
  enum class Phase { idle, connecting, querying };
  using Step = void (Operation::*)(asio::error_code);
  using Continue = int (Operation::*)(int ready);
  using Complete = void (Operation::*)();

  std::function<void(asio::error_code)> guard(Step step) {
    return [weak = weak_from_this(), token = token_, step](asio::error_code error) {
      const auto self = weak.lock();
      if (self && self->token_ == token) ((*self).*step)(error);
    };
  }

  // Ends the connection without a goodbye that could block: mysql_close would send COM_QUIT on
  // a socket that may be in the middle of a packet or unwritable, so it is shut down first and
  // the write fails at once.
  void abort_connection() {
    socket_.close();
    if (connection_) {
      const my_socket fd = connector_.get_socket(connection_.get());
      if (fd >= 0) ::shutdown(fd, SHUT_RDWR);
      connection_.reset();
    }
  }

  // -- waiting for Connector/C ----------------------------------------------------------------

  // Connector/C returned `status` (MYSQL_WAIT_* bits) from a _start or _cont call: 0 means the
  // call finished, and `complete` runs; otherwise wait for what it asked, then call `resume`.
  void await(int status, Continue resume, Complete complete) {
    if (status == 0) {
      (this->*complete)();
      return;
    }
    resume_ = resume;
    complete_ = complete;
    const std::uint64_t wait = ++wait_token_;
    if (const auto error = socket_.follow(connector_.get_socket(connection_.get()))) {
      socket_failed(error);
      return;
    }
    if ((status & MYSQL_WAIT_TIMEOUT) != 0) {
      library_timer_.expires_after(
          std::chrono::milliseconds(connector_.get_timeout_value_ms(connection_.get())));
      library_timer_.async_wait(waiter(wait, MYSQL_WAIT_TIMEOUT));
    }
    if ((status & MYSQL_WAIT_READ) != 0) {
      socket_.wait(SocketWatch::Direction::read, waiter(wait, MYSQL_WAIT_READ));
    } else if ((status & MYSQL_WAIT_WRITE) != 0) {
      socket_.wait(SocketWatch::Direction::write, waiter(wait, MYSQL_WAIT_WRITE));
    }
  }

  std::function<void(asio::error_code)> waiter(std::uint64_t wait, int ready) {
    return [weak = weak_from_this(), token = token_, wait, ready](asio::error_code error) {
      const auto self = weak.lock();
      if (!self || self->token_ != token || self->wait_token_ != wait) return;
      if (error == asio::error::operation_aborted) return;
      if (error && ready != MYSQL_WAIT_TIMEOUT) {
        self->socket_failed(error);
        return;
      }
      ++self->wait_token_;  // the other half of this wait is stale now
      self->library_timer_.cancel();
      self->await(((*self).*(self->resume_))(ready), self->resume_, self->complete_);
    };
  }

  // -- connecting ---------------------------------------------------------------------------

  void start_connect() {
    phase_ = Phase::connecting;
    reused_connection_ = false;
    password_ = settings_.url.password;
    if (settings_.password_file) {
      auto read = read_password_file(*settings_.password_file);
      if (auto* failure = std::get_if<ReadFailure>(&read)) {
        connect_failed(std::move(*failure));
        return;
      }
      password_ = std::move(std::get<std::string>(read));
    }
    connection_.reset(connector_.init(nullptr));
    if (!connection_) {
      connect_failed({FailureReason::protocol, "Connector/C could not allocate a connection"});
      return;
    }
    set_options();
    const MysqlUrl& url = settings_.url;
    MYSQL* ignored = nullptr;
    const auto text = [](const std::string& value) {
      return value.empty() ? nullptr : value.c_str();
    };
    const int status =
        connector_.real_connect_start(&ignored, connection_.get(), text(url.host), url.user.c_str(),
                                      password_ ? password_->c_str() : nullptr,
                                      url.database.c_str(), url.port, text(url.unix_socket), 0);
    await(status, &Operation::continue_connect, &Operation::connect_done);
  }

  void set_options() {
    MYSQL* connection = connection_.get();
    connector_.options(connection, MYSQL_OPT_NONBLOCK, nullptr);
    const unsigned seconds = static_cast<unsigned>(
        std::max<long long>(1, std::chrono::ceil<std::chrono::seconds>(settings_.timeout).count()));
    connector_.options(connection, MYSQL_OPT_CONNECT_TIMEOUT, &seconds);
    connector_.options(connection, MYSQL_OPT_READ_TIMEOUT, &seconds);
    connector_.options(connection, MYSQL_OPT_WRITE_TIMEOUT, &seconds);
    const my_bool no = 0;
    connector_.options(connection, MYSQL_OPT_LOCAL_INFILE, &no);
    connector_.optionsv(connection, MYSQL_OPT_CONNECT_ATTR_ADD, "program_name", "alembic_exporter");
    for (const auto& command : session_commands(settings_.timeout)) {
      connector_.options(connection, MYSQL_INIT_COMMAND, command.c_str());
    }
    const MysqlUrl& url = settings_.url;
    if (!url.charset.empty())
      connector_.options(connection, MYSQL_SET_CHARSET_NAME, url.charset.c_str());
    const auto set_path = [&](mysql_option option, const std::string& value) {
      if (!value.empty()) connector_.options(connection, option, value.c_str());
    };
    set_path(MYSQL_OPT_SSL_CA, url.ssl_ca);
    set_path(MYSQL_OPT_SSL_CAPATH, url.ssl_capath);
    set_path(MYSQL_OPT_SSL_CERT, url.ssl_cert);
    set_path(MYSQL_OPT_SSL_KEY, url.ssl_key);
    set_path(MYSQL_OPT_SSL_CIPHER, url.ssl_cipher);
    // Like mysqlclient: TLS when asked for (a mode above PREFERRED, or any ssl_* file given),
    // the server's certificate checked for VERIFY_CA/VERIFY_IDENTITY and its name for
    // VERIFY_IDENTITY or ssl_check_hostname=true.
    const my_bool enforce_flag = tls_required() ? 1 : 0;
    connector_.options(connection, MYSQL_OPT_SSL_ENFORCE, &enforce_flag);
    const bool verify = url.ssl_mode == SslMode::verify_identity ||
                        url.ssl_check_hostname.value_or(url.ssl_mode == SslMode::verify_ca);
    const my_bool verify_flag = verify ? 1 : 0;
    connector_.options(connection, MYSQL_OPT_SSL_VERIFY_SERVER_CERT, &verify_flag);
  }

  bool tls_required() const {
    const MysqlUrl& url = settings_.url;
    const bool files = !url.ssl_ca.empty() || !url.ssl_capath.empty() || !url.ssl_cert.empty();
    return url.ssl_mode == SslMode::required || url.ssl_mode == SslMode::verify_ca ||
           url.ssl_mode == SslMode::verify_identity || (url.ssl_mode == SslMode::unset && files);
  }

  int continue_connect(int ready) {
    MYSQL* ignored = nullptr;
    return connector_.real_connect_cont(&ignored, connection_.get(), ready);
  }

  void connect_done() {
    password_.reset();
    if (connector_.errno_of(connection_.get()) != 0) {
      connect_failed(server_failure());
      return;
    }
    // Connector/C 3.3 refuses a server without TLS only when it is to verify the certificate;
    // ssl_mode=REQUIRED (TLS without verification) is checked here.
    if (tls_required() && connector_.get_ssl_cipher(connection_.get()) == nullptr) {
      connect_failed({FailureReason::ssl,
                      failure_detail(FailureReason::ssl, endpoint_,
                                     "TLS is required, but the server does not support it")});
      return;
    }
    backoff_.succeeded();
    start_query();
  }

  void connect_failed(ReadFailure failure) {
    password_.reset();
    abort_connection();
    backoff_.failed(failure);
    finish(std::move(failure));
  }

  ReadFailure server_failure() const {
    const unsigned number = connector_.errno_of(connection_.get());
    const std::string_view message = connector_.error_of(connection_.get());
    const FailureReason reason = failure_reason_for_error(number, message);
    if (reason == FailureReason::connection_refused || reason == FailureReason::dns) {
      return {reason, failure_detail(reason, endpoint_, "")};
    }
    return {reason, failure_detail(reason, endpoint_, message)};
  }

  // -- querying -----------------------------------------------------------------------------

  void start_query() {
    phase_ = Phase::querying;
    int ignored = 0;
    await(connector_.real_query_start(&ignored, connection_.get(), query_.c_str(), query_.size()),
          &Operation::continue_query, &Operation::query_sent);
  }

  int continue_query(int ready) {
    int ignored = 0;
    return connector_.real_query_cont(&ignored, connection_.get(), ready);
  }

  int continue_store(int ready) {
    return connector_.store_result_cont(&result_, connection_.get(), ready);
  }

  void query_sent() {
    if (connector_.errno_of(connection_.get()) != 0) {
      query_failed();
      return;
    }
    await(connector_.store_result_start(&result_, connection_.get()), &Operation::continue_store,
          &Operation::versions_stored);
  }

  void versions_stored() {
    const Result result(std::exchange(result_, nullptr));
    if (!result) {
      query_failed();
      return;
    }
    rows_ = VersionTableRows{};
    while (MYSQL_ROW row = connector_.fetch_row(result.get())) {
      if (row[0] != nullptr) rows_.revisions.emplace_back(row[0]);
    }
    std::sort(rows_.revisions.begin(), rows_.revisions.end());
    int ignored = 0;
    await(connector_.real_query_start(&ignored, connection_.get(), migration_query_.c_str(),
                                      migration_query_.size()),
          &Operation::continue_query, &Operation::migration_sent);
  }

  void migration_sent() {
    if (connector_.errno_of(connection_.get()) != 0) {
      // performance_schema off, or not readable by this user: the engine cannot tell.
      finish(std::move(rows_));
      return;
    }
    await(connector_.store_result_start(&result_, connection_.get()), &Operation::continue_store,
          &Operation::migration_stored);
  }

  void migration_stored() {
    const Result result(std::exchange(result_, nullptr));
    if (result) {
      if (MYSQL_ROW row = connector_.fetch_row(result.get()); row != nullptr && row[0] != nullptr) {
        MigrationSighting migration;
        migration.pid = std::stoll(row[0]);
        // PROCESSLIST_TIME is the age of the session's current statement, not of its transaction.
        if (row[1] != nullptr) {
          migration.started_at =
              std::chrono::system_clock::now() - std::chrono::seconds(std::stoll(row[1]));
        }
        migration.application_name = row[2] != nullptr ? row[2] : "";
        rows_.migration = std::move(migration);
      }
    }
    finish(std::move(rows_));
  }

  void query_failed() {
    const unsigned number = connector_.errno_of(connection_.get());
    if (is_no_such_table(number)) {
      finish(VersionTableRows{{}, true});
      return;
    }
    if (is_lost_connection(number) && reused_connection_ && !replaced_dead_connection_) {
      // A kept-alive connection died while idle (server restarted, wait_timeout): that says
      // nothing about the database now, so it is replaced once within the same budget.
      replaced_dead_connection_ = true;
      abort_connection();
      start_connect();
      return;
    }
    ReadFailure failure = server_failure();
    if (is_lost_connection(number)) abort_connection();
    finish(std::move(failure));
  }

  // -- shared by both phases ----------------------------------------------------------------

  void socket_failed(asio::error_code error) {
    ReadFailure failure{FailureReason::protocol,
                        failure_detail(FailureReason::protocol, endpoint_,
                                       "cannot wait for the socket: " + error.message())};
    if (phase_ == Phase::connecting) {
      connect_failed(std::move(failure));
    } else {
      abort_connection();
      finish(std::move(failure));
    }
  }

  void on_deadline(asio::error_code error) {
    if (error) return;
    const std::string what = "Timed out after " + std::to_string(settings_.timeout.count()) + " ms";
    if (phase_ == Phase::connecting) {
      connect_failed({FailureReason::timeout, what + " connecting to " + endpoint_});
    } else if (phase_ == Phase::querying) {
      // The server's max_statement_time / lock_wait_timeout end the statement itself.
      abort_connection();
      finish(ReadFailure{FailureReason::timeout,
                         what + " waiting for the version table query at " + endpoint_});
    }
  }

  void finish(ReadOutcome outcome) {
    ++token_;
    ++wait_token_;
    phase_ = Phase::idle;
    deadline_.cancel();
    library_timer_.cancel();
    if (result_ != nullptr) connector_.free_result(std::exchange(result_, nullptr));
    if (!settings_.keepalive || std::holds_alternative<ReadFailure>(outcome)) abort_connection();
    asio::post(io_, [done = std::exchange(done_, nullptr), outcome = std::move(outcome)] {
      done(outcome);
    });
  }

  asio::io_context& io_;
  const Libmariadb& connector_;
  const MysqlReaderSettings settings_;
  const std::string endpoint_;
  const std::string query_;
  const std::string migration_query_;
  Connection connection_;
  /// Connector/C reads it while the connection is being made (until connect_done); never log it.
  std::optional<std::string> password_;
  MYSQL_RES* result_ = nullptr;
  VersionTableRows rows_;
  SocketWatch socket_;
  asio::steady_timer deadline_;
  asio::steady_timer library_timer_;
  std::function<void(ReadOutcome)> done_;
  Continue resume_ = nullptr;
  Complete complete_ = nullptr;
  Phase phase_ = Phase::idle;
  std::uint64_t token_ = 0;
  std::uint64_t wait_token_ = 0;
  bool reused_connection_ = false;
  bool replaced_dead_connection_ = false;
  ConnectBackoff backoff_;
};

MysqlVersionReader::MysqlVersionReader(asio::io_context& io, MysqlReaderSettings settings)
    : operation_(std::make_shared<Operation>(io, std::move(settings))) {}

MysqlVersionReader::~MysqlVersionReader() { operation_->abandon(); }

void MysqlVersionReader::read(std::function<void(ReadOutcome)> done) {
  operation_->read(std::move(done));
}

void MysqlVersionReader::cancel() { operation_->cancel(); }

}  // namespace alembic_exporter::mysql
