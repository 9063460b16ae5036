#include "daemon/web/web_config.hpp"

#include <doctest/doctest.h>

#include <algorithm>
#include <fstream>
#include <sstream>

#include "config/yaml_file.hpp"
#include "tests/unit/temporary_directory.hpp"

namespace alembic_exporter::web {
namespace {

std::filesystem::path fixture_directory() {
  const char* root = std::getenv("FIXTURES_DIR");
  return std::filesystem::path(root == nullptr ? "." : root) / "web";
}
const std::filesystem::path fixtures = fixture_directory();
const std::filesystem::path base = "/etc/alembic-exporter";

/// Every file exists except those named missing*.
bool exists_unless_missing(const std::string& path) {
  return !std::filesystem::path(path).filename().string().starts_with("missing");
}

std::string read_text(const std::filesystem::path& path) {
  std::ifstream file(path);
  std::ostringstream text;
  text << file.rdbuf();
  return text.str();
}

/// What `check-config` would print for the fixture's problems, without touching the disk for the
/// files it names.
WebSettingsResult validate_fixture(const std::string& name) {
  config::Problems problems{name};
  const auto root = config::parse_yaml(read_text(fixtures / name), problems);
  if (!root) return problems.take_sorted();
  return validate_web_settings(*root, name, base, exists_unless_missing);
}

std::vector<std::string> problems_of(const std::string& name) {
  const auto result = validate_fixture(name);
  REQUIRE_MESSAGE(std::holds_alternative<std::vector<config::ConfigProblem>>(result), name);
  std::vector<std::string> lines;
  for (const auto& problem : std::get<std::vector<config::ConfigProblem>>(result)) {
    lines.push_back(problem.to_string());
  }
  return lines;
}

WebSettings settings_of(const std::string& name) {
  auto result = validate_fixture(name);
  if (const auto* problems = std::get_if<std::vector<config::ConfigProblem>>(&result)) {
    FAIL(name << ": " << problems->front().to_string());
  }
  return std::get<WebSettings>(result);
}

std::vector<std::string> bad_fixtures() {
  std::vector<std::string> names;
  for (const auto& entry : std::filesystem::directory_iterator(fixtures)) {
    const std::string name = entry.path().filename().string();
    if (name.starts_with("bad-") && name.ends_with(".yml")) names.push_back(name);
  }
  std::sort(names.begin(), names.end());
  return names;
}

}  // namespace

TEST_CASE("each bad web config gives its golden problems, file:line:col: message") {
  const auto names = bad_fixtures();
  REQUIRE(names.size() > 20);
  for (const auto& name : names) {
    CAPTURE(name);
    std::string actual;
    for (const auto& line : problems_of(name)) actual += line + '\n';
    const auto golden = fixtures / "golden" / (name.substr(0, name.size() - 4) + ".stderr");
    if (std::getenv("UPDATE_GOLDEN") != nullptr) std::ofstream(golden) << actual;
    CHECK(actual == read_text(golden));
  }
}

TEST_CASE("a misspelt key gets a did-you-mean, as in the main configuration") {
  CHECK(problems_of("bad-unknown-key.yml") ==
        std::vector<std::string>{"bad-unknown-key.yml:1:1: unknown key 'tls_server_confg' (did "
                                 "you mean 'tls_server_config'?)"});
}

/// `prefer_server_cipher_suites` as read from `spelling`, or nullopt for a problem.
std::optional<bool> prefer_server_cipher_suites(const std::string& spelling) {
  const auto result = validate_web_settings(
      YAML::Load("tls_server_config: {cert_file: a, key_file: b, prefer_server_cipher_suites: " +
                 spelling + "}"),
      "web.yml", base, exists_unless_missing);
  if (!std::holds_alternative<WebSettings>(result)) return std::nullopt;
  return std::get<WebSettings>(result).tls->prefer_server_cipher_suites;
}

TEST_CASE("booleans may be spelled as YAML 1.1, like exporter-toolkit reads them") {
  for (const auto* yes :
       {"true", "True", "TRUE", "yes", "Yes", "YES", "on", "On", "ON", "y", "Y"}) {
    CAPTURE(yes);
    CHECK(prefer_server_cipher_suites(yes) == true);
  }
  for (const auto* no : {"false", "False", "no", "NO", "off", "Off", "n", "N"}) {
    CAPTURE(no);
    CHECK(prefer_server_cipher_suites(no) == false);
  }
  // Quoted, it is a string for Go's yaml.v2 too; and nothing else is a boolean.
  for (const auto* other : {"'yes'", "\"true\"", "1", "yEs", "maybe"}) {
    CAPTURE(other);
    CHECK(prefer_server_cipher_suites(other) == std::nullopt);
  }
}

TEST_CASE("no problem message shows a password or hash") {
  for (const auto* name : {"bad-plaintext-password.yml", "bad-md5-hash.yml"}) {
    for (const auto& problem : problems_of(name)) {
      CHECK(problem.find("correct horse") == std::string::npos);
      CHECK(problem.find("saltsalt") == std::string::npos);
    }
  }
}

TEST_CASE("a full web config keeps every setting and resolves relative paths") {
  const WebSettings settings = settings_of("good-full.yml");
  REQUIRE(settings.tls.has_value());
  CHECK(settings.tls->cert_file == "/etc/alembic-exporter/server.crt");
  CHECK(settings.tls->key_file == "/etc/ssl/private/server.key");
  CHECK(settings.tls->client_ca_file == "/etc/alembic-exporter/ca.crt");
  CHECK(settings.tls->client_auth_type == "RequireAndVerifyClientCert");
  CHECK(settings.tls->min_version == "TLS13");
  CHECK(settings.tls->max_version == "TLS13");
  CHECK_FALSE(settings.tls->prefer_server_cipher_suites);
  CHECK(settings.basic_auth_users ==
        std::map<std::string, std::string>{
            {"alice", "$2b$04$4WmS5TQ9deps..ROtA3oeeR0WOMugrENbD2Q55snCqY6eH3SsGCai"},
            {"bob", "$2y$04$VTW0uK6fgcQyrL0EnpIH8uSoJV0QroZi.E7XpmRELY58o3Dc1Y6Nu"}});
}

TEST_CASE("defaults follow exporter-toolkit") {
  const WebSettings empty = settings_of("good-empty.yml");
  CHECK_FALSE(empty.tls.has_value());
  CHECK(empty.basic_auth_users.empty());

  const WebSettings auth_only = settings_of("good-basic-auth-only.yml");
  CHECK_FALSE(auth_only.tls.has_value());
  CHECK(auth_only.basic_auth_users.size() == 1);

  const WebSettings old_name = settings_of("good-old-client-auth-name.yml");
  REQUIRE(old_name.tls.has_value());
  CHECK(old_name.tls->client_auth_type == "RequireAnyClientCert");
  CHECK(old_name.tls->min_version == "TLS12");
  CHECK(old_name.tls->max_version == "TLS13");
  CHECK(old_name.tls->prefer_server_cipher_suites);
}

TEST_CASE("loading reports an unreadable file and YAML syntax errors with their position") {
  const auto missing = load_web_settings("/nonexistent/web.yml");
  REQUIRE(std::holds_alternative<std::vector<config::ConfigProblem>>(missing));
  CHECK(std::get<std::vector<config::ConfigProblem>>(missing).front().to_string() ==
        "/nonexistent/web.yml: cannot read web config file (No such file or directory)");

  const std::string syntax = (fixtures / "bad-yaml-syntax.yml").string();
  const auto broken = load_web_settings(syntax);
  REQUIRE(std::holds_alternative<std::vector<config::ConfigProblem>>(broken));
  CHECK(std::get<std::vector<config::ConfigProblem>>(broken).front().to_string().starts_with(
      syntax + ":3:1: invalid YAML: "));
}

TEST_CASE("loading resolves relative files against the web config's directory") {
  const testing::TemporaryDirectory directory;
  directory.write("server.crt", "certificate\n");
  directory.write("server.key", "key\n");
  directory.write("web.yml",
                  "tls_server_config:\n  cert_file: server.crt\n"
                  "  key_file: server.key\n  client_ca_file: ca.crt\n"
                  "  client_auth_type: RequireAndVerifyClientCert\n");
  const std::string file = directory.path("web.yml");

  const auto result = load_web_settings(file);
  REQUIRE(std::holds_alternative<std::vector<config::ConfigProblem>>(result));
  const auto& problems = std::get<std::vector<config::ConfigProblem>>(result);
  REQUIRE(problems.size() == 1);
  CHECK(problems.front().to_string() == file + ":4:19: client_ca_file file '" +
                                            directory.path("ca.crt") +
                                            "' does not exist or is not readable");
}

}  // namespace alembic_exporter::web
