#include "exposition_cache.hpp"

#include "allocator_tuning.hpp"
#include "exposition.hpp"
#include "gzip.hpp"

namespace alembic_exporter {

std::shared_ptr<const std::string> ExpositionCache::body(
    const std::shared_ptr<const Snapshot>& snapshot, bool gzip) {
  // Rendering under the lock: concurrent scrapes of a new snapshot wait for one rendering
  // instead of each doing it.
  const std::lock_guard lock(mutex_);
  if (snapshot != snapshot_) {
    text_ = std::make_shared<const std::string>(exposition_text(*snapshot));
    gzip_.reset();
    snapshot_ = snapshot;
    // With many components the rendering just freed megabytes of temporaries on this thread's
    // arena; scrapes served from the cache allocate nothing and need no trim.
    return_free_memory();
  }
  if (!gzip) return text_;
  if (!gzip_) gzip_ = std::make_shared<const std::string>(gzip_compress(*text_));
  return gzip_;
}

}  // namespace alembic_exporter
