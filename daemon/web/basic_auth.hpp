#pragma once

#include <map>
#include <string>
#include <string_view>

namespace alembic_exporter::web {

/// True when an `Authorization` header value is `Basic base64(user:password)` (RFC 7617) for a
/// user of `users` (name → bcrypt hash) with the right password. A malformed header is false.
/// For an unknown user a configured hash is still computed, so the response time does not tell
/// which user names exist.
bool basic_auth_allows(const std::map<std::string, std::string>& users,
                       std::string_view authorization_header);

}  // namespace alembic_exporter::web
