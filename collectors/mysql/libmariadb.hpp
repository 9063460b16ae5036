#pragma once

#include <mysql.h>

#include <string>
#include <variant>

namespace alembic_exporter::mysql {

/// The MariaDB Connector/C functions MysqlVersionReader calls, resolved from libmariadb.so.3
/// with dlopen when the first MySQL reader is made: a process without a `mysql://` URL never
/// maps Connector/C (docs/BENCHMARKS.md, "Issue 21").
struct Libmariadb {
  decltype(&mysql_init) init;
  decltype(&mysql_options) options;
  decltype(&mysql_optionsv) optionsv;
  decltype(&mysql_real_connect_start) real_connect_start;
  decltype(&mysql_real_connect_cont) real_connect_cont;
  decltype(&mysql_real_query_start) real_query_start;
  decltype(&mysql_real_query_cont) real_query_cont;
  decltype(&mysql_store_result_start) store_result_start;
  decltype(&mysql_store_result_cont) store_result_cont;
  decltype(&mysql_fetch_row) fetch_row;
  decltype(&mysql_free_result) free_result;
  decltype(&mysql_get_socket) get_socket;
  decltype(&mysql_get_timeout_value_ms) get_timeout_value_ms;
  decltype(&mysql_get_ssl_cipher) get_ssl_cipher;
  decltype(&mysql_errno) errno_of;
  decltype(&mysql_error) error_of;
  decltype(&mysql_close) close;
};

/// Loads Connector/C once (thread-safe): its functions, or why they cannot be loaded
/// (`cannot load libmariadb.so.3 (dlopen): ...`).
const std::variant<Libmariadb, std::string>& load_libmariadb();

/// The loaded functions; throws std::logic_error when load_libmariadb() failed (a reader must
/// not be made then).
const Libmariadb& libmariadb();

}  // namespace alembic_exporter::mysql
