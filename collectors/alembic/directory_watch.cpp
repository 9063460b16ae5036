#include "collectors/alembic/directory_watch.hpp"

#include <sys/inotify.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdint>
#include <utility>

namespace alembic_exporter::alembic {
namespace {

constexpr std::uint32_t watched_events = IN_CREATE | IN_DELETE | IN_MODIFY | IN_CLOSE_WRITE |
                                         IN_ATTRIB | IN_MOVED_FROM | IN_MOVED_TO | IN_DELETE_SELF |
                                         IN_MOVE_SELF | IN_ONLYDIR;

}  // namespace

DirectoryWatch::DirectoryWatch() = default;

DirectoryWatch::~DirectoryWatch() {
  if (descriptor_ >= 0) ::close(descriptor_);
}

DirectoryWatch::DirectoryWatch(DirectoryWatch&& other) noexcept
    : descriptor_(std::exchange(other.descriptor_, -1)),
      healthy_(std::exchange(other.healthy_, false)),
      watches_(std::move(other.watches_)),
      previous_watches_(std::move(other.previous_watches_)) {}

DirectoryWatch& DirectoryWatch::operator=(DirectoryWatch&& other) noexcept {
  if (this != &other) {
    if (descriptor_ >= 0) ::close(descriptor_);
    descriptor_ = std::exchange(other.descriptor_, -1);
    healthy_ = std::exchange(other.healthy_, false);
    watches_ = std::move(other.watches_);
    previous_watches_ = std::move(other.previous_watches_);
  }
  return *this;
}

void DirectoryWatch::restart() {
  if (descriptor_ < 0) descriptor_ = ::inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
  bool any = false;
  healthy_ = descriptor_ >= 0 && drain(any);
  previous_watches_ = std::move(watches_);
  watches_.clear();
}

void DirectoryWatch::add(const std::string& directory) {
  if (!healthy_) return;
  const int watch = ::inotify_add_watch(descriptor_, directory.c_str(), watched_events);
  if (watch < 0) {
    healthy_ = false;
  } else {
    watches_.push_back(watch);  // the same directory twice gives the same number
  }
}

void DirectoryWatch::prune() {
  std::sort(watches_.begin(), watches_.end());
  for (const int watch : previous_watches_) {
    if (!std::binary_search(watches_.begin(), watches_.end(), watch)) {
      ::inotify_rm_watch(descriptor_, watch);  // fails harmlessly if the kernel removed it
    }
  }
  previous_watches_.clear();
}

void DirectoryWatch::mark_incomplete() { healthy_ = false; }

bool DirectoryWatch::quiet() {
  bool any = false;
  if (healthy_ && !drain(any)) healthy_ = false;  // the queue can no longer be trusted
  return healthy_ && !any;
}

bool DirectoryWatch::drain(bool& any) {
  // Events are only counted, never interpreted: whatever they say, the caller rescans.
  alignas(inotify_event) char buffer[4096];
  while (true) {
    const ssize_t count = ::read(descriptor_, buffer, sizeof buffer);
    if (count > 0) {
      any = true;
    } else if (count < 0 && errno == EAGAIN) {
      return true;
    } else if (count == 0 || errno != EINTR) {
      return false;
    }
  }
}

}  // namespace alembic_exporter::alembic
