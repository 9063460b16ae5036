// Debian 12's civetweb 1.15 is built for the OpenSSL 1.1 API and loads OpenSSL with
// dlopen("libssl.so"). After every TLS handshake it calls SSL_get_peer_certificate, which
// OpenSSL 3 only has as a macro: dlsym finds nothing and the worker thread calls address 0.
//
// This library is named and "sonamed" libssl.so and depends on the real libssl.so.3. Loaded
// with the executable, it is what civetweb's dlopen("libssl.so") returns (glibc matches loaded
// objects by soname), so civetweb's dlsym sees libssl.so.3's symbols plus the one below.

#include <openssl/ssl.h>

#undef SSL_get_peer_certificate

extern "C" X509* SSL_get_peer_certificate(const SSL* ssl) {
  // OpenSSL 1.1's SSL_get_peer_certificate returned a new reference, as get1 does; civetweb
  // frees it with X509_free.
  return SSL_get1_peer_certificate(ssl);
}
