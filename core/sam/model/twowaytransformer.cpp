// Two-way transformer: the initial tokens are also the query positional encoding of every layer.
#include "core/sam/model/twowaytransformer.h"

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
    return forward(prepare(image, imagePe), tokens);
}

TwoWayTransformerImpl::ImageKeys TwoWayTransformerImpl::prepare(const torch::Tensor& image,
                                                                const torch::Tensor& imagePe) {
    ImageKeys k;
    // (B, P, G, G) -> (B, G*G, P)
    k.keys = image.flatten(2).permute({0, 2, 1}).contiguous();
    k.keyPe = imagePe.flatten(2).permute({0, 2, 1}).contiguous();
    if (!m_layers.empty())
        k.first = m_layers.front()->projectKeys(k.keys, k.keyPe);
    return k;
}

std::pair<torch::Tensor, torch::Tensor> TwoWayTransformerImpl::forward(
    const ImageKeys& prepared, const torch::Tensor& tokens) {
    auto keys = prepared.keys;
    const auto& keyPe = prepared.keyPe;
    auto queries = tokens;
    for (std::size_t i = 0; i < m_layers.size(); ++i) {
        if (i == 0)
            std::tie(queries, keys) =
                m_layers[i]->forward(queries, keys, tokens, keyPe, prepared.first);
        else
            std::tie(queries, keys) = m_layers[i]->forward(queries, keys, tokens, keyPe);
    }
    const auto q = queries + tokens;
    const auto k = keys + keyPe;
    queries = m_finalNorm(queries + m_finalTokenToImage(q, k, keys));
    return {queries, keys};
}

}  // namespace samdesk
