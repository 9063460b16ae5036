#pragma once

#include <string>

namespace alembic_exporter::config {

/// Why a small value (duration, address, path) could not be parsed; the message says what was
/// expected and never repeats a secret.
struct ParseError {
  std::string message;
};

}  // namespace alembic_exporter::config
