#include "collectors/socket_watch.hpp"

#include <doctest/doctest.h>
#include <sys/socket.h>
#include <unistd.h>

namespace alembic_exporter::postgres {
namespace {

/// Two connected unix stream sockets, as libpq's socket and the server's end.
struct SocketPair {
  int ends[2]{-1, -1};
  SocketPair() { REQUIRE(::socketpair(AF_UNIX, SOCK_STREAM, 0, ends) == 0); }
  ~SocketPair() {
    ::close(ends[0]);
    ::close(ends[1]);
  }
  SocketPair(const SocketPair&) = delete;
  SocketPair& operator=(const SocketPair&) = delete;
};

TEST_CASE("ready_now tells readiness without waiting") {
  asio::io_context io;
  SocketPair pair;
  SocketWatch watch(io);
  REQUIRE_FALSE(watch.follow(pair.ends[0]));
  CHECK(watch.ready_now(SocketWatch::Direction::write));
  CHECK_FALSE(watch.ready_now(SocketWatch::Direction::read));
  REQUIRE(::write(pair.ends[1], "R", 1) == 1);
  CHECK(watch.ready_now(SocketWatch::Direction::read));
}

TEST_CASE("a wait on a socket that is ready completes through the io_context, not inside wait") {
  asio::io_context io;
  SocketPair pair;
  SocketWatch watch(io);
  REQUIRE_FALSE(watch.follow(pair.ends[0]));
  int completions = 0;
  watch.wait(SocketWatch::Direction::write, [&](asio::error_code error) {
    CHECK_FALSE(error);
    ++completions;
  });
  CHECK(completions == 0);
  io.run();
  CHECK(completions == 1);
}

}  // namespace
}  // namespace alembic_exporter::postgres
