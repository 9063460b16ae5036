#include "collectors/limited_reader.hpp"

#include <doctest/doctest.h>

#include <algorithm>
#include <asio/io_context.hpp>
#include <asio/post.hpp>
#include <initializer_list>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "collectors/server_slots.hpp"

namespace alembic_exporter {
namespace {

/// What the fake readers of one server saw: reads in flight now and at most, reads started in
/// order, cancels received.
struct FakeServer {
  int in_flight = 0;
  int most_in_flight = 0;
  std::vector<int> started;
  std::vector<int> cancelled;
};

/// An inner reader that reads until the test finishes it (finish()) or, with `auto_finish`,
/// on the next turn of the io_context.
class FakeReader final : public VersionReader {
 public:
  FakeReader(asio::io_context& io, FakeServer& server, int id, bool auto_finish)
      : io_(io), server_(server), id_(id), auto_finish_(auto_finish) {}

  void read(std::function<void(ReadOutcome)> done) override {
    done_ = std::move(done);
    server_.started.push_back(id_);
    server_.most_in_flight = std::max(server_.most_in_flight, ++server_.in_flight);
    if (auto_finish_) asio::post(io_, [this] { finish(); });
  }
  void cancel() override { server_.cancelled.push_back(id_); }

  void finish() {
    --server_.in_flight;
    asio::post(io_, [done = std::exchange(done_, nullptr)] {
      done(VersionTableRows{{"a1"}, false});
    });
  }

 private:
  asio::io_context& io_;
  FakeServer& server_;
  int id_;
  bool auto_finish_;
  std::function<void(ReadOutcome)> done_;
};

struct Fleet {
  asio::io_context io;
  FakeServer server;
  ServerSlots servers;
  std::vector<FakeReader*> inner;
  std::vector<std::unique_ptr<LimitedReader>> readers;
  std::vector<std::optional<ReadOutcome>> outcomes;

