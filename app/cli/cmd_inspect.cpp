// samdesk-cli inspect: what is in a checkpoint (format, variant, config, keys), without libtorch.
#include <cstdio>
#include <iostream>

#include <nlohmann/json.hpp>

#include "app/cli/args.h"
#include "app/cli/commands.h"
#include "core/checkpoint/samcheckpoint.h"
#include "core/checkpoint/samconfigjson.h"

namespace samdesk::cli {

namespace {

const char* kInspectHelp =
    "usage: samdesk-cli inspect CHECKPOINT [--json]\n\n"
    "Reads a SAMv1 checkpoint (.pth from torch.save, or .safetensors; recognised by content) and\n"
    "prints its format, the detected variant (vit_b, vit_l, vit_h or custom), dtype, parameter\n"
    "count and architecture. Nothing in the file is executed. --json prints one JSON object with\n"
    "every key's original and converted name and shape, and the warnings of the load report.\n";

std::string withThousands(std::int64_t n) {
    std::string digits = std::to_string(n), out;
    for (std::size_t i = 0; i < digits.size(); ++i) {
        if (i > 0 && (digits.size() - i) % 3 == 0)
            out += ',';
        out += digits[i];
    }
    return out;
}

nlohmann::json shapeJson(const Shape& shape) {
    return nlohmann::json(shape);
}

void printJson(const SamCheckpoint& c) {
    nlohmann::ordered_json j;
    j["file"] = c.info.path;
    j["format"] = c.info.format;
    j["naming"] = samNamingName(c.info.naming);
    j["file_size"] = c.info.fileSize;
    j["variant"] = c.config.variant;
    j["dtype"] = dtypeName(c.info.dtype);
    j["parameters"] = c.info.parameters;
    j["tensors"] = c.info.tensorCount;
    j["config"] = nlohmann::ordered_json::parse(samConfigToJson(c.config));
    auto keys = nlohmann::ordered_json::array();
    for (const auto& t : c.tensors)
        keys.push_back({{"original", t.original},
                        {"converted", t.name},
                        {"shape", shapeJson(t.tensor.shape)},
                        {"original_shape", shapeJson(t.originalShape)},
                        {"dtype", dtypeName(t.tensor.dtype)}});
    j["keys"] = std::move(keys);
    j["warnings"] = c.warnings;
    j["load_ms"] = c.info.loadMs;
    std::cout << j.dump(2, ' ', false, nlohmann::ordered_json::error_handler_t::replace) << "\n";
}

void printHuman(const SamCheckpoint& c) {
    const SamConfig& k = c.config;
    std::string globals;
    for (std::size_t i = 0; i < k.globalBlocks.size(); ++i)
        globals += (i ? ", " : "") + std::to_string(k.globalBlocks[i]);
    std::printf("checkpoint  %s\n", c.info.path.c_str());
    std::printf("format      %s, %s names, %.1f MB\n", c.info.format.c_str(),
                samNamingName(c.info.naming), c.info.fileSize / 1e6);
    std::printf("variant     %s\n", k.variant.c_str());
    std::printf("dtype       %s\n", dtypeName(c.info.dtype));
    std::printf("parameters  %s in %zu tensors\n", withThousands(c.info.parameters).c_str(),
                c.info.tensorCount);
    std::printf(
        "encoder     input %d, patch %d, width %d, depth %d, %d heads, MLP %d, window %d,\n"
        "            global blocks %s\n",
        k.imageSize, k.patchSize, k.embedDim, k.depth, k.numHeads, k.mlpDim, k.windowSize,
        globals.empty() ? "none" : globals.c_str());
    std::printf("prompt      width %d, mask channels %d\n", k.promptDim, k.maskInChans);
    std::printf(
        "decoder     depth %d, MLP %d, %d heads, cross-attention width %d, %d mask tokens,\n"
        "            IoU head %d x %d\n",
        k.decoderDepth, k.decoderMlpDim, k.decoderHeads, k.crossAttentionDim, k.numMaskTokens,
        k.iouHeadHiddenDim, k.iouHeadDepth);
    std::printf("loaded in   %.1f ms (read, detect, convert; no weights copied)\n", c.info.loadMs);
    if (!c.warnings.empty()) {
        std::printf("warnings:\n");
        for (const auto& w : c.warnings)
            std::printf("  - %s\n", w.c_str());
    }
}

}  // namespace

int runInspect(const Argv& argv) {
    Args args(argv, {}, {"json"});
    if (!args.error().empty())
        return fail(args.error());
    if (args.wantsHelp()) {
        std::cout << kInspectHelp;
        return 0;
    }
    if (args.positionals().size() != 1)
        return fail("inspect needs exactly one CHECKPOINT (see samdesk-cli inspect --help)");
    const auto checkpoint = loadSamCheckpoint(args.positionals()[0]);
    if (!checkpoint)
        return fail(checkpoint.error().message);
    if (args.flag("json"))
        printJson(checkpoint.value());
    else
        printHuman(checkpoint.value());
    return 0;
}

}  // namespace samdesk::cli
