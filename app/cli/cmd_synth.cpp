// samdesk-cli synth: a checkpoint of RANDOM weights with a real SAMv1 layout, for benchmarks
// and tests at real sizes without downloading the released weights.
#include <chrono>
#include <cstdio>
#include <iostream>

#include "app/cli/args.h"
#include "app/cli/commands.h"
#include "core/checkpoint/synthcheckpoint.h"

namespace samdesk::cli {

namespace {

const char* kSynthHelp =
    "usage: samdesk-cli synth --variant vit_b|vit_l|vit_h|tiny --out FILE.safetensors [--seed "
    "N]\n\n"
    "Writes a checkpoint of RANDOM weights (NOT a trained model: its masks are meaningless)\n"
    "with the exact tensor names and shapes of the official SAMv1 checkpoint of that variant\n"
    "(original key layout, float32 safetensors). Use it to benchmark or test at real model\n"
    "sizes without the 375 MB - 2.5 GB downloads. tiny is the 256-pixel test architecture.\n"
    "The same --seed (default 0) always gives the same file. Needs memory for the whole file.\n";

}  // namespace

int runSynth(const Argv& argv) {
    Args args(argv, {"variant", "out", "seed"}, {});
    if (!args.error().empty())
        return fail(args.error());
    if (args.wantsHelp()) {
        std::cout << kSynthHelp;
        return 0;
    }
    if (!args.value("variant") || !args.value("out"))
        return fail("synth needs --variant and --out (see samdesk-cli synth --help)");
    std::string err;
    const auto seed = args.integer("seed", &err);
    if (!err.empty())
        return fail(err);
    if (seed && *seed < 0)
        return fail("--seed must be 0 or more");
    const auto config = synthConfig(*args.value("variant"));
    if (!config)
        return fail(config.error().message);
    const auto t0 = std::chrono::steady_clock::now();
    if (auto st = writeSynthCheckpoint(*config, static_cast<std::uint64_t>(seed.value_or(0)),
                                       *args.value("out"));
        !st)
        return fail(st.error().message);
    const double seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    std::printf("wrote %s: RANDOM weights, %s layout, seed %lld, %.2f s\n",
                args.value("out")->c_str(), args.value("variant")->c_str(),
                static_cast<long long>(seed.value_or(0)), seconds);
    return 0;
}

}  // namespace samdesk::cli
