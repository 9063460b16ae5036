#include "config/expand_variables.hpp"

namespace alembic_exporter::config {

std::variant<std::string, ParseError> expand_variables(
    std::string_view text,
    const std::function<std::optional<std::string>(const std::string&)>& lookup) {
  std::string result;
  while (!text.empty()) {
    const auto start = text.find("${");
    result += text.substr(0, start);
    if (start == std::string_view::npos) break;
    const auto end = text.find('}', start);
    if (end == std::string_view::npos) {
      return ParseError{"unterminated '${' (expected ${NAME})"};
    }
    const std::string name(text.substr(start + 2, end - start - 2));
    if (name.empty()) return ParseError{"empty variable name in '${}' (expected ${NAME})"};
    const auto value = lookup(name);
    if (!value) return ParseError{"environment variable '" + name + "' is not set"};
    result += *value;
    text.remove_prefix(end + 1);
  }
  return result;
}

}  // namespace alembic_exporter::config
