#include "daemon/render/readiness.hpp"

#include <doctest/doctest.h>

namespace alembic_exporter::render {
using core::ComponentSnapshot;
using core::Snapshot;

namespace {

std::shared_ptr<const ComponentSnapshot> checked(const std::string& name, State state,
                                                 std::vector<State> ready_states,
                                                 std::optional<std::size_t> pending = {}) {
  auto component = std::make_shared<ComponentSnapshot>();
  component->status.component = name;
  component->status.state = state;
  component->status.pending = pending;
  component->ready_states = std::move(ready_states);
  return component;
}

Snapshot snapshot() {
  Snapshot result;
  result.configured = {"manager", "accountmgr", "appproxy"};
  result.components = {
      checked("manager", State::up_to_date, {State::up_to_date}, 0),
      checked("accountmgr", State::behind, {State::up_to_date}, 3),
      checked("appproxy", State::unknown_revision, {State::up_to_date, State::unknown_revision}),
  };
  return result;
}

TEST_CASE("ready when every selected component is in one of its ready states") {
  const auto answer = readiness(snapshot(), {"manager", "appproxy"});
  CHECK(answer.status == 200);
  CHECK(answer.body ==
        R"({"ready":true,"components":[{"name":"manager","state":"up_to_date","pending":0,)"
        R"("ready":true},{"name":"appproxy","state":"unknown_revision","pending":null,)"
        R"("ready":true}]})"
        "\n");
}

TEST_CASE("not ready when one is not; without a selection every component counts") {
  const auto answer = readiness(snapshot(), {});
  CHECK(answer.status == 503);
  CHECK(answer.body.starts_with(R"({"ready":false,"components":[{"name":"manager")"));
  CHECK(answer.body.find(R"({"name":"accountmgr","state":"behind","pending":3,"ready":false})") !=
        std::string::npos);
}

TEST_CASE("a configured component without a finished check is not ready") {
  Snapshot value = snapshot();
  value.components.pop_back();
  const auto answer = readiness(value, {"appproxy"});
  CHECK(answer.status == 503);
  CHECK(answer.body ==
        R"({"ready":false,"components":[{"name":"appproxy","state":null,"pending":null,)"
        R"("ready":false}]})"
        "\n");
}

TEST_CASE("an unknown component is 404") {
  const auto answer = readiness(snapshot(), {"manager", "billing"});
  CHECK(answer.status == 404);
  CHECK(answer.body == "{\"error\":\"unknown component 'billing'\"}\n");
}

}  // namespace
}  // namespace alembic_exporter::render

namespace alembic_exporter::render {
namespace {

std::shared_ptr<const ComponentSnapshot> target(const std::string& database, State state) {
  auto component =
      std::make_shared<ComponentSnapshot>(*checked("tenants", state, {State::up_to_date}));
  component->status.target_database = database;
  return component;
}

TEST_CASE("a discovering component is ready when every one of its targets is") {
  Snapshot value;
  value.configured = {"tenants"};
  value.discovered_targets = {{"tenants", 2}};
  value.components = {target("tenant_a", State::up_to_date), target("tenant_b", State::behind)};
  const auto answer = readiness(value, {"tenants"});
  CHECK(answer.status == 503);
  CHECK(answer.body == R"({"ready":false,"components":[{"name":"tenants","database":"tenant_a",)"
                       R"("state":"up_to_date","pending":null,"ready":true},{"name":"tenants",)"
                       R"("database":"tenant_b","state":"behind","pending":null,"ready":false}]})"
                       "\n");
  value.components.pop_back();
  CHECK(readiness(value, {"tenants"}).status == 200);
}

TEST_CASE("a discovering component that listed no target is ready; one not yet listed is not") {
  Snapshot value;
  value.configured = {"tenants"};
  CHECK(readiness(value, {"tenants"}).status == 503);
  value.discovered_targets = {{"tenants", 0}};
  CHECK(readiness(value, {"tenants"}).status == 200);
}

}  // namespace
}  // namespace alembic_exporter::render
