#include "daemon/http/process_metrics.hpp"

#include <dirent.h>
#include <fcntl.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

#include <array>
#include <cassert>
#include <charconv>
#include <cstring>
#include <type_traits>

namespace alembic_exporter::http {
namespace {

/// Reads a small /proc file into `buffer`; an empty view when it cannot be read.
std::string_view read_small_file(const char* path, std::span<char> buffer) {
  const int fd = open(path, O_RDONLY | O_CLOEXEC);
  if (fd < 0) return {};
  const ssize_t length = ::read(fd, buffer.data(), buffer.size());
  close(fd);
  if (length <= 0) return {};
  return {buffer.data(), static_cast<std::size_t>(length)};
}

/// Entries of /proc/self/fd other than "." and ".." and the descriptor reading it.
std::optional<std::uint64_t> count_open_fds() {
  const int directory = open("/proc/self/fd", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (directory < 0) return std::nullopt;
  alignas(dirent64) std::array<char, 4096> buffer;
  std::uint64_t entries = 0;
  ssize_t length = 0;
  while ((length = getdents64(directory, buffer.data(), buffer.size())) > 0) {
    for (ssize_t offset = 0; offset < length;) {
      const auto* entry = reinterpret_cast<const dirent64*>(buffer.data() + offset);
      if (entry->d_name[0] != '.') ++entries;
      offset += entry->d_reclen;
    }
  }
  close(directory);
  if (length < 0 || entries == 0) return std::nullopt;
  return entries - 1;
}

double seconds_of(clockid_t clock) {
  timespec now{};
  clock_gettime(clock, &now);
  return static_cast<double>(now.tv_sec) + static_cast<double>(now.tv_nsec) / 1e9;
}

const long ticks_per_second = sysconf(_SC_CLK_TCK);
const long page_size = sysconf(_SC_PAGESIZE);

std::optional<ProcessStat> read_proc_stat() {
  // /proc/self/stat is one line of about 300 bytes; comm is at most 16 bytes.
  std::array<char, 1024> buffer;
  return parse_proc_stat(read_small_file("/proc/self/stat", buffer));
}

/// Appends text and numbers to a fixed buffer that the caller sized for the longest output.
class Writer {
 public:
  explicit Writer(std::span<char> out) : out_(out) {}
  Writer& operator<<(std::string_view text) {
    assert(text.size() <= out_.size() - used_);  // callers size `out` for the longest text
    std::memcpy(out_.data() + used_, text.data(), text.size());
    used_ += text.size();
    return *this;
  }
  template <typename Number>
  requires std::is_arithmetic_v<Number> Writer& operator<<(Number value) {
    // Shortest round-trip form, independent of the locale (to_chars never uses it).
    const auto result = std::to_chars(out_.data() + used_, out_.data() + out_.size(), value);
    used_ = static_cast<std::size_t>(result.ptr - out_.data());
    return *this;
  }
  std::string_view text() const { return {out_.data(), used_}; }

 private:
  std::span<char> out_;
  std::size_t used_ = 0;
};

}  // namespace

std::optional<ProcessStat> parse_proc_stat(std::string_view stat) {
  // "pid (comm) state ppid ...": comm may hold spaces and parentheses, so the fields start after
  // the last ')'. Counting from state as field 3 (proc(5)): utime 14, stime 15, starttime 22,
  // vsize 23, rss 24.
  const auto comm_end = stat.rfind(')');
  if (comm_end == std::string_view::npos) return std::nullopt;
  std::array<std::uint64_t, 25> fields{};
  std::size_t position = comm_end + 1;
  for (int field = 3; field <= 24; ++field) {
    while (position < stat.size() && stat[position] == ' ') ++position;
    const auto end = stat.find(' ', position);
    const auto token = stat.substr(position, end == std::string_view::npos ? end : end - position);
    if (token.empty()) return std::nullopt;
    if (field >= 14) {
      const auto result = std::from_chars(token.data(), token.data() + token.size(), fields[field]);
      // Fields 16-21 (cutime, cstime, priority, nice, ...) may be negative; they are not used.
      const bool used = field <= 15 || field >= 22;
      if (used && (result.ec != std::errc{} || result.ptr != token.data() + token.size())) {
        return std::nullopt;
      }
    }
    position += token.size();
  }
  return ProcessStat{fields[14] + fields[15], fields[22], fields[23], fields[24]};
}

std::string_view format_process_families(const ProcessSample& sample, std::span<char> out) {
  Writer writer(out);
  writer << "# HELP process_cpu_seconds_total Total user and system CPU time spent in seconds.\n"
            "# TYPE process_cpu_seconds_total counter\nprocess_cpu_seconds_total "
         << sample.cpu_seconds
         << "\n# HELP process_max_fds Maximum number of open file descriptors.\n"
            "# TYPE process_max_fds gauge\nprocess_max_fds "
         << sample.max_fds
         << "\n# HELP process_open_fds Number of open file descriptors.\n"
            "# TYPE process_open_fds gauge\nprocess_open_fds "
         << sample.open_fds
         << "\n# HELP process_resident_memory_bytes Resident memory size in bytes.\n"
            "# TYPE process_resident_memory_bytes gauge\nprocess_resident_memory_bytes "
         << sample.resident_bytes
         << "\n# HELP process_start_time_seconds Start time of the process since unix epoch in "
            "seconds.\n# TYPE process_start_time_seconds gauge\nprocess_start_time_seconds "
         << sample.start_time_seconds
         << "\n# HELP process_virtual_memory_bytes Virtual memory size in bytes.\n"
            "# TYPE process_virtual_memory_bytes gauge\nprocess_virtual_memory_bytes "
         << sample.virtual_bytes << "\n";
  return writer.text();
}

ProcessMetrics::ProcessMetrics() {
  // starttime counts from boot on CLOCK_BOOTTIME; the boot's Unix time is the difference of the
  // two clocks (client_golang reads btime from /proc/stat, which ProcSubset=pid hides).
  const auto stat = read_proc_stat();
  if (!stat) return;
  const double boot = seconds_of(CLOCK_REALTIME) - seconds_of(CLOCK_BOOTTIME);
  start_time_seconds_ =
      boot + static_cast<double>(stat->start_ticks) / static_cast<double>(ticks_per_second);
}

std::optional<ProcessSample> ProcessMetrics::read() const {
  const auto stat = read_proc_stat();
  const auto open_fds = count_open_fds();
  rlimit files{};
  if (!stat || !open_fds || getrlimit(RLIMIT_NOFILE, &files) != 0) return std::nullopt;
  return ProcessSample{
      .cpu_seconds = static_cast<double>(stat->cpu_ticks) / static_cast<double>(ticks_per_second),
      .resident_bytes = stat->resident_pages * static_cast<std::uint64_t>(page_size),
      .virtual_bytes = stat->virtual_bytes,
      .open_fds = *open_fds,
      .max_fds = files.rlim_cur,
      .start_time_seconds = start_time_seconds_,
  };
}

}  // namespace alembic_exporter::http
