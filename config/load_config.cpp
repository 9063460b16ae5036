#include "config/load_config.hpp"

#include <yaml-cpp/yaml.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>

#include "config/problems.hpp"

namespace alembic_exporter::config {

ConfigResult parse_config(std::string_view text, std::string_view file_name,
                          const Environment& environment) {
  YAML::Node root;
  try {
    root = YAML::Load(std::string(text));
  } catch (const YAML::Exception& error) {
    Problems problems{std::string(file_name)};
    problems.add(error.mark, "invalid YAML: " + error.msg);
    return problems.take_sorted();
  }
  return validate_config(root, file_name, environment);
}

ConfigResult load_config(const std::string& file_name, const Environment& environment) {
  std::ifstream file(file_name, std::ios::binary);
  std::ostringstream text;
  if (file.is_open()) text << file.rdbuf();  // sets failbit on `text` for an empty file: fine
  if (!file.is_open() || file.bad()) {
    Problems problems{file_name};
    problems.add(YAML::Mark::null_mark(),
                 "cannot read configuration file (" + std::string(std::strerror(errno)) + ")");
    return problems.take_sorted();
  }
  return parse_config(text.str(), file_name, environment);
}

}  // namespace alembic_exporter::config
