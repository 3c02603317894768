// Which engine to run, and the function that makes it: GrabCut when no checkpoint is given,
// otherwise SAM on the chosen device and precision. Called on the inference thread.
#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include "core/common/expected.h"
#include "core/engine/checkpointreport.h"
#include "core/engine/segmenter.h"

namespace samdesk {

struct EngineChoice {
    std::string checkpoint;      // empty: GrabCut
    std::string device = "cpu";  // SAM only: "cpu", "cuda", "cuda:N"
    // SAM only: "auto" (bfloat16 on CUDA; bfloat16 or mixed on CPUs where it measured faster;
    // else float32), "float32", "bfloat16", "mixed" (CPU), "float16"
    std::string dtype = "auto";
    // SAM only: libtorch intra-op threads of the encoder (0: every core) and of a decode (0: as
    // the encoder's).
    int threads = 0;
    int decodeThreads = 0;
    // SAM only: the on-disk embedding cache folder (empty: none) and its size limit.
    std::string cacheDirectory;
    std::uint64_t cacheMaxBytes = 2ull << 30;
};

struct LoadedEngine {
    std::unique_ptr<Segmenter> engine;
    std::shared_ptr<const CheckpointReport> report;  // SAM only
    std::string cacheDirectory;                      // SAM with a working cache only
    std::string cacheError;                          // why a requested cache is not used
};

// Errors are the checkpoint loader's or the predictor's (a bad file, an unknown device).
Expected<LoadedEngine> createEngine(const EngineChoice& choice);

// True when this build of libtorch can run on a CUDA device and one is present.
bool cudaDeviceAvailable();

}  // namespace samdesk
