#pragma once

#include <string>

namespace alembic_exporter::config {

/// One thing wrong with a configuration file, located in it when possible.
struct ConfigProblem {
  std::string file;
  int line = 0;    ///< 1-based; 0 when the problem is about the whole file
  int column = 0;  ///< 1-based; 0 when the problem is about the whole file
  std::string message;

  /// "file:line:col: message", or "file: message" without a location.
  std::string to_string() const;
};

}  // namespace alembic_exporter::config
