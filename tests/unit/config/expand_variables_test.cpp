#include "config/expand_variables.hpp"

#include <doctest/doctest.h>

#include <map>
#include <string>

namespace alembic_exporter::config {
namespace {

std::variant<std::string, ParseError> expand(std::string_view text) {
  const std::map<std::string, std::string> variables{{"DIR", "/run/creds"}, {"EMPTY", ""}};
  return expand_variables(text, [&](const std::string& name) -> std::optional<std::string> {
    const auto found = variables.find(name);
    if (found == variables.end()) return std::nullopt;
    return found->second;
  });
}

std::string expanded(std::string_view text) {
  const auto result = expand(text);
  REQUIRE(std::holds_alternative<std::string>(result));
  return std::get<std::string>(result);
}

std::string error(std::string_view text) {
  const auto result = expand(text);
  REQUIRE(std::holds_alternative<ParseError>(result));
  return std::get<ParseError>(result).message;
}

TEST_CASE("variables are replaced wherever they appear") {
  CHECK(expanded("${DIR}/manager-db") == "/run/creds/manager-db");
  CHECK(expanded("/a/${DIR}/${DIR}") == "/a//run/creds//run/creds");
  CHECK(expanded("x${EMPTY}y") == "xy");
  CHECK(expanded("/no/variables") == "/no/variables");
  CHECK(expanded("$DIR and $") == "$DIR and $");
}

TEST_CASE("unset variables and malformed references are errors") {
  CHECK(error("${CREDENTIALS_DIRECTORY}/x") ==
        "environment variable 'CREDENTIALS_DIRECTORY' is not set");
  CHECK(error("${DIR") == "unterminated '${' (expected ${NAME})");
  CHECK(error("${}") == "empty variable name in '${}' (expected ${NAME})");
}

}  // namespace
}  // namespace alembic_exporter::config
