#pragma once

#include <memory>
#include <string>
#include <vector>

#include "collectors/alembic/inotify_instance.hpp"

namespace alembic_exporter::alembic {

/// Tells whether anything changed in a set of directories since they were added (inotify).
///
/// Watches each directory's entries: creation, deletion, renames in and out, writes, attribute
/// changes, and the directory itself being deleted or moved. The set is *healthy* while inotify
/// works and every `add` succeeded; an unhealthy set never claims that nothing changed. inotify
/// only sees changes made through this kernel: on network filesystems (NFS, CIFS) changes made
/// by another host raise no event, which is why callers still check by stat now and then.
/// The inotify instance is shared with the other sets of the process (see `InotifyInstance`):
/// besides the per-user instance limit, closing one waits for the kernel's SRCU grace period
/// (10-20 ms measured), far more than a rescan is allowed. Move-only; not thread-safe.
class DirectoryWatch {
 public:
  /// An empty set on `inotify`, unhealthy until `restart`.
  explicit DirectoryWatch(std::shared_ptr<InotifyInstance> inotify);
  ~DirectoryWatch();
  DirectoryWatch(DirectoryWatch&& other) noexcept;
  DirectoryWatch& operator=(DirectoryWatch&& other) noexcept;
  DirectoryWatch(const DirectoryWatch&) = delete;
  DirectoryWatch& operator=(const DirectoryWatch&) = delete;

  /// Starts a new set: drops the pending events (the caller is about to look at everything
  /// again) and makes the set healthy again; the `add` calls that follow make the set, and
  /// `prune` then stops watching the directories of the previous set not added again.
  void restart();
  /// Starts watching `directory`; a failure (no inotify instance, ENOSPC:
  /// fs.inotify.max_user_watches) makes the set unhealthy.
  void add(const std::string& directory);
  /// Stops watching what the previous set watched and this one does not.
  void prune();
  /// Declares that some change in the set could escape the watches (a symlinked or
  /// hard-linked file can be written through another directory).
  void mark_incomplete();
  /// True when the set is healthy and no event concerning it arrived since the last call (or
  /// since the set was made); a queue overflow answers false.
  bool quiet();

 private:
  void close();

  std::shared_ptr<InotifyInstance> inotify_;
  InotifyInstance::SetId set_ = 0;
  bool healthy_ = false;
  std::vector<int> watches_;
  std::vector<int> previous_watches_;
};

}  // namespace alembic_exporter::alembic
