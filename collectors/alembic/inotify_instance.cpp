#include "collectors/alembic/inotify_instance.hpp"

#include <sys/inotify.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdint>
#include <cstring>

namespace alembic_exporter::alembic {
namespace {

constexpr std::uint32_t watched_events = IN_CREATE | IN_DELETE | IN_MODIFY | IN_CLOSE_WRITE |
                                         IN_ATTRIB | IN_MOVED_FROM | IN_MOVED_TO | IN_DELETE_SELF |
                                         IN_MOVE_SELF | IN_ONLYDIR;

}  // namespace

InotifyInstance::InotifyInstance() : descriptor_(::inotify_init1(IN_NONBLOCK | IN_CLOEXEC)) {}

InotifyInstance::~InotifyInstance() {
  if (descriptor_ >= 0) ::close(descriptor_);
}

InotifyInstance::SetId InotifyInstance::open_set() {
  const SetId set = next_set_++;
  changed_.emplace(set, false);
  return set;
}

void InotifyInstance::close_set(SetId set) {
  std::vector<int> watches;
  for (const auto& [watch, sets] : sets_by_watch_) {
    if (std::find(sets.begin(), sets.end(), set) != sets.end()) watches.push_back(watch);
  }
  for (const int watch : watches) remove(set, watch);
  changed_.erase(set);
}

int InotifyInstance::add(SetId set, const std::string& directory) {
  if (descriptor_ < 0) descriptor_ = ::inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
  if (descriptor_ < 0) return -1;
  const int watch = ::inotify_add_watch(descriptor_, directory.c_str(), watched_events);
  if (watch < 0) return -1;
  auto& sets = sets_by_watch_[watch];  // the same directory twice gives the same number
  if (std::find(sets.begin(), sets.end(), set) == sets.end()) sets.push_back(set);
  return watch;
}

void InotifyInstance::remove(SetId set, int watch) {
  const auto found = sets_by_watch_.find(watch);
  if (found == sets_by_watch_.end()) return;  // the kernel removed it (IN_IGNORED)
  auto& sets = found->second;
  sets.erase(std::remove(sets.begin(), sets.end(), set), sets.end());
  if (sets.empty()) {
    ::inotify_rm_watch(descriptor_, watch);
    sets_by_watch_.erase(found);
  }
}

bool InotifyInstance::changed(SetId set) {
  drain();
  const auto found = changed_.find(set);
  if (found == changed_.end()) return true;
  const bool any = found->second;
  found->second = false;
  return any;
}

void InotifyInstance::drain() {
  if (descriptor_ < 0) return;
  // Events are only attributed to sets, never interpreted: whatever they say, the set rescans.
  alignas(inotify_event) char buffer[4096];
  while (true) {
    const ssize_t count = ::read(descriptor_, buffer, sizeof buffer);
    if (count < 0 && errno == EAGAIN) return;
    if (count < 0 && errno == EINTR) continue;
    if (count <= 0) {
      mark_every_set_changed();
      return;
    }
    for (ssize_t offset = 0; offset < count;) {
      inotify_event event;
      std::memcpy(&event, buffer + offset, sizeof event);
      offset += static_cast<ssize_t>(sizeof event + event.len);
      if ((event.mask & IN_Q_OVERFLOW) != 0) {
        mark_every_set_changed();
        continue;
      }
      const auto found = sets_by_watch_.find(event.wd);
      if (found == sets_by_watch_.end()) continue;  // a watch let go of since
      for (const SetId set : found->second) changed_[set] = true;
      // The directory is gone: the kernel dropped its watch already.
      if ((event.mask & IN_IGNORED) != 0) sets_by_watch_.erase(found);
    }
  }
}

void InotifyInstance::mark_every_set_changed() {
  for (auto& [set, changed] : changed_) changed = true;
}

}  // namespace alembic_exporter::alembic
