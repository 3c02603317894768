// The model options every model command takes the same way: --device, --dtype and --threads.
#pragma once

#include <optional>
#include <string>

#include "app/cli/args.h"
#include "core/sam/predictor/predictor.h"

namespace samdesk::cli {

// --device (default cpu), --dtype (default `defaultDtype`) and the thread count, which it also
// applies to the calling thread: `threads`, or every core when absent or 0 (libtorch may start
// with one thread, OpenMP's default here).
PredictorOptions predictorOptions(const Args& args, std::optional<long long> threads,
                                  const std::string& defaultDtype);

}  // namespace samdesk::cli
