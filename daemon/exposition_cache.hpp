#pragma once

#include <memory>
#include <mutex>
#include <string>

#include "snapshot.hpp"

namespace alembic_exporter {

/// The `/metrics` body of the latest snapshot asked for, rendered once per snapshot: scrapes of
/// an unchanged snapshot copy no metric and serialize nothing. The gzip body is compressed on
/// the first request that accepts gzip. Thread-safe: civetweb's threads call `body` at once.
class ExpositionCache {
 public:
  /// `exposition_text(*snapshot)`, gzip-compressed when `gzip`. The bytes stay valid while the
  /// caller holds the pointer, even after a newer snapshot replaced them here.
  std::shared_ptr<const std::string> body(const std::shared_ptr<const Snapshot>& snapshot,
                                          bool gzip);

 private:
  std::mutex mutex_;
  /// Held, not only compared: a freed snapshot's address could be reused by the next one.
  std::shared_ptr<const Snapshot> snapshot_;
  std::shared_ptr<const std::string> text_;
  std::shared_ptr<const std::string> gzip_;
};

}  // namespace alembic_exporter
