#include <yaml-cpp/yaml.h>

#include <cstddef>
#include <cstdint>
#include <string>

#include "daemon/web/web_config.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  YAML::Node root;
  try {
    root = YAML::Load(std::string(reinterpret_cast<const char*>(data), size));
  } catch (const YAML::ParserException&) {
    return 0;  // load_web_settings reports syntax errors itself; the validator never sees them
  }
  alembic_exporter::web::validate_web_settings(
      root, "fuzz.yml", "/etc/alembic-exporter", [](const std::string& path) {
        return !std::filesystem::path(path).filename().string().starts_with("m");
      });
  return 0;
}
