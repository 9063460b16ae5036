#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string_view>

namespace alembic_exporter::http {

/// The figures of `/proc/self/stat` the process families need, in the file's units.
struct ProcessStat {
  std::uint64_t cpu_ticks = 0;    // utime + stime
  std::uint64_t start_ticks = 0;  // starttime: clock ticks after boot
  std::uint64_t virtual_bytes = 0;
  std::uint64_t resident_pages = 0;
};

/// Parses the text of `/proc/<pid>/stat` (proc(5)); nullopt when it is not in that format.
std::optional<ProcessStat> parse_proc_stat(std::string_view stat);

/// One reading of the process, in the units of the exposition.
struct ProcessSample {
  double cpu_seconds = 0;
  std::uint64_t resident_bytes = 0;
  std::uint64_t virtual_bytes = 0;
  std::uint64_t open_fds = 0;
  std::uint64_t max_fds = 0;
  double start_time_seconds = 0;
};

/// Bytes `format_process_families` needs at most.
inline constexpr std::size_t process_families_max_size = 1024;

/// The six `process_*` families in the text format, with client_golang's process collector's
/// names, HELP and TYPE, written into `out` (at least `process_families_max_size` bytes).
std::string_view format_process_families(const ProcessSample& sample, std::span<char> out);

/// Reads the process's own figures from /proc/self when `/metrics` is scraped. Allocates
/// nothing: the files are read into stack buffers and the descriptors counted with getdents64.
/// Thread-safe (const, no state after construction): civetweb's threads call `read` at once.
class ProcessMetrics {
 public:
  /// Records the process start time (it does not change), in Unix time.
  ProcessMetrics();

  /// The current figures, nullopt when /proc/self cannot be read.
  std::optional<ProcessSample> read() const;

 private:
  double start_time_seconds_ = 0;
};

}  // namespace alembic_exporter::http
