#include "collectors/password_file.hpp"

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>

namespace alembic_exporter {

std::string password_from_file_text(std::string_view text) {
  if (text.ends_with('\n')) text.remove_suffix(1);
  if (text.ends_with('\r')) text.remove_suffix(1);
  return std::string(text);
}

std::variant<std::string, ReadFailure> read_password_file(const std::string& path) {
  std::ifstream file(path, std::ios::binary);
  std::ostringstream contents;
  if (file) contents << file.rdbuf();
  if (!file || file.bad()) {
    return ReadFailure{FailureReason::auth_failed,
                       "Cannot read password file " + path + ": " + std::strerror(errno)};
  }
  return password_from_file_text(contents.str());
}

}  // namespace alembic_exporter
