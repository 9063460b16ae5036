#include "daemon/http/gzip.hpp"

#include <zlib.h>

#include <algorithm>
#include <stdexcept>

namespace alembic_exporter::http {
namespace {

std::string_view trim(std::string_view text) {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) text.remove_prefix(1);
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t')) text.remove_suffix(1);
  return text;
}

bool is_zero_quality(std::string_view parameters) {
  const auto q = parameters.find("q=");
  if (q == std::string_view::npos) return false;
  const auto value = trim(parameters.substr(q + 2));
  return value.find_first_not_of("0.") == std::string_view::npos;
}

}  // namespace

bool accepts_gzip(std::string_view accept_encoding) {
  while (!accept_encoding.empty()) {
    const auto comma = accept_encoding.find(',');
    const auto item = accept_encoding.substr(0, comma);
    const auto semicolon = item.find(';');
    const auto coding = trim(item.substr(0, semicolon));
    const auto parameters = semicolon == std::string_view::npos ? "" : item.substr(semicolon + 1);
    if ((coding == "gzip" || coding == "*") && !is_zero_quality(parameters)) return true;
    if (comma == std::string_view::npos) break;
    accept_encoding.remove_prefix(comma + 1);
  }
  return false;
}

OpenGzipMember gzip_open(std::string_view data) {
  z_stream stream{};
  constexpr int gzip_window_bits = 15 + 16;  // +16 asks zlib for a gzip header
  if (deflateInit2(&stream, Z_DEFAULT_COMPRESSION, Z_DEFLATED, gzip_window_bits, 8,
                   Z_DEFAULT_STRATEGY) != Z_OK) {
    throw std::runtime_error("zlib deflateInit2 failed");
  }
  // deflateBound covers Z_FINISH's final block; a sync flush's empty stored block is 5 bytes.
  std::string compressed(deflateBound(&stream, data.size()) + 5, '\0');
  // zlib's API is not const-correct; it never writes through next_in.
  stream.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data()));
  stream.avail_in = static_cast<uInt>(data.size());
  stream.next_out = reinterpret_cast<Bytef*>(compressed.data());
  stream.avail_out = static_cast<uInt>(compressed.size());
  // Z_SYNC_FLUSH ends at a byte boundary without a final block and without the trailer.
  const int result = deflate(&stream, Z_SYNC_FLUSH);
  const bool complete = stream.avail_in == 0 && stream.avail_out > 0;
  compressed.resize(stream.total_out);
  deflateEnd(&stream);
  if (result != Z_OK || !complete) throw std::runtime_error("zlib deflate did not flush");
  const auto crc =
      crc32(0, reinterpret_cast<const Bytef*>(data.data()), static_cast<uInt>(data.size()));
  return {std::move(compressed), static_cast<std::uint32_t>(crc), data.size()};
}

namespace {

char* put_le(char* out, std::uint32_t value, int bytes) {
  for (int i = 0; i < bytes; ++i) *out++ = static_cast<char>((value >> (8 * i)) & 0xff);
  return out;
}

}  // namespace

std::string_view gzip_close(const OpenGzipMember& member, std::string_view tail,
                            std::span<char> out) {
  if (tail.size() > 0xffff || out.size() < gzip_close_size(tail.size())) {
    throw std::length_error("gzip_close: tail too long or buffer too small");
  }
  const auto length = static_cast<std::uint32_t>(tail.size());
  // RFC 1951 3.2.4: BFINAL=1, BTYPE=00 (stored), padded to the byte; LEN, NLEN; the bytes.
  char* end = out.data();
  *end++ = 1;
  end = put_le(end, length, 2);
  end = put_le(end, ~length, 2);
  end = std::copy(tail.begin(), tail.end(), end);
  // RFC 1952 trailer: CRC-32 and size (mod 2^32) of all the uncompressed data.
  const auto tail_crc = crc32(0, reinterpret_cast<const Bytef*>(tail.data()), length);
  end = put_le(end, static_cast<std::uint32_t>(crc32_combine(member.crc, tail_crc, length)), 4);
  end = put_le(end, static_cast<std::uint32_t>(member.size + tail.size()), 4);
  return {out.data(), static_cast<std::size_t>(end - out.data())};
}

}  // namespace alembic_exporter::http
