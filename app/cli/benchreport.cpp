// The shared parts of the bench reports (see benchreport.h).
#include "app/cli/benchreport.h"

#include <sys/resource.h>

#include <algorithm>
#include <chrono>
#include <cstdio>

#include "app/cli/clock.h"
#include "core/sam/runtime/fastgemm.h"

namespace samdesk::cli {

double median(std::vector<double> v) {
    std::sort(v.begin(), v.end());
    const std::size_t n = v.size();
    return n == 0 ? 0.0 : n % 2 ? v[n / 2] : 0.5 * (v[n / 2 - 1] + v[n / 2]);
}

double peakRssMb() {
    rusage usage{};
    getrusage(RUSAGE_SELF, &usage);
    return static_cast<double>(usage.ru_maxrss) / 1024.0;  // KiB on Linux
}

Expected<std::vector<double>> timeRepeats(long long repeats, const std::function<Status()>& step) {
    std::vector<double> seconds;
    for (long long i = 0; i < repeats; ++i) {
        const auto t0 = std::chrono::steady_clock::now();
        if (auto st = step(); !st)
            return st.error();
        seconds.push_back(secondsSince(t0));
    }
    return seconds;
}

nlohmann::json benchJsonHead(const BenchSubject& s) {
    const RuntimeInfo& info = s.runtime;
    const PredictorOptions& used = s.predictor.options();
    nlohmann::json j;
    j["checkpoint"] = *s.args.value("checkpoint");
    j["variant"] = s.predictor.config().variant;
    j["image"] = s.imageName;
    j["image_size"] = {s.width, s.height};
    j["device"] = used.device;
    j["dtype"] = used.dtype;
    j["threads"] = info.threads;
    j["cpu"] = info.cpu.modelName;
    j["load_s"] = s.loadSeconds;
    return j;
}

void printBenchHead(const BenchSubject& s) {
    const RuntimeInfo& info = s.runtime;
    const PredictorOptions& used = s.predictor.options();
    std::printf("checkpoint   %s (%s)\n", s.args.value("checkpoint")->c_str(),
                s.predictor.config().variant.c_str());
    std::printf("image        %s, %d x %d\n", s.imageName.c_str(), s.width, s.height);
    std::printf("device       %s, dtype %s, %d thread(s), libtorch %s, GEMM %s\n",
                used.device.c_str(), used.dtype.c_str(), info.threads, info.torchVersion.c_str(),
                gemm::backendName());
    std::printf("cpu          %s\n", info.cpu.modelName.c_str());
    std::printf("load_s       %.3f\n", s.loadSeconds);
}

}  // namespace samdesk::cli
