// Which engine to run, and the function that makes it: GrabCut when no checkpoint is given,
// otherwise SAM on the chosen device and precision. Called on the inference thread.
#pragma once

#include <memory>
#include <string>

#include "core/common/expected.h"
#include "core/engine/checkpointreport.h"
#include "core/engine/segmenter.h"

namespace samdesk {

struct EngineChoice {
    std::string checkpoint;         // empty: GrabCut
    std::string device = "cpu";     // SAM only: "cpu", "cuda", "cuda:N"
    std::string dtype = "float32";  // SAM only: "float32", "bfloat16", "float16"
    int threads = 0;                // SAM only: libtorch intra-op threads, 0 = leave as is
};

struct LoadedEngine {
    std::unique_ptr<Segmenter> engine;
    std::shared_ptr<const CheckpointReport> report;  // SAM only
};

// Errors are the checkpoint loader's or the predictor's (a bad file, an unknown device).
Expected<LoadedEngine> createEngine(const EngineChoice& choice);

// True when this build of libtorch can run on a CUDA device and one is present.
bool cudaDeviceAvailable();

}  // namespace samdesk
