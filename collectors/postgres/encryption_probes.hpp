#pragma once

#include <libpq-fe.h>

#include <chrono>
#include <map>
#include <mutex>
#include <string>

#include "collectors/postgres/database_url.hpp"

namespace alembic_exporter::postgres {

/// What libpq's default `prefer` encryption modes found on a server, remembered for a while so
/// that the next connections skip the probe that came to nothing.
///
/// Under `gssencmode=prefer` libpq 15 looks for a Kerberos credential cache before every
/// connection (`gss_acquire_cred`: a sixth of a discovered target's check), and under
/// `sslmode=prefer` it asks the server for TLS first, one round trip more. When a connection made
/// with these modes ended up without GSSAPI encryption (no credentials, or the server declined)
/// or without TLS (the server declined), a connection with the same parameters but the database
/// made within `remember_for` passes `disable` for that mode instead: the plain connection libpq
/// would have fallen back to, without the probe. A connection that fails after skipping a probe
/// forgets the server, so the next one probes again; PgSession retries at once when pg_hba.conf
/// refused it (the server may require TLS by now).
/// Process-wide, as libpq's credential cache is; thread-safe.
class EncryptionProbes {
 public:
  static constexpr std::chrono::seconds remember_for{60};
  using Clock = std::chrono::steady_clock;

  static EncryptionProbes& process();

  /// The connection parameters but the database and the password: one server, user and set of
  /// modes.
  static std::string server_key(const ConnectionParameters& parameters);

  /// Sets `disable` in `parameters` (those of `server`) for each mode whose probe failed on this
  /// server lately; returns whether it set any.
  bool skip_known_failures(const std::string& server, ConnectionParameters& parameters,
                           Clock::time_point now);
  /// Remembers what an established connection to `server`, made without skipping, negotiated.
  void record(const std::string& server, PGconn* connection, Clock::time_point now);
  void forget(const std::string& server);

 private:
  struct Refusals {
    bool gss = false;
    bool ssl = false;
    Clock::time_point seen;
  };
  std::mutex mutex_;
  std::map<std::string, Refusals> by_server_;
};

}  // namespace alembic_exporter::postgres
