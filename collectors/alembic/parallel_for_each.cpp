#include "collectors/alembic/parallel_for_each.hpp"

#include <sched.h>

#include <atomic>
#include <exception>
#include <system_error>
#include <thread>
#include <vector>

namespace alembic_exporter::alembic {

unsigned cpus_available() {
  cpu_set_t set;
  CPU_ZERO(&set);
  if (::sched_getaffinity(0, sizeof(set), &set) != 0) return 1;
  const int count = CPU_COUNT(&set);
  return count > 0 ? static_cast<unsigned>(count) : 1;
}

void parallel_for_each(std::size_t count, unsigned workers,
                       const std::function<void(std::size_t index, unsigned worker)>& work) {
  std::atomic<std::size_t> next{0};
  std::vector<std::exception_ptr> failures(workers == 0 ? 1 : workers);
  const auto run = [&](unsigned worker) {
    try {
      for (std::size_t index = next++; index < count; index = next++) work(index, worker);
    } catch (...) {
      failures[worker] = std::current_exception();
      next = count;  // the others stop at their next item
    }
  };
  std::vector<std::thread> threads;
  threads.reserve(failures.size() - 1);
  try {
    for (unsigned worker = 1; worker < failures.size(); ++worker) threads.emplace_back(run, worker);
  } catch (const std::system_error&) {
    // No more threads (EAGAIN under a thread limit): those started and this one do the work.
  }
  run(0);
  for (auto& thread : threads) thread.join();
  for (const auto& failure : failures) {
    if (failure) std::rethrow_exception(failure);
  }
}

}  // namespace alembic_exporter::alembic
