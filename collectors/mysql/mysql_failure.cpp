#include "collectors/mysql/mysql_failure.hpp"

namespace alembic_exporter::mysql {

bool is_no_such_table(unsigned error_number) { return error_number == 1146; }

bool is_lost_connection(unsigned error_number) {
  return error_number == 2006 || error_number == 2013;
}

FailureReason failure_reason_for_error(unsigned error_number, std::string_view message) {
  switch (error_number) {
    case 1045:  // ER_ACCESS_DENIED_ERROR: wrong user or password
    case 1698:  // ER_ACCESS_DENIED_NO_PASSWORD_ERROR
    case 1251:  // ER_NOT_SUPPORTED_AUTH_MODE
    case 2059:  // CR_AUTH_PLUGIN_CANNOT_LOAD
      return FailureReason::auth_failed;
    case 1049:  // ER_BAD_DB_ERROR
      return FailureReason::database_missing;
    case 1044:  // ER_DBACCESS_DENIED_ERROR: no privilege on the database
    case 1142:  // ER_TABLEACCESS_DENIED_ERROR
    case 1143:  // ER_COLUMNACCESS_DENIED_ERROR
    case 1227:  // ER_SPECIFIC_ACCESS_DENIED_ERROR
      return FailureReason::permission_denied;
    case 1205:  // ER_LOCK_WAIT_TIMEOUT
    case 1969:  // ER_STATEMENT_TIMEOUT (MariaDB max_statement_time)
    case 3024:  // ER_QUERY_TIMEOUT (MySQL max_execution_time)
      return FailureReason::timeout;
    case 2026:  // CR_SSL_CONNECTION_ERROR
    case 3159:  // ER_SECURE_TRANSPORT_REQUIRED (MySQL)
      return FailureReason::ssl;
    case 2005:  // CR_UNKNOWN_HOST
      return FailureReason::dns;
    case 2002:  // CR_CONNECTION_ERROR (unix socket)
    case 2003:  // CR_CONN_HOST_ERROR (TCP); "(110)" is ETIMEDOUT
      return message.find("(110)") != std::string_view::npos ? FailureReason::timeout
                                                             : FailureReason::connection_refused;
    case 1040:  // ER_CON_COUNT_ERROR
    case 1203:  // ER_TOO_MANY_USER_CONNECTIONS
    case 1129:  // ER_HOST_IS_BLOCKED
    case 1053:  // ER_SERVER_SHUTDOWN: the server does not take our session
      return FailureReason::connection_refused;
    default:
      return error_number >= 2000 && error_number < 3000 ? FailureReason::protocol
                                                         : FailureReason::query_failed;
  }
}

}  // namespace alembic_exporter::mysql
