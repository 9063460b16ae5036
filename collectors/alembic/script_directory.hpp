#pragma once

#include <dirent.h>
#include <sys/stat.h>

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <variant>
#include <vector>

#include "collectors/alembic/directory_watch.hpp"
#include "collectors/alembic/revision.hpp"
#include "collectors/alembic/revision_graph.hpp"

namespace alembic_exporter::alembic {

/// One look at the version locations.
struct ScriptDirectoryScan {
  std::shared_ptr<const RevisionGraph> graph;
  /// Missing locations, unreadable and unparsable files, then the graph's findings; sorted by
  /// path, line and column.
  std::vector<ScriptFinding> findings;
  /// Files read and parsed by this scan (0 when nothing changed since the last one).
  std::size_t files_parsed = 0;
  /// Files whose size, times and inode this scan looked at: 0 when change notification showed
  /// that nothing changed.
  std::size_t files_checked = 0;
};

/// The revision files of an alembic script directory, listed as alembic does and parsed natively.
///
/// Files: every `*.py` directly in each version location, except names starting with `__init__`
/// or `.#` (alembic's `_only_source_rev_file`); with `recursive` also those in subdirectories,
/// `__pycache__` and symlinked directories excepted (alembic >= 1.10's
/// `recursive_version_locations`; 1.8.1 lacks it). A file reached twice (same device and inode)
/// is read once, as alembic skips a real path it has loaded. A `*.py` without a module-level
/// `revision` is a finding: alembic 1.8.1 stops with "Could not determine revision id".
///
/// Order, which alembic uses to break ties in its upgrade order: locations as given; within a
/// location the directory's own listing order (`os.listdir`, as 1.8.1), or when `recursive`
/// names sorted per directory, parents before subdirectories (as alembic >= 1.10).
///
/// A version location that is missing or not a directory is a `missing_directory` finding,
/// although alembic 1.8.1 skips configured locations that do not exist: to an operator a
/// location that vanished is a deployment problem worth seeing.
///
/// Rescans are incremental: a file whose size, mtime, ctime, device and inode are unchanged is
/// not read again, and when the listing and every file are unchanged the previous graph object
/// itself is returned. Between such checks, inotify watches on every listed directory (see
/// `DirectoryWatch`) let a rescan return the previous result after only a stat of each location
/// (a location swapped for another directory, e.g. by a symlink flip, raises no event). The full
/// check still runs on any event, when a watch could not be set up, when a listed file is a
/// symlink or has several hard links (it can be written through a directory not watched), and
/// every `full_check_interval`-th scan, for filesystems that raise no events (NFS, CIFS).
///
/// Files the scanner has never seen (every file of a first scan) are opened, read and parsed on
/// up to `read_threads` threads once the listing is complete, and the graph and the cache of
/// the next scan are built on two, when there are at least `parallel_reads_from` files; the
/// result does not depend on the thread count.
/// Not thread-safe: components with the same locations share one scanner (and the graph it
/// keeps), all used from one thread.
class ScriptDirectory {
 public:
  /// At most this many scans in a row trust the watches; the next one checks every file.
  static constexpr unsigned full_check_interval = 10;
  /// Fewer files than this are read, or made into a graph, on the scanning thread alone: at
  /// ~8 µs per file, 64 files are ~0.5 ms of work, of which a second thread saves half,
  /// against 0.04-0.09 ms to start and join one (measured on the 2-core benchmark host).
  static constexpr std::size_t parallel_reads_from = 64;

  /// Watches through `inotify`, shared by the scanners of one daemon. `read_threads` (at least
  /// 1) bounds the threads that read unseen files; by default the CPUs available, at most 4.
  ScriptDirectory(std::vector<std::string> version_locations, bool recursive,
                  std::shared_ptr<InotifyInstance> inotify = std::make_shared<InotifyInstance>(),
                  unsigned read_threads = default_read_threads());

  /// min(CPUs in this process's affinity mask, 4).
  static unsigned default_read_threads();

  ScriptDirectoryScan scan();

