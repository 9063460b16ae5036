#include "config/normalized_config.hpp"

#include <doctest/doctest.h>

#include <string>

#include "config/load_config.hpp"
#include "tests/unit/config/fake_environment.hpp"

namespace alembic_exporter::config {
namespace {

ValidatedConfig valid(const ConfigResult& result) {
  if (const auto* problems = std::get_if<std::vector<ConfigProblem>>(&result)) {
    for (const auto& problem : *problems) FAIL_CHECK(problem.to_string());
  }
  REQUIRE(std::holds_alternative<ValidatedConfig>(result));
  return std::get<ValidatedConfig>(result);
}

constexpr const char* config_text = R"(listen: ["[::1]:9747"]
interval: 90s
components:
  - name: manager
    alembic_ini: /opt/backend.ai/alembic.ini
    database:
      url: postgresql://exporter:hunter2@localhost:8100/backend
      password_file: ${CREDENTIALS_DIRECTORY}/manager-db
  - name: app
    script_location: /srv/app/migrations
    database:
      url: postgresql://exporter@localhost:8100/app
    interval: 500ms
)";

TEST_CASE("the normalized configuration has every default and no password") {
  const auto config = valid(parse_config(config_text, "config.yaml", testing::backend_ai_host()));
  CHECK(render_normalized(config) == R"(listen: ["[::1]:9747"]
interval: 1m30s
timeout: 5s
web_config_file: ~
log: auto
shard: {index: 0, count: 1}
max_connections: 4
components:
  - name: manager
    alembic_ini: /opt/backend.ai/alembic.ini
    alembic_section: alembic
    source_roots: []
    database:
      url: postgresql://exporter:****@localhost:8100/backend
      password_file: /run/credentials/alembic_exporter.service/manager-db
    version_table: alembic_version
    version_table_schema: ~
    expected_heads: 1
    interval: 1m30s
    upgrade_command: alembic -c /opt/backend.ai/alembic.ini upgrade heads
    merge_command: alembic -c /opt/backend.ai/alembic.ini merge heads
    keepalive: true
    ready_states: [up_to_date]
  - name: app
    script_location: /srv/app/migrations
    version_locations: []
    recursive_version_locations: false
    source_roots: []
    database:
      url: postgresql://exporter@localhost:8100/app
      password_file: ~
    version_table: alembic_version
    version_table_schema: ~
    expected_heads: 1
    interval: 500ms
    upgrade_command: alembic upgrade heads
    merge_command: alembic merge heads
    keepalive: true
    ready_states: [up_to_date]
)");
}

TEST_CASE("the normalized configuration validates to the same configuration") {
  const auto environment = testing::backend_ai_host();
  const auto first = render_normalized(valid(parse_config(config_text, "a.yaml", environment)));
  const auto second = render_normalized(valid(parse_config(first, "b.yaml", environment)));
  CHECK(second == first);
}

TEST_CASE("values that look like YAML syntax survive the round trip") {
  const auto environment = testing::fake_environment({}, {"/opt/a: b/#x.ini"}, {});
  const auto config =
      valid(parse_config("components:\n  - name: x\n    alembic_ini: '/opt/a: b/#x.ini'\n"
                         "    upgrade_command: '- [make] upgrade: \"now\" # really'\n",
                         "c.yaml", environment));
  const auto again = valid(parse_config(render_normalized(config), "d.yaml", environment));
  CHECK(again.components.at(0).alembic_ini == "/opt/a: b/#x.ini");
  CHECK(again.components.at(0).upgrade_command == "- [make] upgrade: \"now\" # really");
}

}  // namespace
}  // namespace alembic_exporter::config
