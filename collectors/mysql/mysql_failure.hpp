#pragma once

#include <optional>
#include <string_view>

#include "collectors/read_failure.hpp"

namespace alembic_exporter::mysql {

/// ER_NO_SUCH_TABLE (1146): the version table does not exist, i.e. no revision yet.
bool is_no_such_table(unsigned error_number);

/// CR_SERVER_GONE_ERROR (2006) or CR_SERVER_LOST (2013): a kept-alive connection died.
bool is_lost_connection(unsigned error_number);

/// Reason for a MySQL/MariaDB error number (`mysql_errno`), server (< 2000) or Connector/C
/// client (2000..2999) error; `message` tells a refused connection from a timed-out one, which
/// share CR_CONN_HOST_ERROR (its text ends in the errno, e.g. "(111)" or "(110)").
FailureReason failure_reason_for_error(unsigned error_number, std::string_view message);

}  // namespace alembic_exporter::mysql
