#include "daemon/systemd/libsystemd.hpp"

#include <stdexcept>

#include "collectors/shared_library.hpp"

namespace alembic_exporter::systemd {
namespace {

Libsystemd load() {
  SharedLibrary library("libsystemd.so.0");
  const Libsystemd functions{
      library.resolve<decltype(&sd_notify)>("sd_notify"),
      library.resolve<decltype(&sd_watchdog_enabled)>("sd_watchdog_enabled"),
      library.resolve<decltype(&sd_journal_sendv)>("sd_journal_sendv"),
  };
  if (!library.error().empty()) throw std::runtime_error(library.error());
  return functions;
}

}  // namespace

const Libsystemd& libsystemd() {
  static const Libsystemd functions = load();
  return functions;
}

}  // namespace alembic_exporter::systemd