 private:
  /// The threads worth starting for `files` files.
  unsigned threads_for(std::size_t files) const;
  struct FileStamp {
    std::uint64_t device = 0;
    std::uint64_t inode = 0;
    std::int64_t size = 0;
    std::int64_t mtime_ns = 0;
    std::int64_t ctime_ns = 0;
    bool operator==(const FileStamp&) const = default;
  };
  static constexpr std::size_t not_read = static_cast<std::size_t>(-1);
  struct ListedFile {
    std::string path;
    /// Where the file name starts in `path`, and which opened directory holds it.
    std::size_t name_offset = 0;
    std::size_t directory = 0;
    FileStamp stamp;
    /// Index in ListingWork::outcomes (and ListingWork::unseen) when the listing reads the file.
    std::size_t outcome = not_read;
  };
  struct Listing {
    std::vector<ListedFile> files;
    std::vector<ScriptFinding> findings;
    /// Device and inode of each location, 0/0 when it could not be listed.
    std::vector<std::pair<std::uint64_t, std::uint64_t>> locations;
    /// Same files with the same stamps, same problems with the locations.
    bool operator==(const Listing& other) const;
  };
  /// The directories a listing opened, kept open to read its files relative to them.
  using OpenDirectories = std::vector<std::unique_ptr<DIR, int (*)(DIR*)>>;
  /// What one file gave: a revision, or a finding about it.
  using FileOutcome = std::variant<Revision, ScriptFinding>;
  /// A listed file the cache has never seen, read once the listing is complete.
  struct UnseenFile {
    /// Index in Listing::files.
    std::size_t file = 0;
    /// Filled in by the thread that read it; `regular` false: gone, or no longer a regular
    /// file (dropped from the listing); `error`: the errno of a failed open or read.
    struct stat status {};
    int error = 0;
    bool regular = false;
  };
  /// What a listing hands to the scan that made it, beside the Listing it keeps.
  struct ListingWork {
    OpenDirectories directories;
    /// The files the cache has never seen, in listing order, and what each one gave.
    std::vector<UnseenFile> unseen;
    std::vector<FileOutcome> outcomes;
    /// Read buffer of the files read after the listing, reused from file to file.
    std::string text;
  };
  struct CachedFile {
    FileStamp stamp;
    /// The revision's index in the last scan's graph (which keeps it, so it is not copied
    /// twice), or the finding about the file.
    std::variant<std::size_t, ScriptFinding> outcome;
  };

  /// Lists the locations and watches every directory listed in `watch`.
  Listing list(ListingWork& work, DirectoryWatch& watch) const;
  void list_directory(const std::string& directory, bool top, Listing& listing, ListingWork& work,
                      DirectoryWatch& watch) const;
  /// One directory being listed: its descriptor, its path with a trailing '/', its index in
  /// `ListingWork::directories` (or `no_open_directory`) and the subdirectories found so far.
  struct DirectoryPass {
    int descriptor;
    std::string prefix;
    std::size_t index;
    std::vector<std::string> subdirectories;
  };
  /// Lists one directory entry of `pass`: a revision file, or a subdirectory to list next.
  void list_entry(const std::string& name, unsigned char type, DirectoryPass& pass,
                  Listing& listing, ListingWork& work, DirectoryWatch& watch) const;
  /// Reads the unseen files (on several threads when there are enough), then completes their
  /// listing on this thread: stamps, watch flags, unreadable findings, vanished files dropped.
  void read_unseen_files(Listing& listing, ListingWork& work, DirectoryWatch& watch) const;
  /// Reads and parses one unseen file (it will be read anyway): opened first and stat'ed
  /// through its descriptor, which spares the kernel a second path lookup. Thread-safe for
  /// distinct `unseen` and `outcome`.
  static void read_unseen_file(const ListedFile& file, const OpenDirectories& directories,
                               UnseenFile& unseen, FileOutcome& outcome, std::string& text);
  /// Keeps only the first listed name of each file (same device and inode).
  static void drop_second_links(std::vector<ListedFile>& files);
  static FileStamp stamp_of(const struct stat& status);
  /// The descriptor and name to open `file` with (its directory's descriptor, or by path).
  static int directory_of(const ListedFile& file, const OpenDirectories& directories);
  static const char* name_of(const ListedFile& file);
  /// True when the watches saw nothing and every location is still the directory watched.
  bool unchanged_since_last_scan();
  /// The last scan again, nothing parsed.
  ScriptDirectoryScan unchanged_scan(std::size_t files_checked) const;
  /// The graph and findings of `listing`; replaces the cache with its files.
  ScriptDirectoryScan parse_listing(const Listing& listing, ListingWork& work);
  /// One listed file: read and parsed when it is new or changed, else taken from the cache.
  /// Its revision, if any, is appended to `revisions`.
  CachedFile take_file(const ListedFile& file, ListingWork& work, std::vector<Revision>& revisions,
                       std::size_t& files_parsed);

  std::vector<std::string> version_locations_;
  bool recursive_;
  unsigned read_threads_;
  Listing last_listing_;
  std::unordered_map<std::string, CachedFile> cache_;
  ScriptDirectoryScan last_scan_;
  DirectoryWatch watch_;
  unsigned scans_since_full_check_ = 0;
};

/// Pure: what a revision file's text gives, its path filled in.
std::variant<Revision, ScriptFinding> read_revision_text(const std::string& path,
                                                         std::string_view text);

}  // namespace alembic_exporter::alembic
