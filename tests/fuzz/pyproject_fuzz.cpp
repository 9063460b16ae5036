#include <cstddef>
#include <cstdint>
#include <string_view>

#include "collectors/alembic/pyproject_reader.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  alembic_exporter::alembic::parse_pyproject(text, "/srv/app");
  return 0;
}
