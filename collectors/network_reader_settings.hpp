#pragma once

#include <chrono>
#include <optional>
#include <string>

namespace alembic_exporter {

/// One component's database on a server (PostgreSQL, MySQL/MariaDB) and how to read it; `Url` is
/// the engine's parsed URL.
template <typename Url>
struct NetworkReaderSettings {
  Url url;
  /// Replaces the URL's password; read at every connection attempt.
  std::optional<std::string> password_file{};
  std::string version_table = "alembic_version";
  /// Where the engine looks without it: PostgreSQL's search_path, MySQL's URL database.
  std::optional<std::string> version_table_schema{};
  /// Budget of one read: connecting (when needed) plus the queries.
  std::chrono::milliseconds timeout{5000};
  /// Keep the connection open between reads; false connects for every read.
  bool keepalive = true;
  /// Delay before reconnecting after a failed connection attempt; doubles per failure up to
  /// the maximum, with jitter. Reads in between report the last failure without connecting.
  std::chrono::milliseconds reconnect_backoff_initial{1000};
  std::chrono::milliseconds reconnect_backoff_max{30000};
};

}  // namespace alembic_exporter
