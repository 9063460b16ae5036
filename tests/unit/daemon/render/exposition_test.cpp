#include "daemon/render/exposition.hpp"

#include <doctest/doctest.h>

#include <clocale>
#include <cstdlib>
#include <fstream>
#include <locale>
#include <sstream>

#include "daemon/core/build_info.hpp"

namespace alembic_exporter::render {
namespace {

using std::chrono::milliseconds;
using std::chrono::system_clock;

const system_clock::time_point checked_at{milliseconds(1764000000250)};

std::shared_ptr<const core::ComponentSnapshot> component(ComponentStatus status) {
  auto result = std::make_shared<core::ComponentSnapshot>();
  status.checked_at = checked_at;
  status.check_duration = std::chrono::duration<double>(0.0125);
  if (status.database_read) result->last_success = checked_at;
  result->interval = milliseconds(30000);
  result->state_since = system_clock::time_point(milliseconds(1763998200000));
  result->status = std::move(status);
  return result;
}

/// One component per interesting state, as a check would have left them.
core::Snapshot fixture_snapshot() {
  ComponentStatus behind;
  behind.component = "manager";
  behind.state = State::behind;
  behind.database_read = true;
  behind.pending = 2;
  behind.current = {{"abc123def456", "Add session status field"}};
  behind.heads = {{"def456ghi789", "Add domain fair share"}};
  behind.script_revisions = 120;
  behind.migration =
      MigrationInProgress{4242, system_clock::time_point(milliseconds(1763999700500)), "alembic"};
  behind.script_warnings = {{"dynamic_branch_labels", "versions/c1.py", 5, 18, "labels"},
                            {"dynamic_branch_labels", "versions/c2.py", 5, 18, "labels"}};
  auto manager = component(behind);

  ComponentStatus diverged;
  diverged.component = "accountmgr";
  diverged.state = State::diverged;
  diverged.database_read = true;
  diverged.pending = 3;
  diverged.current = {{"a1", ""}, {"b2", ""}};
  diverged.heads = {{"c3", ""}, {"d4", ""}};
  diverged.script_revisions = 9;
  auto accountmgr = std::make_shared<core::ComponentSnapshot>(*component(diverged));
  accountmgr->state_changes = 4;

  ComponentStatus unreachable;
  unreachable.component = "appproxy";
  unreachable.state = State::unreachable;
  unreachable.reason = "connection_refused";
  unreachable.heads = {{"e5", ""}};
  unreachable.script_revisions = 1;
  auto appproxy = std::make_shared<core::ComponentSnapshot>(*component(unreachable));
  appproxy->check_errors["connection_refused"] = 7;

  core::Snapshot snapshot;
  snapshot.components = {manager, accountmgr, appproxy};
  snapshot.config_reload_successful = true;
  snapshot.config_reload_success_time = system_clock::time_point(milliseconds(1763999990000));
  return snapshot;
}

std::string replace_all(std::string text, const std::string& from, const std::string& to) {
  for (auto at = text.find(from); at != std::string::npos; at = text.find(from, at + to.size())) {
    text.replace(at, from.size(), to);
  }
  return text;
}

/// The exposition with the build's version and revision replaced by stable placeholders.
std::string stable_exposition() {
  std::string text = exposition_text(fixture_snapshot());
  text = replace_all(text, std::string("revision=\"") + core::build::revision + '"',
                     "revision=\"REVISION\"");
  return replace_all(text, std::string("version=\"") + core::build::version + '"',
                     "version=\"VERSION\"");
}

TEST_CASE("exposition of the fixture states equals the golden file") {
  const char* fixtures = std::getenv("FIXTURES_DIR");
  REQUIRE(fixtures != nullptr);
  const std::string golden_path = std::string(fixtures) + "/metrics/states.prom";
  const std::string actual = stable_exposition();
  if (std::getenv("UPDATE_GOLDEN") != nullptr) std::ofstream(golden_path) << actual;
  std::ifstream golden(golden_path);
  REQUIRE(golden.good());
  std::stringstream expected;
  expected << golden.rdbuf();
  CHECK(actual == expected.str());
}

TEST_CASE("a comma-decimal global locale does not change the exposition") {
  const std::string before = exposition_text(fixture_snapshot());
  const char* previous = std::setlocale(LC_ALL, nullptr);
  const std::string saved = previous == nullptr ? "C" : previous;
  // ./run deps generates de_DE.UTF-8; its decimal separator is a comma.
  std::locale::global(std::locale("de_DE.UTF-8"));
  REQUIRE(std::use_facet<std::numpunct<char>>(std::locale()).decimal_point() == ',');
  const std::string after = exposition_text(fixture_snapshot());
  std::locale::global(std::locale::classic());
  std::setlocale(LC_ALL, saved.c_str());
  CHECK(after == before);
  CHECK(after.find("alembic_check_duration_seconds{component=\"manager\"} 0.0125") !=
        std::string::npos);
}

TEST_CASE("all seven states are present for every component, one of them set") {
  const std::string text = exposition_text(fixture_snapshot());
  for (const char* name : {"manager", "accountmgr", "appproxy"}) {
    int series = 0;
    int set = 0;
    for (const State state : all_states) {
      const std::string prefix = std::string("alembic_status{component=\"") + name + "\",state=\"" +
                                 std::string(to_string(state)) + "\"} ";
      const auto at = text.find(prefix);
      if (at == std::string::npos) continue;
      ++series;
      if (text.compare(at + prefix.size(), 1, "1") == 0) ++set;
    }
    CHECK(series == 7);
    CHECK(set == 1);
  }
}

TEST_CASE("the replica's shard: its index as a label, the shard count as the value") {
  core::Snapshot snapshot;
  snapshot.shard = config::Shard{2, 5};
  const std::string text = exposition_text(snapshot);
  CHECK(text.find("\nalembic_exporter_shards{index=\"2\"} 5\n") != std::string::npos);
}

TEST_CASE("unknown values are absent, not zero") {
  const std::string text = exposition_text(fixture_snapshot());
  CHECK(text.find("alembic_pending_migrations{component=\"appproxy\"}") == std::string::npos);
  CHECK(text.find("alembic_current_revisions_count{component=\"appproxy\"}") == std::string::npos);
  CHECK(text.find("alembic_last_success_timestamp_seconds{component=\"appproxy\"}") ==
        std::string::npos);
  CHECK(text.find("alembic_up{component=\"appproxy\"} 0") != std::string::npos);
}

TEST_CASE("error counts merge with the zero series of every known reason in byte order") {
  auto counted = std::make_shared<core::ComponentSnapshot>();
  counted->status.component = "manager";
  counted->check_errors = {{"aaa_unlisted", 2}, {"timeout", 3}, {"zzz_unlisted", 1}};
  core::Snapshot snapshot;
  snapshot.components = {counted};
  const std::string text = exposition_text(snapshot);
  std::string lines;
  const std::string prefix = "alembic_check_errors_total{component=\"manager\",reason=\"";
  for (auto at = text.find(prefix); at != std::string::npos; at = text.find(prefix, at + 1)) {
    lines += text.substr(at + prefix.size(), text.find('\n', at) - at - prefix.size()) + ';';
  }
  CHECK(lines ==
        "aaa_unlisted\"} 2;auth_failed\"} 0;connection_refused\"} 0;database_missing\"} 0;"
        "dns\"} 0;permission_denied\"} 0;protocol\"} 0;query_failed\"} 0;script_error\"} 0;"
        "ssl\"} 0;timeout\"} 3;zzz_unlisted\"} 1;");
}

}  // namespace
}  // namespace alembic_exporter::render
