// How much memory a decode may still take: the kernel's estimate of what can be allocated
// without swapping (MemAvailable), lowered to what the process's cgroup still allows when it
// sets a limit (containers). std only.
#pragma once

#include <cstdint>
#include <optional>

namespace samdesk {

// Bytes; nothing where the system does not say (not Linux, /proc not mounted).
std::optional<std::uint64_t> availableMemoryBytes();

}  // namespace samdesk
