// Wall-clock timing for the commands that report how long a step took (bench, segment).
#pragma once

#include <chrono>

namespace samdesk::cli {

// Seconds of steady (monotonic) time since `t0`: immune to clock adjustments mid-run.
inline double secondsSince(std::chrono::steady_clock::time_point t0) {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

}  // namespace samdesk::cli
