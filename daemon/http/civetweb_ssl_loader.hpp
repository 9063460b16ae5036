#pragma once

namespace alembic_exporter::http {

/// Loads alembic_exporter's `libssl.so` (civetweb_ssl_compat.cpp) before civetweb loads OpenSSL,
/// so that civetweb's own dlopen("libssl.so") gets it. Throws std::runtime_error when the
/// library found is not that one: HTTPS would crash on the first connection.
void load_civetweb_ssl_compat();

}  // namespace alembic_exporter::http
