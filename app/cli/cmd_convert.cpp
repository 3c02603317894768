// samdesk-cli convert: rewrite any accepted checkpoint as safetensors (converted or original
// names, config in the metadata), then load the result again to prove it is the same model.
#include <chrono>
#include <cstdio>
#include <iostream>

#include "app/cli/args.h"
#include "app/cli/commands.h"
#include "core/checkpoint/samcheckpoint.h"
#include "core/checkpoint/samcheckpointwriter.h"

namespace samdesk::cli {

namespace {

const char* kConvertHelp =
    "usage: samdesk-cli convert IN OUT.safetensors [--naming converted|original]\n\n"
    "Writes the weights of the SAMv1 checkpoint IN to OUT as safetensors, with the detected\n"
    "model config in the file's metadata. --naming converted (default) uses samdesk's module\n"
    "names (image_encoder.stages.N...); original keeps the official names, for other tools.\n"
    "The dtype is kept. The output loads faster (no pickle) and is checked by loading it again.\n";

}  // namespace

int runConvert(const Argv& argv) {
    Args args(argv, {"naming"}, {});
    if (!args.error().empty())
        return fail(args.error());
    if (args.wantsHelp()) {
        std::cout << kConvertHelp;
        return 0;
    }
    if (args.positionals().size() != 2)
        return fail("convert needs IN and OUT.safetensors (see samdesk-cli convert --help)");
    const std::string naming = args.value("naming", "converted");
    if (naming != "converted" && naming != "original")
        return fail("--naming must be 'converted' or 'original', not '" + naming + "'");
    const SamNaming target = naming == "converted" ? SamNaming::Converted : SamNaming::Original;
    const std::string in = args.positionals()[0], out = args.positionals()[1];

    const auto start = std::chrono::steady_clock::now();
    const auto checkpoint = loadSamCheckpoint(in);
    if (!checkpoint)
        return fail(checkpoint.error().message);
    if (const auto written = writeSamSafetensors(checkpoint.value(), out, target); !written)
        return fail(written.error().message);
    const auto again = loadSamCheckpoint(out);
    if (!again)
        return fail("the converted file does not load again: " + again.error().message);
    if (!(again->config == checkpoint->config) ||
        again->info.tensorCount != checkpoint->info.tensorCount)
        return fail(out + ": the converted file describes a different model than " + in);
    const double seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    std::printf("wrote %s: %s, %zu tensors, %s names, %s, %.1f MB in %.2f s\n", out.c_str(),
                checkpoint->config.variant.c_str(), again->info.tensorCount, naming.c_str(),
                dtypeName(again->info.dtype), again->info.fileSize / 1e6, seconds);
    return 0;
}

}  // namespace samdesk::cli
