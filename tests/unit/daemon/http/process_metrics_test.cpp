#include "daemon/http/process_metrics.hpp"

#include <doctest/doctest.h>
#include <unistd.h>

#include <array>
#include <ctime>
#include <limits>
#include <string>

namespace alembic_exporter::http {
namespace {

// A real line of /proc/<pid>/stat (proc(5)), with a command name holding ") (" and spaces.
constexpr std::string_view stat_line =
    "4242 (alembic) (x y) S 1 4242 4242 0 -1 4194560 3014 0 0 0 250 131 -3 -1 20 0 33 0 "
    "1234567 1657143296 5120 18446744073709551615 1 1 0 0 0 0 0 4096 16898 0 0 0 17 1 0 0 0 0 "
    "0 0 0 0 0 0 0 0 0\n";

TEST_CASE("the figures of a /proc/<pid>/stat line") {
  const auto stat = parse_proc_stat(stat_line);
  REQUIRE(stat);
  CHECK(stat->cpu_ticks == 250 + 131);
  CHECK(stat->start_ticks == 1234567);
  CHECK(stat->virtual_bytes == 1657143296);
  CHECK(stat->resident_pages == 5120);
}

TEST_CASE("text that is not a stat line") {
  CHECK_FALSE(parse_proc_stat(""));
  CHECK_FALSE(parse_proc_stat("4242 (alembic) S 1 2 3"));
  CHECK_FALSE(parse_proc_stat("4242 alembic S 1 4242 4242 0 -1 4194560 3014 0 0 0 250 131"));
  std::string bad_utime(stat_line);
  bad_utime.replace(bad_utime.find(" 250 "), 5, " 2x0 ");
  CHECK_FALSE(parse_proc_stat(bad_utime));
}

TEST_CASE("the families in client_golang's form") {
  std::array<char, process_families_max_size> buffer;
  const ProcessSample sample{.cpu_seconds = 3.81,
                             .resident_bytes = 20971520,
                             .virtual_bytes = 1657143296,
                             .open_fds = 12,
                             .max_fds = 524288,
                             .start_time_seconds = 1764753852.25};
  CHECK(format_process_families(sample, buffer) ==
        "# HELP process_cpu_seconds_total Total user and system CPU time spent in seconds.\n"
        "# TYPE process_cpu_seconds_total counter\n"
        "process_cpu_seconds_total 3.81\n"
        "# HELP process_max_fds Maximum number of open file descriptors.\n"
        "# TYPE process_max_fds gauge\n"
        "process_max_fds 524288\n"
        "# HELP process_open_fds Number of open file descriptors.\n"
        "# TYPE process_open_fds gauge\n"
        "process_open_fds 12\n"
        "# HELP process_resident_memory_bytes Resident memory size in bytes.\n"
        "# TYPE process_resident_memory_bytes gauge\n"
        "process_resident_memory_bytes 20971520\n"
        "# HELP process_start_time_seconds Start time of the process since unix epoch in "
        "seconds.\n"
        "# TYPE process_start_time_seconds gauge\n"
        "process_start_time_seconds 1764753852.25\n"
        "# HELP process_virtual_memory_bytes Virtual memory size in bytes.\n"
        "# TYPE process_virtual_memory_bytes gauge\n"
        "process_virtual_memory_bytes 1657143296\n");
}

TEST_CASE("the longest figures fit the buffer") {
  constexpr auto most = std::numeric_limits<std::uint64_t>::max();
  std::array<char, process_families_max_size> buffer;
  const ProcessSample sample{.cpu_seconds = 1.2345678901234567e-300,
                             .resident_bytes = most,
                             .virtual_bytes = most,
                             .open_fds = most,
                             .max_fds = most,
                             .start_time_seconds = -1.2345678901234567e+300};
  const auto text = format_process_families(sample, buffer);
  CHECK(text.ends_with("process_virtual_memory_bytes 18446744073709551615\n"));
  CHECK(text.find("process_start_time_seconds -1.2345678901234567e+300\n") != text.npos);
}

TEST_CASE("this test's own process, read from /proc/self") {
  const auto sample = ProcessMetrics().read();
  REQUIRE(sample);
  CHECK(sample->resident_bytes > 0);
  CHECK(sample->virtual_bytes >= sample->resident_bytes);
  CHECK(sample->open_fds >= 3);  // stdin, stdout, stderr
  CHECK(sample->open_fds <= sample->max_fds);
  // Started before now, and not before this test binary was built (a day is plenty).
  const auto now = static_cast<double>(std::time(nullptr));
  CHECK(sample->start_time_seconds <= now + 1);
  CHECK(sample->start_time_seconds > now - 86400);
}

}  // namespace
}  // namespace alembic_exporter::http
