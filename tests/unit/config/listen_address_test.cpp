#include "config/listen_address.hpp"

#include <doctest/doctest.h>

#include <string>
#include <string_view>

namespace alembic_exporter::config {
namespace {

ListenAddress parsed(std::string_view text) {
  const auto result = parse_listen_address(text);
  REQUIRE(std::holds_alternative<ListenAddress>(result));
  return std::get<ListenAddress>(result);
}

std::string error(std::string_view text) {
  const auto result = parse_listen_address(text);
  REQUIRE(std::holds_alternative<ParseError>(result));
  return std::get<ParseError>(result).message;
}

TEST_CASE("IPv4 and bracketed IPv6 addresses") {
  CHECK(parsed("127.0.0.1:9747") == ListenAddress{"127.0.0.1", 9747});
  CHECK(parsed("0.0.0.0:80") == ListenAddress{"0.0.0.0", 80});
  CHECK(parsed("[::1]:9747") == ListenAddress{"::1", 9747});
  CHECK(parsed("[::]:65535") == ListenAddress{"::", 65535});
  CHECK(parsed("127.0.0.1:0").port == 0);
}

TEST_CASE("to_string gives back what was parsed") {
  for (std::string_view text : {"127.0.0.1:9747", "[::1]:9747", "[fe80::1:2]:0"}) {
    CHECK(parsed(text).to_string() == text);
  }
}

TEST_CASE("each malformed address says what is wrong") {
  CHECK(error("127.0.0.1") ==
        "missing port (expected host:port, e.g. 127.0.0.1:9747 or [::1]:9747)");
  CHECK(error("[::1]").starts_with("missing port"));
  CHECK(error(":9747") ==
        "missing host (use 0.0.0.0:9747 or [::]:9747 to listen on every interface)");
  CHECK(error("::1:9747") == "an IPv6 host needs brackets (e.g. [::1]:9747)");
  CHECK(error("localhost:9747") ==
        "host must be an IPv4 address or a bracketed IPv6 address, not 'localhost' (expected "
        "host:port, e.g. 127.0.0.1:9747 or [::1]:9747)");
  CHECK(error("[127.0.0.1]:9747").starts_with("host must be"));
  CHECK(error("256.0.0.1:9747").starts_with("host must be"));
  for (std::string_view text : {"127.0.0.1:", "127.0.0.1:65536", "127.0.0.1:http", "127.0.0.1:-1",
                                "127.0.0.1:+80", "127.0.0.1:80 "}) {
    CAPTURE(text);
    CHECK(error(text) == "port must be a number from 0 to 65535");
  }
}

}  // namespace
}  // namespace alembic_exporter::config
