#include "daemon/core/allocator_tuning.hpp"

#include <malloc.h>

namespace alembic_exporter::core {

void limit_allocator_retention() {
  // The event loop keeps the main arena; HTTP workers share one more rather than one each.
  mallopt(M_ARENA_MAX, 2);
  // Setting either threshold also turns off their dynamic adjustment: blocks above 128 KiB are
  // mapped and unmapped on their own, and more than 128 KiB free at an arena's top is returned.
  mallopt(M_MMAP_THRESHOLD, 128 * 1024);
  mallopt(M_TRIM_THRESHOLD, 128 * 1024);
}

void return_free_memory() { malloc_trim(0); }

}  // namespace alembic_exporter::core
