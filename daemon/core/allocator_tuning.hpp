#pragma once

namespace alembic_exporter::core {

/// Bounds the memory glibc's malloc keeps after it is freed; call before starting threads.
///
/// civetweb serves each request on one of its 32 worker threads, and glibc gives a thread that
/// allocates its own arena (up to 8 per core). A scrape of 1 000 components builds megabytes of
/// metric families and text, then frees them; freeing a block that large raises glibc's dynamic
/// trim threshold to twice its size, so every arena that once served a scrape kept ~8 MiB of free
/// memory resident: RSS grew from 75 to 175 MiB within 5 minutes (docs/BENCHMARKS.md,
/// "Footprint"). Two arenas and fixed thresholds give the freed memory back instead.
void limit_allocator_retention();

/// Returns the free memory of every arena to the system, including free pages in the middle of
/// a heap that the trim threshold never reaches (one block still in use at an arena's top keeps
/// everything below it). For after work that freed megabytes of small blocks: a scrape of 1 000
/// components left ~9 MiB resident this way. Walks the free blocks of each arena under its lock
/// (the event loop's allocations wait meanwhile; not timed here).
void return_free_memory();

}  // namespace alembic_exporter::core
