#include "collectors/alembic/alembic_settings.hpp"

#include <doctest/doctest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

#include "tests/unit/temporary_directory.hpp"

// Expected values follow alembic 1.8.1's ScriptDirectory.from_config except where the header
// documents a deliberate difference (relative paths, "newline"/"," separators, stripping).
namespace alembic_exporter::alembic {
namespace {

namespace fs = std::filesystem;

constexpr std::string_view ini_directory = "/srv/app";

std::string fixture(const std::string& name) {
  const char* directory = std::getenv("FIXTURES_DIR");
  REQUIRE(directory != nullptr);
  std::ifstream in(fs::path(directory) / name);
  REQUIRE(in);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

/// Resolves "package:dir" from a fixed table and records what it was asked.
struct FakePackages {
  std::map<std::string, std::string> directories;
  std::vector<std::string> asked;

  PackageDirectory resolver() {
    return [this](std::string_view package, std::string_view dir) -> std::optional<std::string> {
      const auto key = std::string(package) + ":" + std::string(dir);
      asked.push_back(key);
      const auto found = directories.find(key);
      if (found == directories.end()) return std::nullopt;
      return found->second;
    };
  }
};

std::variant<AlembicSettings, IniError> read(std::string_view text, FakePackages& packages,
                                             std::string_view section = "alembic") {
  auto file = parse_ini(text);
  REQUIRE(std::holds_alternative<IniFile>(file));
  auto result =
      read_alembic_settings(std::get<IniFile>(file), ini_directory, section, packages.resolver());
  if (auto* error = std::get_if<SettingsError>(&result)) {
    CHECK_FALSE(error->in_pyproject);
    return error->error;
  }
  return std::get<AlembicSettings>(std::move(result));
}

AlembicSettings settings(std::string_view text, std::string_view section = "alembic") {
  FakePackages packages;
  auto result = read(text, packages, section);
  if (const auto* error = std::get_if<IniError>(&result)) FAIL(error->message);
  return std::get<AlembicSettings>(std::move(result));
}

IniError settings_error(std::string_view text) {
  FakePackages packages;
  auto result = read(text, packages);
  REQUIRE(std::holds_alternative<IniError>(result));
  return std::get<IniError>(std::move(result));
}

using Paths = std::vector<std::string>;

TEST_CASE("Backend.AI's alembic.ini: scripts inside the package, asyncpg URL") {
  FakePackages packages{
      {{"ai.backend.manager.models:alembic", "/checkout/src/ai/backend/manager/models/alembic"}},
      {}};
  auto result = read(fixture("ini/backend-ai-alembic.ini"), packages);
  REQUIRE(std::holds_alternative<AlembicSettings>(result));
  const auto& backend_ai = std::get<AlembicSettings>(result);
  CHECK(packages.asked == std::vector<std::string>{"ai.backend.manager.models:alembic"});
  CHECK(backend_ai.script_location == "/checkout/src/ai/backend/manager/models/alembic");
  CHECK(backend_ai.version_locations ==
        Paths{"/checkout/src/ai/backend/manager/models/alembic/versions"});
  CHECK_FALSE(backend_ai.recursive_version_locations);
  CHECK(backend_ai.sqlalchemy_url ==
        "postgresql+asyncpg://postgres:develove@localhost:8100/backend");
  CHECK_FALSE(backend_ai.version_table);
  CHECK_FALSE(backend_ai.version_table_schema);
}

TEST_CASE("the ini of `alembic init`") {
  const auto stock = settings(fixture("ini/alembic-init.ini"));
  CHECK(stock.script_location == "/tmp/x/migrations");
  CHECK(stock.version_locations == Paths{"/tmp/x/migrations/versions"});
  CHECK(stock.sqlalchemy_url == "driver://user:pass@localhost/dbname");
}

TEST_CASE("the stock ini's commented separator breaks version_locations, as in alembic") {
  // `version_path_separator = os  # Use os.pathsep...`: configparser keeps inline comments, so
  // alembic 1.8.1 raises "... is not a valid value for version_path_separator" here too.
  const auto error =
      settings_error(fixture("ini/alembic-init.ini") + "[DEFAULT]\nversion_locations = a\n");
  CHECK(error.line == 52);
  CHECK(error.column == 26);
  CHECK(error.message ==
        "'os  # Use os.pathsep. Default configuration used for new projects.' is not a "
        "version_path_separator (expected 'space', 'newline', 'os', ':', ';' or ',')");
}

TEST_CASE("script_location paths are resolved against the ini's directory") {
  CHECK(settings("[alembic]\nscript_location = %(here)s/migrations\n").script_location ==
        "/srv/app/migrations");
  CHECK(settings("[alembic]\nscript_location = ./migrations/\n").script_location ==
        "/srv/app/migrations");
  CHECK(settings("[alembic]\nscript_location = ../shared/migrations\n").script_location ==
        "/srv/shared/migrations");
  CHECK(settings("[alembic]\nscript_location = /opt/db//migrations\n").script_location ==
        "/opt/db/migrations");
}

TEST_CASE("package:dir locations go through the package resolver") {
  FakePackages packages{{{"app.db:alembic/scripts", "/src/app/db/alembic/scripts/"},
                         {"app.db:versions", "/src/app/db/versions"}},
                        {}};
  auto result = read(
      "[alembic]\n"
      "script_location = app.db:alembic:scripts\n"
      "version_locations = app.db:versions /abs/versions\n",
      packages);
  REQUIRE(std::holds_alternative<AlembicSettings>(result));
  const auto& resolved = std::get<AlembicSettings>(result);
  CHECK(packages.asked == std::vector<std::string>{"app.db:alembic/scripts", "app.db:versions"});
  CHECK(resolved.script_location == "/src/app/db/alembic/scripts");
  CHECK(resolved.version_locations == Paths{"/src/app/db/versions", "/abs/versions"});
}

TEST_CASE("a package location that resolves nowhere is an error at its value") {
  const auto error =
      settings_error("[alembic]\nscript_location = ai.backend.manager.models:alembic\n");
  CHECK(error.line == 2);
  CHECK(error.column == 19);
  CHECK(error.message ==
        "no directory for 'ai.backend.manager.models:alembic' (expected "
        "ai/backend/manager/models/alembic under a source root)");
}

TEST_CASE("version_locations split per version_path_separator") {
  struct Case {
    std::string_view lines;
    Paths expected;
  };
  const std::vector<Case> cases = {
      // Absent separator: alembic's legacy split on commas and runs of spaces.
      {"version_locations = a b,c, d  %(here)s/e",
       {"/srv/app/a", "/srv/app/b", "/srv/app/c", "/srv/app/d", "/srv/app/e"}},
      {"version_locations = a,b c\nversion_path_separator = space", {"/srv/app/a,b", "/srv/app/c"}},
      {"version_locations = a:/b c\nversion_path_separator = os", {"/srv/app/a", "/b c"}},
      {"version_locations = a:b\nversion_path_separator = :", {"/srv/app/a", "/srv/app/b"}},
      {"version_locations = a b; c\nversion_path_separator = ;", {"/srv/app/a b", "/srv/app/c"}},
      {"version_locations = a b, c\nversion_path_separator = ,", {"/srv/app/a b", "/srv/app/c"}},
      {"version_locations =\n    a b\n    %(here)s/c\nversion_path_separator = newline",
       {"/srv/app/a b", "/srv/app/c"}},
      // Nothing left after splitting: alembic falls back to the default.
      {"version_locations = ;;\nversion_path_separator = ;", {"/srv/app/migrations/versions"}},
      {"version_locations =", {"/srv/app/migrations/versions"}},
      // The separator only matters when there are locations.
      {"version_path_separator = nonsense", {"/srv/app/migrations/versions"}},
  };
  for (const auto& [lines, expected] : cases) {
    CAPTURE(lines);
    CHECK(settings("[alembic]\nscript_location = migrations\n" + std::string(lines) + "\n")
              .version_locations == expected);
  }
}

TEST_CASE("an unknown version_path_separator is an error at its value") {
  const auto error = settings_error(
      "[alembic]\nscript_location = m\nversion_locations = a b\nversion_path_separator = tab\n");
  CHECK(error.line == 4);
  CHECK(error.column == 26);
  CHECK(error.message.starts_with("'tab' is not a version_path_separator"));
}

TEST_CASE("recursive_version_locations reads like configparser's getboolean") {
  for (std::string_view value : {"true", "Yes", "ON", "1"}) {
    CAPTURE(value);
    CHECK(settings("[alembic]\nscript_location = m\nrecursive_version_locations = " +
                   std::string(value))
              .recursive_version_locations);
  }
  for (std::string_view value : {"false", "no", "Off", "0"}) {
    CAPTURE(value);
    CHECK_FALSE(settings("[alembic]\nscript_location = m\nrecursive_version_locations = " +
                         std::string(value))
                    .recursive_version_locations);
  }
  const auto error =
      settings_error("[alembic]\nscript_location = m\nrecursive_version_locations = maybe\n");
  CHECK(error.line == 3);
  CHECK(error.column == 31);
  CHECK(error.message == "'maybe' is not a boolean (expected true/false, yes/no, on/off or 1/0)");
}

TEST_CASE("sqlalchemy.url and the version table options are interpolated") {
  const auto read_settings = settings(
      "[alembic]\n"
      "script_location = m\n"
      "sqlalchemy.url = postgresql://user:p%%40ss@%(host)s/db\n"
      "host = db.example\n"
      "version_table = %(prefix)s_version\n"
      "prefix = manager\n"
      "version_table_schema = public\n");
  CHECK(read_settings.sqlalchemy_url == "postgresql://user:p%40ss@db.example/db");
  CHECK(read_settings.version_table == "manager_version");
  CHECK(read_settings.version_table_schema == "public");
}

TEST_CASE("interpolation errors stop the reading, without quoting the URL") {
  const auto error = settings_error("[alembic]\nscript_location = m\nsqlalchemy.url = p%40ss\n");
  CHECK(error.line == 3);
  CHECK(error.message.find("p%40ss") == std::string::npos);
}

TEST_CASE("a missing section or script_location is a clear error") {
  const auto no_section = settings_error("[loggers]\nkeys = root\n");
  CHECK(no_section.line == 0);
  CHECK(no_section.message == "no [alembic] section (expected one holding script_location)");

  const auto no_location = settings_error("[loggers]\nkeys = root\n[alembic]\nurl = x\n");
  CHECK(no_location.line == 3);
  CHECK(no_location.column == 1);
  CHECK(no_location.message ==
        "[alembic] has no script_location (expected e.g. 'script_location = "
        "%(here)s/migrations')");

  CHECK(settings_error("[alembic]\nscript_location =\n").message == "script_location is empty");
}

TEST_CASE("another section name and [DEFAULT] inheritance") {
  const auto manager = settings(
      "[DEFAULT]\nscript_location = %(here)s/%(name)s\n[manager]\nname = manager-migrations\n",
      "manager");
  CHECK(manager.script_location == "/srv/app/manager-migrations");
}

using alembic_exporter::testing::TemporaryDirectory;

TEST_CASE("load_alembic_config finds package scripts under the ini's src/ directory") {
  const TemporaryDirectory checkout;
  const auto scripts = checkout.root() / "src/ai/backend/manager/models/alembic";
  fs::create_directories(scripts);
  checkout.write("alembic.ini", fixture("ini/backend-ai-alembic.ini"));

  auto loaded =
      load_alembic_config({(checkout.root() / "alembic.ini").string(), ""}, "alembic", {});
  if (const auto* error = std::get_if<std::string>(&loaded)) FAIL(*error);
  const auto& backend_ai = std::get<AlembicSettings>(loaded);
  CHECK(backend_ai.script_location == scripts.string());
  CHECK(backend_ai.version_locations == Paths{(scripts / "versions").string()});
  CHECK(backend_ai.sqlalchemy_url ==
        "postgresql+asyncpg://postgres:develove@localhost:8100/backend");

  SUBCASE("explicit source roots replace the defaults") {
    const auto elsewhere = load_alembic_config({(checkout.root() / "alembic.ini").string(), ""},
                                               "alembic", {(checkout.root() / "nowhere").string()});
    REQUIRE(std::holds_alternative<std::string>(elsewhere));
    CHECK(std::get<std::string>(elsewhere) ==
          (checkout.root() / "alembic.ini").string() +
              ":6:19: no directory for 'ai.backend.manager.models:alembic' (expected "
              "ai/backend/manager/models/alembic under a source root)");
  }
}

TEST_CASE("load_alembic_config reports errors as path:line:col") {
  const TemporaryDirectory directory;
  const auto ini = (directory.root() / "alembic.ini").string();
  directory.write("alembic.ini", "[alembic]\nscript_location = m\nscript_location = n\n");
  const auto duplicate = load_alembic_config({ini, ""}, "alembic", {});
  REQUIRE(std::holds_alternative<std::string>(duplicate));
  CHECK(std::get<std::string>(duplicate) ==
        ini + ":3:1: duplicate option 'script_location' in [alembic] (first defined on line 2)");

  directory.write("alembic.ini", "[alembic]\nscript_location = m\n");
  const auto no_section = load_alembic_config({ini, ""}, "other", {});
  REQUIRE(std::holds_alternative<std::string>(no_section));
  CHECK(std::get<std::string>(no_section) ==
        ini + ": no [other] section (expected one holding script_location)");

  const auto missing = (directory.root() / "missing.ini").string();
  const auto unreadable = load_alembic_config({missing, ""}, "alembic", {});
  REQUIRE(std::holds_alternative<std::string>(unreadable));
  CHECK(std::get<std::string>(unreadable) == missing + ": cannot open (No such file or directory)");
}

// alembic >= 1.16 (issue 15). Debian's alembic 1.8.1 reads neither pyproject.toml nor
// path_separator, so these expectations come from alembic 1.19's source: options in the ini win
// (Config.get_alembic_option, config.py:463), version_locations from the ini's string split on
// path_separator, else version_path_separator (deprecated), else spaces/commas, and otherwise the
// TOML's list (Config.get_version_locations_list, config.py:558); path_separator is read from
// the ini only (get_main_option, config.py:411 "Does NOT consume from the pyproject.toml file").

TEST_CASE("issue 15: path_separator, and the deprecated version_path_separator after it") {
  CHECK(settings("[alembic]\nscript_location = m\nversion_locations = a;b c\npath_separator = ;\n")
            .version_locations == Paths{"/srv/app/a", "/srv/app/b c"});
  CHECK(settings("[alembic]\nscript_location = m\nversion_locations = a;b c\n"
                 "path_separator = space\nversion_path_separator = ;\n")
            .version_locations == Paths{"/srv/app/a;b", "/srv/app/c"});
  const IniError error =
      settings_error("[alembic]\nscript_location = m\nversion_locations = a\npath_separator = |\n");
  CHECK(error.line == 4);
  CHECK(error.message ==
        "'|' is not a path_separator (expected 'space', 'newline', 'os', ':', ';' or ',')");
}

std::variant<AlembicSettings, std::string> load(const TemporaryDirectory& directory,
                                                const std::string& ini,
                                                const std::string& pyproject) {
  return load_alembic_config({ini.empty() ? "" : (directory.root() / ini).string(),
                              pyproject.empty() ? "" : (directory.root() / pyproject).string()},
                             "alembic", {});
}

TEST_CASE("issue 15: pyproject.toml alone, ini with only the URL, ini options winning") {
  const TemporaryDirectory project;
  const std::string root = project.root().string();
  project.write("pyproject.toml",
                "[tool.alembic]\nscript_location = \"%(here)s/migrations\"\n"
                "version_locations = [\"%(here)s/migrations/versions\", \"extra\"]\n"
                "recursive_version_locations = true\n");

  auto alone = load(project, "", "pyproject.toml");
  if (const auto* error = std::get_if<std::string>(&alone)) FAIL(*error);
  const auto& toml = std::get<AlembicSettings>(alone);
  CHECK(toml.script_location == root + "/migrations");
  CHECK(toml.version_locations == Paths{root + "/migrations/versions", root + "/extra"});
  CHECK(toml.recursive_version_locations);
  CHECK_FALSE(toml.sqlalchemy_url);

  project.write("alembic.ini", "[alembic]\nsqlalchemy.url = postgresql://db/app\n");
  auto url_only = load(project, "alembic.ini", "pyproject.toml");
  if (const auto* error = std::get_if<std::string>(&url_only)) FAIL(*error);
  CHECK(std::get<AlembicSettings>(url_only).script_location == root + "/migrations");
  CHECK(std::get<AlembicSettings>(url_only).sqlalchemy_url == "postgresql://db/app");

  // The default alembic.ini may be absent: alembic reads only the files that exist.
  auto absent_ini = load(project, "missing.ini", "pyproject.toml");
  CHECK(std::holds_alternative<AlembicSettings>(absent_ini));

  project.write("alembic.ini",
                "[alembic]\nscript_location = %(here)s/other\nversion_locations = v1 v2\n"
                "recursive_version_locations = false\n");
  auto both = load(project, "alembic.ini", "pyproject.toml");
  if (const auto* error = std::get_if<std::string>(&both)) FAIL(*error);
  CHECK(std::get<AlembicSettings>(both).script_location == root + "/other");
  CHECK(std::get<AlembicSettings>(both).version_locations == Paths{root + "/v1", root + "/v2"});
  CHECK_FALSE(std::get<AlembicSettings>(both).recursive_version_locations);
}

TEST_CASE("issue 15: errors name the file they are in") {
  const TemporaryDirectory project;
  const std::string toml = (project.root() / "pyproject.toml").string();
  project.write("pyproject.toml", "[tool.alembic]\nscript_location = \"pkg.mod:dir\"\n");
  project.write("alembic.ini", "[alembic]\nsqlalchemy.url = postgresql://db/app\n");
  auto missing_package = load(project, "alembic.ini", "pyproject.toml");
  REQUIRE(std::holds_alternative<std::string>(missing_package));
  CHECK(std::get<std::string>(missing_package) ==
        toml + ":2:19: no directory for 'pkg.mod:dir' (expected pkg/mod/dir under a source root)");

  project.write("pyproject.toml", "[tool.alembic]\nrecursive_version_locations = 1\n");
  auto not_boolean = load(project, "", "pyproject.toml");
  CHECK(std::get<std::string>(not_boolean) ==
        toml + ":2:31: recursive_version_locations: expected true or false");

  project.write("pyproject.toml", "[project]\nname = 'app'\n");
  auto nothing = load(project, "alembic.ini", "pyproject.toml");
  CHECK(std::get<std::string>(nothing) ==
        (project.root() / "alembic.ini").string() +
            ": no script_location in [alembic] nor in [tool.alembic] of " + toml);

  auto neither = load(project, "missing.ini", "missing.toml");
  CHECK(std::get<std::string>(neither) ==
        (project.root() / "missing.ini").string() + ": cannot open (No such file or directory)");
}

}  // namespace
}  // namespace alembic_exporter::alembic
