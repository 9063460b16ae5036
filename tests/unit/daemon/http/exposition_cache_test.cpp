#include "daemon/http/exposition_cache.hpp"

#include <doctest/doctest.h>

#include <condition_variable>
#include <mutex>
#include <thread>

#include "daemon/http/gzip.hpp"
#include "daemon/render/exposition.hpp"

namespace alembic_exporter::http {
namespace {

std::shared_ptr<const core::ComponentSnapshot> manager(State state, std::uint64_t state_changes) {
  auto component = std::make_shared<core::ComponentSnapshot>();
  component->status.component = "manager";
  component->status.state = state;
  component->status.database_read = true;
  component->status.heads = {{"def456ghi789", ""}};
  component->status.current = {{state == State::behind ? "abc123def456" : "def456ghi789", ""}};
  component->status.pending = state == State::behind ? 1 : 0;
  component->state_changes = state_changes;
  return component;
}

std::shared_ptr<const core::Snapshot> snapshot_of(
    std::shared_ptr<const core::ComponentSnapshot> component) {
  auto snapshot = std::make_shared<core::Snapshot>();
  snapshot->components = {std::move(component)};
  return snapshot;
}

TEST_CASE("the cached body is the snapshot's exposition, plain and gzip") {
  ExpositionCache cache;
  const auto snapshot = snapshot_of(manager(State::behind, 0));
  const std::string fresh = render::exposition_text(*snapshot);
  CHECK(*cache.text(snapshot) == fresh);
  CHECK(*cache.gzip(snapshot) == gzip_open(fresh));
  CHECK(*cache.text(snapshot) == fresh);
}

TEST_CASE("scrapes of an unchanged snapshot share one rendering") {
  ExpositionCache cache;
  const auto snapshot = snapshot_of(manager(State::behind, 0));
  const auto first = cache.text(snapshot);
  CHECK(cache.text(snapshot) == first);
  const auto first_gzip = cache.gzip(snapshot);
  CHECK(cache.gzip(snapshot) == first_gzip);
  CHECK(cache.text(snapshot) == first);
}

TEST_CASE("a state change is rendered anew, and the previous body stays intact for its reader") {
  ExpositionCache cache;
  const auto behind = snapshot_of(manager(State::behind, 0));
  const auto old_text = cache.text(behind);
  const auto old_gzip = cache.gzip(behind);
  const std::string old_copy = *old_text;

  const auto up_to_date = snapshot_of(manager(State::up_to_date, 1));
  const std::string fresh = render::exposition_text(*up_to_date);
  REQUIRE(fresh != old_copy);
  const auto new_gzip = cache.gzip(up_to_date);
  CHECK(*new_gzip == gzip_open(fresh));
  CHECK(new_gzip != old_gzip);
  const auto new_text = cache.text(up_to_date);
  CHECK(*new_text == fresh);
  CHECK(new_text->find("alembic_status{component=\"manager\",state=\"up_to_date\"} 1\n") !=
        std::string::npos);
  CHECK(new_text->find("alembic_state_changes_total{component=\"manager\"} 1\n") !=
        std::string::npos);
  CHECK(*old_text == old_copy);
}

TEST_CASE("an equal but newly published snapshot is rendered from its own contents") {
  // The cache keys on the published snapshot, not on an address that a freed one could reuse.
  ExpositionCache cache;
  cache.text(snapshot_of(manager(State::behind, 0)));
  const auto next = snapshot_of(manager(State::up_to_date, 1));
  CHECK(*cache.text(next) == render::exposition_text(*next));
}

TEST_CASE("while one scrape renders a new snapshot, the others get the previous body at once") {
  std::mutex gate;
  std::condition_variable changed;
  int renders = 0;
  bool release = false;
  ExpositionCache cache([&](const core::Snapshot& snapshot) {
    std::unique_lock lock(gate);
    if (++renders == 2) {
      changed.notify_all();
      changed.wait(lock, [&] { return release; });
    }
    return render::exposition_text(snapshot);
  });
  const auto previous = cache.text(snapshot_of(manager(State::behind, 0)));
  const auto up_to_date = snapshot_of(manager(State::up_to_date, 1));
  std::shared_ptr<const std::string> rendered;
  std::thread renderer([&] { rendered = cache.text(up_to_date); });
  {
    std::unique_lock lock(gate);
    changed.wait(lock, [&] { return renders == 2; });
  }
  // A deadlock here (a scrape waiting for the rendering) ends in meson's test timeout.
  CHECK(cache.text(up_to_date) == previous);
  CHECK(cache.gzip(up_to_date) != nullptr);
  {
    const std::lock_guard lock(gate);
    release = true;
  }
  changed.notify_all();
  renderer.join();
  CHECK(*rendered == render::exposition_text(*up_to_date));
  CHECK(cache.text(up_to_date) == rendered);
  CHECK(renders == 2);
}

}  // namespace
}  // namespace alembic_exporter::http
