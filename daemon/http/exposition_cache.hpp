#pragma once

#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <string>

#include "daemon/core/snapshot.hpp"
#include "daemon/http/gzip.hpp"

namespace alembic_exporter::http {

/// The `/metrics` body of the latest snapshot asked for, rendered once per snapshot: scrapes of
/// an unchanged snapshot copy no metric and serialize nothing. The gzip body is compressed on
/// the first request that accepts gzip, as an open member that each scrape closes with its
/// process families (`gzip_close`). Thread-safe: civetweb's threads call `text` and `gzip` at
/// once.
///
/// One thread at a time renders (or compresses), outside the lock; scrapes arriving meanwhile
/// get the previous body instead of waiting for it, so a rendering (milliseconds with hundreds
/// of components) delays one scrape, not every scrape in flight. They wait only when there is no
/// previous body yet.
class ExpositionCache {
 public:
  using Render = std::function<std::string(const core::Snapshot&)>;

  /// `render` is `exposition_text` but in tests.
  explicit ExpositionCache(Render render);
  ExpositionCache();

  /// `render(*snapshot)` — or, while another thread renders a newer one, the last rendering.
  /// The bytes stay valid while the caller holds the pointer.
  std::shared_ptr<const std::string> text(const std::shared_ptr<const core::Snapshot>& snapshot);
  /// The same text as an open gzip member (`gzip_open`).
  std::shared_ptr<const OpenGzipMember> gzip(const std::shared_ptr<const core::Snapshot>& snapshot);

 private:
  std::shared_ptr<const std::string> text_for(const std::shared_ptr<const core::Snapshot>& snapshot,
                                              std::unique_lock<std::mutex>& lock);
  std::shared_ptr<const OpenGzipMember> gzip_of_latest(std::unique_lock<std::mutex>& lock);

  Render render_;
  std::mutex mutex_;
  std::condition_variable finished_;
  bool rendering_ = false;
  bool compressing_ = false;
  /// Held, not only compared: a freed snapshot's address could be reused by the next one.
  std::shared_ptr<const core::Snapshot> snapshot_;
  std::shared_ptr<const std::string> text_;
  /// The gzip body of `text_`, once compressed; `last_gzip_` is the latest of any snapshot.
  std::shared_ptr<const OpenGzipMember> gzip_;
  std::shared_ptr<const OpenGzipMember> last_gzip_;
};

}  // namespace alembic_exporter::http
