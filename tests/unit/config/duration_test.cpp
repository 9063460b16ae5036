#include "config/duration.hpp"

#include <doctest/doctest.h>

#include <string_view>

namespace alembic_exporter::config {
namespace {

using namespace std::chrono_literals;

TEST_CASE("durations with one unit") {
  CHECK(parse_duration("500ms") == 500ms);
  CHECK(parse_duration("30s") == 30s);
  CHECK(parse_duration("5m") == 5min);
  CHECK(parse_duration("1h") == 1h);
  CHECK(parse_duration("0s") == 0ms);
}

TEST_CASE("durations combine units from large to small") {
  CHECK(parse_duration("1m30s") == 90s);
  CHECK(parse_duration("1h2m3s4ms") == 1h + 2min + 3s + 4ms);
  CHECK(parse_duration("90s") == 90s);
}

TEST_CASE("malformed durations are rejected") {
  for (std::string_view text :
       {"", "30", "s", "30 s", " 30s", "30s ", "-5s", "+5s", "1.5s", "30S", "5d", "30s1m", "1m1m",
        "1ms1s", "30sec", "1h-", "99999999999999999999h", "9223372036854775807s"}) {
    CAPTURE(text);
    CHECK_FALSE(parse_duration(text).has_value());
  }
}

TEST_CASE("formatting gives the shortest text that parses back") {
  CHECK(format_duration(0ms) == "0s");
  CHECK(format_duration(500ms) == "500ms");
  CHECK(format_duration(90s) == "1m30s");
  CHECK(format_duration(1h + 1ms) == "1h1ms");
  CHECK(format_duration(25h) == "25h");
  for (const auto duration :
       std::initializer_list<std::chrono::milliseconds>{1ms, 1500ms, 61s, 3600s, 3723004ms}) {
    CHECK(parse_duration(format_duration(duration)) == duration);
  }
}

}  // namespace
}  // namespace alembic_exporter::config
