#include "script_directory.hpp"

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

#include "revision_file_parser.hpp"

namespace alembic_exporter::alembic {
namespace {

/// alembic's `_only_source_rev_file`: `(?!\.\#|__init__)(.*\.py)$`.
bool is_revision_file_name(std::string_view name) {
  return name.ends_with(".py") && !name.starts_with(".#") && !name.starts_with("__init__");
}

std::string join_path(const std::string& directory, std::string_view name) {
  std::string path = directory;
  if (!path.empty() && path.back() != '/') path += '/';
  path += name;
  return path;
}

std::int64_t nanoseconds(const struct timespec& time) {
  return static_cast<std::int64_t>(time.tv_sec) * 1'000'000'000 + time.tv_nsec;
}

struct CloseDirectory {
  void operator()(DIR* handle) const { ::closedir(handle); }
};
/// An open directory; closed when it goes out of scope.
using DirectoryHandle = std::unique_ptr<DIR, CloseDirectory>;

struct DirectoryEntry {
  std::string name;
  unsigned char type;  ///< readdir's d_type; DT_UNKNOWN on file systems that do not fill it
};

/// Entries in the directory's own order (readdir), or an errno.
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

/// The whole file, or an errno.
std::variant<std::string, int> read_file(const std::string& path) {
  const int descriptor = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (descriptor < 0) return errno;
  std::string text;
  char buffer[65536];
  while (true) {
    const ssize_t count = ::read(descriptor, buffer, sizeof buffer);
    if (count < 0 && errno == EINTR) continue;
    if (count <= 0) {
      const int error = count < 0 ? errno : 0;
      ::close(descriptor);
      if (error != 0) return error;
      return text;
    }
    text.append(buffer, static_cast<std::size_t>(count));
  }
}

ScriptFinding location_finding(const std::string& location, std::string message) {
  return {ScriptFinding::Kind::missing_directory, location, 0, 0, std::move(message)};
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
  return files == other.files &&
         std::equal(findings.begin(), findings.end(), other.findings.begin(), other.findings.end(),
                    [](const ScriptFinding& a, const ScriptFinding& b) {
                      return a.path == b.path && a.message == b.message;
                    });
}

ScriptDirectory::ScriptDirectory(std::vector<std::string> version_locations, bool recursive)
    : version_locations_(std::move(version_locations)), recursive_(recursive) {}

void ScriptDirectory::list_directory(const std::string& directory, bool top,
                                     Listing& listing) const {
  const DirectoryHandle handle(::opendir(directory.c_str()));
  auto entries = handle ? directory_entries(handle.get()) : errno;
  if (const int* error = std::get_if<int>(&entries)) {
    const std::string reason = std::strerror(*error);
    listing.findings.push_back(
        top ? location_finding(directory, "version location cannot be listed: " + reason)
            : ScriptFinding{ScriptFinding::Kind::unreadable_file, directory, 0, 0,
                            "cannot list directory: " + reason});
    return;
  }
  auto& names = std::get<std::vector<DirectoryEntry>>(entries);
  if (recursive_) {
    std::sort(names.begin(), names.end(),
              [](const auto& a, const auto& b) { return a.name < b.name; });
  }
  // Relative to the open directory: no path walk per file, which dominates unchanged rescans.
  const int descriptor = ::dirfd(handle.get());
  std::vector<std::string> subdirectories;
  for (const auto& [name, type] : names) {
    const bool may_be_directory = type == DT_DIR || type == DT_LNK || type == DT_UNKNOWN;
    if (!is_revision_file_name(name) && !(recursive_ && may_be_directory)) continue;
    struct stat status {};
    if (::fstatat(descriptor, name.c_str(), &status, 0) != 0) continue;  // dangling or gone
    if (S_ISDIR(status.st_mode)) {
      // os.walk does not descend into symlinked directories.
      struct stat link {};
      const bool symlink = ::fstatat(descriptor, name.c_str(), &link, AT_SYMLINK_NOFOLLOW) == 0 &&
                           S_ISLNK(link.st_mode);
      if (recursive_ && !symlink && name != "__pycache__") {
        subdirectories.push_back(join_path(directory, name));
      }
      continue;
    }
    if (!S_ISREG(status.st_mode) || !is_revision_file_name(name)) continue;
    listing.files.push_back(
        {join_path(directory, name),
         {static_cast<std::uint64_t>(status.st_dev), static_cast<std::uint64_t>(status.st_ino),
          static_cast<std::int64_t>(status.st_size), nanoseconds(status.st_mtim),
          nanoseconds(status.st_ctim)}});
  }
  for (const auto& subdirectory : subdirectories) list_directory(subdirectory, false, listing);
}

ScriptDirectory::Listing ScriptDirectory::list() const {
  Listing listing;
  for (const auto& location : version_locations_) {
    struct stat status {};
    if (::stat(location.c_str(), &status) != 0) {
      listing.findings.push_back(location_finding(
          location, "version location does not exist: " + std::string(std::strerror(errno))));
    } else if (!S_ISDIR(status.st_mode)) {
      listing.findings.push_back(location_finding(location, "version location is not a directory"));
    } else {
      list_directory(location, true, listing);
    }
  }
  // A file listed twice (overlapping locations, symlinks) counts once, where it came first.
  std::vector<std::tuple<std::uint64_t, std::uint64_t, std::size_t>> identities;
  identities.reserve(listing.files.size());
  for (std::size_t index = 0; index < listing.files.size(); ++index) {
    identities.emplace_back(listing.files[index].stamp.device, listing.files[index].stamp.inode,
                            index);
  }
  std::sort(identities.begin(), identities.end());
  std::vector<char> repeated(listing.files.size(), 0);
  for (std::size_t index = 1; index < identities.size(); ++index) {
    if (std::get<0>(identities[index]) == std::get<0>(identities[index - 1]) &&
        std::get<1>(identities[index]) == std::get<1>(identities[index - 1])) {
      repeated[std::get<2>(identities[index])] = 1;
    }
  }
  std::vector<ListedFile> unique;
  unique.reserve(listing.files.size());
  for (std::size_t index = 0; index < listing.files.size(); ++index) {
    if (!repeated[index]) unique.push_back(std::move(listing.files[index]));
  }
  listing.files = std::move(unique);
  return listing;
}

ScriptDirectoryScan ScriptDirectory::scan() {
  Listing listing = list();
  if (last_scan_.graph != nullptr && listing == last_listing_) {
    ScriptDirectoryScan unchanged = last_scan_;
    unchanged.files_parsed = 0;
    return unchanged;
  }

  ScriptDirectoryScan result;
  std::unordered_map<std::string, CachedFile> cache;
  std::vector<Revision> revisions;
  for (const auto& file : listing.files) {
    auto cached = cache_.find(file.path);
    if (cached == cache_.end() || !(cached->second.stamp == file.stamp)) {
      auto text = read_file(file.path);
      FileOutcome outcome =
          std::holds_alternative<std::string>(text)
              ? read_revision_text(file.path, std::get<std::string>(text))
              : FileOutcome(ScriptFinding{
                    ScriptFinding::Kind::unreadable_file, file.path, 0, 0,
                    "cannot read file: " + std::string(std::strerror(std::get<int>(text)))});
      ++result.files_parsed;
      cached = cache.emplace(file.path, CachedFile{file.stamp, std::move(outcome)}).first;
    } else {
      cached = cache.emplace(file.path, std::move(cached->second)).first;
    }
    if (const auto* revision = std::get_if<Revision>(&cached->second.outcome)) {
      revisions.push_back(*revision);
    } else {
      result.findings.push_back(std::get<ScriptFinding>(cached->second.outcome));
    }
  }

  auto graph = std::make_shared<const RevisionGraph>(std::move(revisions));
  result.findings.insert(result.findings.end(), listing.findings.begin(), listing.findings.end());
  result.findings.insert(result.findings.end(), graph->findings().begin(), graph->findings().end());
  std::sort(result.findings.begin(), result.findings.end(), [](const auto& a, const auto& b) {
    return std::tie(a.path, a.line, a.column, a.message) <
           std::tie(b.path, b.line, b.column, b.message);
  });
  result.graph = std::move(graph);

  cache_ = std::move(cache);
  last_listing_ = std::move(listing);
  last_scan_ = result;
  return result;
}

}  // namespace alembic_exporter::alembic
