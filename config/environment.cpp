#include "config/environment.hpp"

#include <unistd.h>

#include <cstdlib>
#include <filesystem>

namespace alembic_exporter::config {

Environment process_environment() {
  return {
      .variable = [](const std::string& name) -> std::optional<std::string> {
        const char* value = std::getenv(name.c_str());
        if (value == nullptr) return std::nullopt;
        return value;
      },
      .is_readable_file =
          [](const std::string& path) {
            std::error_code error;
            return std::filesystem::is_regular_file(path, error) && access(path.c_str(), R_OK) == 0;
          },
      .is_directory =
          [](const std::string& path) {
            std::error_code error;
            return std::filesystem::is_directory(path, error);
          },
  };
}

}  // namespace alembic_exporter::config
