#pragma once

#include <string>

namespace alembic_exporter::alembic {

/// Tells whether anything changed in a set of directories since they were added (inotify).
///
/// Watches each directory's entries: creation, deletion, renames in and out, writes, attribute
/// changes, and the directory itself being deleted or moved. The set is *healthy* while inotify
/// works and every `add` succeeded; an unhealthy set never claims that nothing changed. inotify
/// only sees changes made through this kernel: on network filesystems (NFS, CIFS) changes made
/// by another host raise no event, which is why callers still check by stat now and then.
/// Move-only; not thread-safe.
class DirectoryWatch {
 public:
  /// An empty, healthy set (unhealthy when no inotify instance can be had, e.g. EMFILE or
  /// fs.inotify.max_user_instances reached).
  DirectoryWatch();
  ~DirectoryWatch();
  DirectoryWatch(DirectoryWatch&& other) noexcept;
  DirectoryWatch& operator=(DirectoryWatch&& other) noexcept;
  DirectoryWatch(const DirectoryWatch&) = delete;
  DirectoryWatch& operator=(const DirectoryWatch&) = delete;

  /// Starts watching `directory`; a failure (ENOSPC: fs.inotify.max_user_watches) makes the
  /// set unhealthy.
  void add(const std::string& directory);
  /// Declares that some change in the set could escape the watches (a symlinked or
  /// hard-linked file can be written through another directory).
  void mark_incomplete();
  /// True when the set is healthy and no event arrived since the last call (or since the set
  /// was made). Drains pending events without blocking; any event, including a queue
  /// overflow, answers false.
  bool quiet();

 private:
  int descriptor_ = -1;
  bool healthy_ = true;
};

}  // namespace alembic_exporter::alembic
