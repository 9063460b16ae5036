#pragma once

#include <string>
#include <string_view>

namespace alembic_exporter::http {

/// `data` as a gzip member (RFC 1952), for `Content-Encoding: gzip`.
std::string gzip_compress(std::string_view data);

/// True when an Accept-Encoding header value allows gzip (`gzip`, `gzip;q=0.5`, `*`; not q=0).
bool accepts_gzip(std::string_view accept_encoding);

}  // namespace alembic_exporter::http
