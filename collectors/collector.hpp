#pragma once

#include <functional>

#include "collectors/component_status.hpp"

namespace alembic_exporter {

/// One data source for one component (node_exporter's collector idea). The daemon and the CLI
/// know only this interface; they time nothing and derive nothing from the source itself.
class Collector {
 public:
  using Done = std::function<void(ComponentStatus)>;

  virtual ~Collector() = default;
  /// Starts one check; `done` runs exactly once on the collector's io_context, within the
  /// component's timeout once its database server has a free `max_connections` slot (the wait
  /// for one comes first; see LimitedReader). A check is never started while another one is
  /// running.
  virtual void check(Done done) = 0;
  /// Ends a running check early (its `done` still runs once); no effect when idle.
  virtual void cancel() = 0;
};

}  // namespace alembic_exporter
