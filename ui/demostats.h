// The numbers --script measurements print: median, 95th percentile, the process's peak memory.
#pragma once

#include <QList>

#include <sys/resource.h>

#include <algorithm>
#include <cmath>

namespace samdesk {

inline double median(QList<double> v) {
    if (v.isEmpty())
        return 0;
    std::sort(v.begin(), v.end());
    return v.size() % 2 ? v[v.size() / 2] : (v[v.size() / 2 - 1] + v[v.size() / 2]) / 2;
}

// The value below which 95% of the runs lie (nearest rank).
inline double p95(QList<double> v) {
    if (v.isEmpty())
        return 0;
    std::sort(v.begin(), v.end());
    const auto rank = qsizetype(std::ceil(0.95 * double(v.size())));
    return v[std::clamp<qsizetype>(rank - 1, 0, v.size() - 1)];
}

// The process's peak resident memory so far, in MiB (Linux reports kilobytes).
inline double peakRssMiB() {
    rusage usage{};
    getrusage(RUSAGE_SELF, &usage);
    return double(usage.ru_maxrss) / 1024.0;
}

}  // namespace samdesk
