// The checkpoint description for the info dialog, from the project's loader.
#include "core/engine/checkpointreport.h"

#include <map>

#include "core/cache/contenthash.h"
#include "core/checkpoint/keyconversion.h"
#include "core/checkpoint/samcheckpoint.h"

namespace samdesk {

namespace {

std::string joinInts(const std::vector<int>& v) {
    std::string s = "[";
    for (std::size_t i = 0; i < v.size(); ++i)
        s += (i ? ", " : "") + std::to_string(v[i]);
    return s + "]";
}

std::vector<std::pair<std::string, std::string>> configFields(const SamConfig& c) {
    auto n = [](int v) { return std::to_string(v); };
    return {{"variant", c.variant},
            {"image_size", n(c.imageSize)},
            {"patch_size", n(c.patchSize)},
            {"embed_dim", n(c.embedDim)},
            {"depth", n(c.depth)},
            {"num_heads", n(c.numHeads)},
            {"mlp_dim", n(c.mlpDim)},
            {"window_size", n(c.windowSize)},
            {"global_blocks", joinInts(c.globalBlocks)},
            {"prompt_dim", n(c.promptDim)},
            {"mask_in_chans", n(c.maskInChans)},
            {"decoder_depth", n(c.decoderDepth)},
            {"decoder_mlp_dim", n(c.decoderMlpDim)},
            {"decoder_heads", n(c.decoderHeads)},
            {"cross_attention_dim", n(c.crossAttentionDim)},
            {"num_mask_tokens", n(c.numMaskTokens)},
            {"iou_head_hidden_dim", n(c.iouHeadHiddenDim)},
            {"iou_head_depth", n(c.iouHeadDepth)}};
}

// The part a weight belongs to, by its original name: the three top-level modules, and the image
// encoder split into its stem, windowed blocks, global blocks and neck.
std::string subPart(const std::string& original, const SamConfig& config) {
    const std::string blocks = "image_encoder.blocks.";
    if (original.rfind(blocks, 0) == 0) {
        const int index = std::stoi(original.substr(blocks.size()));
        return config.isGlobal(index) ? "image_encoder.global_blocks"
                                      : "image_encoder.windowed_blocks";
    }
    if (original.rfind("image_encoder.neck", 0) == 0)
        return "image_encoder.neck";
    if (original.rfind("image_encoder.", 0) == 0)
        return "image_encoder.patch_and_position";
    return {};
}

}  // namespace

std::int64_t CheckpointReport::totalParameters() const {
    for (const auto& [part, count] : parameters)
        if (part == "total")
            return count;
    return 0;
}

Expected<CheckpointReport> describeCheckpoint(const std::filesystem::path& path) {
    auto loaded = loadSamCheckpoint(path);
    if (!loaded)
        return loaded.error();
    const SamCheckpoint& ckpt = loaded.value();
    CheckpointReport r;
    r.path = ckpt.info.path.empty() ? path.string() : ckpt.info.path;
    r.format = ckpt.info.format;
    r.naming = samNamingName(ckpt.info.naming);
    r.fileSize = ckpt.info.fileSize;
    r.dtype = dtypeName(ckpt.info.dtype);
    r.variant = ckpt.config.variant;
    r.config = configFields(ckpt.config);
    r.tensorCount = ckpt.tensors.size();
    r.readMs = ckpt.info.loadMs;
    r.warnings = ckpt.warnings;
    if (auto fp = checkpointFingerprint(path))
        r.fingerprint = std::move(fp.value());

    std::map<std::string, Shape> originalShapes;
    for (const auto& spec : samKeySpecs(ckpt.config))
        originalShapes[spec.original] = spec.originalShape;

    std::vector<std::string> order;  // parts in first-seen order
    std::map<std::string, std::int64_t> counts;
    auto addTo = [&](const std::string& part, std::int64_t n) {
        if (!counts.count(part))
            order.push_back(part);
        counts[part] += n;
    };
    std::int64_t total = 0;
    for (const auto& t : ckpt.tensors) {
        const std::int64_t n = t.tensor.numel();
        total += n;
        addTo(t.original.substr(0, t.original.find('.')), n);
        if (const std::string sub = subPart(t.original, ckpt.config); !sub.empty())
            addTo(sub, n);
        const auto it = originalShapes.find(t.original);
        const Shape& shape = it != originalShapes.end() ? it->second : t.tensor.shape;
        r.keys.push_back({t.original, t.name, shapeToString(shape), shapeToString(t.tensor.shape)});
    }
    for (const auto& part : order)
        r.parameters.emplace_back(part, counts[part]);
    r.parameters.emplace_back("total", total);
    return r;
}

}  // namespace samdesk
