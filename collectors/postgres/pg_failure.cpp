#include "collectors/postgres/pg_failure.hpp"

#include <cctype>

namespace alembic_exporter::postgres {
namespace {

bool is_sqlstate_character(char c) {
  return std::isdigit(static_cast<unsigned char>(c)) != 0 || (c >= 'A' && c <= 'Z');
}

// Position of the first SQLSTATE in "SEVERITY:  SQLSTATE: text" (several hosts tried give
// several lines), as pqBuildErrorMessage3() writes it
// for PQERRORS_VERBOSE. The severity word is translated; the two spaces and the code are not.
std::size_t sqlstate_position(std::string_view message) {
  for (std::size_t at = message.find(":  "); at != std::string_view::npos;
       at = message.find(":  ", at + 1)) {
    const std::size_t code = at + 3;
    if (code + 7 > message.size()) break;
    bool is_code = message.compare(code + 5, 2, ": ") == 0;
    for (std::size_t i = 0; is_code && i < 5; ++i)
      is_code = is_sqlstate_character(message[code + i]);
    if (is_code) return code;
  }
  return std::string_view::npos;
}

}  // namespace

bool is_undefined_table(std::string_view sqlstate) { return sqlstate == "42P01"; }

FailureReason failure_reason_for_sqlstate(std::string_view sqlstate) {
  if (sqlstate.starts_with("28")) return FailureReason::auth_failed;  // 28000, 28P01
  if (sqlstate == "3D000") return FailureReason::database_missing;
  if (sqlstate == "42501") return FailureReason::permission_denied;
  if (sqlstate == "57014") return FailureReason::timeout;  // query_canceled
  if (sqlstate == "08P01") return FailureReason::protocol;
  // connection_exception, too_many_connections, and the server shutting down or starting up
  // (admin_shutdown, crash_shutdown, cannot_connect_now): it does not take our session.
  if (sqlstate.starts_with("08") || sqlstate == "53300" || sqlstate.starts_with("57P")) {
    return FailureReason::connection_refused;
  }
  return FailureReason::query_failed;
}

std::optional<std::string> sqlstate_in_message(std::string_view message) {
  const std::size_t at = sqlstate_position(message);
  if (at == std::string_view::npos) return std::nullopt;
  return std::string(message.substr(at, 5));
}

std::string_view server_text_in_message(std::string_view message) {
  const std::size_t at = sqlstate_position(message);
  return first_line(at == std::string_view::npos ? message : message.substr(at + 7));
}

// libpq 15 reports a failed connection attempt without SQLSTATE (the server never said
// anything) and exposes neither errno nor gai_strerror codes, so only for these does the reason
// come from its message. libpq's messages are English unless the program sets LC_MESSAGES via
// setlocale(), which alembic_exporter never does; anything unrecognised counts as refused,
// the common case (ECONNREFUSED, a missing unix socket, an unreachable network).
FailureReason reason_for_connection_message(std::string_view message) {
  if (message.find("could not translate host name") != std::string_view::npos) {
    return FailureReason::dns;
  }
  if (message.find("SSL") != std::string_view::npos) return FailureReason::ssl;
  if (message.find("timeout expired") != std::string_view::npos) return FailureReason::timeout;
  return FailureReason::connection_refused;
}

std::string_view libpq_text_in_message(std::string_view message) {
  const std::string_view line = first_line(message);
  constexpr std::string_view failed_infix = " failed: ";
  const std::size_t at = line.rfind(failed_infix);
  return at == std::string_view::npos ? line : line.substr(at + failed_infix.size());
}

std::string format_endpoint(std::string_view host, std::string_view port) {
  const std::string shown_port = port.empty() ? "5432" : std::string(port);
  if (host.find(':') != std::string_view::npos && !host.starts_with('/')) {
    return "[" + std::string(host) + "]:" + shown_port;
  }
  return std::string(host) + ":" + shown_port;
}

}  // namespace alembic_exporter::postgres
