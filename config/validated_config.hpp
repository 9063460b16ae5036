#pragma once

#include <array>
#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "collectors/component_status.hpp"
#include "collectors/server_slots.hpp"
#include "config/listen_address.hpp"

namespace alembic_exporter::config {

/// Where log lines go; `automatic` picks journald when JOURNAL_STREAM is set, stderr otherwise.
enum class LogTarget { automatic, journald, stderr_stream };

/// Every log target with its configuration spelling, in enumerator order.
inline constexpr std::array<std::pair<LogTarget, std::string_view>, 3> log_target_names{{
    {LogTarget::automatic, "auto"},
    {LogTarget::journald, "journald"},
    {LogTarget::stderr_stream, "stderr"},
}};

/// The configuration spelling of `target`.
constexpr std::string_view to_string(LogTarget target) {
  return log_target_names[static_cast<std::size_t>(target)].second;
}

/// A database URL as configured (PostgreSQL, MySQL/MariaDB or SQLite; a relative SQLite path made
/// absolute against the configuration file's directory).
struct ConfiguredUrl {
  std::string full;      ///< may hold a password: never log, print or export it
  std::string redacted;  ///< `full` with every password replaced by `****`: safe to show

  friend bool operator==(const ConfiguredUrl&, const ConfiguredUrl&) = default;
};

/// How to reach a component's database. Both parts are optional: with `alembic_ini` the ini's
/// `sqlalchemy.url` applies unless `url` overrides it; libpq may find a password elsewhere.
struct DatabaseConfig {
  std::optional<ConfiguredUrl> url;
  std::optional<std::string> password_file;  ///< absolute path of a readable file

  friend bool operator==(const DatabaseConfig&, const DatabaseConfig&) = default;
};

/// How a component finds its targets on its server (issue 18): every database, or every schema of
/// the URL's database holding the version table, whose name is `LIKE pattern` and not `LIKE` any
/// of `exclude`. Each target is checked as the component would be, with its own state and series.
struct DiscoverConfig {
  enum class Kind { databases, schemas };
  Kind kind = Kind::databases;
  std::string pattern;
  std::vector<std::string> exclude;
  std::chrono::milliseconds refresh{std::chrono::minutes(5)};
  /// More matches than this is an error of the component, never a silent truncation.
  std::size_t max_targets = 1000;

  friend bool operator==(const DiscoverConfig&, const DiscoverConfig&) = default;
};

/// This replica's part of a fleet split across `count` replicas (issue 18): it checks the targets
/// whose key hashes (Prometheus' hashmod) to `index`.
struct Shard {
  std::uint32_t index = 0;
  std::uint32_t count = 1;

  friend bool operator==(const Shard&, const Shard&) = default;
};

/// One component to check. Paths are expanded (`${NAME}`), absolute and were found to exist
/// when the configuration was validated; a `package.module:dir` location is kept as written and
/// is resolved against `source_roots` by the collector.
struct ComponentConfig {
  /// Matches [A-Za-z0-9_.-]+, unique: used as Prometheus label value and journald field.
  std::string name;
  /// `script_location`, or `alembic_ini` and/or `pyproject_toml` (alembic >= 1.16's
  /// `[tool.alembic]`; options in the ini win), is set.
  std::optional<std::string> alembic_ini;
  std::optional<std::string> pyproject_toml;
  std::string alembic_section = "alembic";  ///< meaningful only with `alembic_ini`
  std::optional<std::string> script_location;
  /// Only with `script_location`; empty means alembic's default `<script_location>/versions`.
  std::vector<std::string> version_locations;
  bool recursive_version_locations = false;
  /// Where `package.module:dir` locations are looked up; empty means the collector's default.
  std::vector<std::string> source_roots;
  DatabaseConfig database;
  std::string version_table = "alembic_version";
  std::optional<std::string> version_table_schema;  ///< none: PostgreSQL's search_path
  int expected_heads = 1;
  std::chrono::milliseconds interval{};  ///< the component's own or the global interval
  std::string upgrade_command;           ///< default `alembic -c <ini> upgrade heads`
  std::string merge_command;             ///< default `alembic -c <ini> merge heads`
  bool keepalive = true;                 ///< keep the database connection open between checks
  /// Targets found on the server instead of the one database of the URL; keepalive defaults to
  /// false then.
  std::optional<DiscoverConfig> discover;
  /// States in which `/ready` accepts the component; never empty.
  std::vector<State> ready_states{State::up_to_date};

  /// Equal components need no restart on reload.
  friend bool operator==(const ComponentConfig&, const ComponentConfig&) = default;
};

/// A configuration that passed validate_config; code that needs a valid configuration takes this
/// type, never a YAML node. Every default is filled in.
struct ValidatedConfig {
  std::string file;  ///< the configuration file, as named to the loader
  std::vector<ListenAddress> listen;
  std::chrono::milliseconds interval{};
  std::chrono::milliseconds timeout{};  ///< per-check budget: connect + query
  std::optional<std::string> web_config_file;
  LogTarget log = LogTarget::automatic;
  Shard shard;
  /// Reads in flight at once per database server (host:port), across all components; see
  /// CollectorFactory.
  std::size_t max_connections = default_max_connections;
  std::vector<ComponentConfig> components;  ///< at least one, in file order
};

}  // namespace alembic_exporter::config
