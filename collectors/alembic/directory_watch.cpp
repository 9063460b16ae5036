#include "collectors/alembic/directory_watch.hpp"

#include <algorithm>
#include <utility>

namespace alembic_exporter::alembic {

DirectoryWatch::DirectoryWatch(std::shared_ptr<InotifyInstance> inotify)
    : inotify_(std::move(inotify)), set_(inotify_->open_set()) {}

DirectoryWatch::~DirectoryWatch() { close(); }

DirectoryWatch::DirectoryWatch(DirectoryWatch&& other) noexcept
    : inotify_(std::move(other.inotify_)),
      set_(other.set_),
      healthy_(std::exchange(other.healthy_, false)),
      watches_(std::move(other.watches_)),
      previous_watches_(std::move(other.previous_watches_)) {}

DirectoryWatch& DirectoryWatch::operator=(DirectoryWatch&& other) noexcept {
  if (this != &other) {
    close();
    inotify_ = std::move(other.inotify_);
    set_ = other.set_;
    healthy_ = std::exchange(other.healthy_, false);
    watches_ = std::move(other.watches_);
    previous_watches_ = std::move(other.previous_watches_);
  }
  return *this;
}

void DirectoryWatch::close() {
  if (inotify_) inotify_->close_set(set_);
}

void DirectoryWatch::restart() {
  inotify_->changed(set_);  // what happened so far, the caller is about to see anyway
  healthy_ = true;
  previous_watches_ = std::move(watches_);
  watches_.clear();
}

void DirectoryWatch::add(const std::string& directory) {
  if (!healthy_) return;
  const int watch = inotify_->add(set_, directory);
  if (watch < 0) {
    healthy_ = false;
  } else {
    watches_.push_back(watch);
  }
}

void DirectoryWatch::prune() {
  std::sort(watches_.begin(), watches_.end());
  for (const int watch : previous_watches_) {
    if (!std::binary_search(watches_.begin(), watches_.end(), watch)) {
      inotify_->remove(set_, watch);
    }
  }
  previous_watches_.clear();
}

void DirectoryWatch::mark_incomplete() { healthy_ = false; }

bool DirectoryWatch::quiet() {
  // Always asked, so that events seen while unhealthy do not count once healthy again.
  const bool changed = inotify_->changed(set_);
  return healthy_ && !changed;
}

}  // namespace alembic_exporter::alembic
