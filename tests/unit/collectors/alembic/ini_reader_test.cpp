#include "collectors/alembic/ini_reader.hpp"

#include <doctest/doctest.h>

#include <string>
#include <string_view>

// Expected values were checked against Python 3.11's configparser.ConfigParser.
namespace alembic_exporter::alembic {
namespace {

IniFile parsed(std::string_view text) {
  auto result = parse_ini(text);
  REQUIRE(std::holds_alternative<IniFile>(result));
  return std::get<IniFile>(std::move(result));
}

IniError parse_error(std::string_view text) {
  auto result = parse_ini(text);
  REQUIRE(std::holds_alternative<IniError>(result));
  return std::get<IniError>(std::move(result));
}

std::string raw(const IniFile& file, std::string_view section, std::string_view key) {
  const auto* option = file.option(section, key);
  REQUIRE(option != nullptr);
  return option->value;
}

const std::map<std::string, std::string> here = {{"here", "/srv/app"}};

std::string expanded(const IniFile& file, std::string_view section, std::string_view key,
                     const std::map<std::string, std::string>& defaults = here) {
  auto result = interpolated(file, section, key, defaults);
  if (const auto* error = std::get_if<IniError>(&result)) FAIL(error->message);
  return std::get<std::string>(std::move(result));
}

IniError expand_error(const IniFile& file, std::string_view section, std::string_view key) {
  auto result = interpolated(file, section, key, here);
  REQUIRE(std::holds_alternative<IniError>(result));
  return std::get<IniError>(std::move(result));
}

TEST_CASE("options use '=' or ':', the first one on the line wins") {
  const auto file = parsed(
      "[s]\n"
      "equals = 1\n"
      "colon: 2\n"
      "url = postgresql://u:p@h:5432/db\n"
      "pair: a=b\n"
      "tight=3\n"
      "two words = 4\n"
      "empty =\n");
  CHECK(raw(file, "s", "equals") == "1");
  CHECK(raw(file, "s", "colon") == "2");
  CHECK(raw(file, "s", "url") == "postgresql://u:p@h:5432/db");
  CHECK(raw(file, "s", "pair") == "a=b");
  CHECK(raw(file, "s", "tight") == "3");
  CHECK(raw(file, "s", "two words") == "4");
  CHECK(raw(file, "s", "empty").empty());
  CHECK(file.option("s", "missing") == nullptr);
  CHECK(file.section("s")->line == 1);
  CHECK(file.option("s", "url")->line == 4);
  CHECK(file.option("s", "url")->column == 7);
  CHECK(file.option("s", "colon")->column == 8);
}

TEST_CASE("option names are case-insensitive, section names are not") {
  const auto file = parsed("[Alembic]\nScript_Location = x\n");
  CHECK(raw(file, "Alembic", "SCRIPT_LOCATION") == "x");
  CHECK(file.section("Alembic")->options.contains("script_location"));
  CHECK(file.section("alembic") == nullptr);
  CHECK(file.option("alembic", "script_location") == nullptr);
}

TEST_CASE("lines indented deeper than their key continue its value") {
  const auto file = parsed(
      "[s]\n"
      "locations = first\n"
      "    second\n"
      "\n"
      "  # a comment neither ends nor joins the value\n"
      "    third\n"
      "\n"
      "\n"
      "next = n\n"
      "starts_empty =\n"
      "  a\n"
      "  b\n"
      "  indented = 1\n"
      "  same_level = 2\n");
  CHECK(raw(file, "s", "locations") == "first\nsecond\n\nthird");
  CHECK(raw(file, "s", "next") == "n");
  CHECK(raw(file, "s", "starts_empty") == "\na\nb\nindented = 1\nsame_level = 2");

  const auto keys_indented = parsed("[s]\n  a = 1\n  b = 2\n    more\n");
  CHECK(raw(keys_indented, "s", "a") == "1");
  CHECK(raw(keys_indented, "s", "b") == "2\nmore");
}

TEST_CASE("an indented header under an option is part of its value") {
  const auto file = parsed("[s]\na = 1\n  [t]\n");
  CHECK(raw(file, "s", "a") == "1\n[t]");
  CHECK(file.section("t") == nullptr);
}

TEST_CASE("only whole-line comments are comments") {
  const auto file = parsed(
      "# leading comment\n"
      "; another\n"
      "[s]\n"
      "  # indented comment\n"
      "separator = os  # Use os.pathsep.\n"
      "semicolon = a ; b\n");
  CHECK(raw(file, "s", "separator") == "os  # Use os.pathsep.");
  CHECK(raw(file, "s", "semicolon") == "a ; b");
  CHECK(file.section("s")->options.size() == 2);
}

TEST_CASE("sections inherit [DEFAULT], which is not a section itself") {
  const auto file = parsed(
      "[DEFAULT]\n"
      "shared = from default\n"
      "overridden = from default\n"
      "[s]\n"
      "overridden = from s\n"
      "[DEFAULT]\n"
      "later = also default\n");
  CHECK(file.section("DEFAULT") == nullptr);
  CHECK(raw(file, "s", "shared") == "from default");
  CHECK(raw(file, "s", "overridden") == "from s");
  CHECK(raw(file, "s", "later") == "also default");
  CHECK(raw(file, "DEFAULT", "shared") == "from default");
  CHECK(file.option("nowhere", "shared") != nullptr);
}

TEST_CASE("CRLF line endings are whitespace") {
  const auto file = parsed("[s]\r\nkey = value\r\n  more\r\n");
  CHECK(raw(file, "s", "key") == "value\nmore");
}

TEST_CASE("duplicates are errors, as in configparser's strict mode") {
  const auto option = parse_error("[s]\n  key = 1\n\n  KEY = 2\n");
  CHECK(option.line == 4);
  CHECK(option.column == 3);
  CHECK(option.message == "duplicate option 'key' in [s] (first defined on line 2)");

  const auto in_default = parse_error("[DEFAULT]\na = 1\n[DEFAULT]\na = 2\n");
  CHECK(in_default.line == 4);

  const auto section = parse_error("[s]\n[t]\n[s]\n");
  CHECK(section.line == 3);
  CHECK(section.column == 1);
  CHECK(section.message == "duplicate section [s] (first defined on line 1)");
}

TEST_CASE("malformed lines are errors with line and column") {
  const auto before_section = parse_error("# comment\n key = value\n[s]\n");
  CHECK(before_section.line == 2);
  CHECK(before_section.column == 2);
  CHECK(before_section.message == "option outside any section (expected a [section] header first)");

  const auto no_delimiter = parse_error("[s]\nkey value\n");
  CHECK(no_delimiter.line == 2);
  CHECK(no_delimiter.message == "expected 'key = value', 'key: value' or a [section] header");

  CHECK(parse_error("[s]\n = value\n").message == "option without a name (expected 'key = value')");
  CHECK(parse_error("[unclosed\n").line == 1);
}

TEST_CASE("interpolation follows references in the section, [DEFAULT], then the defaults") {
  const auto file = parsed(
      "[DEFAULT]\n"
      "url = %(host)s/db\n"
      "host = default-host\n"
      "[s]\n"
      "host = s-host\n"
      "location = %(here)s/migrations\n"
      "chain = %(LOCATION)s/versions\n"
      "[t]\n");
  CHECK(expanded(file, "s", "location") == "/srv/app/migrations");
  CHECK(expanded(file, "s", "chain") == "/srv/app/migrations/versions");
  // A [DEFAULT] value's references resolve in the section being read.
  CHECK(expanded(file, "s", "url") == "s-host/db");
  CHECK(expanded(file, "t", "url") == "default-host/db");
  CHECK(expanded(file, "DEFAULT", "url") == "default-host/db");
}

TEST_CASE("a [DEFAULT] option of the file overrides the parser's defaults") {
  const auto file = parsed("[DEFAULT]\nhere = /from/file\n[s]\na = %(here)s/x\n");
  CHECK(expanded(file, "s", "a") == "/from/file/x");
}

TEST_CASE("%% is a literal percent sign, collapsed once") {
  const auto file = parsed(
      "[s]\n"
      "url = postgresql://user:p%%40ss@localhost/db\n"
      "percent = 100%%\n"
      "quoted = %(percent)s and %%(percent)s\n");
  CHECK(expanded(file, "s", "url") == "postgresql://user:p%40ss@localhost/db");
  CHECK(expanded(file, "s", "quoted") == "100% and %(percent)s");
}

TEST_CASE("a reference to nothing is an error at the option, naming what exists") {
  const auto file = parsed("[s]\nplain = x\nscript_location = %(nowhere)s/alembic\n");
  const auto error = expand_error(file, "s", "script_location");
  CHECK(error.line == 3);
  CHECK(error.column == 19);
  CHECK(error.message ==
        "script_location: %(nowhere)s is not defined (expected an option of [s] or [DEFAULT], or "
        "'here')");
  CHECK(expanded(file, "s", "plain") == "x");
}

TEST_CASE("references nest at most 10 levels deep") {
  auto chain = [](int length) {
    std::string text = "[s]\n";
    for (int i = 0; i < length; ++i) {
      text += "a" + std::to_string(i) + " = %(a" + std::to_string(i + 1) + ")s\n";
    }
    return text + "a" + std::to_string(length) + " = end\n";
  };
  CHECK(expanded(parsed(chain(10)), "s", "a0") == "end");
  const auto too_deep = expand_error(parsed(chain(11)), "s", "a0");
  CHECK(too_deep.line == 2);
  CHECK(too_deep.message ==
        "a0: references nest deeper than 10 levels (expected no %(name)s cycle)");

  const auto cycle = expand_error(parsed("[s]\na = x\nself = %(self)s\n"), "s", "self");
  CHECK(cycle.line == 3);
}

TEST_CASE("a stray percent sign is an error that does not quote the value") {
  const auto file = parsed(
      "[s]\n"
      "url = postgresql://u:secret%40@h/db\n"
      "open = %(name\n"
      "empty = %()s\n");
  const auto stray = expand_error(file, "s", "url");
  CHECK(stray.line == 2);
  CHECK(stray.message == "url: '%' must be followed by '%' or '(' (write '%%' for '%')");
  CHECK(stray.message.find("secret") == std::string::npos);
  CHECK(expand_error(file, "s", "open").message ==
        "open: malformed reference (expected '%(name)s')");
  CHECK(expand_error(file, "s", "empty").message ==
        "empty: malformed reference (expected '%(name)s')");
}

TEST_CASE("interpolating what does not exist is an error") {
  const auto file = parsed("[s]\na = 1\n");
  CHECK(expand_error(file, "t", "a").message == "no [t] section");
  const auto missing = expand_error(file, "s", "b");
  CHECK(missing.line == 1);
  CHECK(missing.message == "[s] has no option 'b'");
}

}  // namespace
}  // namespace alembic_exporter::alembic
