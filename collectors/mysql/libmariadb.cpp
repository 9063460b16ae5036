#include "collectors/mysql/libmariadb.hpp"

#include <stdexcept>

#include "collectors/shared_library.hpp"

namespace alembic_exporter::mysql {
namespace {

std::variant<Libmariadb, std::string> load() {
  SharedLibrary library("libmariadb.so.3");
  const Libmariadb functions{
      library.resolve<decltype(&mysql_init)>("mysql_init"),
      library.resolve<decltype(&mysql_options)>("mysql_options"),
      library.resolve<decltype(&mysql_optionsv)>("mysql_optionsv"),
      library.resolve<decltype(&mysql_real_connect_start)>("mysql_real_connect_start"),
      library.resolve<decltype(&mysql_real_connect_cont)>("mysql_real_connect_cont"),
      library.resolve<decltype(&mysql_real_query_start)>("mysql_real_query_start"),
      library.resolve<decltype(&mysql_real_query_cont)>("mysql_real_query_cont"),
      library.resolve<decltype(&mysql_store_result_start)>("mysql_store_result_start"),
      library.resolve<decltype(&mysql_store_result_cont)>("mysql_store_result_cont"),
      library.resolve<decltype(&mysql_fetch_row)>("mysql_fetch_row"),
      library.resolve<decltype(&mysql_free_result)>("mysql_free_result"),
      library.resolve<decltype(&mysql_get_socket)>("mysql_get_socket"),
      library.resolve<decltype(&mysql_get_timeout_value_ms)>("mysql_get_timeout_value_ms"),
      library.resolve<decltype(&mysql_get_ssl_cipher)>("mysql_get_ssl_cipher"),
      library.resolve<decltype(&mysql_errno)>("mysql_errno"),
      library.resolve<decltype(&mysql_error)>("mysql_error"),
      library.resolve<decltype(&mysql_close)>("mysql_close"),
  };
  if (!library.error().empty()) return library.error();
  return functions;
}

}  // namespace

const std::variant<Libmariadb, std::string>& load_libmariadb() {
  static const std::variant<Libmariadb, std::string> loaded = load();
  return loaded;
}

const Libmariadb& libmariadb() {
  const auto& loaded = load_libmariadb();
  if (const auto* error = std::get_if<std::string>(&loaded)) throw std::logic_error(*error);
  return std::get<Libmariadb>(loaded);
}

}  // namespace alembic_exporter::mysql
