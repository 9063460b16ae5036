#pragma once

#include <cstddef>
#include <string>
#include <unordered_map>
#include <vector>

namespace alembic_exporter::alembic {

/// One inotify instance shared by many watch sets (`DirectoryWatch`), which is what the kernel
/// counts against fs.inotify.max_user_instances (128 by default): one instance per component
/// ran out at 128 components. Reads the events of every set and records which sets they
/// concern; a directory watched by several sets is watched once and unwatched when the last set
/// lets it go. A queue overflow or a read error counts as a change for every set, as nobody can
/// tell what was lost. Not thread-safe: every set of one instance is used from one thread.
class InotifyInstance {
 public:
  using SetId = std::size_t;

  /// Opens the instance; when none can be had (EMFILE), every later call tries again.
  InotifyInstance();
  ~InotifyInstance();
  InotifyInstance(const InotifyInstance&) = delete;
  InotifyInstance& operator=(const InotifyInstance&) = delete;

  SetId open_set();
  /// Stops watching the set's directories that no other set watches.
  void close_set(SetId set);
  /// Watches `directory` for `set`: the watch number, or -1 when no watch can be had (no
  /// instance, ENOSPC: fs.inotify.max_user_watches).
  int add(SetId set, const std::string& directory);
  /// `set` no longer watches `watch`.
  void remove(SetId set, int watch);
  /// Whether any event concerning `set` arrived since the last call (reads the pending events
  /// of every set without blocking).
  bool changed(SetId set);

 private:
  void drain();
  void mark_every_set_changed();

  int descriptor_ = -1;
  SetId next_set_ = 0;
  /// The sets that watch each watch number.
  std::unordered_map<int, std::vector<SetId>> sets_by_watch_;
  /// Every open set, and whether an event concerned it since it last asked.
  std::unordered_map<SetId, bool> changed_;
};

}  // namespace alembic_exporter::alembic
