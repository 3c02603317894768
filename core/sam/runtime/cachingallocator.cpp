// Every block carries a 64-byte header with its size, so one deleter serves small (passed
// through to the system) and large (cached) blocks.
#include "core/sam/runtime/cachingallocator.h"

#include <c10/core/CPUAllocator.h>

#include <atomic>
#include <cstdlib>
#include <map>
#include <mutex>
#include <new>

namespace samdesk::cachingallocator {

namespace {

constexpr std::size_t kAlignment = 64;  // as libtorch's own CPU allocator
constexpr std::size_t kHeader = 64;     // keeps the data aligned
constexpr std::size_t kGranule = std::size_t(64) << 10;

struct Header {
    std::size_t size;  // usable bytes after the header
};

struct Cache {
    std::mutex mutex;
    std::multimap<std::size_t, void*> blocks;  // size -> block base (header)
    std::size_t cachedBytes = 0;
    std::size_t maxCachedBytes = 0;
    std::uint64_t hits = 0, misses = 0;
};

Cache& cache() {
    static Cache* c = new Cache;  // never destroyed: tensors may be freed during exit
    return *c;
}

void release(void* data) {
    if (!data)
        return;
    void* base = static_cast<char*>(data) - kHeader;
    const std::size_t size = static_cast<Header*>(base)->size;
    if (size >= kMinCachedBytes) {
        Cache& c = cache();
        std::lock_guard lock(c.mutex);
        if (c.cachedBytes + size <= c.maxCachedBytes) {
            c.blocks.emplace(size, base);
            c.cachedBytes += size;
            return;
        }
    }
    std::free(base);
}

void* allocateBlock(std::size_t n) {
    const std::size_t size = n >= kMinCachedBytes ? (n + kGranule - 1) / kGranule * kGranule : n;
    void* base = nullptr;
    if (size >= kMinCachedBytes) {
        Cache& c = cache();
        std::lock_guard lock(c.mutex);
        const auto it = c.blocks.find(size);
        if (it != c.blocks.end()) {
            base = it->second;
            c.blocks.erase(it);
            c.cachedBytes -= size;
            ++c.hits;
        } else {
            ++c.misses;
        }
    }
    if (!base) {
        if (posix_memalign(&base, kAlignment, size + kHeader) != 0)
            throw std::bad_alloc();
        static_cast<Header*>(base)->size = size;
    }
    return static_cast<char*>(base) + kHeader;
}

class CachingCpuAllocator final : public c10::Allocator {
public:
    c10::DataPtr allocate(std::size_t n) const override {
        void* data = n == 0 ? nullptr : allocateBlock(n);
        return {data, data, &release, c10::Device(c10::DeviceType::CPU)};
    }
    c10::DeleterFnPtr raw_deleter() const override { return &release; }
};

CachingCpuAllocator& allocator() {
    static CachingCpuAllocator* a = new CachingCpuAllocator;
    return *a;
}

std::once_flag installOnce;
std::atomic<bool> isInstalled{false};

}  // namespace

void install(std::size_t maxCachedBytes) {
    std::call_once(installOnce, [maxCachedBytes] {
        {
            std::lock_guard lock(cache().mutex);
            cache().maxCachedBytes = maxCachedBytes;
        }
        // Priority 1 beats the default allocator's registration (0).
        c10::SetCPUAllocator(&allocator(), 1);
        isInstalled = true;
    });
}

bool installed() {
    return isInstalled;
}

void releaseCached() {
    Cache& c = cache();
    std::lock_guard lock(c.mutex);
    for (const auto& [size, base] : c.blocks)
        std::free(base);
    c.blocks.clear();
    c.cachedBytes = 0;
}

Stats stats() {
    Cache& c = cache();
    std::lock_guard lock(c.mutex);
    return {c.cachedBytes, c.hits, c.misses};
}

}  // namespace samdesk::cachingallocator
