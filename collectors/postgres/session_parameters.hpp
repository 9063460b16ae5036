#pragma once

#include <chrono>
#include <optional>
#include <string>

#include "collectors/postgres/database_url.hpp"

namespace alembic_exporter::postgres {

/// The URL's parameters plus what every alembic_exporter session has: `password` (from a
/// password file) replacing the URL's, application_name=alembic_exporter, a read-only default
/// transaction and statement_timeout/connect_timeout from `timeout` (added after any `options`
/// of the URL, so they win). Never log this: it holds the password.
ConnectionParameters session_parameters(const DatabaseUrl& url,
                                        const std::optional<std::string>& password,
                                        std::chrono::milliseconds timeout);

}  // namespace alembic_exporter::postgres
