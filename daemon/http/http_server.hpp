#pragma once

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "daemon/core/snapshot.hpp"

class CivetServer;

namespace alembic_exporter::web {
/// TLS and basic-auth settings in the exporter-toolkit web config format (already validated).
struct WebSettings;
}  // namespace alembic_exporter::web

namespace alembic_exporter::http {

class HttpRoutes;
struct CivetContext;

/// What HTTP requests may read. Both run on civetweb's threads, so they must be thread-safe:
/// the snapshot store is, and `healthy` reads an atomic heartbeat of the event loop.
struct HttpSources {
  const core::SnapshotStore* snapshots = nullptr;
  std::function<bool()> healthy;
};

/// Serves `/`, `/metrics`, `/status`, `/ready`, `/healthz` on civetweb's threads; 404 for
/// anything else.
/// Requests only read the current snapshot: never a database or the disk.
class HttpServer {
 public:
  /// Listens on every `host:port` at once (port 0 picks a free one); throws std::runtime_error
  /// naming the addresses and civetweb's reason when one cannot be bound.
  HttpServer(const std::vector<std::string>& listen, HttpSources sources,
             const web::WebSettings* web_settings);
  ~HttpServer();
  HttpServer(const HttpServer&) = delete;
  HttpServer& operator=(const HttpServer&) = delete;

  /// The bound ports in the order of `listen` (the real ones where port 0 was asked for).
  std::vector<int> ports() const;

 private:
  /// Host part of each listen address, in order (to wake civetweb at shutdown).
  std::vector<std::string> hosts_;
  std::unique_ptr<CivetContext> context_;
  std::unique_ptr<HttpRoutes> routes_;
  std::unique_ptr<CivetServer> server_;
};

}  // namespace alembic_exporter::http
