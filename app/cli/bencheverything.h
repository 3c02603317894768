// samdesk-cli bench --everything: the automatic mask generator's time on this machine, split
// into the image encoder and everything after it (docs/performance.md).
#pragma once

#include <string>

#include "app/cli/args.h"
#include "core/sam/predictor/imagefile.h"
#include "core/sam/predictor/predictor.h"

namespace samdesk::cli {

// Runs the generator `repeats` times on `image` with the parameters of `args` (the everything
// flags) and prints each run's encoder and after-encoder seconds (JSON with --json).
int benchEverything(const Args& args, Predictor& predictor, const ImageFile& image,
                    const std::string& imageName, double loadSeconds, long long repeats);

}  // namespace samdesk::cli
