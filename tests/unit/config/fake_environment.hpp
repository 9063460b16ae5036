#pragma once

#include <map>
#include <set>
#include <string>

#include "config/environment.hpp"

namespace alembic_exporter::config::testing {

/// An environment with exactly the given variables, readable files and directories.
inline Environment fake_environment(std::map<std::string, std::string> variables,
                                    std::set<std::string> files,
                                    std::set<std::string> directories) {
  return {
      .variable = [variables = std::move(variables)](
                      const std::string& name) -> std::optional<std::string> {
        const auto found = variables.find(name);
        if (found == variables.end()) return std::nullopt;
        return found->second;
      },
      .is_readable_file =
          [files = std::move(files)](const std::string& path) { return files.contains(path); },
      .is_directory = [directories = std::move(directories)](
                          const std::string& path) { return directories.contains(path); },
  };
}

/// A Backend.AI host: the three ini files, systemd credentials, a script directory and a
/// pyproject.toml.
inline Environment backend_ai_host() {
  const std::string credentials = "/run/credentials/alembic_exporter.service";
  return fake_environment(
      {{"CREDENTIALS_DIRECTORY", credentials}},
      {"/opt/backend.ai/alembic.ini", "/opt/backend.ai/alembic-accountmgr.ini",
       "/opt/backend.ai/alembic-appproxy.ini", credentials + "/manager-db",
       credentials + "/accountmgr-db", credentials + "/appproxy-db", "/srv/app/pyproject.toml"},
      {"/opt/backend.ai/src", "/srv/app/migrations", "/srv/app/migrations/versions"});
}

}  // namespace alembic_exporter::config::testing
