#include "daemon/web/web_config.hpp"

#include <doctest/doctest.h>

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
bool exists_unless_missing(const std::filesystem::path& path) {
  return !path.filename().string().starts_with("missing");
}

WebSettingsResult validate_fixture(const std::string& name) {
  return validate_web_settings(YAML::LoadFile(fixtures / name), name, base, exists_unless_missing);
}

std::vector<std::string> problems_of(const std::string& name) {
  const auto result = validate_fixture(name);
  REQUIRE_MESSAGE(std::holds_alternative<std::vector<std::string>>(result), name);
  return std::get<std::vector<std::string>>(result);
}

WebSettings settings_of(const std::string& name) {
  auto result = validate_fixture(name);
  if (const auto* problems = std::get_if<std::vector<std::string>>(&result)) {
    FAIL(name << ": " << problems->front());
  }
  return std::get<WebSettings>(result);
}

}  // namespace

TEST_CASE("each bad web config reports file:line:col and what was expected") {
  const std::pair<std::string, std::vector<std::string>> cases[] = {
      {"bad-unknown-key.yml",
       {"bad-unknown-key.yml:1:1: unknown key 'tls_server_confg' (expected one of: "
        "tls_server_config, basic_auth_users, http_server_config)"}},
      {"bad-unknown-tls-key.yml",
       {"bad-unknown-tls-key.yml:4:3: unknown key 'client_auth' (expected one of: cert_file, "
        "key_file, client_ca_file, client_auth_type, min_version, max_version, "
        "prefer_server_cipher_suites)"}},
      {"bad-cipher-suites.yml",
       {"bad-cipher-suites.yml:4:3: 'cipher_suites' is not supported by alembic_exporter "
        "(OpenSSL's default cipher suites are used; remove it)"}},
      {"bad-curve-preferences.yml",
       {"bad-curve-preferences.yml:4:3: 'curve_preferences' is not supported by "
        "alembic_exporter (OpenSSL's default groups are used; remove it)"}},
      {"bad-inline-cert.yml",
       {"bad-inline-cert.yml:2:3: 'cert' is not supported by alembic_exporter (use cert_file)",
        "bad-inline-cert.yml:2:3: tls_server_config needs cert_file"}},
      {"bad-no-key-file.yml", {"bad-no-key-file.yml:2:3: tls_server_config needs key_file"}},
      {"bad-missing-cert-file.yml",
       {"bad-missing-cert-file.yml:2:14: cert_file '/etc/alembic-exporter/missing.crt' is not a "
        "readable file"}},
      {"bad-cert-file-type.yml",
       {"bad-cert-file-type.yml:2:14: cert_file must be a string, not a list"}},
      {"bad-tls-not-mapping.yml",
       {"bad-tls-not-mapping.yml:1:20: tls_server_config must be a mapping, not a scalar"}},
      {"bad-client-auth-type.yml",
       {"bad-client-auth-type.yml:5:21: client_auth_type 'RequireCert' is not one of "
        "NoClientCert, RequestClientCert, RequireAnyClientCert, VerifyClientCertIfGiven, "
        "RequireAndVerifyClientCert"}},
      {"bad-client-ca-without-auth-type.yml",
       {"bad-client-ca-without-auth-type.yml:4:19: client_ca_file is set but client_auth_type "
        "is NoClientCert (expected RequireAndVerifyClientCert or VerifyClientCertIfGiven)"}},
      {"bad-verify-without-client-ca.yml",
       {"bad-verify-without-client-ca.yml:4:21: client_auth_type RequireAndVerifyClientCert "
        "needs client_ca_file"}},
      {"bad-min-version.yml",
       {"bad-min-version.yml:4:16: min_version 'TLS1.2' is not one of TLS10, TLS11, TLS12, "
        "TLS13"}},
      {"bad-version-order.yml",
       {"bad-version-order.yml:5:16: min_version TLS13 is newer than max_version TLS12"}},
      {"bad-prefer-server-type.yml",
       {"bad-prefer-server-type.yml:4:32: prefer_server_cipher_suites must be true or false"}},
      {"bad-plaintext-password.yml",
       {"bad-plaintext-password.yml:2:10: basic_auth_users: the password of 'alice' is not a "
        "bcrypt hash (expected $2a$, $2b$ or $2y$, as `htpasswd -nBC 10 alice` prints)"}},
      {"bad-md5-hash.yml",
       {"bad-md5-hash.yml:2:10: basic_auth_users: the password of 'alice' is not a bcrypt hash "
        "(expected $2a$, $2b$ or $2y$, as `htpasswd -nBC 10 alice` prints)"}},
      {"bad-user-with-colon.yml",
       {"bad-user-with-colon.yml:2:3: basic_auth_users: 'al:ice' is not a user name (expected "
        "a non-empty name without ':')"}},
      {"bad-duplicate-user.yml", {"bad-duplicate-user.yml:3:3: duplicate key 'alice'"}},
      {"bad-users-not-mapping.yml",
       {"bad-users-not-mapping.yml:2:3: basic_auth_users must be a mapping, not a list"}},
      {"bad-http-headers.yml",
       {"bad-http-headers.yml:2:3: 'headers' is not supported by alembic_exporter (set response "
        "headers in a reverse proxy)"}},
      {"bad-http2-type.yml", {"bad-http2-type.yml:2:10: http2 must be true or false"}},
      {"bad-not-mapping.yml",
       {"bad-not-mapping.yml:1:1: the web config must be a mapping, not a list"}},
      {"bad-duplicate-key.yml", {"bad-duplicate-key.yml:3:3: duplicate key 'cert_file'"}},
  };
  for (const auto& [name, expected] : cases) {
    CAPTURE(name);
    CHECK(problems_of(name) == expected);
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
  REQUIRE(std::holds_alternative<std::vector<std::string>>(missing));
  CHECK(std::get<std::vector<std::string>>(missing) ==
        std::vector<std::string>{
            "/nonexistent/web.yml: cannot read the web config file: No such file or directory"});

  const std::string syntax = (fixtures / "bad-yaml-syntax.yml").string();
  const auto broken = load_web_settings(syntax);
  REQUIRE(std::holds_alternative<std::vector<std::string>>(broken));
  CHECK(std::get<std::vector<std::string>>(broken).front().starts_with(syntax + ":2:"));
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
  REQUIRE(std::holds_alternative<std::vector<std::string>>(result));
  CHECK(std::get<std::vector<std::string>>(result) ==
        std::vector<std::string>{file + ":4:19: client_ca_file '" + directory.path("ca.crt") +
                                 "' is not a readable file"});
}

}  // namespace alembic_exporter::web
