#include "config/shard_setting.hpp"

#include <doctest/doctest.h>

#include <string>

namespace alembic_exporter::config {
namespace {

TEST_CASE("--shard I/N: a shard, or why not in the words of the shard block") {
  CHECK(std::get<Shard>(parse_shard("1/2")) == Shard{1, 2});
  CHECK(std::get<Shard>(parse_shard("0/1")) == Shard{0, 1});
  CHECK(std::get<ParseError>(parse_shard("2/2")).message ==
        "shard index 2 is not one of the 2 shards (expected 0 to 1)");
  CHECK(std::get<ParseError>(parse_shard("-1/2")).message ==
        "shard index -1 is not one of the 2 shards (expected 0 to 1)");
  CHECK(std::get<ParseError>(parse_shard("0/0")).message ==
        "shard count must be at least 1, not 0");
  CHECK(std::get<ParseError>(parse_shard("0/4294967296")).message ==
        "shard count must be at least 1, not 4294967296");
  for (const char* bad : {"", "1", "1/", "/2", "a/2", "1/2/3", "1.0/2", " 1/2"}) {
    CAPTURE(bad);
    CHECK(std::get<ParseError>(parse_shard(bad)).message ==
          "invalid shard '" + std::string(bad) + "' (expected INDEX/COUNT, e.g. 0/2)");
  }
}

}  // namespace
}  // namespace alembic_exporter::config
