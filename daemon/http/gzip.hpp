#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>

namespace alembic_exporter::http {

/// A gzip member (RFC 1952) left open after its compressed data, so that a small text can be
/// appended without compressing the data again: a cached `/metrics` body takes the per-scrape
/// process families this way.
struct OpenGzipMember {
  /// gzip header and the deflated data, flushed to a byte boundary, without a final block.
  std::string bytes;
  /// CRC-32 and length of the uncompressed data, for the trailer.
  std::uint32_t crc = 0;
  std::uint64_t size = 0;

  bool operator==(const OpenGzipMember&) const = default;
};

/// `data` deflated into an open gzip member.
OpenGzipMember gzip_open(std::string_view data);

/// Bytes `gzip_close` writes after the member's own bytes for a tail of `tail_size` bytes.
constexpr std::size_t gzip_close_size(std::size_t tail_size) { return 5 + tail_size + 8; }

/// The end of `member` into `out` (at least `gzip_close_size(tail.size())` bytes): `tail`
/// stored uncompressed as the final deflate block, then the trailer of all the data.
/// `member.bytes` followed by the returned bytes is one gzip member of the data and `tail`.
/// `tail` must be shorter than 64 KiB (one stored block).
std::string_view gzip_close(const OpenGzipMember& member, std::string_view tail,
                            std::span<char> out);

/// True when an Accept-Encoding header value allows gzip (`gzip`, `gzip;q=0.5`, `*`; not q=0).
bool accepts_gzip(std::string_view accept_encoding);

}  // namespace alembic_exporter::http
