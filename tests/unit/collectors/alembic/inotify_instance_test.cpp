#include "collectors/alembic/inotify_instance.hpp"

#include <doctest/doctest.h>

#include <memory>
#include <vector>

#include "collectors/alembic/directory_watch.hpp"
#include "tests/unit/inotify_census.hpp"
#include "tests/unit/temporary_directory.hpp"

namespace alembic_exporter::alembic {
namespace {

using alembic_exporter::testing::inotify_census;
using TempDir = alembic_exporter::testing::TemporaryDirectory;

TEST_CASE("an event concerns exactly the sets that watch its directory") {
  TempDir dir;
  dir.write("a/keep", "");
  dir.write("b/keep", "");
  InotifyInstance inotify;
  const auto only_a = inotify.open_set();
  const auto both = inotify.open_set();
  const auto only_b = inotify.open_set();
  REQUIRE(inotify.add(only_a, dir.path("a")) >= 0);
  REQUIRE(inotify.add(both, dir.path("a")) >= 0);
  REQUIRE(inotify.add(both, dir.path("b")) >= 0);
  REQUIRE(inotify.add(only_b, dir.path("b")) >= 0);
  CHECK_FALSE(inotify.changed(only_a));
  CHECK_FALSE(inotify.changed(both));
  CHECK_FALSE(inotify.changed(only_b));

  dir.write("b/new.py", "revision = 'x'\n");
  CHECK_FALSE(inotify.changed(only_a));
  CHECK(inotify.changed(both));
  CHECK(inotify.changed(only_b));
  CHECK_FALSE(inotify.changed(both));  // told once
}

TEST_CASE("a directory two sets watch is watched once, until the last set lets it go") {
  TempDir dir;
  dir.write("a/keep", "");
  const int before = inotify_census().watches;
  InotifyInstance inotify;
  const auto first = inotify.open_set();
  const auto second = inotify.open_set();
  const int watch = inotify.add(first, dir.path("a"));
  REQUIRE(watch >= 0);
  CHECK(inotify.add(second, dir.path("a")) == watch);
  CHECK(inotify_census().watches == before + 1);

  inotify.remove(first, watch);
  dir.write("a/new.py", "");
  CHECK(inotify.changed(second));
  CHECK(inotify_census().watches == before + 1);

  inotify.close_set(second);
  CHECK(inotify_census().watches == before);
}

TEST_CASE("a deleted directory tells its sets, and its watch is gone") {
  TempDir dir;
  dir.write("a/keep", "");
  InotifyInstance inotify;
  const auto set = inotify.open_set();
  const int watch = inotify.add(set, dir.path("a"));
  REQUIRE(watch >= 0);
  std::filesystem::remove_all(dir.path("a"));
  CHECK(inotify.changed(set));
  inotify.remove(set, watch);  // already gone: harmless
  CHECK_FALSE(inotify.changed(set));
}

TEST_CASE("two hundred watch sets use one inotify instance") {
  TempDir dir;
  dir.write("versions/keep", "");
  const auto before = inotify_census();
  auto inotify = std::make_shared<InotifyInstance>();
  std::vector<DirectoryWatch> watches;
  for (int i = 0; i < 200; ++i) {
    watches.emplace_back(inotify);
    watches.back().restart();
    watches.back().add(dir.path("versions"));
    watches.back().prune();
  }
  for (auto& watch : watches) CHECK(watch.quiet());
  CHECK(inotify_census().instances == before.instances + 1);
  CHECK(inotify_census().watches == before.watches + 1);

  dir.write("versions/new.py", "");
  for (auto& watch : watches) CHECK_FALSE(watch.quiet());
  for (auto& watch : watches) CHECK(watch.quiet());
  watches.clear();
  CHECK(inotify_census().watches == before.watches);
}

}  // namespace
}  // namespace alembic_exporter::alembic
