#include "collectors/postgres/session_parameters.hpp"

#include <algorithm>

namespace alembic_exporter::postgres {
ConnectionParameters session_parameters(const DatabaseUrl& url,
                                        const std::optional<std::string>& password,
                                        std::chrono::milliseconds timeout) {
  ConnectionParameters parameters = url.libpq_parameters();
  if (password) set_parameter(parameters, "password", *password);
  set_parameter(parameters, "application_name", "alembic_exporter");

  std::string options = "-c default_transaction_read_only=on -c statement_timeout=" +
                        std::to_string(std::max<long long>(1, timeout.count()));
  if (const std::string* given = find_parameter(parameters, "options"); given && !given->empty()) {
    options = *given + " " + options;
  }
  set_parameter(parameters, "options", std::move(options));

  // Whole seconds, and libpq treats 1 as 2. The Asio deadline is what really bounds the check;
  // this only matters if the parameters are ever used by a blocking PQconnectdb.
  const auto seconds = std::chrono::ceil<std::chrono::seconds>(timeout).count();
  set_parameter(parameters, "connect_timeout", std::to_string(std::max<long long>(2, seconds)));
  return parameters;
}

}  // namespace alembic_exporter::postgres
