// SAMv1 configurations: the released ones, stages, and detection from names and shapes.
#include "core/checkpoint/samconfig.h"

#include <algorithm>
#include <map>

namespace samdesk {

bool SamConfig::isGlobal(int block) const {
    return std::find(globalBlocks.begin(), globalBlocks.end(), block) != globalBlocks.end();
}

std::vector<SamConfig::Stage> SamConfig::stages() const {
    std::vector<Stage> out;
    Stage current;
    for (int i = 0; i < depth; ++i) {
        if (isGlobal(i)) {
            current.globalBlock = i;
            out.push_back(std::move(current));
            current = {};
        } else {
            current.windowedBlocks.push_back(i);
        }
    }
    if (!current.windowedBlocks.empty())
        out.push_back(std::move(current));
    return out;
}

SamConfig samConfigVitB() {
    return SamConfig{};
}

SamConfig samConfigVitL() {
    SamConfig c;
    c.embedDim = 1024;
    c.depth = 24;
    c.numHeads = 16;
    c.mlpDim = 4096;
    c.globalBlocks = {5, 11, 17, 23};
    c.variant = "vit_l";
    return c;
}

SamConfig samConfigVitH() {
    SamConfig c;
    c.embedDim = 1280;
    c.depth = 32;
    c.numHeads = 16;
    c.mlpDim = 5120;
    c.globalBlocks = {7, 15, 23, 31};
    c.variant = "vit_h";
    return c;
}

std::string samVariantName(const SamConfig& config) {
    for (SamConfig released : {samConfigVitB(), samConfigVitL(), samConfigVitH()}) {
        const std::string name = released.variant;
        released.variant = config.variant;
        if (released == config)
            return name;
    }
    return "custom";
}

namespace {

// Looks up a tensor whose rank is known; a missing one or a wrong rank is an error naming it.
class ShapeReader {
public:
    ShapeReader(const StateDict& dict, const std::string& source)
        : m_dict(dict), m_source(source) {}

    Expected<Shape> shape(const std::string& key, std::size_t rank) const {
        const TensorRecord* t = m_dict.find(key);
        if (!t)
            return Error{Error::Kind::MissingKey,
                         m_source + ": missing key '" + key + "' needed to detect the model"};
        if (t->shape.size() != rank)
            return Error{Error::Kind::BadShape, m_source + ": key '" + key + "' has shape " +
                                                    shapeToString(t->shape) + ", expected " +
                                                    std::to_string(rank) + " dimensions"};
        for (auto d : t->shape)
            if (d <= 0 || d > (1 << 20))
                return Error{Error::Kind::BadShape, m_source + ": key '" + key +
                                                        "' has an implausible shape " +
                                                        shapeToString(t->shape)};
        return t->shape;
    }

    // 1 + the largest <i> among keys "<prefix><i>.", or 0.
    int countIndexed(const std::string& prefix) const {
        int count = 0;
        for (const auto& t : m_dict.tensors) {
            if (t.name.compare(0, prefix.size(), prefix) != 0)
                continue;
            const auto rest = t.name.substr(prefix.size());
            const auto dot = rest.find('.');
            if (dot == 0 || dot == std::string::npos)
                continue;
            const auto digits = rest.substr(0, dot);
            if (digits.size() > 6 || !std::all_of(digits.begin(), digits.end(), ::isdigit))
                continue;
            count = std::max(count, std::stoi(digits) + 1);
        }
        return count;
    }

