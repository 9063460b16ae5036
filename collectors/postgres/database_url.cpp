#include "collectors/postgres/database_url.hpp"

#include <algorithm>
#include <array>
#include <cctype>
#include <charconv>
#include <optional>

#include "collectors/url_text.hpp"

namespace alembic_exporter::postgres {
namespace {

constexpr std::string_view password_mask = "****";

// libpq 15's connection keywords (PQconndefaults()), except `replication`: a replication
// connection cannot run the version query.
constexpr auto libpq_keywords = std::to_array<std::string_view>({
    "application_name",
    "channel_binding",
    "client_encoding",
    "connect_timeout",
    "dbname",
    "fallback_application_name",
    "gssencmode",
    "gsslib",
    "host",
    "hostaddr",
    "keepalives",
    "keepalives_count",
    "keepalives_idle",
    "keepalives_interval",
    "krbsrvname",
    "options",
    "passfile",
    "password",
    "port",
    "requirepeer",
    "service",
    "ssl_max_protocol_version",
    "ssl_min_protocol_version",
    "sslcert",
    "sslcompression",
    "sslcrl",
    "sslcrldir",
    "sslkey",
    "sslmode",
    "sslpassword",
    "sslrootcert",
    "sslsni",
    "target_session_attrs",
    "tcp_user_timeout",
    "user",
});

// SQLAlchemy dialects whose URL is a libpq URL plus a `+driver` suffix on the scheme.
constexpr auto sqlalchemy_drivers =
    std::to_array<std::string_view>({"asyncpg", "pg8000", "psycopg", "psycopg2", "psycopg2cffi"});

// asyncpg's `ssl` query parameter takes libpq's sslmode names or a boolean.
constexpr auto ssl_modes = std::to_array<std::string_view>(
    {"disable", "allow", "prefer", "require", "verify-ca", "verify-full"});

bool contains(auto const& list, std::string_view value) {
  return std::find(list.begin(), list.end(), value) != list.end();
}

bool is_secret_keyword(std::string_view keyword) {
  return keyword == "password" || keyword == "sslpassword";
}

bool is_space(char c) { return std::isspace(static_cast<unsigned char>(c)) != 0; }

// -- keyword/value strings, tokenized as libpq's conninfo_parse() does -------------------------

struct KeywordToken {
  std::string keyword;
  std::string value;
  std::size_t value_begin;  // span of the value as written, quotes included
  std::size_t value_end;
};

struct KeywordScan {
  std::vector<KeywordToken> tokens;
  std::optional<std::size_t> error_at;  // where the text stops being keyword=value pairs
  std::string error;
};

KeywordScan scan_keywords(std::string_view text) {
  KeywordScan scan;
  std::size_t at = 0;
  bool seen_secret = false;
  const auto skip_spaces = [&] {
    while (at < text.size() && is_space(text[at])) ++at;
  };
  while (true) {
    skip_spaces();
    if (at == text.size()) return scan;
    const std::size_t keyword_begin = at;
    while (at < text.size() && text[at] != '=' && !is_space(text[at])) ++at;
    std::string keyword(text.substr(keyword_begin, at - keyword_begin));
    skip_spaces();
    if (at == text.size() || text[at] != '=') {
      scan.error_at = keyword_begin;
      scan.error = "expected keyword=value at character " + std::to_string(keyword_begin + 1);
      return scan;
    }
    if (seen_secret && !contains(libpq_keywords, keyword)) {
      // Most likely the rest of an unquoted password that holds spaces: never echo it.
      scan.error_at = keyword_begin;
      scan.error = "unknown parameter after the password at character " +
                   std::to_string(keyword_begin + 1) +
                   " (quote a password that holds spaces: password='...')";
      return scan;
    }
    seen_secret = seen_secret || is_secret_keyword(keyword);
    ++at;
    skip_spaces();
    KeywordToken token{std::move(keyword), {}, at, at};
    if (at < text.size() && text[at] == '\'') {
      ++at;
      while (true) {
        if (at == text.size()) {
          scan.error_at = token.value_begin;
          scan.error =
              "unterminated quoted string at character " + std::to_string(token.value_begin + 1);
          return scan;
        }
        if (text[at] == '\'') break;
        if (text[at] == '\\' && at + 1 < text.size()) ++at;
        token.value += text[at++];
      }
      ++at;
    } else {
      while (at < text.size() && !is_space(text[at])) {
        if (text[at] == '\\' && at + 1 < text.size()) ++at;
        token.value += text[at++];
      }
    }
    token.value_end = at;
    scan.tokens.push_back(std::move(token));
  }
}

// -- URLs ------------------------------------------------------------------------------------

// Where the text's `scheme://` prefix ends (RFC 3986: a letter, then letters, digits, + - .), or
// npos when the text is a keyword/value string: a "://" inside a value such as
// `password=x application_name=http://y` does not make the text a URL.
std::size_t url_scheme_end(std::string_view text) {
  const std::size_t end = text.find("://");
  if (end == 0 || end == std::string_view::npos) return std::string_view::npos;
  const auto is_scheme_character = [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '+' || c == '-' || c == '.';
  };
  if (std::isalpha(static_cast<unsigned char>(text[0])) == 0 ||
      !std::all_of(text.begin(), text.begin() + static_cast<std::ptrdiff_t>(end),
                   is_scheme_character)) {
    return std::string_view::npos;
  }
  return end;
}

std::string redact_url(std::string_view text, std::size_t scheme_end) {
  std::string redacted(text);
  const std::size_t authority = scheme_end + 3;
  mask_user_info_password(redacted, authority);
  const std::size_t query = redacted.find('?', authority);
  if (query == std::string::npos) return redacted;
  std::string result = redacted.substr(0, query + 1);
  const auto pairs = split(std::string_view(redacted).substr(query + 1), '&');
  for (std::size_t i = 0; i < pairs.size(); ++i) {
    if (i > 0) result += '&';
    const std::size_t equals = pairs[i].find('=');
    const auto key = percent_decode(pairs[i].substr(0, equals));
    if (equals != std::string_view::npos && (!key || is_secret_keyword(*key))) {
      result += pairs[i].substr(0, equals + 1);
      result += password_mask;
    } else {
      result += pairs[i];
    }
  }
  return result;
}

std::string redact_keywords(std::string_view text) {
  const KeywordScan scan = scan_keywords(text);
  std::string redacted;
  std::size_t copied = 0;
  for (const auto& token : scan.tokens) {
    const auto written = text.substr(token.value_begin, token.value_end - token.value_begin);
    std::string replacement;
    if (is_secret_keyword(token.keyword)) {
      replacement = password_mask;
    } else if (written.find("://") != std::string_view::npos) {
      replacement = redact_database_url(written);
    } else {
      continue;
    }
    redacted += text.substr(copied, token.value_begin - copied);
    redacted += replacement;
    copied = token.value_end;
  }
  if (scan.error_at) {
    // After a syntax error nobody knows which words are values: hide them all.
    redacted += text.substr(copied, *scan.error_at - copied);
    redacted += password_mask;
  } else {
    redacted += text.substr(copied);
  }
  return redacted;
}

std::string scheme_error(std::string_view scheme, const std::string& redacted) {
  return "unsupported database URL scheme \"" + std::string(scheme) + "\" in " + redacted +
         " (expected postgresql://, postgres:// or postgresql+<driver>:// with driver one of "
         "asyncpg, pg8000, psycopg, psycopg2, psycopg2cffi)";
}

bool is_supported_scheme(std::string_view scheme) {
  if (scheme == "postgresql" || scheme == "postgres") return true;
  constexpr std::string_view dialect_prefix = "postgresql+";
  return scheme.starts_with(dialect_prefix) &&
         contains(sqlalchemy_drivers, scheme.substr(dialect_prefix.size()));
}

std::optional<std::string> parse_host_list(std::string_view list, ConnectionParameters& out) {
  std::string hosts;
  std::string ports;
  bool any_port = false;
  const auto entries = split(list, ',');
  for (std::size_t i = 0; i < entries.size(); ++i) {
    std::string_view entry = entries[i];
    std::string_view host = entry;
    std::string_view port;
    if (entry.starts_with('[')) {
      const std::size_t close = entry.find(']');
      if (close == std::string_view::npos) return "unterminated IPv6 address \"[\"";
      host = entry.substr(1, close - 1);
      const auto rest = entry.substr(close + 1);
      if (!rest.empty() && !rest.starts_with(':')) return "unexpected text after \"]\"";
      if (!rest.empty()) port = rest.substr(1);
    } else if (const std::size_t colon = entry.find(':'); colon != std::string_view::npos) {
      host = entry.substr(0, colon);
      port = entry.substr(colon + 1);
    }
    unsigned number = 0;
    const auto [end, error] = std::from_chars(port.data(), port.data() + port.size(), number);
    if (!port.empty() && (error != std::errc{} || end != port.data() + port.size() || number == 0 ||
                          number > 65535)) {
      return "invalid port (expected 1 to 65535)";
    }
    const auto decoded = percent_decode(host);
    if (!decoded) return "invalid percent-encoding in host";
    hosts += (i > 0 ? "," : "") + *decoded;
    ports += (i > 0 ? "," : "") + std::string(port);
    any_port = any_port || !port.empty();
  }
  if (!hosts.empty() && hosts != std::string(entries.size() - 1, ',')) {
    set_parameter(out, "host", hosts);
  }
  if (any_port) set_parameter(out, "port", ports);
  return std::nullopt;
}

std::optional<std::string> parse_query(std::string_view query, ConnectionParameters& out) {
  for (const auto pair : split(query, '&')) {
    if (pair.empty()) continue;
    const std::size_t equals = pair.find('=');
    if (equals == std::string_view::npos) {
      return "query parameter without \"=\" (expected key=value pairs separated by &)";
    }
    const auto key = percent_decode(pair.substr(0, equals));
    auto value = percent_decode(pair.substr(equals + 1));
    if (!key || !value) return "invalid percent-encoding in the query string";
    if (*key == "ssl") {
      // SQLAlchemy's asyncpg dialect spells sslmode this way.
      if (*value == "true") *value = "require";
      if (*value == "false") *value = "disable";
      if (!contains(ssl_modes, *value)) {
        return "unsupported value for query parameter \"ssl\" (expected true, false or an "
               "sslmode such as require or verify-full)";
      }
      set_parameter(out, "sslmode", std::move(*value));
    } else if (contains(libpq_keywords, *key)) {
      set_parameter(out, *key, std::move(*value));
    } else {
      return "unsupported query parameter \"" + *key +
             "\" (expected a libpq connection parameter such as sslmode, host or port)";
    }
  }
  return std::nullopt;
}

std::variant<ConnectionParameters, std::string> parse_url(std::string_view text,
                                                          std::size_t scheme_end,
                                                          const std::string& redacted) {
  const auto scheme = text.substr(0, scheme_end);
  if (!is_supported_scheme(scheme)) return scheme_error(scheme, redacted);
  const auto fail = [&](const std::string& what) {
    return "invalid database URL " + redacted + ": " + what;
  };

  const std::string_view rest = text.substr(scheme_end + 3);
  const std::size_t authority_end = std::min(rest.find_first_of("/?"), rest.size());
  if (rest.find('@', authority_end) != std::string_view::npos) {
    // Like libpq, the host part ends at the first '/' or '?'; an '@' after it almost always
    // means a password holding one of those characters, which then must not be echoed.
    return fail(
        "\"@\" after the host part (percent-encode @ / ? in user names, passwords and "
        "values as %40 %2F %3F)");
  }
  const std::string_view authority = rest.substr(0, authority_end);
  ConnectionParameters parameters;
  std::string_view host_list = authority;
  if (const std::size_t at = authority.rfind('@'); at != std::string_view::npos) {
    const std::string_view user_info = authority.substr(0, at);
    host_list = authority.substr(at + 1);
    const std::size_t colon = user_info.find(':');
    const auto user = percent_decode(user_info.substr(0, colon));
    if (!user) return fail("invalid percent-encoding in the user name");
    if (!user->empty()) set_parameter(parameters, "user", *user);
    if (colon != std::string_view::npos) {
      const auto password = percent_decode(user_info.substr(colon + 1));
      if (!password) return fail("invalid percent-encoding in the password");
      set_parameter(parameters, "password", *password);
    }
  }
  if (auto error = parse_host_list(host_list, parameters)) return fail(*error);

  std::string_view tail = rest.substr(authority_end);
  const std::size_t query = tail.find('?');
  if (tail.starts_with('/')) {
    const auto database = percent_decode(
        tail.substr(1, query == std::string_view::npos ? std::string_view::npos : query - 1));
    if (!database) return fail("invalid percent-encoding in the database name");
    if (!database->empty()) set_parameter(parameters, "dbname", *database);
  }
  if (query != std::string_view::npos) {
    if (auto error = parse_query(tail.substr(query + 1), parameters)) return fail(*error);
  }
  return parameters;
}

}  // namespace

const std::string* find_parameter(const ConnectionParameters& parameters, std::string_view key) {
  const auto found = std::find_if(parameters.begin(), parameters.end(),
                                  [&](const auto& entry) { return entry.first == key; });
  return found == parameters.end() ? nullptr : &found->second;
}

void set_parameter(ConnectionParameters& parameters, std::string_view key, std::string value) {
  const auto found = std::find_if(parameters.begin(), parameters.end(),
                                  [&](const auto& entry) { return entry.first == key; });
  if (found != parameters.end()) {
    found->second = std::move(value);
  } else {
    parameters.emplace_back(std::string(key), std::move(value));
  }
}

std::string redact_database_url(std::string_view text) {
  const std::size_t scheme_end = url_scheme_end(text);
  return scheme_end == std::string_view::npos ? redact_keywords(text)
                                              : redact_url(text, scheme_end);
}

std::variant<DatabaseUrl, std::string> parse_database_url(std::string_view text) {
  std::string redacted = redact_database_url(text);
  if (const std::size_t scheme_end = url_scheme_end(text); scheme_end != std::string_view::npos) {
    auto parsed = parse_url(text, scheme_end, redacted);
    if (auto* error = std::get_if<std::string>(&parsed)) return std::move(*error);
    return DatabaseUrl(std::move(redacted), std::get<ConnectionParameters>(std::move(parsed)));
  }
  const KeywordScan scan = scan_keywords(text);
  if (scan.error_at) return "invalid connection string " + redacted + ": " + scan.error;
  ConnectionParameters parameters;
  for (const auto& token : scan.tokens) {
    if (!contains(libpq_keywords, token.keyword)) {
      return "unsupported connection parameter \"" + token.keyword + "\" in " + redacted +
             " (expected a libpq connection parameter such as host, port or dbname)";
    }
    set_parameter(parameters, token.keyword, token.value);
  }
  return DatabaseUrl(std::move(redacted), std::move(parameters));
}

DatabaseUrl DatabaseUrl::with_database(const std::string& name) const {
  ConnectionParameters parameters = parameters_;
  set_parameter(parameters, "dbname", name);
  return DatabaseUrl(redacted_ + " (database " + name + ")", std::move(parameters));
}

}  // namespace alembic_exporter::postgres
