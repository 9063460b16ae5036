#pragma once

#include <string_view>

namespace alembic_exporter::web {

/// True when `hash` is a bcrypt hash (`$2a$`, `$2b$` or `$2y$`, as htpasswd -B writes) that
/// libcrypt can verify against.
bool is_bcrypt_hash(std::string_view hash);

/// True when `password` hashes to `hash`; compares in constant time. Costs one bcrypt round
/// (milliseconds by design), so callers decide when that is acceptable.
bool bcrypt_matches(std::string_view password, std::string_view hash);

}  // namespace alembic_exporter::web
