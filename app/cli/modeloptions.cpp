// PredictorOptions from the command line.
#include "app/cli/modeloptions.h"

#include "core/sam/runtime/runtimeinfo.h"

namespace samdesk::cli {

PredictorOptions predictorOptions(const Args& args, std::optional<long long> threads,
                                  const std::string& defaultDtype) {
    PredictorOptions options;
    options.device = args.value("device", "cpu");
    options.dtype = args.value("dtype", defaultDtype);
    options.threads = configureThreads(static_cast<int>(threads.value_or(0)));
    return options;
}

}  // namespace samdesk::cli
