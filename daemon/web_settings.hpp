#pragma once

#include <map>
#include <optional>
#include <string>

namespace alembic_exporter {

/// `tls_server_config` of an exporter-toolkit web config file.
struct TlsSettings {
  std::string cert_file;
  std::string key_file;
  std::string client_ca_file;  ///< empty: no client certificates
  /// NoClientCert, RequestClientCert, RequireAnyClientCert, VerifyClientCertIfGiven,
  /// RequireAndVerifyClientCert (exporter-toolkit's names).
  std::string client_auth_type = "NoClientCert";
  std::string min_version = "TLS12";  ///< TLS10 .. TLS13
  std::string max_version = "TLS13";
};

/// A validated exporter-toolkit web config (`web_config_file`).
struct WebSettings {
  std::optional<TlsSettings> tls;
  /// User name → bcrypt hash; empty: no authentication.
  std::map<std::string, std::string> basic_auth_users;
};

}  // namespace alembic_exporter
