#pragma once

#include <string>
#include <string_view>

namespace alembic_exporter::config {

/// `url` with every password replaced by `****`: the one in `scheme://user:password@host` and a
/// `password=` query parameter (libpq URIs accept both). Text that is not a URL is replaced
/// entirely, since it might be a key=value connection string holding a password.
std::string redact_database_url(std::string_view url);

}  // namespace alembic_exporter::config
