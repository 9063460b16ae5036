#pragma once

#include <string>
#include <string_view>
#include <variant>

#include "collectors/read_failure.hpp"

namespace alembic_exporter {

/// The password in `text` (a password file's contents): everything but one trailing newline.
std::string password_from_file_text(std::string_view text);

/// Reads the password file now (it may be rotated between checks); an unreadable file is an
/// `auth_failed` failure naming the path, never an exception.
std::variant<std::string, ReadFailure> read_password_file(const std::string& path);

}  // namespace alembic_exporter
