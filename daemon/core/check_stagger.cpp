#include "daemon/core/check_stagger.hpp"

#include "daemon/core/shard.hpp"

namespace alembic_exporter::core {

std::chrono::milliseconds first_check_offset(std::string_view target_key,
                                             std::chrono::milliseconds interval) {
  if (interval.count() <= 0) return std::chrono::milliseconds(0);
  // Salted so that the offset does not repeat the shard choice, which hashes the same key.
  const auto offset =
      hashmod("stagger/" + std::string(target_key), static_cast<std::uint64_t>(interval.count()));
  return std::chrono::milliseconds(static_cast<std::chrono::milliseconds::rep>(offset));
}

}  // namespace alembic_exporter::core
