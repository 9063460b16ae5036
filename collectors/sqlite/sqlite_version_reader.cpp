#include "collectors/sqlite/sqlite_version_reader.hpp"

#include <sqlite3.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <asio/post.hpp>
#include <asio/steady_timer.hpp>
#include <cerrno>
#include <cstring>
#include <stdexcept>
#include <system_error>
#include <thread>

#include "collectors/sqlite/write_lock.hpp"
#include "collectors/version_query.hpp"

namespace alembic_exporter::sqlite {
namespace {

constexpr std::chrono::milliseconds worker_poll_interval{10};

/// Worker threads running now, for await_workers.
std::atomic<int> workers_running{0};

struct Closer {
  void operator()(sqlite3* database) const { sqlite3_close(database); }
};
struct Finalizer {
  void operator()(sqlite3_stmt* statement) const { sqlite3_finalize(statement); }
};

FailureReason reason_for(int code) {
  switch (code & 0xff) {
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
    case SQLITE_INTERRUPT:
      return FailureReason::timeout;
    case SQLITE_PERM:
    case SQLITE_AUTH:
    case SQLITE_CANTOPEN:
    case SQLITE_READONLY:
      return FailureReason::permission_denied;
    case SQLITE_NOTADB:
    case SQLITE_CORRUPT:
    case SQLITE_FORMAT:
      return FailureReason::protocol;
    default:
      return FailureReason::query_failed;
  }
}

ReadFailure failure(FailureReason reason, const std::string& path, std::string_view text) {
  return {reason, failure_detail(reason, path, text)};
}

int stop_requested(void* stop) {
  return static_cast<const std::atomic<bool>*>(stop)->load() ? 1 : 0;
}

}  // namespace

std::string read_only_uri(std::string_view path) {
  std::string uri = "file:";
  for (const char c : path) {
    if (c == '%' || c == '?' || c == '#') {
      static constexpr char hex_digits[] = "0123456789ABCDEF";
      uri += '%';
      uri += hex_digits[static_cast<unsigned char>(c) >> 4];
      uri += hex_digits[static_cast<unsigned char>(c) & 0xf];
    } else {
      uri += c;
    }
  }
  return uri + "?mode=ro";
}

ReadOutcome read_version_table(const SqliteReaderSettings& settings,
                               const std::atomic<bool>& stop) {
  const std::string& path = settings.path;
  // SQLite says only "unable to open database file"; the file system says which.
  struct stat status {};
  if (::stat(path.c_str(), &status) != 0) {
    const int error = errno;
    return failure(
        error == ENOENT ? FailureReason::database_missing : FailureReason::permission_denied, path,
        std::strerror(error));
  }
  if (::access(path.c_str(), R_OK) != 0) {
    return failure(FailureReason::permission_denied, path, std::strerror(errno));
  }
  sqlite3* opened = nullptr;
  const int open_code = sqlite3_open_v2(read_only_uri(path).c_str(), &opened,
                                        SQLITE_OPEN_READONLY | SQLITE_OPEN_URI, nullptr);
  const std::unique_ptr<sqlite3, Closer> database(opened);
  if (open_code != SQLITE_OK) {
    return failure(reason_for(open_code), path,
                   opened != nullptr ? sqlite3_errmsg(opened) : sqlite3_errstr(open_code));
  }
  sqlite3_busy_timeout(database.get(), static_cast<int>(settings.timeout.count()));
  sqlite3_progress_handler(database.get(), 1000, stop_requested,
                           const_cast<std::atomic<bool>*>(&stop));

  const std::string query = version_query(settings.version_table, settings.version_table_schema);
  sqlite3_stmt* prepared = nullptr;
  const int prepare_code =
      sqlite3_prepare_v2(database.get(), query.c_str(), -1, &prepared, nullptr);
  const std::unique_ptr<sqlite3_stmt, Finalizer> statement(prepared);
  if (prepare_code != SQLITE_OK) {
    const std::string_view message = sqlite3_errmsg(database.get());
    // SQLite has no error code of its own for it: prepare fails with SQLITE_ERROR and this text.
    if ((prepare_code & 0xff) == SQLITE_ERROR && message.starts_with("no such table")) {
      return VersionTableRows{{}, true};
    }
    return failure(reason_for(prepare_code), path, message);
  }
  VersionTableRows rows;
  int step_code = SQLITE_ROW;
  while ((step_code = sqlite3_step(statement.get())) == SQLITE_ROW) {
    if (const auto* text = sqlite3_column_text(statement.get(), 0)) {
      rows.revisions.emplace_back(reinterpret_cast<const char*>(text));
    }
  }
  if (step_code != SQLITE_DONE) {
    return failure(reason_for(step_code), path, sqlite3_errmsg(database.get()));
  }
  std::sort(rows.revisions.begin(), rows.revisions.end());
  return rows;
}

/// One read at a time: the worker thread owns a copy of the settings and a shared stop flag;
/// its result comes back through the io_context and is dropped when the read it belonged to
/// has ended (timeout, cancel) or the reader is gone.
class SqliteVersionReader::Operation : public std::enable_shared_from_this<Operation> {
 public:
  Operation(asio::io_context& io, SqliteReaderSettings settings)
      : io_(io), settings_(std::move(settings)), deadline_(io) {}

