#include "daemon/web/bcrypt.hpp"

#include <crypt.h>
#include <openssl/crypto.h>

#include <memory>
#include <string>

namespace alembic_exporter::web {

namespace {

/// `$2b$` + two-digit cost 04..31 + `$` + 22 characters of salt and 31 of hash: crypt_checksalt
/// only looks at the prefix, and crypt_r would happily hash against a truncated setting.
bool has_bcrypt_shape(std::string_view hash) {
  constexpr std::string_view alphabet =
      "./ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
  if (hash.size() != 60 || hash[6] != '$') return false;
  if (!hash.starts_with("$2a$") && !hash.starts_with("$2b$") && !hash.starts_with("$2y$")) {
    return false;
  }
  const std::string_view cost = hash.substr(4, 2);
  if (cost < "04" || cost > "31" || cost.find_first_not_of("0123456789") != cost.npos) {
    return false;
  }
  return hash.substr(7).find_first_not_of(alphabet) == std::string_view::npos;
}

}  // namespace

bool is_bcrypt_hash(std::string_view hash) {
  return has_bcrypt_shape(hash) && crypt_checksalt(std::string(hash).c_str()) == CRYPT_SALT_OK;
}

bool bcrypt_matches(std::string_view password, std::string_view hash) {
  // crypt_r needs NUL-terminated strings; a password with a NUL could never have been hashed.
  if (password.find('\0') != std::string_view::npos) return false;
  std::string phrase(password);
  const std::string setting(hash);
  // struct crypt_data is about 32 KiB: too large for a civetweb worker's stack. Value-initialised
  // (zeroed), as crypt_r requires before first use.
  const auto data = std::make_unique<crypt_data>();
  const char* computed = crypt_r(phrase.c_str(), setting.c_str(), data.get());
  const bool matches = computed != nullptr && std::string_view(computed).size() == hash.size() &&
                       CRYPTO_memcmp(computed, hash.data(), hash.size()) == 0;
  OPENSSL_cleanse(phrase.data(), phrase.size());
  OPENSSL_cleanse(data.get(), sizeof(crypt_data));
  return matches;
}

}  // namespace alembic_exporter::web
