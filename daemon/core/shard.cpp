#include "daemon/core/shard.hpp"

#include <openssl/evp.h>

#include <array>

#include "collectors/component_status.hpp"

namespace alembic_exporter::core {

std::uint64_t hashmod(std::string_view key, std::uint64_t modulus) {
  std::array<unsigned char, 16> digest{};
  EVP_Digest(key.data(), key.size(), digest.data(), nullptr, EVP_md5(), nullptr);
  std::uint64_t tail = 0;
  for (std::size_t i = 8; i < digest.size(); ++i) tail = (tail << 8) | digest[i];
  return tail % modulus;
}

bool owns_component(const Shard& shard, const config::ComponentConfig& component) {
  return component.discover || owns(shard, target_key(component.name, {}, {}));
}

config::ValidatedConfig owned_part(config::ValidatedConfig config) {
  std::erase_if(config.components, [&config](const config::ComponentConfig& component) {
    return !owns_component(config.shard, component);
  });
  return config;
}

std::string shard_summary(const config::ValidatedConfig& config) {
  if (config.shard.count <= 1) return {};
  std::string checked;
  std::string others;
  for (const auto& component : config.components) {
    std::string& list = owns_component(config.shard, component) ? checked : others;
    list += (list.empty() ? "" : ", ") + component.name +
            (component.discover ? " (its targets split)" : "");
  }
  const std::string shard =
      std::to_string(config.shard.index) + "/" + std::to_string(config.shard.count);
  return "# shard " + shard + " checks: " + (checked.empty() ? "none" : checked) +
         "\n# left to the other shards: " + (others.empty() ? "none" : others) + "\n";
}

}  // namespace alembic_exporter::core
