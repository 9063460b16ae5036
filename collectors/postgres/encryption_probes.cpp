#include "collectors/postgres/encryption_probes.hpp"

#include <memory>
#include <string_view>

namespace alembic_exporter::postgres {
namespace {

struct ConninfoFree {
  void operator()(PQconninfoOption* options) const { PQconninfoFree(options); }
};

/// The value libpq used for `keyword` on `connection`: the URL's, the environment's or the
/// default.
std::string effective_value(PQconninfoOption* options, std::string_view keyword) {
  for (PQconninfoOption* option = options; option != nullptr && option->keyword != nullptr;
       ++option) {
    if (keyword == option->keyword) return option->val != nullptr ? option->val : "";
  }
  return {};
}

}  // namespace

EncryptionProbes& EncryptionProbes::process() {
  static EncryptionProbes probes;
  return probes;
}

std::string EncryptionProbes::server_key(const ConnectionParameters& parameters) {
  std::string key;
  for (const auto& [keyword, value] : parameters) {
    if (keyword == "dbname" || keyword == "password") continue;
    key.append(keyword).push_back('=');
    key.append(value).push_back('\0');
  }
  return key;
}

bool EncryptionProbes::skip_known_failures(const std::string& server,
                                           ConnectionParameters& parameters,
                                           Clock::time_point now) {
  const std::lock_guard lock(mutex_);
  const auto known = by_server_.find(server);
  if (known == by_server_.end()) return false;
  if (now - known->second.seen >= remember_for) {
    by_server_.erase(known);
    return false;
  }
  if (known->second.gss) set_parameter(parameters, "gssencmode", "disable");
  if (known->second.ssl) set_parameter(parameters, "sslmode", "disable");
  return known->second.gss || known->second.ssl;
}

void EncryptionProbes::record(const std::string& server, PGconn* connection,
                              Clock::time_point now) {
  const std::unique_ptr<PQconninfoOption, ConninfoFree> options(PQconninfo(connection));
  const bool gss_encrypted = PQgssEncInUse(connection) != 0;
  Refusals refusals{
      .gss = effective_value(options.get(), "gssencmode") == "prefer" && !gss_encrypted,
      // GSSAPI encryption, when it works, is used instead of TLS: then TLS was never asked.
      .ssl = effective_value(options.get(), "sslmode") == "prefer" && !gss_encrypted &&
             PQsslInUse(connection) == 0,
      .seen = now,
  };
  const std::lock_guard lock(mutex_);
  if (refusals.gss || refusals.ssl) {
    by_server_.insert_or_assign(server, refusals);
  } else {
    by_server_.erase(server);
  }
}

void EncryptionProbes::forget(const std::string& server) {
  const std::lock_guard lock(mutex_);
  by_server_.erase(server);
}

}  // namespace alembic_exporter::postgres
