#include "daemon/web/basic_auth.hpp"

#include <openssl/crypto.h>

#include <optional>

#include "daemon/web/bcrypt.hpp"

namespace alembic_exporter::web {
namespace {

int base64_value(char c) {
  if (c >= 'A' && c <= 'Z') return c - 'A';
  if (c >= 'a' && c <= 'z') return c - 'a' + 26;
  if (c >= '0' && c <= '9') return c - '0' + 52;
  if (c == '+') return 62;
  if (c == '/') return 63;
  return -1;
}

/// Standard base64 with padding (what browsers and curl send); nullopt for anything else.
std::optional<std::string> decode_base64(std::string_view text) {
  if (text.empty() || text.size() % 4 != 0) return std::nullopt;
  const std::size_t padding = text.ends_with("==") ? 2 : text.ends_with('=') ? 1 : 0;
  std::string decoded;
  decoded.reserve(text.size() / 4 * 3);
  unsigned bits = 0;
  int bit_count = 0;
  for (const char c : text.substr(0, text.size() - padding)) {
    const int value = base64_value(c);
    if (value < 0) return std::nullopt;
    bits = (bits << 6) | static_cast<unsigned>(value);
    bit_count += 6;
    if (bit_count >= 8) {
      bit_count -= 8;
      decoded += static_cast<char>((bits >> bit_count) & 0xFFu);
    }
  }
  return decoded;
}

bool equals_ignoring_case(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    const auto lower = [](char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c + 32) : c; };
    if (lower(a[i]) != lower(b[i])) return false;
  }
  return true;
}

bool credentials_allowed(const std::map<std::string, std::string>& users,
                         std::string_view credentials) {
  const auto colon = credentials.find(':');
  if (colon == std::string_view::npos) return false;
  const std::string user(credentials.substr(0, colon));
  const std::string_view password = credentials.substr(colon + 1);
  const auto found = users.find(user);
  if (found == users.end()) {
    bcrypt_matches(password, users.begin()->second);  // same cost as a known user's check
    return false;
  }
  return bcrypt_matches(password, found->second);
}

}  // namespace

bool basic_auth_allows(const std::map<std::string, std::string>& users,
                       std::string_view authorization_header) {
  if (users.empty()) return false;
  const auto space = authorization_header.find(' ');
  if (space == std::string_view::npos ||
      !equals_ignoring_case(authorization_header.substr(0, space), "Basic")) {
    return false;
  }
  std::string_view token = authorization_header.substr(space);
  while (token.starts_with(' ')) token.remove_prefix(1);
  while (token.ends_with(' ')) token.remove_suffix(1);
  auto credentials = decode_base64(token);
  if (!credentials) return false;
  const bool allowed = credentials_allowed(users, *credentials);
  OPENSSL_cleanse(credentials->data(), credentials->size());
  return allowed;
}

}  // namespace alembic_exporter::web
