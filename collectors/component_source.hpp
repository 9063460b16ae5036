#pragma once

#include <chrono>
#include <cstddef>
#include <optional>
#include <string>
#include <vector>

namespace alembic_exporter {

/// Where a component's migration scripts and database are, as the user configured them; the
/// collector factory resolves it (reading an alembic ini when one is named).
struct ComponentSource {
  std::string name;
  /// An alembic ini to read like the alembic CLI does, or empty.
  std::string alembic_ini;
  /// A pyproject.toml whose `[tool.alembic]` holds the path settings (alembic >= 1.16), or empty.
  /// Options set in the ini win.
  std::string pyproject_toml;
  std::string alembic_section = "alembic";
  /// Roots for `package.module:dir` script locations; empty means the ini's directory and src/.
  std::vector<std::string> source_roots;
  /// The script directory itself, when no ini is named (or to override the ini's).
  std::string script_location;
  /// Overrides the default `<script_location>/versions` (or the ini's version_locations).
  std::vector<std::string> version_locations;
  std::optional<bool> recursive_version_locations;
  /// Database URL (libpq or SQLAlchemy form); overrides the ini's sqlalchemy.url. Secret.
  std::optional<std::string> database_url;
  /// Read at each connect; overrides the URL's password.
  std::optional<std::string> password_file;
  std::optional<std::string> version_table;
  std::optional<std::string> version_table_schema;
  /// Replaces the database: "what would be pending from here?" (empty list: a fresh database).
  std::optional<std::vector<std::string>> current_override;
  /// A target found by discovery (issue 18, PostgreSQL only): the database that replaces the
  /// URL's, and for schema discovery the schema of the version table.
  std::optional<std::string> target_database;
  std::optional<std::string> target_schema;
  std::size_t expected_heads = 1;
  std::chrono::milliseconds timeout{5000};
  bool keepalive = true;
};

}  // namespace alembic_exporter
