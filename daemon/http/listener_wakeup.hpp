#pragma once

#include <stop_token>
#include <string>
#include <vector>

namespace alembic_exporter::http {

/// An IPv4 listening address to poke: the host it was bound to and its real port.
struct BoundListener {
  std::string host;
  int port = 0;
};

/// Connects to every listener and hangs up, every 20 ms, until `stop` is requested.
///
/// civetweb's master thread polls its listening sockets with a 2 s timeout and notices
/// mg_stop() only when that poll returns, so a plain stop takes up to 2 s. A connection wakes
/// the poll at once; repeating it covers a wake-up that lands before the stop flag is set.
void wake_listeners_until(const std::vector<BoundListener>& listeners, std::stop_token stop);

}  // namespace alembic_exporter::http
