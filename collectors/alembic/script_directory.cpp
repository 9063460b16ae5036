#include "collectors/alembic/script_directory.hpp"

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <memory>
#include <string_view>
#include <tuple>
#include <utility>

#include "collectors/alembic/parallel_for_each.hpp"
#include "collectors/alembic/revision_file_parser.hpp"

namespace alembic_exporter::alembic {
namespace {

/// alembic's `_only_source_rev_file`: `(?!\.\#|__init__)(.*\.py)$`.
bool is_revision_file_name(std::string_view name) {
  return name.ends_with(".py") && !name.starts_with(".#") && !name.starts_with("__init__");
}

std::int64_t nanoseconds(const struct timespec& time) {
  return static_cast<std::int64_t>(time.tv_sec) * 1'000'000'000 + time.tv_nsec;
}

/// Listings keep at most this many directories open to read their files relative to them; the
/// files of any further directory are opened by path (a deep tree must not exhaust the
/// process's descriptors).
constexpr std::size_t max_open_directories = 64;
constexpr std::size_t no_open_directory = static_cast<std::size_t>(-1);

struct DirectoryEntry {
  std::string name;
  unsigned char type = DT_UNKNOWN;
};

/// Entry names and types in the directory's own order (readdir), or an errno.
std::variant<std::vector<DirectoryEntry>, int> directory_entries(DIR* handle) {
  std::vector<DirectoryEntry> entries;
  errno = 0;
  while (const dirent* entry = ::readdir(handle)) {
    const std::string_view name = entry->d_name;
    if (name != "." && name != "..") entries.push_back({std::string(name), entry->d_type});
  }
  if (errno != 0) return errno;
  return entries;
}

/// Reads the whole of an open file, `size` bytes when stat'ed, into `text` (reused from file to
/// file: its capacity spares an allocation per file) and closes it; returns 0 or an errno.
int read_open_file(int descriptor, std::int64_t size, std::string& text) {
  // Asking for one byte more than the listed size makes the first read a short one, which on a
  // regular file means its end: one read instead of a second one returning 0.
  text.resize(static_cast<std::size_t>(std::max<std::int64_t>(size, 0)) + 1);
  std::size_t filled = 0;
  while (true) {
    const ssize_t count = ::read(descriptor, text.data() + filled, text.size() - filled);
    if (count < 0 && errno == EINTR) continue;
    if (count < 0) {
      const int error = errno;
      ::close(descriptor);
      return error;
    }
    filled += static_cast<std::size_t>(count);
    if (filled < text.size()) break;
    text.resize(text.size() * 2);  // the file grew since it was listed
  }
  ::close(descriptor);
  text.resize(filled);
  return 0;
}

int read_file(int directory, const char* name, std::int64_t size, std::string& text) {
  const int descriptor = ::openat(directory, name, O_RDONLY | O_CLOEXEC);
  if (descriptor < 0) return errno;
  return read_open_file(descriptor, size, text);
}

/// Removes the items whose flag in `dropped` is set, keeping the others in order.
template <typename Item>
void remove_flagged(std::vector<Item>& items, const std::vector<char>& dropped) {
  std::size_t kept = 0;
  for (std::size_t i = 0; i < items.size(); ++i) {
    if (dropped[i]) continue;
    if (kept != i) items[kept] = std::move(items[i]);
    ++kept;
  }
  items.resize(kept);
}

ScriptFinding unreadable_file(const std::string& path, int error) {
  return {ScriptFinding::Kind::unreadable_file, path, 0, 0,
          "cannot read file: " + std::string(std::strerror(error))};
}

ScriptFinding location_finding(const std::string& location, std::string message) {
  return {ScriptFinding::Kind::missing_directory, location, 0, 0, std::move(message)};
}

/// Why a version location (`top`) or a directory below one cannot be listed.
ScriptFinding unlistable_directory(const std::string& directory, bool top, int error) {
  if (top) {
    return location_finding(
        directory, "version location cannot be listed: " + std::string(std::strerror(error)));
  }
  return {ScriptFinding::Kind::unreadable_file, directory, 0, 0,
          "cannot list directory: " + std::string(std::strerror(error))};
}

}  // namespace

std::variant<Revision, ScriptFinding> read_revision_text(const std::string& path,
                                                         std::string_view text) {
  RevisionFileParse parse = parse_revision_file(text);
  if (auto* revision = std::get_if<Revision>(&parse)) {
    revision->path = path;
    return std::move(*revision);
  }
  if (const auto* error = std::get_if<RevisionParseError>(&parse)) {
    return ScriptFinding{ScriptFinding::Kind::parse_error, path, error->line, error->column,
                         error->message};
  }
  return ScriptFinding{ScriptFinding::Kind::parse_error, path, 0, 0,
                       "no module-level revision assignment (alembic cannot load a *.py without "
                       "one from a version location; move helpers elsewhere)"};
}

bool ScriptDirectory::Listing::operator==(const Listing& other) const {
  return std::equal(files.begin(), files.end(), other.files.begin(), other.files.end(),
                    [](const ListedFile& a, const ListedFile& b) {
                      return a.path == b.path && a.stamp == b.stamp;
                    }) &&
         std::equal(findings.begin(), findings.end(), other.findings.begin(), other.findings.end(),
                    [](const ScriptFinding& a, const ScriptFinding& b) {
                      return a.path == b.path && a.message == b.message;
                    });
}

ScriptDirectory::ScriptDirectory(std::vector<std::string> version_locations, bool recursive,
                                 std::shared_ptr<InotifyInstance> inotify, unsigned read_threads)
    : version_locations_(std::move(version_locations)),
      recursive_(recursive),
      read_threads_(std::max(read_threads, 1U)),
      watch_(std::move(inotify)) {}

unsigned ScriptDirectory::default_read_threads() { return std::min(cpus_available(), 4U); }

unsigned ScriptDirectory::threads_for(std::size_t files) const {
  return files < parallel_reads_from ? 1 : read_threads_;
}

void ScriptDirectory::list_directory(const std::string& directory, bool top, Listing& listing,
                                     ListingWork& work, DirectoryWatch& watch) const {
  watch.add(directory);  // before reading it: whatever changes later is an event
  std::unique_ptr<DIR, int (*)(DIR*)> handle(::opendir(directory.c_str()), &::closedir);
  auto entries = handle == nullptr ? std::variant<std::vector<DirectoryEntry>, int>(errno)
                                   : directory_entries(handle.get());
  if (const int* error = std::get_if<int>(&entries)) {
    watch.mark_incomplete();
    listing.findings.push_back(unlistable_directory(directory, top, *error));
    return;
  }
  auto& names = std::get<std::vector<DirectoryEntry>>(entries);
  if (recursive_) {
    std::sort(names.begin(), names.end(),
              [](const DirectoryEntry& a, const DirectoryEntry& b) { return a.name < b.name; });
  }
  DirectoryPass pass{::dirfd(handle.get()), directory, no_open_directory, {}};
  if (!pass.prefix.empty() && pass.prefix.back() != '/') pass.prefix += '/';
  if (work.directories.size() < max_open_directories) pass.index = work.directories.size();
  listing.files.reserve(listing.files.size() + names.size());
  work.unseen.reserve(work.unseen.size() + names.size());
  for (const auto& [name, type] : names) list_entry(name, type, pass, listing, work, watch);
  if (pass.index != no_open_directory) work.directories.push_back(std::move(handle));
  handle.reset();
  for (const auto& subdirectory : pass.subdirectories) {
    list_directory(subdirectory, false, listing, work, watch);
  }
}

void ScriptDirectory::list_entry(const std::string& name, unsigned char type, DirectoryPass& pass,
                                 Listing& listing, ListingWork& work, DirectoryWatch& watch) const {
  const bool revision_file = is_revision_file_name(name);
  // Only revision files and (recursive) directories matter; the entry's type, where the
  // filesystem gives one, spares a stat of everything else.
  const bool maybe_directory = type == DT_DIR || type == DT_UNKNOWN;
  if (!revision_file && !(recursive_ && maybe_directory)) return;
  std::string path = pass.prefix + name;
  if (revision_file && type == DT_REG && !cache_.contains(path)) {
    // Stamped once read; it may turn out to be gone or not a regular file (read_unseen_files).
    work.unseen.push_back({listing.files.size()});
    listing.files.push_back(
        {std::move(path), pass.prefix.size(), pass.index, {}, work.unseen.size() - 1});
    return;
  }
  struct stat status {};
  if (::fstatat(pass.descriptor, name.c_str(), &status, 0) != 0) return;  // dangling or gone
  if (S_ISDIR(status.st_mode)) {
    if (!recursive_ || name == "__pycache__") return;
    struct stat link {};
    const bool symlink =
        ::fstatat(pass.descriptor, name.c_str(), &link, AT_SYMLINK_NOFOLLOW) == 0 &&
        S_ISLNK(link.st_mode);
    if (!symlink) pass.subdirectories.push_back(std::move(path));
    return;
  }
  if (!S_ISREG(status.st_mode) || !revision_file) return;
  // Written through another name (a symlink, or another hard link) such a file changes
  // without an event in this directory.
  if (type != DT_REG || status.st_nlink > 1) watch.mark_incomplete();
  listing.files.push_back({std::move(path), pass.prefix.size(), pass.index, stamp_of(status)});
}

void ScriptDirectory::read_unseen_files(Listing& listing, ListingWork& work,
                                        DirectoryWatch& watch) const {
  work.outcomes.resize(work.unseen.size());
  const unsigned threads = threads_for(work.unseen.size());
  std::vector<std::string> texts(threads);
  parallel_for_each(work.unseen.size(), threads, [&](std::size_t index, unsigned worker) {
    UnseenFile& unseen = work.unseen[index];
    read_unseen_file(listing.files[unseen.file], work.directories, unseen, work.outcomes[index],
                     texts[worker]);
  });
  std::vector<char> dropped(listing.files.size(), 0);
  bool any_dropped = false;
  for (std::size_t index = 0; index < work.unseen.size(); ++index) {
    const UnseenFile& unseen = work.unseen[index];
    ListedFile& file = listing.files[unseen.file];
    if (!unseen.regular) {
      dropped[unseen.file] = 1;
      any_dropped = true;
      continue;
    }
    if (unseen.error != 0) work.outcomes[index] = unreadable_file(file.path, unseen.error);
    if (unseen.status.st_nlink > 1) watch.mark_incomplete();  // see list_entry
    file.stamp = stamp_of(unseen.status);
  }
  if (any_dropped) remove_flagged(listing.files, dropped);
}

void ScriptDirectory::read_unseen_file(const ListedFile& file, const OpenDirectories& directories,
                                       UnseenFile& unseen, FileOutcome& outcome,
                                       std::string& text) {
  const int directory = directory_of(file, directories);
  const char* name = name_of(file);
  // Non-blocking in case the entry was replaced by a FIFO since it was listed as a regular file.
  const int descriptor = ::openat(directory, name, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
  if (descriptor < 0) {
    unseen.error = errno;
    // Listed if a stat works, as for the files stat'ed before they are read.
    unseen.regular =
        ::fstatat(directory, name, &unseen.status, 0) == 0 && S_ISREG(unseen.status.st_mode);
  } else if (::fstat(descriptor, &unseen.status) != 0 || !S_ISREG(unseen.status.st_mode)) {
    ::close(descriptor);
  } else {
    unseen.regular = true;
    unseen.error = read_open_file(descriptor, unseen.status.st_size, text);
    if (unseen.error == 0) outcome = read_revision_text(file.path, text);
  }
}

ScriptDirectory::Listing ScriptDirectory::list(ListingWork& work, DirectoryWatch& watch) const {
  Listing listing;
  listing.files.reserve(last_listing_.files.size());
  for (const auto& location : version_locations_) {
    struct stat status {};
    if (::stat(location.c_str(), &status) != 0) {
      listing.findings.push_back(location_finding(
          location, "version location does not exist: " + std::string(std::strerror(errno))));
    } else if (!S_ISDIR(status.st_mode)) {
      listing.findings.push_back(location_finding(location, "version location is not a directory"));
    } else {
      listing.locations.emplace_back(status.st_dev, status.st_ino);
      list_directory(location, true, listing, work, watch);
      continue;
    }
    listing.locations.emplace_back(0, 0);
    watch.mark_incomplete();  // the location appearing later must be seen
  }
  read_unseen_files(listing, work, watch);
  drop_second_links(listing.files);
  return listing;
}

bool ScriptDirectory::unchanged_since_last_scan() {
  for (std::size_t i = 0; i < version_locations_.size(); ++i) {
    struct stat status {};
    if (::stat(version_locations_[i].c_str(), &status) != 0 ||
        std::pair<std::uint64_t, std::uint64_t>(status.st_dev, status.st_ino) !=
            last_listing_.locations[i]) {
      return false;
    }
  }
  return watch_.quiet();
}

void ScriptDirectory::drop_second_links(std::vector<ListedFile>& files) {
  // Sorting (device, inode, position) puts the first listed link of each file first.
  std::vector<std::tuple<std::uint64_t, std::uint64_t, std::size_t>> inodes;
  inodes.reserve(files.size());
  for (std::size_t i = 0; i < files.size(); ++i) {
    inodes.emplace_back(files[i].stamp.device, files[i].stamp.inode, i);
  }
  std::sort(inodes.begin(), inodes.end());
  std::vector<char> dropped(files.size(), 0);
  bool any = false;
  for (std::size_t i = 1; i < inodes.size(); ++i) {
    if (std::get<0>(inodes[i]) == std::get<0>(inodes[i - 1]) &&
        std::get<1>(inodes[i]) == std::get<1>(inodes[i - 1])) {
      dropped[std::get<2>(inodes[i])] = 1;
      any = true;
    }
  }
  if (any) remove_flagged(files, dropped);
}

ScriptDirectory::FileStamp ScriptDirectory::stamp_of(const struct stat& status) {
  return {static_cast<std::uint64_t>(status.st_dev), static_cast<std::uint64_t>(status.st_ino),
          static_cast<std::int64_t>(status.st_size), nanoseconds(status.st_mtim),
          nanoseconds(status.st_ctim)};
}

int ScriptDirectory::directory_of(const ListedFile& file, const OpenDirectories& directories) {
  return file.directory == no_open_directory ? AT_FDCWD
                                             : ::dirfd(directories[file.directory].get());
}

const char* ScriptDirectory::name_of(const ListedFile& file) {
  return file.path.c_str() + (file.directory == no_open_directory ? 0 : file.name_offset);
}

ScriptDirectoryScan ScriptDirectory::scan() {
  if (last_scan_.graph != nullptr && scans_since_full_check_ + 1 < full_check_interval &&
      unchanged_since_last_scan()) {
    ++scans_since_full_check_;
    return unchanged_scan(0);
  }
  scans_since_full_check_ = 0;
  watch_.restart();  // before listing: a change during the listing is an event
  // The first scan reads every file, and each open, read and close in a watched directory
  // costs the kernel a notification check (105 instead of 78 ms cold at 10 000 files): it sets
  // no watch, so the next scan checks every file again, watching.
  if (last_scan_.graph == nullptr) watch_.mark_incomplete();
  ListingWork work;
  Listing listing = list(work, watch_);
  watch_.prune();
  if (last_scan_.graph != nullptr && listing == last_listing_) {
    ScriptDirectoryScan unchanged = unchanged_scan(listing.files.size());
    last_listing_ = std::move(listing);
    return unchanged;
  }
  ScriptDirectoryScan result = parse_listing(listing, work);
  last_listing_ = std::move(listing);
  last_scan_ = result;
  return result;
}

ScriptDirectoryScan ScriptDirectory::unchanged_scan(std::size_t files_checked) const {
  ScriptDirectoryScan unchanged = last_scan_;
  unchanged.files_parsed = 0;
  unchanged.files_checked = files_checked;
  return unchanged;
}

ScriptDirectoryScan ScriptDirectory::parse_listing(const Listing& listing, ListingWork& work) {
  ScriptDirectoryScan result;
  result.files_checked = listing.files.size();
  std::vector<CachedFile> entries;
  entries.reserve(listing.files.size());
  std::vector<Revision> revisions;
  revisions.reserve(listing.files.size());
  for (const auto& file : listing.files) {
    CachedFile& entry = entries.emplace_back(take_file(file, work, revisions, result.files_parsed));
    if (const auto* finding = std::get_if<ScriptFinding>(&entry.outcome)) {
      result.findings.push_back(*finding);
    } else {
      entry.outcome = revisions.size() - 1;
    }
  }

  // The graph and the next scan's cache are independent: with many files, one thread each.
  std::shared_ptr<const RevisionGraph> graph;
  std::unordered_map<std::string, CachedFile> cache;
  const unsigned threads = std::min(threads_for(listing.files.size()), 2U);
  parallel_for_each(2, threads, [&](std::size_t task, unsigned) {
    if (task == 0) {
      graph = std::make_shared<const RevisionGraph>(std::move(revisions));
      return;
    }
    cache.reserve(listing.files.size());
    for (std::size_t i = 0; i < listing.files.size(); ++i) {
      cache.emplace(listing.files[i].path, std::move(entries[i]));
    }
  });
  result.findings.insert(result.findings.end(), listing.findings.begin(), listing.findings.end());
  result.findings.insert(result.findings.end(), graph->findings().begin(), graph->findings().end());
  std::sort(result.findings.begin(), result.findings.end(), [](const auto& a, const auto& b) {
    return std::tie(a.path, a.line, a.column, a.message) <
           std::tie(b.path, b.line, b.column, b.message);
  });
  result.graph = std::move(graph);
  cache_ = std::move(cache);
  return result;
}

ScriptDirectory::CachedFile ScriptDirectory::take_file(const ListedFile& file, ListingWork& work,
                                                       std::vector<Revision>& revisions,
                                                       std::size_t& files_parsed) {
  CachedFile entry{file.stamp, std::size_t{0}};
  const auto cached = cache_.find(file.path);
  if (cached == cache_.end() || !(cached->second.stamp == file.stamp)) {
    if (file.outcome == not_read) {
      const int error = read_file(directory_of(file, work.directories), name_of(file),
                                  file.stamp.size, work.text);
      work.outcomes.push_back(error == 0 ? read_revision_text(file.path, work.text)
                                         : unreadable_file(file.path, error));
    }
    FileOutcome& outcome =
        file.outcome == not_read ? work.outcomes.back() : work.outcomes[file.outcome];
    ++files_parsed;
    if (auto* revision = std::get_if<Revision>(&outcome)) {
      revisions.push_back(std::move(*revision));
    } else {
      entry.outcome = std::move(std::get<ScriptFinding>(outcome));
    }
  } else if (const auto* index = std::get_if<std::size_t>(&cached->second.outcome)) {
    revisions.push_back(last_scan_.graph->revisions()[*index]);
  } else {
    entry.outcome = std::move(cached->second.outcome);
  }
  return entry;
}

}  // namespace alembic_exporter::alembic
