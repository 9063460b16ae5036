#pragma once

#include <yaml-cpp/yaml.h>

#include <filesystem>
#include <functional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "config/config_problem.hpp"
#include "daemon/web/web_settings.hpp"

namespace alembic_exporter::web {

/// Validated settings, or every problem found, in file order (at least one).
using WebSettingsResult = std::variant<WebSettings, std::vector<config::ConfigProblem>>;

/// Whether a path names a readable regular file; injected so that validation stays pure.
using FileCheck = std::function<bool(const std::string&)>;

/// Checks a parsed exporter-toolkit web config (`tls_server_config`, `basic_auth_users`,
/// `http_server_config`) with the main configuration's rules and messages (config::MapReader),
/// except that booleans may be spelled as YAML 1.1 (`yes`, `on`, ...) like exporter-toolkit
/// reads them. Unknown keys, wrong types, non-bcrypt hashes, unsupported exporter-toolkit options
/// (`cipher_suites`, `curve_preferences`, inline certificates, `client_allowed_sans`, `headers`)
/// and files `is_readable_file` rejects are problems. Relative file paths are resolved against
/// `base_directory`, the web config file's directory, as exporter-toolkit does. Hashes never
/// appear in a problem.
WebSettingsResult validate_web_settings(const YAML::Node& root, std::string_view file_name,
                                        const std::filesystem::path& base_directory,
                                        const FileCheck& is_readable_file);

/// Reads, parses and validates the web config file at `path`; an unreadable file or a YAML
/// syntax error is a problem too.
WebSettingsResult load_web_settings(const std::string& path);

}  // namespace alembic_exporter::web