  Fleet(std::size_t cap, int count, bool auto_finish) : servers(cap) {
    for (int i = 0; i < count; ++i) {
      auto fake = std::make_unique<FakeReader>(io, server, i, auto_finish);
      inner.push_back(fake.get());
      readers.push_back(
          std::make_unique<LimitedReader>(io, std::move(fake), servers.of("db:5432"), "db:5432"));
      outcomes.emplace_back();
    }
  }
  /// Starts a read of each reader in `ids`, in that order.
  void read(std::initializer_list<int> ids) {
    for (const int i : ids) {
      readers[i]->read([this, i](ReadOutcome outcome) { outcomes[i] = std::move(outcome); });
    }
  }
  void run() {
    io.restart();
    io.run();
  }
};

TEST_CASE("never more than max_connections reads in flight, granted in the order asked") {
  Fleet fleet(3, 12, true);
  fleet.read({0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11});
  CHECK(fleet.server.in_flight == 3);
  fleet.run();
  CHECK(fleet.server.most_in_flight == 3);
  CHECK(fleet.server.started == std::vector<int>{0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11});
  for (const auto& outcome : fleet.outcomes) {
    REQUIRE(outcome);
    CHECK(std::get<VersionTableRows>(*outcome).revisions == std::vector<std::string>{"a1"});
  }
  CHECK(fleet.servers.of("db:5432")->in_use() == 0);
}

TEST_CASE("waiters are served in the order they asked, whatever their order of creation") {
  Fleet fleet(1, 4, true);
  fleet.read({3, 1, 2, 0});
  fleet.run();
  CHECK(fleet.server.started == std::vector<int>{3, 1, 2, 0});
  CHECK(fleet.server.most_in_flight == 1);
}

TEST_CASE("the inner read, hence its budget, starts only when the slot is granted") {
  Fleet fleet(1, 2, false);
  fleet.read({0, 1});
  fleet.run();
  CHECK(fleet.server.started == std::vector<int>{0});
  CHECK_FALSE(fleet.outcomes[1]);
  fleet.inner[0]->finish();
  fleet.run();
  CHECK(fleet.server.started == std::vector<int>{0, 1});
}

TEST_CASE("cancel while waiting finishes the read as a timeout and takes no slot") {
  Fleet fleet(1, 3, false);
  fleet.read({0, 1});
  fleet.readers[1]->cancel();
  CHECK_FALSE(fleet.outcomes[1]);  // never inside cancel()
  fleet.run();
  REQUIRE(fleet.outcomes[1]);
  const auto& failure = std::get<ReadFailure>(*fleet.outcomes[1]);
  CHECK(failure.reason == FailureReason::timeout);
  CHECK(failure.detail.find("db:5432") != std::string::npos);
  CHECK(fleet.server.cancelled.empty());
  CHECK(fleet.servers.of("db:5432")->in_use() == 1);  // reader 0's, nothing freed

  fleet.read({2});
  fleet.inner[0]->finish();
  fleet.run();
  CHECK(fleet.server.started == std::vector<int>{0, 2});
  fleet.inner[2]->finish();
  fleet.run();
  CHECK(fleet.servers.of("db:5432")->in_use() == 0);

  fleet.read({1});  // a cancelled reader reads again
  fleet.inner[1]->finish();
  fleet.run();
  CHECK(std::holds_alternative<VersionTableRows>(*fleet.outcomes[1]));
}

TEST_CASE("cancel while reading is passed to the inner reader") {
  Fleet fleet(1, 1, false);
  fleet.read({0});
  fleet.readers[0]->cancel();
  CHECK(fleet.server.cancelled == std::vector<int>{0});
  fleet.inner[0]->finish();
  fleet.run();
  CHECK(fleet.outcomes[0]);
}

TEST_CASE("destroying a waiting reader leaves the queue; a reading one gives its slot back") {
  Fleet fleet(1, 4, false);
  fleet.read({0, 1, 2});
  fleet.readers[1].reset();  // waiting
  fleet.readers[0].reset();  // reading: its slot goes to reader 2, the next waiter
  CHECK(fleet.server.started == std::vector<int>{0});  // not before the loop turns
  fleet.run();
  CHECK(fleet.server.started == std::vector<int>{0, 2});
  const auto slots = fleet.servers.of("db:5432");
  CHECK(slots->in_use() == 1);
  CHECK(slots->waiting() == 0);
  fleet.inner[2]->finish();
  fleet.run();
  CHECK(slots->in_use() == 0);
  CHECK_FALSE(fleet.outcomes[0]);
  CHECK_FALSE(fleet.outcomes[1]);
  CHECK(fleet.outcomes[2]);
}

TEST_CASE("destroying every reader at once (shutdown) starts none of the waiting ones") {
  Fleet fleet(2, 6, false);
  fleet.read({0, 1, 2, 3, 4, 5});
  const auto slots = fleet.servers.of("db:5432");
  fleet.readers.clear();
  fleet.run();
  CHECK(fleet.server.started == std::vector<int>{0, 1});
  CHECK(slots->in_use() == 0);
  CHECK(slots->waiting() == 0);
}

TEST_CASE("a cancelled wait whose reader is destroyed before the completion runs does nothing") {
  Fleet fleet(1, 2, false);
  fleet.read({0, 1});
  fleet.readers[1]->cancel();
  fleet.readers[1].reset();
  fleet.run();
  CHECK_FALSE(fleet.outcomes[1]);
}

TEST_CASE("overlapping reads are refused") {
  Fleet fleet(1, 2, false);
  fleet.read({0, 1});
  CHECK_THROWS_AS(fleet.read({0}), std::logic_error);
  CHECK_THROWS_AS(fleet.read({1}), std::logic_error);
}

TEST_CASE("a larger cap grants waiters at once; a smaller one lets the excess run out") {
  Fleet fleet(1, 4, false);
  fleet.read({0, 1, 2, 3});
  fleet.servers.set_per_server(3);
  CHECK(fleet.server.started == std::vector<int>{0, 1, 2});
  fleet.servers.set_per_server(1);
  fleet.inner[0]->finish();
  fleet.inner[1]->finish();
  fleet.run();
  CHECK(fleet.server.started == std::vector<int>{0, 1, 2});  // 1 still in use, cap 1
  fleet.inner[2]->finish();
  fleet.run();
  CHECK(fleet.server.started == std::vector<int>{0, 1, 2, 3});
}

TEST_CASE("servers have slots of their own") {
  ServerSlots servers(1);
  const auto first = servers.of("db1:5432");
  CHECK(first->try_acquire());
  CHECK_FALSE(servers.of("db1:5432")->try_acquire());
  CHECK(servers.of("db2:5432")->try_acquire());
}

}  // namespace
}  // namespace alembic_exporter
