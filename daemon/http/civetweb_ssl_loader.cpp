#include "daemon/http/civetweb_ssl_loader.hpp"

#include <dlfcn.h>

#include <stdexcept>
#include <string>

namespace alembic_exporter::http {

void load_civetweb_ssl_compat() {
  // Searched in this executable's RUNPATH (Meson's build directory, or the install_rpath),
  // before the system's libssl.so development symlink. Never closed: civetweb keeps using it.
  void* library = dlopen("libssl.so", RTLD_NOW);
  if (library == nullptr) {
    throw std::runtime_error(std::string("TLS is unavailable: cannot load libssl.so: ") +
                             dlerror());
  }
  if (dlsym(library, "SSL_get_peer_certificate") == nullptr) {
    throw std::runtime_error(
        "TLS is unavailable: the libssl.so found is OpenSSL 3's, without "
        "SSL_get_peer_certificate, which civetweb 1.15 calls on every connection (install "
        "alembic_exporter's libssl.so compat library next to the executable's RUNPATH)");
  }
}

}  // namespace alembic_exporter::http
