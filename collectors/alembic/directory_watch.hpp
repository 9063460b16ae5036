#pragma once

#include <string>
#include <vector>

namespace alembic_exporter::alembic {

/// Tells whether anything changed in a set of directories since they were added (inotify).
///
/// Watches each directory's entries: creation, deletion, renames in and out, writes, attribute
/// changes, and the directory itself being deleted or moved. The set is *healthy* while inotify
/// works and every `add` succeeded; an unhealthy set never claims that nothing changed. inotify
/// only sees changes made through this kernel: on network filesystems (NFS, CIFS) changes made
/// by another host raise no event, which is why callers still check by stat now and then.
/// One inotify instance lives as long as the object: closing one waits for the kernel's SRCU
/// grace period (10-20 ms measured), far more than a rescan is allowed. Move-only; not
/// thread-safe.
class DirectoryWatch {
 public:
  /// An empty set, unhealthy until `restart`.
  DirectoryWatch();
  ~DirectoryWatch();
  DirectoryWatch(DirectoryWatch&& other) noexcept;
  DirectoryWatch& operator=(DirectoryWatch&& other) noexcept;
  DirectoryWatch(const DirectoryWatch&) = delete;
  DirectoryWatch& operator=(const DirectoryWatch&) = delete;

  /// Starts a new set: drops the pending events (the caller is about to look at everything
  /// again) and makes the set healthy again, unless no inotify instance can be had (EMFILE,
  /// fs.inotify.max_user_instances); the `add` calls that follow make the set, and
  /// `prune` then stops watching the directories of the previous set not added again.
  void restart();
  /// Starts watching `directory`; a failure (ENOSPC: fs.inotify.max_user_watches) makes the
  /// set unhealthy.
  void add(const std::string& directory);
  /// Stops watching what the previous set watched and this one does not.
  void prune();
  /// Declares that some change in the set could escape the watches (a symlinked or
  /// hard-linked file can be written through another directory).
  void mark_incomplete();
  /// True when the set is healthy and no event arrived since the last call (or since the set
  /// was made). Drains pending events without blocking; any event, including a queue
  /// overflow, answers false.
  bool quiet();

 private:
  /// Drops the pending events; false on a read error.
  bool drain(bool& any);

  int descriptor_ = -1;
  bool healthy_ = false;
  std::vector<int> watches_;
  std::vector<int> previous_watches_;
};

}  // namespace alembic_exporter::alembic
