#include "config/yaml_file.hpp"

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>

namespace alembic_exporter::config {

std::optional<YAML::Node> parse_yaml(std::string_view text, Problems& problems) {
  try {
    return YAML::Load(std::string(text));
  } catch (const YAML::Exception& error) {
    problems.add(error.mark, "invalid YAML: " + error.msg);
    return std::nullopt;
  }
}

std::optional<std::string> read_file_text(std::string_view what, Problems& problems) {
  std::ifstream file(problems.file(), std::ios::binary);
  std::ostringstream text;
  if (file.is_open()) text << file.rdbuf();  // sets failbit on `text` for an empty file: fine
  if (!file.is_open() || file.bad()) {
    problems.add(YAML::Mark::null_mark(),
                 "cannot read " + std::string(what) + " (" + std::strerror(errno) + ")");
    return std::nullopt;
  }
  return text.str();
}

}  // namespace alembic_exporter::config
