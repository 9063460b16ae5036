#include "redact_url.hpp"

namespace alembic_exporter::config {
namespace {

constexpr std::string_view mask = "****";

std::string redact_query(std::string_view query) {
  std::string result;
  while (true) {
    const auto end = query.find('&');
    const std::string_view parameter = query.substr(0, end);
    result += parameter.starts_with("password=") ? "password=" + std::string(mask)
                                                 : std::string(parameter);
    if (end == std::string_view::npos) return result;
    result += '&';
    query.remove_prefix(end + 1);
  }
}

}  // namespace

std::string redact_database_url(std::string_view url) {
  const auto scheme_end = url.find("://");
  if (scheme_end == std::string_view::npos) return std::string(mask);
  const auto user_start = scheme_end + 3;
  const auto query_start = url.find('?', user_start);
  const std::string_view before_query = url.substr(0, query_start);
  // The last '@' before the query ends the user info, so a password holding a raw '@' or '/' is
  // still masked whole; at worst a database name with an '@' is masked too.
  const auto at = before_query.rfind('@');
  const auto colon = at == std::string_view::npos || at < user_start
                         ? std::string_view::npos
                         : before_query.substr(0, at).find(':', user_start);
  std::string result(before_query);
  if (colon != std::string_view::npos) {
    result = std::string(url.substr(0, colon + 1)) + std::string(mask) +
             std::string(before_query.substr(at));
  }
  if (query_start != std::string_view::npos) {
    result += '?' + redact_query(url.substr(query_start + 1));
  }
  return result;
}

}  // namespace alembic_exporter::config
