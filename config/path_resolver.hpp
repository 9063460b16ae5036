#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <string_view>

#include "config/environment.hpp"
#include "config/map_reader.hpp"
#include "config/problems.hpp"

namespace alembic_exporter::config {

/// Turns configured paths into checked absolute ones: expands `${NAME}`, resolves a relative path
/// against the configuration file's directory (a daemon's working directory is no anchor) and
/// reports a path that does not exist as a problem at the value.
class PathResolver {
 public:
  PathResolver(const Environment& environment, std::filesystem::path base_directory,
               Problems& problems)
      : environment_(environment), base_(std::move(base_directory)), problems_(problems) {}

  /// A readable regular file.
  std::optional<std::string> file(std::string_view key, const Located& path);
  /// A directory.
  std::optional<std::string> directory(std::string_view key, const Located& path);
  /// A directory, or a `package.module:dir` location kept as written for the collector to
  /// resolve against the source roots.
  std::optional<std::string> location(std::string_view key, const Located& path);
  /// The configuration file's directory, against which relative paths resolve.
  const std::filesystem::path& base_directory() const { return base_; }

 private:
  /// The expanded, absolute path; nullopt (and a problem) when it cannot be expanded.
  std::optional<std::string> expand(std::string_view key, const Located& path);

  const Environment& environment_;
  std::filesystem::path base_;
  Problems& problems_;
};

}  // namespace alembic_exporter::config