  void read(std::function<void(ReadOutcome)> done) {
    if (done_) throw std::logic_error("SqliteVersionReader::read while a read is in flight");
    done_ = std::move(done);
    const std::uint64_t token = ++token_;
    stop_ = std::make_shared<std::atomic<bool>>(false);
    deadline_.expires_after(settings_.timeout);
    deadline_.async_wait([weak = weak_from_this(), token](asio::error_code error) {
      const auto self = weak.lock();
      if (!error && self && self->token_ == token)
        self->stop("Timed out after " + std::to_string(self->settings_.timeout.count()) +
                   " ms waiting for");
    });
    ++workers_running;
    try {
      std::thread([weak = weak_from_this(), token, settings = settings_, stop = stop_, &io = io_] {
        ReadOutcome outcome = read_version_table(settings, *stop);
        if (auto* rows = std::get_if<VersionTableRows>(&outcome)) {
          // Only now that the file is closed: the probe's close() would drop our own locks.
          if (const auto pid = write_lock_holder(settings.path)) {
            // A file lock has no start time.
            rows->migration = MigrationSighting{*pid, std::nullopt, process_name(*pid)};
          }
        }
        asio::post(io, [weak, token, outcome = std::move(outcome)]() mutable {
          const auto self = weak.lock();
          if (self && self->token_ == token) self->finish(std::move(outcome));
        });
        --workers_running;
      }).detach();
    } catch (const std::system_error& error) {
      --workers_running;
      finish(ReadFailure{
          FailureReason::protocol,
          failure_detail(FailureReason::protocol, settings_.path,
                         std::string("cannot start a worker thread: ") + error.what())});
    }
  }

  void cancel() {
    if (done_) stop("Cancelled reading");
  }

  void abandon() {
    ++token_;
    done_ = nullptr;
    deadline_.cancel();
    if (stop_) stop_->store(true);
  }

 private:
  void stop(const std::string& what) {
    stop_->store(true);
    finish(ReadFailure{FailureReason::timeout, what + " " + settings_.path});
  }

  void finish(ReadOutcome outcome) {
    ++token_;
    deadline_.cancel();
    asio::post(io_, [done = std::exchange(done_, nullptr), outcome = std::move(outcome)] {
      done(outcome);
    });
  }

  asio::io_context& io_;
  const SqliteReaderSettings settings_;
  asio::steady_timer deadline_;
  std::function<void(ReadOutcome)> done_;
  std::shared_ptr<std::atomic<bool>> stop_;
  std::uint64_t token_ = 0;
};

SqliteVersionReader::SqliteVersionReader(asio::io_context& io, SqliteReaderSettings settings)
    : operation_(std::make_shared<Operation>(io, std::move(settings))) {}

SqliteVersionReader::~SqliteVersionReader() { operation_->abandon(); }

void SqliteVersionReader::read(std::function<void(ReadOutcome)> done) {
  operation_->read(std::move(done));
}

void SqliteVersionReader::cancel() { operation_->cancel(); }

void await_workers(std::chrono::milliseconds budget) {
  const auto until = std::chrono::steady_clock::now() + budget;
  while (workers_running.load() > 0 && std::chrono::steady_clock::now() < until) {
    std::this_thread::sleep_for(worker_poll_interval);
  }
}

}  // namespace alembic_exporter::sqlite
