#include "daemon/systemd/libsystemd.hpp"

#include <dlfcn.h>

#include <stdexcept>
#include <string>

namespace alembic_exporter::systemd {
namespace {

[[noreturn]] void fail(const std::string& what) {
  const char* error = dlerror();
  throw std::runtime_error("cannot load libsystemd.so.0 (" + what +
                           "): " + (error != nullptr ? error : "unknown error"));
}

template <typename Function>
Function resolve(void* library, const char* name) {
  void* symbol = dlsym(library, name);
  if (symbol == nullptr) fail(name);
  return reinterpret_cast<Function>(symbol);
}

Libsystemd load() {
  // Never closed: the functions are called until the process exits.
  void* library = dlopen("libsystemd.so.0", RTLD_NOW | RTLD_LOCAL);
  if (library == nullptr) fail("dlopen");
  return {
      resolve<decltype(&sd_notify)>(library, "sd_notify"),
      resolve<decltype(&sd_watchdog_enabled)>(library, "sd_watchdog_enabled"),
      resolve<decltype(&sd_journal_sendv)>(library, "sd_journal_sendv"),
  };
}

}  // namespace

const Libsystemd& libsystemd() {
  static const Libsystemd functions = load();
  return functions;
}

}  // namespace alembic_exporter::systemd
