#include "collectors/collector_factory.hpp"

#include <dlfcn.h>
#include <doctest/doctest.h>

#include <memory>
#include <string>
#include <vector>

#include "tests/unit/inotify_census.hpp"
#include "tests/unit/temporary_directory.hpp"

namespace alembic_exporter {
namespace {

using alembic_exporter::testing::inotify_census;
using TempDir = alembic_exporter::testing::TemporaryDirectory;

std::string revision_file(const std::string& id, const std::string& down) {
  return "revision = '" + id + "'\ndown_revision = " + (down.empty() ? "None" : "'" + down + "'") +
         "\n";
}

/// A component on `script_location` whose database is at `current` (no database needed).
ComponentSource source(const std::string& name, const std::string& script_location,
                       const std::string& current) {
  ComponentSource made;
  made.name = name;
  made.script_location = script_location;
  made.current_override = std::vector<std::string>{current};
  return made;
}

/// A component on `script_location` whose database is `url`.
ComponentSource with_database(const std::string& name, const std::string& script_location,
                              const std::string& url) {
  ComponentSource made;
  made.name = name;
  made.script_location = script_location;
  made.database_url = url;
  return made;
}

bool libmariadb_loaded() {
  void* handle = dlopen("libmariadb.so.3", RTLD_LAZY | RTLD_NOLOAD);
  if (handle != nullptr) dlclose(handle);  // RTLD_NOLOAD took a reference
  return handle != nullptr;
}

std::vector<ComponentStatus> check_all(asio::io_context& io,
                                       std::vector<std::unique_ptr<Collector>>& collectors) {
  std::vector<ComponentStatus> statuses(collectors.size());
  for (std::size_t i = 0; i < collectors.size(); ++i) {
    collectors[i]->check([&statuses, i](ComponentStatus status) { statuses[i] = status; });
  }
  io.restart();
  io.run();
  return statuses;
}

TEST_CASE("components on one script tree share one watch on one inotify instance") {
  TempDir app;
  app.write("versions/a1.py", revision_file("a1", ""));
  app.write("versions/b2.py", revision_file("b2", "a1"));
  TempDir other;
  other.write("versions/c3.py", revision_file("c3", ""));
  const auto before = inotify_census();

  asio::io_context io;
  CollectorFactory factory;
  std::vector<std::unique_ptr<Collector>> collectors;
  for (int i = 0; i < 150; ++i) {
    auto made = factory.make(io, source("tenant" + std::to_string(i), app.path(), "a1"));
    REQUIRE(std::holds_alternative<std::unique_ptr<Collector>>(made));
    collectors.push_back(std::move(std::get<std::unique_ptr<Collector>>(made)));
  }
  auto made = factory.make(io, source("other", other.path(), "c3"));
  REQUIRE(std::holds_alternative<std::unique_ptr<Collector>>(made));
  collectors.push_back(std::move(std::get<std::unique_ptr<Collector>>(made)));

  for (const auto& status : check_all(io, collectors)) {
    CHECK(status.state == (status.component == "other" ? State::up_to_date : State::behind));
  }
  // The first scan of a tree sets no watch (see ScriptDirectory::scan); the second one does.
  check_all(io, collectors);
  CHECK(inotify_census().instances == before.instances + 1);
  CHECK(inotify_census().watches == before.watches + 2);

  // A change seen through the one watch reaches every component on the tree.
  app.write("versions/c3.py", revision_file("c3", "b2"));
  for (const auto& status : check_all(io, collectors)) {
    if (status.component == "other") continue;
    CHECK(status.state == State::behind);
    REQUIRE(status.heads.size() == 1);
    CHECK(status.heads[0].revision == "c3");
  }

  collectors.clear();
  CHECK(inotify_census().watches == before.watches);
}

TEST_CASE("MariaDB Connector/C is loaded when the first MySQL component is made, not before") {
  TempDir app;
  app.write("versions/a1.py", revision_file("a1", ""));
  REQUIRE_FALSE(libmariadb_loaded());

  asio::io_context io;
  CollectorFactory factory;
  for (const auto& url : {"postgresql://alembic@localhost/app", "sqlite:///app.db"}) {
    CAPTURE(url);
    CHECK(std::holds_alternative<std::unique_ptr<Collector>>(
        factory.make(io, with_database("other", app.path(), url))));
    CHECK_FALSE(libmariadb_loaded());
  }

  const auto made =
      factory.make(io, with_database("shop", app.path(), "mysql://alembic@localhost/shop"));
  CHECK(std::holds_alternative<std::unique_ptr<Collector>>(made));
  CHECK(libmariadb_loaded());
}

}  // namespace
}  // namespace alembic_exporter
