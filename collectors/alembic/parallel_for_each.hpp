#pragma once

#include <cstddef>
#include <functional>

namespace alembic_exporter::alembic {

/// CPUs this process may run on (its affinity mask, as `nproc`), at least 1.
unsigned cpus_available();

/// Calls `work(index, worker)` once for every index below `count`, on up to `workers` threads:
/// the calling thread is worker 0, the others are started for this call and joined before it
/// returns. Each thread takes the next index through an atomic counter, so a slow item holds up
/// no other. `worker` (below `workers`) lets `work` keep per-thread state. When a thread cannot
/// be started the others do its share; the first exception `work` throws is rethrown after
/// every thread finished.
void parallel_for_each(std::size_t count, unsigned workers,
                       const std::function<void(std::size_t index, unsigned worker)>& work);

}  // namespace alembic_exporter::alembic
