#include "config/listen_address.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>

#include <charconv>

namespace alembic_exporter::config {
namespace {

constexpr std::string_view example = " (expected host:port, e.g. 127.0.0.1:9747 or [::1]:9747)";

bool is_ip_literal(const std::string& host, int family) {
  in6_addr buffer{};  // large enough for both families
  return inet_pton(family, host.c_str(), &buffer) == 1;
}

bool is_ipv6(const std::string& host) { return host.find(':') != std::string::npos; }

}  // namespace

std::string ListenAddress::to_string() const {
  const std::string port_text = std::to_string(port);
  return is_ipv6(host) ? "[" + host + "]:" + port_text : host + ":" + port_text;
}

std::variant<ListenAddress, ParseError> parse_listen_address(std::string_view text) {
  const auto colon = text.rfind(':');
  if (colon == std::string_view::npos || text.ends_with(']'))
    return ParseError{"missing port" + std::string(example)};
  std::string_view host = text.substr(0, colon);
  const std::string_view port_text = text.substr(colon + 1);
  if (host.empty()) {
    return ParseError{"missing host (use 0.0.0.0:" + std::string(port_text) +
                      " or [::]:" + std::string(port_text) + " to listen on every interface)"};
  }
  const bool bracketed = host.starts_with('[') && host.ends_with(']');
  if (bracketed) {
    host = host.substr(1, host.size() - 2);
  } else if (host.find(':') != std::string_view::npos) {
    return ParseError{"an IPv6 host needs brackets (e.g. [::1]:9747)"};
  }
  const std::string host_text(host);
  if (!is_ip_literal(host_text, bracketed ? AF_INET6 : AF_INET)) {
    return ParseError{"host must be an IPv4 address or a bracketed IPv6 address, not '" +
                      host_text + "'" + std::string(example)};
  }
  std::uint16_t port = 0;
  const auto [end, error] =
      std::from_chars(port_text.data(), port_text.data() + port_text.size(), port);
  if (port_text.empty() || error != std::errc{} || end != port_text.data() + port_text.size()) {
    return ParseError{"port must be a number from 0 to 65535"};
  }
  return ListenAddress{host_text, port};
}

}  // namespace alembic_exporter::config
