#include "config/load_config.hpp"

#include "config/problems.hpp"
#include "config/yaml_file.hpp"

namespace alembic_exporter::config {

ConfigResult parse_config(std::string_view text, std::string_view file_name,
                          const Environment& environment) {
  Problems problems{std::string(file_name)};
  const auto root = parse_yaml(text, problems);
  if (!root) return problems.take_sorted();
  return validate_config(*root, file_name, environment);
}

ConfigResult load_config(const std::string& file_name, const Environment& environment) {
  Problems problems{file_name};
  const auto text = read_file_text("configuration file", problems);
  if (!text) return problems.take_sorted();
  return parse_config(*text, file_name, environment);
}

}  // namespace alembic_exporter::config
