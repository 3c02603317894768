// What bench and bench --everything share: the timed repeats and the lines and JSON fields that
// say what was measured (checkpoint, image, device, dtype, threads, CPU, load time), so the two
// reports cannot drift apart.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "app/cli/args.h"
#include "core/common/expected.h"
#include "core/sam/predictor/predictor.h"
#include "core/sam/runtime/runtimeinfo.h"

namespace samdesk::cli {

// The median of `v` (the mean of the middle two for an even count); 0 when empty.
double median(std::vector<double> v);
// The process's peak resident memory so far, in MiB.
double peakRssMb();

// Runs `step` `repeats` times and returns each run's wall-clock seconds, in order. Stops at the
// first error and returns it.
Expected<std::vector<double>> timeRepeats(long long repeats, const std::function<Status()>& step);

// What a run measured: the checkpoint (--checkpoint of `args`), the model and options in effect,
// the image, the load time and the machine (collectRuntimeInfo(), taken once).
struct BenchSubject {
    const Args& args;
    const Predictor& predictor;
    const std::string& imageName;
    int width = 0, height = 0;  // the image's size in pixels
    double loadSeconds = 0;
    RuntimeInfo runtime;
};

// checkpoint, variant, image, image_size, device, dtype, threads, cpu, load_s.
nlohmann::json benchJsonHead(const BenchSubject& subject);
// The report's first lines: checkpoint, image, device (with dtype, threads, libtorch and GEMM),
// cpu, load_s.
void printBenchHead(const BenchSubject& subject);

}  // namespace samdesk::cli
