#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <variant>

#include "collectors/alembic/alembic_settings.hpp"
#include "collectors/alembic/ini_reader.hpp"

namespace alembic = alembic_exporter::alembic;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  const auto parsed = alembic::parse_ini(text);
  const auto* file = std::get_if<alembic::IniFile>(&parsed);
  if (file == nullptr) return 0;
  // Every `package.module:dir` location resolves, except under a package named `missing`.
  const alembic::PackageDirectory package_dir =
      [](std::string_view package, std::string_view dir) -> std::optional<std::string> {
    if (package.starts_with("missing")) return std::nullopt;
    return "/srv/site-packages/" + std::string(package) + "/" + std::string(dir);
  };
  alembic::read_alembic_settings(*file, "/etc/app", "alembic", package_dir);
  return 0;
}
