#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <variant>

#include "config/parse_error.hpp"

namespace alembic_exporter::config {

/// An address the HTTP server listens on: an IP literal (no name resolution) and a port; port 0
/// asks the kernel for a free port (tests read the bound port back).
struct ListenAddress {
  std::string host;  ///< IPv4 or IPv6 literal, without brackets
  std::uint16_t port = 0;

  /// "127.0.0.1:9747" or "[::1]:9747", which parse_listen_address reads back.
  std::string to_string() const;

  friend bool operator==(const ListenAddress&, const ListenAddress&) = default;
};

/// Parses "host:port" with an IPv4 host or "[host]:port" with an IPv6 host.
std::variant<ListenAddress, ParseError> parse_listen_address(std::string_view text);

}  // namespace alembic_exporter::config
