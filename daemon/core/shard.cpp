#include "daemon/core/shard.hpp"

#include <openssl/evp.h>

#include <array>

namespace alembic_exporter::core {

std::uint64_t hashmod(std::string_view key, std::uint64_t modulus) {
  std::array<unsigned char, 16> digest{};
  EVP_Digest(key.data(), key.size(), digest.data(), nullptr, EVP_md5(), nullptr);
  std::uint64_t tail = 0;
  for (std::size_t i = 8; i < digest.size(); ++i) tail = (tail << 8) | digest[i];
  return tail % modulus;
}

}  // namespace alembic_exporter::core
