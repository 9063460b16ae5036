#include "daemon/core/allocator_tuning.hpp"

#include <doctest/doctest.h>

#include <barrier>
#include <cstdlib>
#include <fstream>
#include <memory>
#include <string>
#include <thread>
#include <vector>

namespace alembic_exporter::core {
namespace {

constexpr std::size_t kib = 1024;
constexpr std::size_t mib = 1024 * kib;

/// Anonymous resident memory of this process, from /proc/self/status.
std::size_t resident_anonymous() {
  std::ifstream status("/proc/self/status");
  std::string key;
  std::size_t kilobytes = 0;
  while (status >> key) {
    if (key == "RssAnon:") {
      status >> kilobytes;
      return kilobytes * kib;
    }
    status.ignore(4096, '\n');
  }
  FAIL("no RssAnon in /proc/self/status");
  return 0;
}

/// What one civetweb worker does during a big scrape: a large buffer (mapped, then freed) and
/// megabytes of small objects, all freed before the thread waits for the next request.
void scrape_like_work(std::barrier<>& together) {
  void* volatile buffer = std::malloc(4 * mib);  // volatile: the compiler may not elide it
  std::free(buffer);
  std::vector<void*> blocks(6 * mib / kib);
  for (auto& block : blocks) block = std::malloc(kib);
  for (auto& block : blocks) static_cast<char*>(block)[0] = 1;
  together.arrive_and_wait();  // all threads hold their blocks at once: one arena each
  for (auto& block : blocks) std::free(block);
}

/// These tests are about glibc's malloc; under AddressSanitizer, malloc is ASan's own allocator,
/// which keeps freed memory in quarantine on purpose.
#if defined(__SANITIZE_ADDRESS__)
constexpr bool glibc_malloc = false;
#else
constexpr bool glibc_malloc = true;
#endif

}  // namespace

TEST_CASE("memory freed by many threads goes back to the system" * doctest::skip(!glibc_malloc)) {
  limit_allocator_retention();
  constexpr int threads = 6;
  const auto before = resident_anonymous();
  std::barrier together(threads);
  {
    std::vector<std::jthread> workers;
    for (int i = 0; i < threads; ++i) workers.emplace_back([&] { scrape_like_work(together); });
  }
  // Untuned glibc keeps ~6 MiB in each thread's arena here (36 MiB in all); tuned, about 1 MiB
  // stays, more when threads interleave their blocks under load (15 MiB seen once).
  CHECK(resident_anonymous() < before + 20 * mib);
}

TEST_CASE("free memory below a block still in use goes back to the system on request" *
          doctest::skip(!glibc_malloc)) {
  std::vector<void*> blocks(8 * mib / kib);
  for (auto& block : blocks) block = std::malloc(kib);
  for (auto& block : blocks) static_cast<char*>(block)[0] = 1;
  void* volatile in_use = std::malloc(kib);  // above the others: the heap's top cannot shrink
  for (auto& block : blocks) std::free(block);
  const auto held = resident_anonymous();
  return_free_memory();
  CHECK(resident_anonymous() + 6 * mib < held);
  std::free(in_use);
}

}  // namespace alembic_exporter::core
