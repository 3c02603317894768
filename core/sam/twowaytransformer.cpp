// Two-way transformer: the initial tokens are also the query positional encoding of every layer.
#include "core/sam/twowaytransformer.h"

namespace samdesk {

TwoWayTransformerImpl::TwoWayTransformerImpl(const SamConfig& config) {
    auto layers = register_module("layers", torch::nn::ModuleList());
    for (int i = 0; i < config.decoderDepth; ++i) {
        TwoWayBlock block(config, /*skipFirstPe=*/i == 0);
        layers->push_back(block);
        m_layers.push_back(block);
    }
    m_finalTokenToImage = register_module(
        "final_token_to_image",
        DecoderAttention(config.promptDim, config.crossAttentionDim, config.decoderHeads));
    m_finalNorm = register_module("final_norm", LayerNorm(config.promptDim, 1e-5));
}

std::pair<torch::Tensor, torch::Tensor> TwoWayTransformerImpl::forward(
    const torch::Tensor& image, const torch::Tensor& imagePe, const torch::Tensor& tokens) {
    // (B, P, G, G) -> (B, G*G, P)
    auto keys = image.flatten(2).permute({0, 2, 1});
    const auto keyPe = imagePe.flatten(2).permute({0, 2, 1});
    auto queries = tokens;
    for (auto& layer : m_layers)
        std::tie(queries, keys) = layer(queries, keys, tokens, keyPe);
    const auto q = queries + tokens;
    const auto k = keys + keyPe;
    queries = m_finalNorm(queries + m_finalTokenToImage(q, k, keys));
    return {queries, keys};
}

}  // namespace samdesk
