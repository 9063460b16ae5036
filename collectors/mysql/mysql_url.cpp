#include "collectors/mysql/mysql_url.hpp"

#include <array>
#include <charconv>
#include <utility>

#include "collectors/url_text.hpp"

namespace alembic_exporter::mysql {
namespace {

constexpr auto ssl_modes = std::to_array<std::pair<std::string_view, SslMode>>({
    {"DISABLED", SslMode::disabled},
    {"PREFERRED", SslMode::preferred},
    {"REQUIRED", SslMode::required},
    {"VERIFY_CA", SslMode::verify_ca},
    {"VERIFY_IDENTITY", SslMode::verify_identity},
});

std::optional<bool> boolean(std::string_view value) {
  if (value == "true" || value == "1" || value == "True") return true;
  if (value == "false" || value == "0" || value == "False") return false;
  return std::nullopt;
}

std::optional<std::string> apply_query(std::string_view key, std::string value, MysqlUrl& url) {
  if (key == "unix_socket") {
    url.unix_socket = std::move(value);
  } else if (key == "charset") {
    url.charset = std::move(value);
  } else if (key == "ssl_ca") {
    url.ssl_ca = std::move(value);
  } else if (key == "ssl_capath") {
    url.ssl_capath = std::move(value);
  } else if (key == "ssl_cert") {
    url.ssl_cert = std::move(value);
  } else if (key == "ssl_key") {
    url.ssl_key = std::move(value);
  } else if (key == "ssl_cipher") {
    url.ssl_cipher = std::move(value);
  } else if (key == "ssl_mode") {
    for (const auto& [name, mode] : ssl_modes) {
      if (value == name) url.ssl_mode = mode;
    }
    if (url.ssl_mode == SslMode::unset) {
      return "unsupported ssl_mode (expected DISABLED, PREFERRED, REQUIRED, VERIFY_CA or "
             "VERIFY_IDENTITY)";
    }
  } else if (key == "ssl_check_hostname" || key == "ssl_verify_identity") {
    url.ssl_check_hostname = boolean(value);
    if (!url.ssl_check_hostname) return "\"" + std::string(key) + "\" expects true or false";
  } else {
    return "unsupported query parameter \"" + std::string(key) +
           "\" (expected unix_socket, charset, ssl_ca, ssl_capath, ssl_cert, ssl_key, "
           "ssl_cipher, ssl_mode, ssl_check_hostname or ssl_verify_identity)";
  }
  return std::nullopt;
}

std::optional<std::string> parse_host(std::string_view host_port, MysqlUrl& url) {
  std::string_view host = host_port;
  std::string_view port;
  if (host_port.starts_with('[')) {
    const std::size_t close = host_port.find(']');
    if (close == std::string_view::npos) return "unterminated IPv6 address \"[\"";
    host = host_port.substr(1, close - 1);
    const auto rest = host_port.substr(close + 1);
    if (!rest.empty() && !rest.starts_with(':')) return "unexpected text after \"]\"";
    if (!rest.empty()) port = rest.substr(1);
  } else if (const std::size_t colon = host_port.rfind(':'); colon != std::string_view::npos) {
    host = host_port.substr(0, colon);
    port = host_port.substr(colon + 1);
  }
  if (!port.empty()) {
    const auto [end, error] = std::from_chars(port.data(), port.data() + port.size(), url.port);
    if (error != std::errc{} || end != port.data() + port.size() || url.port == 0 ||
        url.port > 65535) {
      return "invalid port (expected 1 to 65535)";
    }
  }
  auto decoded = percent_decode(host);
  if (!decoded) return "invalid percent-encoding in host";
  url.host = std::move(*decoded);
  return std::nullopt;
}

}  // namespace

std::variant<MysqlUrl, std::string> parse_mysql_url(std::string_view text) {
  MysqlUrl url;
  const std::size_t scheme_end = text.find("://");
  url.redacted = std::string(text);
  if (scheme_end == std::string_view::npos) {
    return "invalid MySQL URL (expected mysql://user:password@host:port/database)";
  }
  mask_user_info_password(url.redacted, scheme_end + 3);
  const auto fail = [&](const std::string& what) {
    return "invalid database URL " + url.redacted + ": " + what;
  };

  const std::string_view rest = text.substr(scheme_end + 3);
  const std::size_t authority_end = std::min(rest.find_first_of("/?"), rest.size());
  if (rest.find('@', authority_end) != std::string_view::npos) {
    return fail(
        "\"@\" after the host part (percent-encode @ / ? in user names and passwords as %40 "
        "%2F %3F)");
  }
  const std::string_view authority = rest.substr(0, authority_end);
  std::string_view host_port = authority;
  if (const std::size_t at = authority.rfind('@'); at != std::string_view::npos) {
    const std::string_view user_info = authority.substr(0, at);
    host_port = authority.substr(at + 1);
    const std::size_t colon = user_info.find(':');
    auto user = percent_decode(user_info.substr(0, colon));
    if (!user) return fail("invalid percent-encoding in the user name");
    url.user = std::move(*user);
    if (colon != std::string_view::npos) {
      url.password = percent_decode(user_info.substr(colon + 1));
      if (!url.password) return fail("invalid percent-encoding in the password");
    }
  }
  if (auto error = parse_host(host_port, url)) return fail(*error);

  const std::string_view tail = rest.substr(authority_end);
  const std::size_t query = tail.find('?');
  if (tail.starts_with('/')) {
    auto database =
        percent_decode(tail.substr(1, query == std::string_view::npos ? query : query - 1));
    if (!database) return fail("invalid percent-encoding in the database name");
    url.database = std::move(*database);
  }
  if (url.database.empty()) return fail("no database name (expected .../database)");
  if (query != std::string_view::npos) {
    for (const auto pair : split(tail.substr(query + 1), '&')) {
      if (pair.empty()) continue;
      const std::size_t equals = pair.find('=');
      if (equals == std::string_view::npos) {
        return fail("query parameter without \"=\" (expected key=value pairs separated by &)");
      }
      const auto key = percent_decode(pair.substr(0, equals));
      auto value = percent_decode(pair.substr(equals + 1));
      if (!key || !value) return fail("invalid percent-encoding in the query string");
      if (auto error = apply_query(*key, std::move(*value), url)) return fail(*error);
    }
  }
  return url;
}

std::string endpoint_of(const MysqlUrl& url) {
  if (!url.unix_socket.empty()) return url.unix_socket;
  const std::string host = url.host.empty() ? "localhost" : url.host;
  const std::string port = std::to_string(url.port == 0 ? 3306 : url.port);
  if (host.find(':') != std::string::npos) return "[" + host + "]:" + port;
  return host + ":" + port;
}

}  // namespace alembic_exporter::mysql
