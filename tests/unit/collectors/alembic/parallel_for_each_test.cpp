#include "collectors/alembic/parallel_for_each.hpp"

#include <doctest/doctest.h>

#include <algorithm>
#include <atomic>
#include <stdexcept>
#include <thread>
#include <vector>

namespace alembic_exporter::alembic {
namespace {

TEST_CASE("every index is visited once, by a worker below the count asked for") {
  for (const unsigned workers : {0U, 1U, 3U}) {
    CAPTURE(workers);
    std::vector<std::atomic<int>> visits(1000);
    std::atomic<bool> worker_in_range{true};
    parallel_for_each(visits.size(), workers, [&](std::size_t index, unsigned worker) {
      ++visits[index];
      if (worker >= std::max(workers, 1U)) worker_in_range = false;
    });
    CHECK(worker_in_range);
    CHECK(std::all_of(visits.begin(), visits.end(), [](const auto& count) { return count == 1; }));
  }
}

TEST_CASE("one worker runs everything on the calling thread, in order") {
  std::vector<std::size_t> order;
  const auto caller = std::this_thread::get_id();
  bool elsewhere = false;
  parallel_for_each(5, 1, [&](std::size_t index, unsigned) {
    order.push_back(index);
    elsewhere = elsewhere || std::this_thread::get_id() != caller;
  });
  CHECK(order == std::vector<std::size_t>{0, 1, 2, 3, 4});
  CHECK_FALSE(elsewhere);
}

TEST_CASE("an exception in a worker reaches the caller after every thread finished") {
  std::atomic<int> running{0};
  CHECK_THROWS_WITH_AS(parallel_for_each(100, 3,
                                         [&](std::size_t index, unsigned) {
                                           ++running;
                                           if (index == 7) {
                                             --running;
                                             throw std::runtime_error("item 7");
                                           }
                                           --running;
                                         }),
                       "item 7", std::runtime_error);
  CHECK(running == 0);
}

TEST_CASE("the CPUs available are those of the affinity mask, at least one") {
  CHECK(cpus_available() >= 1);
  CHECK(cpus_available() <= std::thread::hardware_concurrency());
}

}  // namespace
}  // namespace alembic_exporter::alembic
