// The default engine factory.
#include "core/engine/enginefactory.h"

#include "core/engine/grabcutengine.h"
#include "core/engine/samengine.h"
#include "core/sam/runtime/runtimeinfo.h"

namespace samdesk {

Expected<LoadedEngine> createEngine(const EngineChoice& choice) {
    LoadedEngine loaded;
    if (choice.checkpoint.empty()) {
        loaded.engine = std::make_unique<GrabCutEngine>();
        return loaded;
    }
    SamEngineOptions options;
    options.device = choice.device;
    options.dtype = choice.dtype;
    options.threads = choice.threads;
    options.decodeThreads = choice.decodeThreads;
    options.cacheDirectory = choice.cacheDirectory;
    options.cacheMaxBytes = choice.cacheMaxBytes;
    auto sam = SamEngine::load(choice.checkpoint, options);
    if (!sam)
        return sam.error();
    loaded.report = std::make_shared<CheckpointReport>(sam.value()->report());
    loaded.cacheDirectory = sam.value()->cacheDirectory().string();
    loaded.cacheError = sam.value()->cacheError();
    loaded.engine = std::move(sam.value());
    return loaded;
}

bool cudaDeviceAvailable() {
    return collectRuntimeInfo().cudaAvailable;
}

}  // namespace samdesk
