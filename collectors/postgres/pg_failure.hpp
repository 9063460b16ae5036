#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "collectors/read_failure.hpp"

namespace alembic_exporter::postgres {

using alembic_exporter::failure_detail;
using alembic_exporter::FailureReason;
using alembic_exporter::ReadFailure;
using alembic_exporter::to_string;

/// SQLSTATE 42P01 (undefined_table): the version table does not exist, i.e. no revision yet.
bool is_undefined_table(std::string_view sqlstate);

/// Reason for an error the server reported with `sqlstate`.
FailureReason failure_reason_for_sqlstate(std::string_view sqlstate);

/// The SQLSTATE in a libpq error message built with PQERRORS_VERBOSE
/// (`SEVERITY:  SQLSTATE: message`), if there is one.
std::optional<std::string> sqlstate_in_message(std::string_view message);

/// The server's message text after `SQLSTATE: ` (up to the end of that line) in a verbose libpq
/// message; the first line when there is no SQLSTATE.
std::string_view server_text_in_message(std::string_view message);

/// Reason for a failed connection attempt that carries no SQLSTATE (the server never answered).
FailureReason reason_for_connection_message(std::string_view message);

/// libpq's own words for a client-side failure: the first line, after "... failed: ".
std::string_view libpq_text_in_message(std::string_view message);

/// `host:port`, with brackets around an IPv6 literal; port 5432 when libpq reports none.
std::string format_endpoint(std::string_view host, std::string_view port);

}  // namespace alembic_exporter::postgres
