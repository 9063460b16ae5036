#include "daemon/http/exposition_cache.hpp"

#include "daemon/core/allocator_tuning.hpp"
#include "daemon/render/exposition.hpp"

namespace alembic_exporter::http {

ExpositionCache::ExpositionCache(Render render) : render_(std::move(render)) {}

ExpositionCache::ExpositionCache() : ExpositionCache(render::exposition_text) {}

std::shared_ptr<const std::string> ExpositionCache::text(
    const std::shared_ptr<const core::Snapshot>& snapshot) {
  std::unique_lock lock(mutex_);
  return text_for(snapshot, lock);
}

std::shared_ptr<const OpenGzipMember> ExpositionCache::gzip(
    const std::shared_ptr<const core::Snapshot>& snapshot) {
  std::unique_lock lock(mutex_);
  text_for(snapshot, lock);
  return gzip_of_latest(lock);
}

std::shared_ptr<const std::string> ExpositionCache::text_for(
    const std::shared_ptr<const core::Snapshot>& snapshot, std::unique_lock<std::mutex>& lock) {
  for (;;) {
    if (snapshot == snapshot_) return text_;
    if (!rendering_) break;
    if (text_) return text_;  // another thread renders: serve the previous body meanwhile
    finished_.wait(lock);
  }
  rendering_ = true;
  lock.unlock();
  auto text = std::make_shared<const std::string>(render_(*snapshot));
  // With many components the rendering just freed megabytes of temporaries on this thread's
  // arena; scrapes served from the cache allocate nothing and need no trim.
  core::return_free_memory();
  lock.lock();
  rendering_ = false;
  snapshot_ = snapshot;
  text_ = text;
  gzip_.reset();
  finished_.notify_all();
  return text;
}

std::shared_ptr<const OpenGzipMember> ExpositionCache::gzip_of_latest(
    std::unique_lock<std::mutex>& lock) {
  for (;;) {
    if (gzip_) return gzip_;
    if (!compressing_) break;
    if (last_gzip_) return last_gzip_;
    finished_.wait(lock);
  }
  compressing_ = true;
  const auto text = text_;
  lock.unlock();
  auto compressed = std::make_shared<const OpenGzipMember>(gzip_open(*text));
  lock.lock();
  compressing_ = false;
  last_gzip_ = compressed;
  if (text == text_) gzip_ = compressed;
  finished_.notify_all();
  return compressed;
}

}  // namespace alembic_exporter::http
