// Times ScriptDirectory::scan() on one version location: a cold parse (new scanner), an unchanged
// rescan (trusting the inotify watches, and the periodic full check that stats every file), and
// a rescan after one file's mtime moved. Prints medians and p90s as JSON.
//
// Usage: script_scan_bench VERSIONS_DIR [REPETITIONS]
//        script_scan_bench --cold-only VERSIONS_DIR [REPETITIONS]   (cold parse only)
//        script_scan_bench --cold-once VERSIONS_DIR   (one cold scan, for callgrind)

#include <fcntl.h>
#include <sys/stat.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

#include "collectors/alembic/script_directory.hpp"

namespace {

using alembic_exporter::alembic::ScriptDirectory;
using alembic_exporter::alembic::ScriptDirectoryScan;

/// Nearest-rank percentile of `samples` (milliseconds).
double percentile(std::vector<double> samples, double fraction) {
  std::sort(samples.begin(), samples.end());
  const auto rank =
      static_cast<std::size_t>(std::ceil(fraction * static_cast<double>(samples.size())));
  return samples[std::clamp<std::size_t>(rank, 1, samples.size()) - 1];
}

template <typename Work>
double milliseconds(Work&& work) {
  const auto start = std::chrono::steady_clock::now();
  work();
  return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start)
      .count();
}

void print_stats(std::string_view name, const std::vector<double>& samples, bool last) {
  std::printf("  \"%.*s\": {\"median_ms\": %.4f, \"p90_ms\": %.4f, \"min_ms\": %.4f}%s\n",
              static_cast<int>(name.size()), name.data(), percentile(samples, 0.5),
              percentile(samples, 0.9), *std::min_element(samples.begin(), samples.end()),
              last ? "" : ",");
}

/// Fails loudly if a scan did not do what the sample claims to measure.
void expect(bool condition, const char* what) {
  if (!condition) {
    std::fprintf(stderr, "script_scan_bench: %s\n", what);
    std::exit(1);
  }
}

/// Times `repetitions` cold scans (a new scanner each) after one that fills the page cache; the
/// previous scan's result is freed outside the timed part.
std::vector<double> cold_scans(const std::string& location, int repetitions,
                               ScriptDirectoryScan& last) {
  ScriptDirectory({location}, false).scan();
  std::vector<double> samples;
  for (int repetition = 0; repetition < repetitions; ++repetition) {
    ScriptDirectory directory({location}, false);
    ScriptDirectoryScan scan;
    samples.push_back(milliseconds([&] { scan = directory.scan(); }));
    last = std::move(scan);
  }
  expect(last.files_parsed > 0, "the cold scan parsed no file");
  return samples;
}

/// Moves `path`'s mtime to a value no earlier scan saw, as an edit would.
void touch(const std::string& path, long step) {
  const struct timespec times[2] = {{0, UTIME_OMIT}, {1'000'000'000L + step, 0}};
  expect(::utimensat(AT_FDCWD, path.c_str(), times, 0) == 0, "cannot set a file's mtime");
}

}  // namespace

int main(int argc, char** argv) {
  const std::vector<std::string_view> args(argv + 1, argv + argc);
  if (args.size() == 2 && args[0] == "--cold-once") {
    ScriptDirectory directory({std::string(args[1])}, false);
    const ScriptDirectoryScan scan = directory.scan();
    std::printf("{\"revisions\": %zu}\n", scan.graph->revisions().size());
    return 0;
  }
  const bool cold_only = !args.empty() && args[0] == "--cold-only";
  const std::vector<std::string_view> rest(args.begin() + (cold_only ? 1 : 0), args.end());
  if (rest.empty() || rest.size() > 2) {
    std::fprintf(stderr, "usage: script_scan_bench [--cold-only] VERSIONS_DIR [REPETITIONS]\n");
    return 64;
  }
  const std::string location(rest[0]);
  const int repetitions = rest.size() == 2 ? std::atoi(std::string(rest[1]).c_str()) : 30;
  expect(repetitions > 0, "REPETITIONS must be a positive number");

  ScriptDirectoryScan first;
  const std::vector<double> cold = cold_scans(location, repetitions, first);
  if (cold_only) {
    std::printf("{\n  \"files\": %zu,\n  \"repetitions\": %d,\n", first.files_parsed, repetitions);
    print_stats("cold_parse", cold, true);
    std::printf("}\n");
    return 0;
  }

  ScriptDirectory directory({location}, false);
  directory.scan();
  // Unchanged rescans either trust the inotify watches (no file checked) or, every
  // full_check_interval-th scan, stat every file: timed apart, `repetitions` samples each.
  std::vector<double> unchanged;
  std::vector<double> checked;
  while (unchanged.size() < static_cast<std::size_t>(repetitions) ||
         checked.size() < static_cast<std::size_t>(repetitions)) {
    ScriptDirectoryScan scan;
    const double sample = milliseconds([&] { scan = directory.scan(); });
    expect(scan.files_parsed == 0, "an unchanged rescan parsed a file");
    (scan.files_checked == 0 ? unchanged : checked).push_back(sample);
    expect(unchanged.size() + checked.size() < 100U * static_cast<std::size_t>(repetitions),
           "unchanged rescans never (or always) checked the files");
  }

  const std::string& edited = first.graph->revisions().front().path;
  std::vector<double> changed;
  for (int repetition = 0; repetition < repetitions; ++repetition) {
    touch(edited, repetition);
    ScriptDirectoryScan scan;
    changed.push_back(milliseconds([&] { scan = directory.scan(); }));
    expect(scan.files_parsed == 1, "a rescan after one edit did not parse exactly one file");
  }

  std::printf("{\n  \"files\": %zu,\n  \"revisions\": %zu,\n  \"findings\": %zu,\n",
              first.files_parsed, first.graph->revisions().size(), first.findings.size());
  std::printf("  \"repetitions\": %d,\n", repetitions);
  print_stats("cold_parse", cold, false);
  print_stats("unchanged_rescan", unchanged, false);
  print_stats("unchanged_full_check_rescan", checked, false);
  print_stats("changed_one_file_rescan", changed, true);
  std::printf("}\n");
  return 0;
}
