// SamConfig <-> JSON.
#include "core/checkpoint/samconfigjson.h"

#include <nlohmann/json.hpp>

namespace samdesk {

namespace {

struct IntField {
    const char* key;
    int SamConfig::*member;
};
constexpr IntField kIntFields[] = {
    {"patch_size", &SamConfig::patchSize},
    {"image_size", &SamConfig::imageSize},
    {"embed_dim", &SamConfig::embedDim},
    {"depth", &SamConfig::depth},
    {"num_heads", &SamConfig::numHeads},
    {"mlp_dim", &SamConfig::mlpDim},
    {"window_size", &SamConfig::windowSize},
    {"prompt_dim", &SamConfig::promptDim},
    {"mask_in_chans", &SamConfig::maskInChans},
    {"decoder_depth", &SamConfig::decoderDepth},
    {"decoder_mlp_dim", &SamConfig::decoderMlpDim},
    {"decoder_heads", &SamConfig::decoderHeads},
    {"cross_attention_dim", &SamConfig::crossAttentionDim},
    {"num_mask_tokens", &SamConfig::numMaskTokens},
    {"iou_head_hidden_dim", &SamConfig::iouHeadHiddenDim},
    {"iou_head_depth", &SamConfig::iouHeadDepth},
};

}  // namespace

std::string samConfigToJson(const SamConfig& config) {
    nlohmann::ordered_json j;
    for (const auto& f : kIntFields) {
        j[f.key] = config.*f.member;
        if (std::string(f.key) == "window_size")
            j["global_blocks"] = config.globalBlocks;
    }
    j["variant"] = config.variant;
    return j.dump();
}

Expected<SamConfig> samConfigFromJson(const std::string& text) {
    const auto j = nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false);
    if (j.is_discarded() || !j.is_object())
        return Error::format("the stored model config is not a JSON object");
    SamConfig c;
    for (const auto& f : kIntFields) {
        const auto it = j.find(f.key);
        if (it == j.end() || !it->is_number_integer() || it->get<long long>() < 0 ||
            it->get<long long>() > (1 << 24))
            return Error::format(std::string("the stored model config has no valid '") + f.key +
                                 "'");
        c.*f.member = it->get<int>();
    }
    const auto blocks = j.find("global_blocks");
    if (blocks == j.end() || !blocks->is_array())
        return Error::format("the stored model config has no valid 'global_blocks'");
    c.globalBlocks.clear();
    for (const auto& b : *blocks) {
        if (!b.is_number_integer() || b.get<long long>() < 0 || b.get<long long>() > (1 << 16))
            return Error::format("the stored model config has no valid 'global_blocks'");
        c.globalBlocks.push_back(b.get<int>());
    }
    const auto variant = j.find("variant");
    c.variant = variant != j.end() && variant->is_string() ? variant->get<std::string>()
                                                           : samVariantName(c);
    return c;
}

}  // namespace samdesk
