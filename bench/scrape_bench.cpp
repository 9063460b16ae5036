// Times what one `/metrics` scrape computes, for a snapshot of N components in mixed states (the
// mix of bench/scrape_load.py), and prints the time per scrape as JSON: `cached` scrapes one
// snapshot again and again, `changed` scrapes a newly published snapshot each time (one
// component's check finished in between, as with many components on their intervals). For
// callgrind, only run_scrapes() is worth collecting (--toggle-collect=*run_scrapes*); divide by
// SCRAPES.
//
// Usage: scrape_bench COMPONENTS SCRAPES plain|gzip cached|changed

#include <array>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "daemon/http/exposition_cache.hpp"
#include "daemon/http/process_metrics.hpp"

namespace {

using alembic_exporter::ComponentStatus;
using alembic_exporter::RevisionRef;
using alembic_exporter::State;
using alembic_exporter::core::ComponentSnapshot;
using alembic_exporter::core::Snapshot;
using alembic_exporter::http::ExpositionCache;
using alembic_exporter::http::ProcessMetrics;
using std::chrono::milliseconds;
using std::chrono::system_clock;

/// Out of every 20 components, as in bench/scrape_load.py.
constexpr State state_mix[20] = {
    State::up_to_date,  State::up_to_date,       State::up_to_date,  State::up_to_date,
    State::up_to_date,  State::up_to_date,       State::up_to_date,  State::up_to_date,
    State::up_to_date,  State::up_to_date,       State::up_to_date,  State::up_to_date,
    State::behind,      State::behind,           State::behind,      State::diverged,
    State::no_revision, State::unknown_revision, State::unreachable, State::script_error,
};

RevisionRef revision(const char* id) { return {id, "Add a column"}; }

/// A component as a check of that state would have left it.
std::shared_ptr<const ComponentSnapshot> component(int index, State state) {
  auto result = std::make_shared<ComponentSnapshot>();
  ComponentStatus& status = result->status;
  char name[32];
  std::snprintf(name, sizeof name, "service-%04d", index);
  status.component = name;
  status.state = state;
  status.checked_at = system_clock::time_point(milliseconds(1764000000250 + index));
  status.check_duration = std::chrono::duration<double>(0.0031 + index * 1e-6);
  status.script_revisions = 5;
  status.heads = {revision("5e1c0ffee005")};
  status.database_read = state != State::unreachable && state != State::script_error;
  if (status.database_read) result->last_success = status.checked_at;
  switch (state) {
    case State::up_to_date:
      status.current = status.heads;
      status.pending = 0;
      break;
    case State::behind:
      status.current = {revision("5e1c0ffee002")};
      status.pending = 3;
      break;
    case State::diverged:
      status.heads = {revision("d1ce0000000a"), revision("d1ce0000000b")};
      status.current = {revision("d1ce00000001")};
      status.script_revisions = 3;
      status.pending = 2;
      break;
    case State::no_revision:
      status.reason = "table_missing";
      status.pending = 5;
      break;
    case State::unknown_revision:
      status.current = {revision("0badc0ffee00")};
      break;
    case State::unreachable:
      status.reason = "connection_refused";
      result->check_errors["connection_refused"] = 4;
      break;
    case State::script_error:
      status.reason = "parse_error";
      status.script_problems = {
          {"parse_error", "versions/broken.py", 1, 12, "unterminated string"}};
      result->check_errors["script_error"] = 4;
      break;
  }
  result->interval = milliseconds(30000);
  result->state_changes = state == State::up_to_date ? 0 : 1;
  return result;
}

std::shared_ptr<Snapshot> snapshot_of(int components) {
  auto snapshot = std::make_shared<Snapshot>();
  for (int index = 0; index < components; ++index) {
    snapshot->components.push_back(component(index, state_mix[index % 20]));
  }
  snapshot->config_reload_success_time = system_clock::time_point(milliseconds(1763999990000));
  return snapshot;
}

/// `count` snapshots as the event loop publishes them: each after one more finished check.
std::vector<std::shared_ptr<const Snapshot>> published_snapshots(int components, int count,
                                                                 bool changed) {
  std::vector<std::shared_ptr<const Snapshot>> snapshots{snapshot_of(components)};
  for (int scrape = 1; scrape < count; ++scrape) {
    if (!changed) {
      snapshots.push_back(snapshots.back());
      continue;
    }
    auto next = std::make_shared<Snapshot>(*snapshots.back());
    const int index = scrape % components;
    auto checked = std::make_shared<ComponentSnapshot>(*next->components[index]);
    checked->status.checked_at += std::chrono::seconds(30);
    next->components[index] = std::move(checked);
    snapshots.push_back(std::move(next));
  }
  return snapshots;
}

/// What the `/metrics` requests get (daemon/http/http_server.cpp): the cached exposition and the
/// process families read now, in stack buffers. Returns the last body's size.
[[gnu::noinline]] std::size_t run_scrapes(
    ExpositionCache& cache, const ProcessMetrics& process,
    std::span<const std::shared_ptr<const Snapshot>> snapshots, bool gzip) {
  std::size_t bytes = 0;
  for (const auto& snapshot : snapshots) {
    std::array<char, alembic_exporter::http::process_families_max_size> process_buffer;
    std::string_view families;
    if (const auto sample = process.read()) {
      families = alembic_exporter::http::format_process_families(*sample, process_buffer);
    }
    if (!gzip) {
      bytes = cache.text(snapshot)->size() + families.size();
      continue;
    }
    const auto member = cache.gzip(snapshot);
    std::array<char, alembic_exporter::http::gzip_close_size(
                         alembic_exporter::http::process_families_max_size)>
        end_buffer;
    bytes = member->bytes.size() +
            alembic_exporter::http::gzip_close(*member, families, end_buffer).size();
  }
  return bytes;
}

}  // namespace

int main(int argc, char** argv) {
  const std::vector<std::string_view> args(argv + 1, argv + argc);
  if (args.size() != 4 || (args[2] != "plain" && args[2] != "gzip") ||
      (args[3] != "cached" && args[3] != "changed")) {
    std::fprintf(stderr, "usage: scrape_bench COMPONENTS SCRAPES plain|gzip cached|changed\n");
    return 64;
  }
  const int components = std::atoi(std::string(args[0]).c_str());
  const int scrapes = std::atoi(std::string(args[1]).c_str());
  if (components <= 0 || scrapes <= 0) {
    std::fprintf(stderr, "scrape_bench: COMPONENTS and SCRAPES must be positive numbers\n");
    return 64;
  }
  const bool gzip = args[2] == "gzip";
  const auto snapshots = published_snapshots(components, scrapes + 1, args[3] == "changed");
  ExpositionCache cache;
  const ProcessMetrics process;
  // The rendering before: `cached` then measures only hits (and stays outside run_scrapes for
  // callgrind).
  gzip ? static_cast<void>(cache.gzip(snapshots.front()))
       : static_cast<void>(cache.text(snapshots.front()));
  const auto start = std::chrono::steady_clock::now();
  const std::size_t bytes = run_scrapes(cache, process, std::span(snapshots).subspan(1), gzip);
  const double elapsed =
      std::chrono::duration<double, std::micro>(std::chrono::steady_clock::now() - start).count();
  std::printf(
      "{\"components\": %d, \"encoding\": \"%s\", \"snapshots\": \"%s\", \"scrapes\": %d, "
      "\"body_bytes\": %zu, \"us_per_scrape\": %.3f}\n",
      components, gzip ? "gzip" : "plain", std::string(args[3]).c_str(), scrapes, bytes,
      elapsed / scrapes);
  return 0;
}
