#include "daemon/http/gzip.hpp"

#include <doctest/doctest.h>
#include <zlib.h>

#include <array>
#include <stdexcept>
#include <string>
#include <vector>

namespace alembic_exporter::http {
namespace {

/// zlib's own gzip decoder: throws unless `member` is exactly one complete gzip member, with a
/// valid CRC and size.
std::string gunzip(std::string_view member) {
  z_stream stream{};
  REQUIRE(inflateInit2(&stream, 15 + 16) == Z_OK);
  std::string data(1 << 20, '\0');
  stream.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(member.data()));
  stream.avail_in = static_cast<uInt>(member.size());
  stream.next_out = reinterpret_cast<Bytef*>(data.data());
  stream.avail_out = static_cast<uInt>(data.size());
  const int result = inflate(&stream, Z_FINISH);
  const bool consumed_all = stream.avail_in == 0;
  data.resize(stream.total_out);
  inflateEnd(&stream);
  if (result != Z_STREAM_END || !consumed_all) throw std::runtime_error("not one gzip member");
  return data;
}

std::string closed(const OpenGzipMember& member, std::string_view tail) {
  std::vector<char> out(gzip_close_size(tail.size()));
  return member.bytes + std::string(gzip_close(member, tail, out));
}

TEST_CASE("an open member closed with a tail is one gzip member of the data and the tail") {
  std::string data;
  for (int i = 0; i < 2000; ++i)
    data += "alembic_status{component=\"c" + std::to_string(i) + "\"} 1\n";
  const auto member = gzip_open(data);
  CHECK(member.bytes.size() < data.size() / 4);
  CHECK(member.size == data.size());
  const std::string tail = "process_open_fds 12\n";
  CHECK(gunzip(closed(member, tail)) == data + tail);
  CHECK(gunzip(closed(member, "")) == data);
}

TEST_CASE("an open member is not a complete gzip member by itself") {
  CHECK_THROWS(gunzip(gzip_open("text\n").bytes));
}

TEST_CASE("empty data and a tail") { CHECK(gunzip(closed(gzip_open(""), "tail\n")) == "tail\n"); }

TEST_CASE("a tail longer than one stored block or a short buffer is refused") {
  const auto member = gzip_open("x");
  std::vector<char> out(gzip_close_size(70000));
  CHECK_THROWS_AS(gzip_close(member, std::string(70000, 'a'), out), std::length_error);
  std::array<char, 8> small;
  CHECK_THROWS_AS(gzip_close(member, "tail", small), std::length_error);
}

TEST_CASE("Accept-Encoding values") {
  CHECK(accepts_gzip("gzip"));
  CHECK(accepts_gzip("deflate, gzip;q=0.5"));
  CHECK(accepts_gzip("*"));
  CHECK_FALSE(accepts_gzip("gzip;q=0"));
  CHECK_FALSE(accepts_gzip("identity"));
}

}  // namespace
}  // namespace alembic_exporter::http
