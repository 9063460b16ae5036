#pragma once

#include <cstddef>
#include <map>
#include <memory>
#include <string>

#include "collectors/connection_slots.hpp"

namespace alembic_exporter {

/// `max_connections` when the configuration does not set it: small, since a server's
/// connection limit is shared with the applications it serves.
constexpr std::size_t default_max_connections = 4;

/// The connection slots of every database server, by endpoint (`host:port` or socket directory
/// as the URLs write it: `localhost` and `127.0.0.1` count as two servers). A server's slots
/// live as long as a reader uses them.
class ServerSlots {
 public:
  explicit ServerSlots(std::size_t per_server) : per_server_(per_server) {}

  std::shared_ptr<ConnectionSlots> of(const std::string& endpoint);
  /// Applies a new cap to the servers in use and to those to come.
  void set_per_server(std::size_t per_server);

 private:
  std::size_t per_server_;
  std::map<std::string, std::weak_ptr<ConnectionSlots>, std::less<>> servers_;
};

}  // namespace alembic_exporter
