// Times what one `/metrics` scrape computes, for a snapshot of N components in mixed states (the
// mix of bench/scrape_load.py), and prints the time per scrape as JSON. For callgrind, only
// run_scrapes() is worth collecting (--toggle-collect=*run_scrapes*); divide by SCRAPES.
//
// Usage: scrape_bench COMPONENTS SCRAPES plain|gzip

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "exposition.hpp"
#include "gzip.hpp"

namespace {

using alembic_exporter::ComponentSnapshot;
using alembic_exporter::ComponentStatus;
using alembic_exporter::RevisionRef;
using alembic_exporter::Snapshot;
using alembic_exporter::State;
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

std::shared_ptr<const Snapshot> snapshot_of(int components) {
  auto snapshot = std::make_shared<Snapshot>();
  for (int index = 0; index < components; ++index) {
    snapshot->components.push_back(component(index, state_mix[index % 20]));
  }
  snapshot->config_reload_success_time = system_clock::time_point(milliseconds(1763999990000));
  return snapshot;
}

/// The body one `/metrics` request gets (daemon/http_server.cpp); returns its size.
std::size_t scrape(const Snapshot& snapshot, bool gzip) {
  const std::string text = alembic_exporter::exposition_text(snapshot);
  return gzip ? alembic_exporter::gzip_compress(text).size() : text.size();
}

[[gnu::noinline]] std::size_t run_scrapes(const Snapshot& snapshot, bool gzip, int scrapes) {
  std::size_t bytes = 0;
  for (int i = 0; i < scrapes; ++i) bytes = scrape(snapshot, gzip);
  return bytes;
}

}  // namespace

int main(int argc, char** argv) {
  const std::vector<std::string_view> args(argv + 1, argv + argc);
  if (args.size() != 3 || (args[2] != "plain" && args[2] != "gzip")) {
    std::fprintf(stderr, "usage: scrape_bench COMPONENTS SCRAPES plain|gzip\n");
    return 64;
  }
  const int components = std::atoi(std::string(args[0]).c_str());
  const int scrapes = std::atoi(std::string(args[1]).c_str());
  if (components <= 0 || scrapes <= 0) {
    std::fprintf(stderr, "scrape_bench: COMPONENTS and SCRAPES must be positive numbers\n");
    return 64;
  }
  const bool gzip = args[2] == "gzip";
  const auto snapshot = snapshot_of(components);
  const auto start = std::chrono::steady_clock::now();
  const std::size_t bytes = run_scrapes(*snapshot, gzip, scrapes);
  const double elapsed =
      std::chrono::duration<double, std::micro>(std::chrono::steady_clock::now() - start).count();
  std::printf(
      "{\"components\": %d, \"encoding\": \"%s\", \"scrapes\": %d, \"body_bytes\": %zu, "
      "\"us_per_scrape\": %.3f}\n",
      components, gzip ? "gzip" : "plain", scrapes, bytes, elapsed / scrapes);
  return 0;
}
