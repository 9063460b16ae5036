#pragma once

#include <array>
#include <map>
#include <optional>
#include <string>
#include <string_view>

namespace alembic_exporter::web {

/// exporter-toolkit's `client_auth_type` values, from "no certificate" to "a verified one".
inline constexpr std::array<std::string_view, 5> client_auth_types = {
    "NoClientCert",
    "RequestClientCert",
    "RequireAnyClientCert",
    "VerifyClientCertIfGiven",
    "RequireAndVerifyClientCert",
};

/// exporter-toolkit's `min_version`/`max_version` values, oldest first.
inline constexpr std::array<std::string_view, 4> tls_versions = {"TLS10", "TLS11", "TLS12",
                                                                 "TLS13"};

/// `tls_server_config` of an exporter-toolkit web config file.
struct TlsSettings {
  std::string cert_file;
  std::string key_file;
  std::string client_ca_file;  ///< empty: no client certificates
  /// One of `client_auth_types` (exporter-toolkit's names).
  std::string client_auth_type = "NoClientCert";
  std::string min_version = "TLS12";  ///< one of `tls_versions`
  std::string max_version = "TLS13";
  /// Pick the cipher from the server's list rather than the client's (TLS 1.2 and older).
  bool prefer_server_cipher_suites = true;
};

/// A validated exporter-toolkit web config (`web_config_file`).
struct WebSettings {
  std::optional<TlsSettings> tls;
  /// User name → bcrypt hash; empty: no authentication.
  std::map<std::string, std::string> basic_auth_users;
};

}  // namespace alembic_exporter::web