    Error bad(const std::string& what) const {
        return Error{Error::Kind::BadShape, m_source + ": " + what};
    }

private:
    const StateDict& m_dict;
    const std::string& m_source;
};

bool hasPrefix(const StateDict& dict, const std::string& prefix) {
    return std::any_of(dict.tensors.begin(), dict.tensors.end(),
                       [&](const NamedTensor& t) { return t.name.rfind(prefix, 0) == 0; });
}

#define SAMDESK_TRY_SHAPE(var, expr) \
    auto var##_e = (expr);           \
    if (!var##_e)                    \
        return var##_e.error();      \
    const Shape& var = var##_e.value();

}  // namespace

Expected<SamConfig> detectSamConfig(const StateDict& dict, const std::string& source) {
    for (const char* part : {"image_encoder.", "prompt_encoder.", "mask_decoder."}) {
        if (!hasPrefix(dict, part)) {
            std::string example = dict.tensors.empty() ? "no tensors at all"
                                                       : "first key '" + dict.tensors[0].name + "'";
            return Error{Error::Kind::NotSam,
                         source + ": not a SAMv1 checkpoint: no '" + part + "*' weights (" +
                             std::to_string(dict.tensors.size()) + " tensors, " + example + ")"};
        }
    }
    ShapeReader r(dict, source);
    SamConfig c;

    SAMDESK_TRY_SHAPE(patch, r.shape("image_encoder.patch_embed.proj.weight", 4));
    if (patch[1] != 3 || patch[2] != patch[3])
        return r.bad("image_encoder.patch_embed.proj.weight has shape " + shapeToString(patch) +
                     ", expected (C, 3, p, p)");
    c.embedDim = static_cast<int>(patch[0]);
    c.patchSize = static_cast<int>(patch[2]);

    SAMDESK_TRY_SHAPE(pos, r.shape("image_encoder.pos_embed", 4));
    if (pos[0] != 1 || pos[1] != pos[2] || pos[3] != c.embedDim)
        return r.bad("image_encoder.pos_embed has shape " + shapeToString(pos) +
                     ", expected (1, G, G, " + std::to_string(c.embedDim) + ")");
    const int grid = static_cast<int>(pos[1]);
    c.imageSize = grid * c.patchSize;

    c.depth = r.countIndexed("image_encoder.blocks.");
    if (c.depth == 0)
        return Error{Error::Kind::MissingKey, source + ": no image_encoder.blocks.* weights"};

    SAMDESK_TRY_SHAPE(rel0, r.shape("image_encoder.blocks.0.attn.rel_pos_h", 2));
    const auto headDim = rel0[1];
    if (c.embedDim % headDim != 0)
        return r.bad("head dim " + std::to_string(headDim) + " does not divide width " +
                     std::to_string(c.embedDim));
    c.numHeads = static_cast<int>(c.embedDim / headDim);

    SAMDESK_TRY_SHAPE(lin1, r.shape("image_encoder.blocks.0.mlp.lin1.weight", 2));
    c.mlpDim = static_cast<int>(lin1[0]);

    c.globalBlocks.clear();
    int window = 0;
    for (int i = 0; i < c.depth; ++i) {
        const std::string key = "image_encoder.blocks." + std::to_string(i) + ".attn.rel_pos_h";
        SAMDESK_TRY_SHAPE(rel, r.shape(key, 2));
        const auto len = rel[0];
        if (len == 2 * grid - 1) {
            c.globalBlocks.push_back(i);
            continue;
        }
        if (len % 2 == 0)
            return r.bad(key + " has " + std::to_string(len) +
                         " rows; a relative position table has 2L-1 rows");
        const int w = static_cast<int>((len + 1) / 2);
        if (window != 0 && w != window)
            return r.bad(key + " implies window " + std::to_string(w) + " but earlier blocks use " +
                         std::to_string(window));
        window = w;
    }
    c.windowSize = window != 0 ? window : grid;

    SAMDESK_TRY_SHAPE(notPoint, r.shape("prompt_encoder.not_a_point_embed.weight", 2));
    c.promptDim = static_cast<int>(notPoint[1]);
    SAMDESK_TRY_SHAPE(down3, r.shape("prompt_encoder.mask_downscaling.3.weight", 4));
    c.maskInChans = static_cast<int>(down3[0]);

    c.decoderDepth = r.countIndexed("mask_decoder.transformer.layers.");
    if (c.decoderDepth == 0)
        return Error{Error::Kind::MissingKey,
                     source + ": no mask_decoder.transformer.layers.* weights"};
    SAMDESK_TRY_SHAPE(mlp, r.shape("mask_decoder.transformer.layers.0.mlp.lin1.weight", 2));
    c.decoderMlpDim = static_cast<int>(mlp[0]);
    SAMDESK_TRY_SHAPE(
        cross,
        r.shape("mask_decoder.transformer.layers.0.cross_attn_token_to_image.q_proj.weight", 2));
    c.crossAttentionDim = static_cast<int>(cross[0]);
    SAMDESK_TRY_SHAPE(tokens, r.shape("mask_decoder.mask_tokens.weight", 2));
    c.numMaskTokens = static_cast<int>(tokens[0]);
    SAMDESK_TRY_SHAPE(iou, r.shape("mask_decoder.iou_prediction_head.layers.0.weight", 2));
    c.iouHeadHiddenDim = static_cast<int>(iou[0]);
    c.iouHeadDepth = r.countIndexed("mask_decoder.iou_prediction_head.layers.");

    if (c.promptDim % 8 != 0 || c.maskInChans % 4 != 0 || c.decoderHeads <= 0 ||
        c.crossAttentionDim % c.decoderHeads != 0 || c.promptDim % c.decoderHeads != 0 ||
        c.numMaskTokens < 1 || c.iouHeadDepth < 1)
        return r.bad("unsupported decoder sizes: prompt width " + std::to_string(c.promptDim) +
                     ", mask channels " + std::to_string(c.maskInChans) +
                     ", cross-attention width " + std::to_string(c.crossAttentionDim));
    c.variant = samVariantName(c);
    return c;
}

}  // namespace samdesk
