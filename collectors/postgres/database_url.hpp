#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

namespace alembic_exporter::postgres {

/// libpq keyword/value pairs in the order they were given, for PQconnectStartParams.
using ConnectionParameters = std::vector<std::pair<std::string, std::string>>;

/// The value of `key` in `parameters`, or nullptr.
const std::string* find_parameter(const ConnectionParameters& parameters, std::string_view key);

/// Replaces the value of `key`, or appends the pair.
void set_parameter(ConnectionParameters& parameters, std::string_view key, std::string value);

/// A database location as the operator wrote it: a libpq URI, a libpq keyword/value string or a
/// SQLAlchemy PostgreSQL URL, already converted to libpq connection parameters.
class DatabaseUrl {
 public:
  /// The URL as written with every password replaced by `****`; the only form to log or show.
  const std::string& redacted() const { return redacted_; }

  /// Connection parameters for libpq. Never log this: it holds the password.
  const ConnectionParameters& libpq_parameters() const { return parameters_; }

  /// The same server and credentials, database `name` (a discovered target, issue 18).
  DatabaseUrl with_database(const std::string& name) const;

 private:
  friend std::variant<DatabaseUrl, std::string> parse_database_url(std::string_view text);
  DatabaseUrl(std::string redacted, ConnectionParameters parameters)
      : redacted_(std::move(redacted)), parameters_(std::move(parameters)) {}

  std::string redacted_;
  ConnectionParameters parameters_;
};

/// Parses `postgresql://`, `postgres://` and `postgresql+<driver>://` URLs (percent-decoding,
/// bracketed IPv6 hosts, comma-separated host lists, query parameters such as `sslmode` or
/// `host=/socket/dir`) and libpq keyword/value strings (`host=... dbname=...`). Returns the
/// error text otherwise; it names the URL with its password masked.
std::variant<DatabaseUrl, std::string> parse_database_url(std::string_view text);

/// `text` with the values of `password`/`sslpassword` and the password of a URL's user info
/// replaced by `****`; also safe on text that does not parse.
std::string redact_database_url(std::string_view text);

}  // namespace alembic_exporter::postgres
