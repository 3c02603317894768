// /proc/meminfo and the cgroup v2 memory limit.
#include "core/imageio/memoryinfo.h"

#include <algorithm>
#include <fstream>
#include <sstream>
#include <string>

namespace samdesk {

namespace {

std::optional<std::uint64_t> memAvailable() {
    std::ifstream in("/proc/meminfo");
    std::string line;
    while (std::getline(in, line)) {
        if (line.rfind("MemAvailable:", 0) != 0)
            continue;
        std::istringstream fields(line.substr(13));
        std::uint64_t kib = 0;
        if (fields >> kib)
            return kib * 1024;
    }
    return std::nullopt;
}

std::optional<std::uint64_t> readNumber(const char* path) {
    std::ifstream in(path);
    std::string text;
    if (!(in >> text) || text == "max")
        return std::nullopt;
    try {
        return std::stoull(text);
    } catch (...) {
        return std::nullopt;
    }
}

// The page cache charged to the cgroup: reclaimable, so not counted as used.
std::uint64_t cgroupFileCache() {
    std::ifstream in("/sys/fs/cgroup/memory.stat");
    std::string key;
    std::uint64_t value = 0;
    while (in >> key >> value)
        if (key == "file")
            return value;
    return 0;
}

// What the cgroup (v2, the process's own group as mounted at /sys/fs/cgroup) still allows.
std::optional<std::uint64_t> cgroupHeadroom() {
    const auto limit = readNumber("/sys/fs/cgroup/memory.max");
    const auto current = readNumber("/sys/fs/cgroup/memory.current");
    if (!limit || !current)
        return std::nullopt;
    const std::uint64_t used = *current - std::min(*current, cgroupFileCache());
    return *limit > used ? *limit - used : 0;
}

}  // namespace

std::optional<std::uint64_t> availableMemoryBytes() {
    auto available = memAvailable();
    if (const auto headroom = cgroupHeadroom())
        available = available ? std::min(*available, *headroom) : *headroom;
    return available;
}

}  // namespace samdesk
