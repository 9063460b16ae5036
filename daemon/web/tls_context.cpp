#include "daemon/web/tls_context.hpp"

#include <openssl/err.h>
#include <openssl/ssl.h>

#include <algorithm>
#include <iterator>

namespace alembic_exporter::web {
namespace {

/// OpenSSL's reason for the last failure (and clears its error queue).
std::string openssl_reason() {
  const unsigned long error = ERR_peek_last_error();
  ERR_clear_error();
  if (error == 0) return "unknown OpenSSL error";
  char text[256];
  ERR_error_string_n(error, text, sizeof text);
  return text;
}

std::optional<int> protocol_version(std::string_view name) {
  constexpr int versions[] = {TLS1_VERSION, TLS1_1_VERSION, TLS1_2_VERSION, TLS1_3_VERSION};
  static_assert(std::size(versions) == tls_versions.size());
  const auto found = std::find(tls_versions.begin(), tls_versions.end(), name);
  if (found == tls_versions.end()) return std::nullopt;
  return versions[found - tls_versions.begin()];
}

/// SSL_VERIFY_* flags for exporter-toolkit's client_auth_type, and whether the certificate
/// must chain to client_ca_file (Go's RequestClientCert/RequireAnyClientCert do not verify).
struct ClientAuth {
  int verify_mode;
  bool verify_chain;
};

std::optional<ClientAuth> client_auth(std::string_view name) {
  const ClientAuth modes[] = {
      {SSL_VERIFY_NONE, false},
      {SSL_VERIFY_PEER, false},
      {SSL_VERIFY_PEER | SSL_VERIFY_FAIL_IF_NO_PEER_CERT, false},
      {SSL_VERIFY_PEER, true},
      {SSL_VERIFY_PEER | SSL_VERIFY_FAIL_IF_NO_PEER_CERT, true},
  };
  static_assert(std::size(modes) == client_auth_types.size());
  const auto found = std::find(client_auth_types.begin(), client_auth_types.end(), name);
  if (found == client_auth_types.end()) return std::nullopt;
  return modes[found - client_auth_types.begin()];
}

int accept_any_certificate(int, X509_STORE_CTX*) { return 1; }

/// An encrypted key would make OpenSSL prompt on the terminal; a daemon has none.
int no_passphrase(char*, int, int, void*) { return 0; }

std::optional<std::string> configure_client_auth(SSL_CTX* context, const TlsSettings& settings) {
  const auto mode = client_auth(settings.client_auth_type);
  if (!mode) return "tls_server_config: unknown client_auth_type " + settings.client_auth_type;
  if (!settings.client_ca_file.empty()) {
    const char* file = settings.client_ca_file.c_str();
    STACK_OF(X509_NAME)* names = SSL_load_client_CA_file(file);
    if (names == nullptr || SSL_CTX_load_verify_locations(context, file, nullptr) != 1) {
      if (names != nullptr) sk_X509_NAME_pop_free(names, X509_NAME_free);
      return "tls_server_config: cannot load client_ca_file " + settings.client_ca_file + ": " +
             openssl_reason();
    }
    SSL_CTX_set_client_CA_list(context, names);  // takes ownership
  }
  SSL_CTX_set_verify(context, mode->verify_mode,
                     mode->verify_chain ? nullptr : accept_any_certificate);
  // Session resumption with client certificates fails without a session id context.
  constexpr unsigned char session_context[] = "alembic_exporter";
  SSL_CTX_set_session_id_context(context, session_context, sizeof session_context - 1);
  return std::nullopt;
}

std::optional<std::string> configure_versions(SSL_CTX* context, const TlsSettings& settings) {
  const auto min = protocol_version(settings.min_version);
  const auto max = protocol_version(settings.max_version);
  if (!min || !max) {
    return "tls_server_config: unknown TLS version " + settings.min_version + " or " +
           settings.max_version;
  }
  // civetweb sets SSL_OP_NO_* from its own ssl_protocol_version; ours is min/max alone.
  SSL_CTX_clear_options(context, SSL_OP_NO_SSLv3 | SSL_OP_NO_TLSv1 | SSL_OP_NO_TLSv1_1 |
                                     SSL_OP_NO_TLSv1_2 | SSL_OP_NO_TLSv1_3);
  if (SSL_CTX_set_min_proto_version(context, *min) != 1 ||
      SSL_CTX_set_max_proto_version(context, *max) != 1) {
    return "tls_server_config: cannot set TLS versions " + settings.min_version + ".." +
           settings.max_version + ": " + openssl_reason();
  }
  return std::nullopt;
}

}  // namespace

std::optional<std::string> configure_tls(void* ssl_ctx, const TlsSettings& settings) {
  auto* context = static_cast<SSL_CTX*>(ssl_ctx);
  ERR_clear_error();
  SSL_CTX_set_default_passwd_cb(context, no_passphrase);
  if (SSL_CTX_use_certificate_chain_file(context, settings.cert_file.c_str()) != 1) {
    return "tls_server_config: cannot load cert_file " + settings.cert_file + ": " +
           openssl_reason();
  }
  // With the certificate loaded first, OpenSSL also checks that the key matches it.
  if (SSL_CTX_use_PrivateKey_file(context, settings.key_file.c_str(), SSL_FILETYPE_PEM) != 1) {
    return "tls_server_config: cannot load key_file " + settings.key_file + ": " + openssl_reason();
  }
  if (auto error = configure_versions(context, settings)) return error;
  if (settings.prefer_server_cipher_suites) {
    SSL_CTX_set_options(context, SSL_OP_CIPHER_SERVER_PREFERENCE);
  } else {
    SSL_CTX_clear_options(context, SSL_OP_CIPHER_SERVER_PREFERENCE);
  }
  return configure_client_auth(context, settings);
}

}  // namespace alembic_exporter::web
