#include "collectors/alembic/pyproject_reader.hpp"

#include <doctest/doctest.h>

#include <string>
#include <string_view>
#include <variant>
#include <vector>

// Debian's alembic 1.8.1 cannot read pyproject.toml, so the expected values here are derived from
// alembic 1.19's source: Config.toml_alembic_config (config.py:264, `[tool.alembic]`, `here` =
// the toml's directory), Config._get_toml_config_value (config.py:481, strings and list items
// formatted with `% toml_args`) and Config.get_alembic_boolean_option (config.py:468, a TOML
// boolean or "boolean value expected for TOML parameter").
namespace alembic_exporter::alembic {
namespace {

using Strings = std::vector<std::string>;

PyprojectSettings settings(std::string_view text) {
  auto parsed = parse_pyproject(text, "/srv/app");
  if (const auto* error = std::get_if<IniError>(&parsed)) FAIL(error->message);
  return std::get<PyprojectSettings>(std::move(parsed));
}

std::string error_of(std::string_view text) {
  auto parsed = parse_pyproject(text, "/srv/app");
  REQUIRE(std::holds_alternative<IniError>(parsed));
  const auto& error = std::get<IniError>(parsed);
  return std::to_string(error.line) + ":" + std::to_string(error.column) + ": " + error.message;
}

TEST_CASE("the [tool.alembic] table of alembic 1.16's pyproject template") {
  const PyprojectSettings read = settings(R"TOML(
[project]
name = "app"

[tool.alembic]
script_location = "%(here)s/alembic"
version_locations = ["%(here)s/alembic/versions", "%(here)s/other/versions"]
recursive_version_locations = true
prepend_sys_path = ["."]
)TOML");
  CHECK(read.script_location == "/srv/app/alembic");
  CHECK(read.script_location_at.line == 6);
  CHECK(read.script_location_at.column == 19);
  CHECK(read.version_locations == Strings{"/srv/app/alembic/versions", "/srv/app/other/versions"});
  CHECK(read.recursive_version_locations == true);
}

TEST_CASE("absent table or keys are absent settings") {
  const PyprojectSettings empty = settings("[project]\nname = 'x'\n");
  CHECK_FALSE(empty.script_location);
  CHECK_FALSE(empty.version_locations);
  CHECK_FALSE(empty.recursive_version_locations);
  CHECK(settings("[tool.alembic]\nscript_location = 'm'\n").script_location == "m");
  CHECK(settings("[tool.alembic]\nscript_location = '100%% m'\n").script_location == "100% m");
}

TEST_CASE("values alembic refuses") {
  CHECK(error_of("[tool.alembic]\nscript_location = 3\n") ==
        "2:19: script_location: expected a string");
  CHECK(error_of("[tool.alembic]\nversion_locations = 'a b'\n") ==
        "2:21: version_locations: expected an array of strings");
  CHECK(error_of("[tool.alembic]\nversion_locations = ['a', 1]\n") ==
        "2:27: version_locations: expected a string");
  CHECK(error_of("[tool.alembic]\nrecursive_version_locations = 'true'\n") ==
        "2:31: recursive_version_locations: expected true or false");
  CHECK(error_of("[tool.alembic]\nscript_location = '%(root)s/m'\n") ==
        "2:19: script_location: a '%' must start '%%' or '%(here)s' (alembic formats TOML "
        "strings with Python's %)");
  CHECK(error_of("[tool]\nalembic = 1\n") == "2:11: tool.alembic: expected a table");
}

TEST_CASE("TOML syntax errors are located") {
  const std::string after_backslash =
      "non-ASCII character right after a backslash in a string (the TOML reader cannot take it "
      "there; an escape such as \\u00e9 can)";
  // Found by tests/fuzz/pyproject_fuzz: toml++ 3.3.0 asserted here instead of reporting.
  CHECK(error_of("[%tool]\nalembic = 1\n").starts_with("1:2: "));
  // Also found by it: toml++ 3.3.0 reached __builtin_unreachable on such bytes.
  CHECK(error_of("x = 1\n\xC3\xA9 = 2\n") ==
        "2:1: non-ASCII character outside a string or comment (TOML allows none there)");
  // And inside basic strings, where toml++ tests the byte after a backslash for whitespace.
  CHECK(error_of("\"\"\"\\\n\xEF\xBB\xB7\nm") == "2:1: " + after_backslash);
  CHECK(error_of("x = \"\"\"a\\  \r\n \t\n  \xC3\xA9\"\"\"\n") == "3:3: " + after_backslash);
  CHECK(error_of("x = \"\"\"\\\xC3\xA9\"\"\"\n").starts_with("1:9: "));
  CHECK(error_of("\"\"\"\\\t\t\xEF\xBB\xAF[t") == "1:7: " + after_backslash);
  // Malformed TOML is found on an ASCII copy, before toml++ reads the non-ASCII bytes.
  CHECK(error_of("[ol.o]\nx = 0xab['\xEF\xBB\xB7l").starts_with("2:"));
  CHECK(
      settings(
          "[tool.alembic]\nscript_location = \"\"\"m\\\n  \"\"\"\ny = \"\"\"\\\n a\xC3\xA9\"\"\"\n")
          .script_location == "m");
  CHECK(settings("# caf\xC3\xA9\n[tool.alembic]\nscript_location = 'caf\xC3\xA9'  # \xC3\xA9\n"
                 "x = '''\n\xC3\xA9'''\ny = \"\\\"\xC3\xA9\"\n")
            .script_location == "caf\xC3\xA9");
  // Quoted keys that differ only in a non-ASCII character are different keys in the copy too.
  CHECK(settings("[tool.other]\n\"\xC3\xA9\" = 1\n\"\xC3\xA8\" = 2\n[tool.alembic]\n"
                 "script_location = 'm'\n")
            .script_location == "m");
  CHECK(error_of("\"\xC3\xA9\" = 1\n\"\xC3\xA9\" = 2\n").starts_with("2:"));
  CHECK(settings("\xEF\xBB\xBF[tool.alembic]\nscript_location = 'm'\n").script_location == "m");
  CHECK(error_of("[tool.alembic]\nscript_location = \"unterminated\n").starts_with("2:"));
  CHECK(
      error_of("[tool.alembic]\nscript_location = 'a'\nscript_location = 'b'\n").starts_with("3:"));
}

}  // namespace
}  // namespace alembic_exporter::alembic
