#pragma once

#include <optional>
#include <string>

#include "daemon/web/web_settings.hpp"

namespace alembic_exporter::web {

/// Configures an OpenSSL `SSL_CTX*` (civetweb's init_ssl callback passes it as `void*`) from
/// validated settings: certificate chain, private key, protocol versions and client
/// certificates. Returns what went wrong, naming the file and OpenSSL's reason (never key
/// material); nullopt on success.
std::optional<std::string> configure_tls(void* ssl_ctx, const TlsSettings& settings);

}  // namespace alembic_exporter::web
