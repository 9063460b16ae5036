#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "config/load_config.hpp"
#include "tests/unit/config/fake_environment.hpp"

namespace alembic_exporter::config {
namespace {

using namespace std::chrono_literals;

std::string fixture(const std::string& name) { return std::string(CONFIG_FIXTURES) + "/" + name; }

// One problem a line, so a failed comparison shows both texts.
std::string problems_of(const ConfigResult& result) {
  std::string lines;
  if (const auto* problems = std::get_if<std::vector<ConfigProblem>>(&result)) {
    for (const auto& problem : *problems) lines += problem.to_string() + "\n";
  }
  return lines;
}

std::string lines(const std::vector<std::string>& texts) {
  std::string joined;
  for (const auto& text : texts) joined += text + "\n";
  return joined;
}

ValidatedConfig valid(const ConfigResult& result) {
  CHECK(problems_of(result) == "");
  REQUIRE(std::holds_alternative<ValidatedConfig>(result));
  return std::get<ValidatedConfig>(result);
}

struct BadFixture {
  std::string name;
  std::vector<std::string> problems;  ///< "line:col: message", all of them, in order
};

TEST_CASE("each bad fixture reports exactly its problems") {
  const std::vector<BadFixture> fixtures{
      {"bad-unknown-key.yaml", {"2:1: unknown key 'intervall' (did you mean 'interval'?)"}},
      {"bad-unknown-key-no-suggestion.yaml",
       {"2:1: unknown key 'metrics_path' (expected one of: listen, interval, timeout, "
        "web_config_file, log, shard, max_connections, components)"}},
      {"bad-unknown-component-key.yaml",
       {"3:5: component 'manager' needs 'alembic_ini', 'pyproject_toml' or 'script_location'",
        "4:5: unknown key 'alembic_init' (did you mean 'alembic_ini'?)"}},
      {"bad-wrong-type.yaml", {"4:18: 'alembic_ini' must be a string, not a list"}},
      {"bad-duration.yaml",
       {"2:11: invalid duration '30 seconds' for 'interval' (expected e.g. 500ms, 30s, 5m, 1h "
        "or 1m30s)"}},
      {"bad-zero-duration.yaml", {"2:10: 'timeout' must be greater than 0"}},
      {"bad-listen-address.yaml",
       {"2:28: invalid listen address '::1:9747': an IPv6 host needs brackets (e.g. "
        "[::1]:9747)"}},
      {"bad-listen-scalar.yaml",
       {"2:9: 'listen' must be a list of addresses, not a string (write listen: "
        "[\"127.0.0.1:9747\"])"}},
      {"bad-duplicate-component.yaml",
       {"5:11: duplicate component name 'manager' (first defined on line 3)"}},
      {"bad-missing-ini.yaml",
       {"4:18: alembic_ini file '/opt/missing/alembic.ini' does not exist or is not readable"}},
      {"bad-ini-and-script.yaml",
       {"3:5: component 'manager' sets both 'alembic_ini' and 'script_location' (expected one "
        "of them)"}},
      {"bad-no-location.yaml",
       {"3:5: component 'manager' needs 'alembic_ini', 'pyproject_toml' or 'script_location'"}},
      {"bad-pyproject-and-script.yaml",
       {"3:5: component 'manager' sets both 'pyproject_toml' and 'script_location' (expected one "
        "of them)"}},
      {"bad-pyproject-without-url.yaml",
       {"3:5: component 'manager' uses 'pyproject_toml' without 'alembic_ini' and so needs "
        "'database.url'"}},
      {"bad-component-name.yaml",
       {"3:11: invalid component name 'my manager' (expected letters, digits, '_', '.' and '-')"}},
      {"bad-unset-variable.yaml",
       {"6:22: 'password_file': environment variable 'NOT_SET' is not set"}},
      {"bad-expected-heads.yaml", {"5:21: 'expected_heads' must be from 1 to 1000, not -1"}},
      {"bad-empty-components.yaml", {"2:13: 'components' must list at least one component"}},
      {"bad-missing-components.yaml",
       {"2:1: missing required key 'components' (expected a list of components)"}},
      {"bad-yaml-syntax.yaml", {"3:1: invalid YAML: end of sequence flow not found"}},
      {"bad-duplicate-key.yaml", {"6:1: duplicate key 'interval' (first given on line 2)"}},
      {"bad-log.yaml", {"2:6: invalid log target 'syslog' (expected auto, journald or stderr)"}},
      {"bad-database-url.yaml",
       {"6:12: invalid database URL "
        "mysql+pymysql://exporter:****@localhost/backend?sslmode=require: unsupported query "
        "parameter \"sslmode\" (expected unix_socket, charset, ssl_ca, ssl_capath, ssl_cert, "
        "ssl_key, ssl_cipher, ssl_mode, ssl_check_hostname or ssl_verify_identity)"}},
      {"bad-database-dialect.yaml",
       {"6:12: unsupported database dialect \"mssql\" (expected postgresql, postgres, mysql, "
        "mariadb or sqlite, optionally with +driver)"}},
      {"bad-script-without-url.yaml",
       {"3:5: component 'manager' uses 'script_location' and so needs 'database.url'"}},
      {"bad-version-locations-with-ini.yaml",
       {"5:24: 'version_locations' applies only with 'script_location' (with alembic_ini, set it "
        "in the ini file)"}},
      {"bad-keepalive.yaml", {"5:16: 'keepalive' must be true or false, not 'yes'"}},
      {"bad-ready-states.yaml",
       {"5:32: unknown state 'ahead' in 'ready_states' (expected up_to_date, behind, diverged, "
        "no_revision, unknown_revision, unreachable, script_error)",
        "8:19: 'ready_states' must name at least one state (expected some of up_to_date, "
        "behind, diverged, no_revision, unknown_revision, unreachable, script_error)"}},
      {"bad-not-a-mapping.yaml",
       {"2:1: the configuration must be a mapping of settings, not a list"}},
      {"bad-discover-both-kinds.yaml",
       {"8:7: 'discover' sets both 'databases' and 'schemas' (expected one of them)"}},
      {"bad-discover-no-pattern.yaml",
       {"8:7: unknown key 'databse' (did you mean 'databases'?)",
        "8:7: 'discover' needs 'databases' or 'schemas' (an SQL LIKE pattern)"}},
      {"bad-discover-values.yaml",
       {"9:16: 'exclude' must be a list of strings, not a string",
        "10:16: invalid duration '5 minutes' for 'refresh' (expected e.g. 500ms, 30s, 5m, 1h or "
        "1m30s)",
        "11:20: 'max_targets' must be from 1 to 100000, not 0"}},
      {"bad-discover-empty-pattern.yaml",
       {"8:16: 'schemas' must not be empty (expected an SQL LIKE pattern such as 'tenant_%')",
        "9:33: an 'exclude' pattern must not be empty"}},
      {"bad-discover-mysql.yaml",
       {"8:7: 'discover' works only with a PostgreSQL database.url (expected postgresql://...)"}},
      {"bad-discover-not-a-mapping.yaml", {"7:15: 'discover' must be a mapping, not a string"}},
      {"bad-discover-schema-and-table-schema.yaml",
       {"7:27: 'version_table_schema' does not apply with 'discover: schemas' (each discovered "
        "schema holds its own version table)"}},
      {"bad-shard-index.yaml",
       {"2:16: shard index 2 is not one of the 2 shards (expected 0 to 1)"}},
      {"bad-shard-count.yaml", {"4:10: shard count must be at least 1, not 0"}},
      {"bad-shard-not-integer.yaml",
       {"2:16: 'index' must be an integer, not '1'",
        "2:28: 'count' must be an integer, not 'two'"}},
      {"bad-shard-unknown-key.yaml",
       {"2:8: missing required key 'count' of 'shard' (expected {index: I, count: N})",
        "2:19: unknown key 'cuont' (did you mean 'count'?)"}},
      {"bad-shard-scalar.yaml",
       {"2:8: 'shard' must be a mapping, not a string (write shard: {index: I, count: N}; on the "
        "command line --shard I/N)"}},
      {"bad-max-connections.yaml", {"2:18: 'max_connections' must be from 1 to 10000, not 0"}},
  };
  const auto environment = testing::backend_ai_host();
  for (const auto& bad : fixtures) {
    CAPTURE(bad.name);
    std::string expected;
    for (const auto& problem : bad.problems) expected += fixture(bad.name) + ":" + problem + "\n";
    CHECK(problems_of(load_config(fixture(bad.name), environment)) == expected);
  }
}

TEST_CASE("an empty file and a missing file are problems without a position") {
  const auto environment = testing::backend_ai_host();
  CHECK(problems_of(load_config(fixture("bad-empty.yaml"), environment)) ==
        fixture("bad-empty.yaml") +
            ": the configuration is empty (expected at least 'components')\n");
  CHECK(problems_of(load_config(fixture("does-not-exist.yaml"), environment)) ==
        fixture("does-not-exist.yaml") +
            ": cannot read configuration file (No such file or directory)\n");
}

TEST_CASE("every problem of a file is reported at once, in file order") {
  const std::string file = fixture("bad-several-problems.yaml");
  CHECK(problems_of(load_config(file, testing::backend_ai_host())) ==
        lines({
            file + ":2:10: invalid listen address 'localhost:9747': host must be an IPv4 address "
                   "or a bracketed IPv6 address, not 'localhost' (expected host:port, e.g. "
                   "127.0.0.1:9747 or [::1]:9747)",
            file + ":4:1: unknown key 'timout' (did you mean 'timeout'?)",
            file + ":8:21: 'expected_heads' must be an integer, not 'many'",
            file + ":9:11: duplicate component name 'manager' (first defined on line 6)",
            file + ":10:22: script_location directory '/srv/missing' does not exist",
            file + ":13:7: unknown key 'pasword_file' (did you mean 'password_file'?)",
        }));
}

// Found by tests/fuzz/config_fuzz: reading the missing name threw yaml-cpp's InvalidNode.
TEST_CASE("a component without a name is a problem, not an exception") {
  CHECK(problems_of(parse_config("components:\n  - alembic_ini: /opt/backend.ai/alembic.ini\n",
                                 "c.yaml", testing::backend_ai_host())) ==
        "c.yaml:2:5: component is missing required key 'name'\n");
}

TEST_CASE("no problem message contains a password") {
  for (const char* name :
       {"bad-database-url.yaml", "bad-database-dialect.yaml", "bad-several-problems.yaml"}) {
    const auto text = problems_of(load_config(fixture(name), testing::backend_ai_host()));
    CHECK_FALSE(text.empty());
    CHECK(text.find("hunter2") == std::string::npos);
  }
}

TEST_CASE("database URLs: what the version-table reader accepts, and nothing else") {
  const auto check = [](const std::string& url) {
    return problems_of(
        parse_config("components:\n  - name: m\n    script_location: /srv/app/"
                     "migrations\n    database:\n      url: " +
                         url + "\n",
                     "c.yaml", testing::backend_ai_host()));
  };
  for (const char* url :
       {"postgresql://h/db", "postgres://h/db", "postgresql+asyncpg://h/db",
        "postgresql+psycopg2://u:p@h/db", "host=h dbname=db", "mysql://h/db",
        "mysql+pymysql://u:p@h:3307/db?charset=utf8mb4", "mysql+mysqldb://h/db",
        "mysql+aiomysql://h/db", "mysql+asyncmy://h/db", "mariadb://h/db",
        "mariadb+mariadbconnector://u@h/db?ssl_ca=/ca.pem&ssl_mode=VERIFY_IDENTITY",
        "mysql://u@localhost/db?unix_socket=/run/mysqld/mysqld.sock", "sqlite:///app.db",
        "sqlite:////var/lib/app.db", "sqlite+pysqlite:///app.db", "sqlite+aiosqlite:///a.db"}) {
    CAPTURE(std::string(url));
    CHECK(check(url) == "");
  }
  for (const char* url : {"postgresql+://h/db", "postgresql+a-b://h/db", "mssql+pyodbc://h/db",
                          "oracle://h/db", "mysql+odbc://h/db", "mysql://h", "mysql://h:0/db",
                          "mysql://h/db?ssl_mode=maybe", "sqlite://", "\"sqlite:///:memory:\"",
                          "sqlite://host/app.db", "sqlite+pysqlcipher:///a.db"}) {
    CAPTURE(std::string(url));
    CHECK_MESSAGE(check(url).find("c.yaml:5:12: ") == 0, check(url));
  }
}

TEST_CASE("a relative SQLite path is relative to the configuration file's directory") {
  const auto url_of = [](const std::string& url) {
    const auto config = valid(parse_config(
        "components:\n  - name: m\n    script_location: /srv/app/migrations\n    database:\n"
        "      url: " +
            url + "\n",
        "/etc/alembic-exporter/config.yaml", testing::backend_ai_host()));
    return config.components.at(0).database.url.value();
  };
  CHECK(url_of("sqlite:///app.db").full == "sqlite:////etc/alembic-exporter/app.db");
  CHECK(url_of("sqlite+aiosqlite:///../data/app.db").full ==
        "sqlite+aiosqlite:////etc/data/app.db");
  CHECK(url_of("sqlite:////var/lib/app.db").full == "sqlite:////var/lib/app.db");
  CHECK(url_of("mysql://u:secret@h/db").redacted == "mysql://u:****@h/db");
}

TEST_CASE("defaults are filled in") {
  const auto config = valid(
      parse_config("components:\n  - name: manager\n    alembic_ini: /opt/backend.ai/alembic.ini\n",
                   "/etc/alembic-exporter/config.yaml", testing::backend_ai_host()));
  CHECK(config.file == "/etc/alembic-exporter/config.yaml");
  CHECK(config.listen == std::vector<ListenAddress>{{"127.0.0.1", 9747}});
  CHECK(config.interval == 30s);
  CHECK(config.timeout == 5s);
  CHECK_FALSE(config.web_config_file.has_value());
  CHECK(config.log == LogTarget::automatic);
  CHECK(config.shard == Shard{0, 1});
  CHECK(config.max_connections == 4);
  REQUIRE(config.components.size() == 1);
  const auto& component = config.components[0];
  CHECK(component.alembic_ini == "/opt/backend.ai/alembic.ini");
  CHECK(component.alembic_section == "alembic");
  CHECK_FALSE(component.script_location.has_value());
  CHECK(component.version_table == "alembic_version");
  CHECK_FALSE(component.version_table_schema.has_value());
  CHECK(component.expected_heads == 1);
  CHECK(component.interval == 30s);
  CHECK(component.upgrade_command == "alembic -c /opt/backend.ai/alembic.ini upgrade heads");
  CHECK(component.merge_command == "alembic -c /opt/backend.ai/alembic.ini merge heads");
  CHECK(component.keepalive);
  CHECK(component.ready_states == std::vector<State>{State::up_to_date});
  CHECK_FALSE(component.database.url.has_value());
  CHECK_FALSE(component.database.password_file.has_value());
}

TEST_CASE("discovered components: patterns, limits, and keepalive off unless set") {
  const auto environment = testing::backend_ai_host();
  const auto config = valid(load_config(fixture("good-discover.yaml"), environment));
  REQUIRE(config.components.size() == 2);
  const auto& databases = config.components[0];
  REQUIRE(databases.discover.has_value());
  CHECK(databases.discover->kind == DiscoverConfig::Kind::databases);
  CHECK(databases.discover->pattern == "tenant\\_%");
  CHECK(databases.discover->exclude == std::vector<std::string>{"tenant_test%", "tenant_demo"});
  CHECK(databases.discover->refresh == 30s);
  CHECK(databases.discover->max_targets == 2000);
  CHECK_FALSE(databases.keepalive);
  const auto& schemas = config.components[1];
  REQUIRE(schemas.discover.has_value());
  CHECK(schemas.discover->kind == DiscoverConfig::Kind::schemas);
  CHECK(schemas.discover->pattern == "tenant_%");
  CHECK(schemas.discover->exclude.empty());
  CHECK(schemas.discover->refresh == 5min);
  CHECK(schemas.discover->max_targets == 1000);
  CHECK(schemas.keepalive);
}

TEST_CASE("the shard and the per-server connection cap") {
  const auto config = valid(parse_config(
      "shard: {index: 2, count: 3}\nmax_connections: 12\ncomponents:\n  - name: manager\n"
      "    alembic_ini: /opt/backend.ai/alembic.ini\n",
      "config.yaml", testing::backend_ai_host()));
  CHECK(config.shard == Shard{2, 3});
  CHECK(config.max_connections == 12);
}

TEST_CASE("a script_location component: relative paths, variables, overrides") {
  const std::string dir = CONFIG_FIXTURES;
  const auto environment = testing::fake_environment(
      {{"CONFIG_DIR", dir}, {"CREDENTIALS_DIRECTORY", "/run/credentials/x"}},
      {dir + "/web.yaml", "/run/credentials/x/app-db"},
      {dir + "/migrations", dir + "/migrations/versions"});
  const auto config = valid(load_config(fixture("good-script-location.yaml"), environment));
  CHECK(config.listen == std::vector<ListenAddress>{{"::1", 0}, {"127.0.0.1", 9747}});
  CHECK(config.interval == 90s);
  CHECK(config.timeout == 1500ms);
  CHECK(config.web_config_file == dir + "/web.yaml");
  CHECK(config.log == LogTarget::stderr_stream);
  REQUIRE(config.components.size() == 1);
  const auto& component = config.components[0];
  CHECK(component.name == "app.v2");
  CHECK(component.script_location == dir + "/migrations");
  CHECK(component.version_locations ==
        std::vector<std::string>{dir + "/migrations/versions", "app.models:extra_versions"});
  CHECK(component.recursive_version_locations);
  REQUIRE(component.database.url.has_value());
  CHECK(component.database.url->full ==
        "postgresql://exporter:hunter2@db.example:5432/app?sslmode=require&password=hunter2");
  CHECK(component.database.url->redacted ==
        "postgresql://exporter:****@db.example:5432/app?sslmode=require&password=****");
  CHECK(component.database.password_file == "/run/credentials/x/app-db");
  CHECK(component.version_table == "app_version");
  CHECK(component.version_table_schema == "audit");
  CHECK(component.expected_heads == 2);
  CHECK(component.interval == 1min);
  CHECK(component.upgrade_command == "alembic upgrade heads");
  CHECK_FALSE(component.keepalive);
  CHECK(component.ready_states == std::vector<State>{State::up_to_date, State::unknown_revision});
}

TEST_CASE("the example configurations are valid") {
  const std::string examples = CONFIG_EXAMPLES;
  const auto environment = testing::fake_environment({}, {"/srv/app/alembic.ini"}, {});
  CHECK(valid(load_config(examples + "/minimal.yaml", environment)).components.size() == 1);
  const auto with_credentials =
      testing::fake_environment({{"CREDENTIALS_DIRECTORY", "/run/credentials/x"}},
                                {"/srv/app/alembic.ini", "/run/credentials/x/app-db"},
                                {"/srv/app/migrations", "/srv/app/migrations/versions"});
  CHECK(valid(load_config(examples + "/postgresql.yaml", with_credentials))
            .components.at(0)
            .database.url->redacted.starts_with("postgresql://"));
  CHECK(valid(load_config(examples + "/mysql.yaml", with_credentials))
            .components.at(0)
            .database.url->redacted.starts_with("mysql+pymysql://"));
  CHECK(valid(load_config(examples + "/sqlite.yaml", with_credentials))
            .components.at(1)
            .database.url->full == "sqlite:////var/lib/worker/worker.db");
  const auto tenants = valid(load_config(
      examples + "/tenants.yaml",
      testing::fake_environment({{"CREDENTIALS_DIRECTORY", "/run/credentials/x"}},
                                {"/run/credentials/x/tenants-db"}, {"/srv/app/migrations"})));
  REQUIRE(tenants.components.at(0).discover.has_value());
  CHECK(tenants.components.at(0).discover->pattern == "tenant\\_%");

  const auto config = valid(load_config(examples + "/backend.ai.yaml", testing::backend_ai_host()));
  REQUIRE(config.components.size() == 3);
  CHECK(config.components[0].name == "manager");
  CHECK(config.components[0].interval == 15s);
  CHECK(config.components[0].upgrade_command == "./backend.ai mgr schema oneshot");
  CHECK(config.components[0].database.password_file ==
        "/run/credentials/alembic_exporter.service/manager-db");
  CHECK(config.components[1].name == "accountmgr");
  CHECK(config.components[1].alembic_ini == "/opt/backend.ai/alembic-accountmgr.ini");
  CHECK(config.components[1].interval == 30s);
  CHECK(config.components[2].name == "appproxy");
  CHECK(config.components[2].alembic_ini == "/opt/backend.ai/alembic-appproxy.ini");
}

}  // namespace
}  // namespace alembic_exporter::config
