#include "config/path_resolver.hpp"

#include <algorithm>

#include "config/ascii.hpp"
#include "config/expand_variables.hpp"

namespace alembic_exporter::config {
namespace {

bool is_identifier(std::string_view text) {
  return !text.empty() && !(text[0] >= '0' && text[0] <= '9') &&
         std::all_of(text.begin(), text.end(), is_word_character);
}

// alembic's `package.module:dir` resource form (alembic/script/base.py): dotted identifiers, a
// colon, a directory.
bool is_package_location(std::string_view text) {
  const auto colon = text.find(':');
  if (colon == std::string_view::npos || colon + 1 == text.size()) return false;
  std::string_view package = text.substr(0, colon);
  while (true) {
    const auto dot = package.find('.');
    if (!is_identifier(package.substr(0, dot))) return false;
    if (dot == std::string_view::npos) return true;
    package.remove_prefix(dot + 1);
  }
}

}  // namespace

std::optional<std::string> PathResolver::expand(std::string_view key, const Located& path) {
  if (path.value.empty()) {
    problems_.add(path.mark, "'" + std::string(key) + "' must not be empty");
    return std::nullopt;
  }
  auto expanded = expand_variables(path.value, environment_.variable);
  if (const auto* error = std::get_if<ParseError>(&expanded)) {
    problems_.add(path.mark, "'" + std::string(key) + "': " + error->message);
    return std::nullopt;
  }
  return (base_ / std::get<std::string>(expanded)).lexically_normal().string();
}

std::optional<std::string> PathResolver::file(std::string_view key, const Located& path) {
  auto resolved = expand(key, path);
  if (resolved && !environment_.is_readable_file(*resolved)) {
    problems_.add(path.mark,
                  std::string(key) + " file '" + *resolved + "' does not exist or is not readable");
    return std::nullopt;
  }
  return resolved;
}

std::optional<std::string> PathResolver::directory(std::string_view key, const Located& path) {
  auto resolved = expand(key, path);
  if (resolved && !environment_.is_directory(*resolved)) {
    problems_.add(path.mark, std::string(key) + " directory '" + *resolved + "' does not exist");
    return std::nullopt;
  }
  return resolved;
}

std::optional<std::string> PathResolver::location(std::string_view key, const Located& path) {
  if (is_package_location(path.value)) return path.value;
  return directory(key, path);
}

}  // namespace alembic_exporter::config
