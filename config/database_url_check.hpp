#pragma once

#include <filesystem>
#include <string>
#include <string_view>
#include <variant>

#include "config/validated_config.hpp"

namespace alembic_exporter::config {

/// Checks a configured database URL with the parser of its engine's reader (PostgreSQL,
/// MySQL/MariaDB or SQLite), so that a URL the reader would refuse is refused at load time.
/// A relative SQLite path (`sqlite:///app.db`) is made absolute against `base_directory`, the
/// configuration file's directory. The error text masks every password.
std::variant<ConfiguredUrl, std::string> check_database_url(
    std::string_view url, const std::filesystem::path& base_directory);

}  // namespace alembic_exporter::config
