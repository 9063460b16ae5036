#pragma once

#include <array>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace alembic_exporter {

/// One state per component per check (docs/CONTRACT.md "States"), in precedence order: when several
/// hold, the first one listed wins.
enum class State {
  script_error,
  unreachable,
  diverged,
  unknown_revision,
  no_revision,
  behind,
  up_to_date,
};

inline constexpr std::array<State, 7> all_states = {
    State::up_to_date,       State::behind,      State::diverged,     State::no_revision,
    State::unknown_revision, State::unreachable, State::script_error,
};

/// Every `reason` a failed check can carry (the `alembic_check_errors_total` label values): the
/// database failures of the version-table reader, and `script_error`.
inline constexpr std::array<std::string_view, 10> check_error_reasons = {
    "connection_refused", "dns", "timeout",      "auth_failed", "database_missing",
    "permission_denied",  "ssl", "query_failed", "protocol",    "script_error",
};

/// Every kind of script warning (issue 15), the `alembic_script_warnings` label values: details of
/// the migration scripts only known when alembic imports them. Warnings never change the state.
inline constexpr std::array<std::string_view, 2> script_warning_kinds = {
    "dynamic_branch_labels",
    "dynamic_depends_on",
};

/// The state's label as used in metrics, JSON and journald (`up_to_date`, ...).
std::string_view to_string(State state);

/// The state whose label is `label`, if any.
std::optional<State> state_from_string(std::string_view label);

/// The labels of every state, comma-separated in `all_states` order, for messages.
std::string state_labels();

struct RevisionRef {
  std::string revision;
  /// First line of the revision file's docstring; empty when the file has none or is unknown.
  std::string message;
};

/// A problem with the migration scripts, for people: `file:line:col: message`.
struct ScriptProblem {
  /// parse_error, unreadable_file, duplicate_revision, dangling_reference, cycle, ...; for a
  /// warning dynamic_branch_labels or dynamic_depends_on.
  std::string kind;
  std::string file;
  int line = 0;
  int column = 0;
  std::string message;
  bool operator==(const ScriptProblem&) const = default;
};

/// `file:line:col: message`, leaving out what is unknown.
std::string format_problem(const ScriptProblem& problem);

/// Another session holding a lock on the version table, as alembic's upgrade transaction does
/// while it migrates (issue 17; per engine where the engine can tell).
struct MigrationInProgress {
  /// The other session's server process or connection id.
  std::int64_t pid = 0;
  /// When that session's transaction began, as far as the exporter can tell: the earliest start
  /// the engine showed, else when the exporter first saw the session (AlembicCollector).
  std::chrono::system_clock::time_point started_at;
  /// The other session's application_name; may be empty.
  std::string application_name;
};

/// The identity of one checked target: the component's name for a configured component,
/// `component/database` for a discovered database, `component/database/schema` for a discovered
/// schema. Unique in one daemon; what sharding hashes.
std::string target_key(std::string_view component, std::string_view database,
                       std::string_view schema);

/// The immutable result of one check of one component. CLI text, JSON, metrics, journald entries
/// and the landing page are pure functions of it; nothing re-derives a state elsewhere.
struct ComponentStatus {
  std::string component;
  /// For a target found by discovery (issue 18): its database, and its schema for schema
  /// discovery; both empty for a configured component. The `database` and `schema` labels of
  /// every per-target series.
  std::string target_database;
  std::string target_schema;
  State state = State::unreachable;
  /// Why, in one word: the failure reason for `unreachable` (connection_refused, timeout, ...),
  /// the problem kind for `script_error`, `table_missing`/`empty_table` for `no_revision`;
  /// empty otherwise.
  std::string reason;
  /// One line for people, without secrets (`Connection refused to localhost:8100`); may be empty.
  std::string detail;
  /// The version table was read (alembic_up).
  bool database_read = false;
  /// What `alembic upgrade heads` would apply; absent where it is not defined.
  std::optional<std::size_t> pending;
  std::vector<RevisionRef> heads;              ///< byte order of revision ids
  std::vector<RevisionRef> current;            ///< byte order of revision ids
  std::vector<RevisionRef> pending_revisions;  ///< apply order
  std::size_t script_revisions = 0;
  std::vector<ScriptProblem> script_problems;
  /// Details of the scripts only known at import time (issue 15): shown, never part of `state`.
  std::vector<ScriptProblem> script_warnings;
  std::size_t expected_heads = 1;
  /// `host:port` or socket directory of the database, for advice; never holds credentials.
  std::string database_endpoint;
  /// The database engine for advice: "PostgreSQL", "MySQL/MariaDB" or "SQLite" (where
  /// `database_endpoint` is the file); empty without a database.
  std::string database_engine;
  /// Present while another session migrates this database; absent when none does or the engine
  /// cannot tell.
  std::optional<MigrationInProgress> migration;
  std::chrono::system_clock::time_point checked_at;
  std::chrono::duration<double> check_duration{0};
};

/// target_key of the target `status` describes.
std::string target_key(const ComponentStatus& status);

}  // namespace alembic_exporter
