// A CPU allocator for libtorch that keeps freed large blocks for reuse instead of returning them
// to the system. Every fresh page costs a page fault on first touch; glibc hands large tensors
// fresh pages again and again (mmap above its threshold, and heap fragmentation below it), and on
// the development VM a page fault costs ~16 us: a 50 MB tensor took 0.2 s to fill the first
// time and 3 ms the second (docs/performance.md). With the cache, an encoder pass or a click
// reuses the pages of the previous one.
//
// Process-wide: install() replaces libtorch's CPU allocator for tensors created afterwards
// (earlier tensors keep their own deleter). Thread-safe.
#pragma once

#include <cstddef>
#include <cstdint>

namespace samdesk::cachingallocator {

// Installs the allocator once (later calls do nothing). Blocks of at least kMinCachedBytes are
// cached, by size rounded up to 64 KiB, at most `maxCachedBytes` in all (the oldest-freed go
// back to the system beyond it).
void install(std::size_t maxCachedBytes = std::size_t(1) << 30);
bool installed();

// Returns every cached block to the system (e.g. when the model is unloaded).
void releaseCached();

struct Stats {
    std::size_t cachedBytes = 0;  // freed blocks held for reuse
    std::uint64_t hits = 0;       // large allocations served from the cache
    std::uint64_t misses = 0;     // large allocations that needed fresh memory
};
Stats stats();

constexpr std::size_t kMinCachedBytes = std::size_t(256) << 10;

}  // namespace samdesk::cachingallocator
