#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <variant>

namespace alembic_exporter::mysql {

/// How TLS is used, as mysqlclient's `ssl_mode` (and MySQL's `--ssl-mode`) names it.
enum class SslMode { unset, disabled, preferred, required, verify_ca, verify_identity };

/// A SQLAlchemy MySQL/MariaDB URL (`mysql+pymysql://user:password@host:port/database?...`) taken
/// apart for MariaDB Connector/C.
struct MysqlUrl {
  std::string redacted;  ///< the URL as written with its password replaced by `****`
  std::string user;
  std::optional<std::string> password;  ///< never log this
  std::string host;                     ///< empty: localhost over the default unix socket
  unsigned port = 0;                    ///< 0: 3306
  std::string database;
  std::string unix_socket;
  std::string charset;
  SslMode ssl_mode = SslMode::unset;
  std::string ssl_ca, ssl_capath, ssl_cert, ssl_key, ssl_cipher;
  /// `ssl_check_hostname` / `ssl_verify_identity`: verify the server's name too.
  std::optional<bool> ssl_check_hostname;
};

/// Parses `mysql://`, `mysql+<driver>://`, `mariadb://` and `mariadb+<driver>://` URLs with
/// percent-decoding, bracketed IPv6 hosts and the query parameters SQLAlchemy's MySQL drivers
/// take for the connection (`unix_socket`, `charset`, `ssl_ca`, `ssl_capath`, `ssl_cert`,
/// `ssl_key`, `ssl_cipher`, `ssl_mode`, `ssl_check_hostname`, `ssl_verify_identity`). Returns the
/// error text otherwise; it shows the URL with its password masked.
std::variant<MysqlUrl, std::string> parse_mysql_url(std::string_view text);

/// `host:port` or the unix socket, for messages; never credentials.
std::string endpoint_of(const MysqlUrl& url);

}  // namespace alembic_exporter::mysql
