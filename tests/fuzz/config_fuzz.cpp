#include <cstddef>
#include <cstdint>
#include <string_view>

#include "config/load_config.hpp"
#include "tests/unit/config/fake_environment.hpp"

namespace config = alembic_exporter::config;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static const config::Environment environment = config::testing::backend_ai_host();
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  config::parse_config(text, "fuzz.yaml", environment);
  return 0;
}
