#pragma once

#include <functional>
#include <optional>
#include <string>

namespace alembic_exporter::config {

/// What validation asks of the world outside the YAML text, so tests can pass a fake.
struct Environment {
  /// Value of an environment variable; nullopt when unset.
  std::function<std::optional<std::string>(const std::string& name)> variable;
  std::function<bool(const std::string& path)> is_readable_file;
  std::function<bool(const std::string& path)> is_directory;
};

/// The process environment and the real file system.
Environment process_environment();

}  // namespace alembic_exporter::config
