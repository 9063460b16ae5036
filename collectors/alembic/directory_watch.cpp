#include "directory_watch.hpp"

#include <sys/inotify.h>
#include <unistd.h>

#include <cerrno>
#include <cstdint>
#include <utility>

namespace alembic_exporter::alembic {
namespace {

constexpr std::uint32_t watched_events = IN_CREATE | IN_DELETE | IN_MODIFY | IN_CLOSE_WRITE |
                                         IN_ATTRIB | IN_MOVED_FROM | IN_MOVED_TO | IN_DELETE_SELF |
                                         IN_MOVE_SELF | IN_ONLYDIR;

}  // namespace

DirectoryWatch::DirectoryWatch() : descriptor_(::inotify_init1(IN_NONBLOCK | IN_CLOEXEC)) {
  healthy_ = descriptor_ >= 0;
}

DirectoryWatch::~DirectoryWatch() {
  if (descriptor_ >= 0) ::close(descriptor_);
}

DirectoryWatch::DirectoryWatch(DirectoryWatch&& other) noexcept
    : descriptor_(std::exchange(other.descriptor_, -1)),
      healthy_(std::exchange(other.healthy_, false)) {}

DirectoryWatch& DirectoryWatch::operator=(DirectoryWatch&& other) noexcept {
  if (this != &other) {
    if (descriptor_ >= 0) ::close(descriptor_);
    descriptor_ = std::exchange(other.descriptor_, -1);
    healthy_ = std::exchange(other.healthy_, false);
  }
  return *this;
}

void DirectoryWatch::add(const std::string& directory) {
  if (healthy_ && ::inotify_add_watch(descriptor_, directory.c_str(), watched_events) < 0) {
    healthy_ = false;
  }
}

void DirectoryWatch::mark_incomplete() { healthy_ = false; }

bool DirectoryWatch::quiet() {
  if (!healthy_) return false;
  // Events are only counted, never interpreted: whatever they say, the caller rescans.
  alignas(inotify_event) char buffer[4096];
  bool any = false;
  while (true) {
    const ssize_t count = ::read(descriptor_, buffer, sizeof buffer);
    if (count > 0) {
      any = true;
      continue;
    }
    if (count < 0 && errno == EINTR) continue;
    if (count < 0 && errno == EAGAIN) return !any;
    healthy_ = false;  // a read error: the queue can no longer be trusted
    return false;
  }
}

}  // namespace alembic_exporter::alembic
