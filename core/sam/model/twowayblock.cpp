// Two-way attention block; every LayerNorm here uses eps 1e-5 (torch's default in the reference).
#include "core/sam/model/twowayblock.h"

namespace samdesk {

TwoWayBlockImpl::TwoWayBlockImpl(const SamConfig& config, bool skipFirstPe)
    : m_skipFirstPe(skipFirstPe) {
    const std::int64_t P = config.promptDim, D = config.crossAttentionDim, H = config.decoderHeads;
    m_selfAttention = register_module("self_attention", DecoderAttention(P, P, H));
    m_selfNorm = register_module("self_attention_norm", LayerNorm(P, 1e-5));
    m_tokenToImage = register_module("token_to_image", DecoderAttention(P, D, H));
    m_tokenToImageNorm = register_module("token_to_image_norm", LayerNorm(P, 1e-5));
    m_mlp = register_module("mlp", Mlp(std::vector<std::int64_t>{P, config.decoderMlpDim, P},
                                       MlpImpl::Activation::Relu));
    m_mlpNorm = register_module("mlp_norm", LayerNorm(P, 1e-5));
    m_imageToTokenNorm = register_module("image_to_token_norm", LayerNorm(P, 1e-5));
    m_imageToToken = register_module("image_to_token", DecoderAttention(P, D, H));
}

std::pair<torch::Tensor, torch::Tensor> TwoWayBlockImpl::forward(torch::Tensor queries,
                                                                 torch::Tensor keys,
                                                                 const torch::Tensor& queryPe,
                                                                 const torch::Tensor& keyPe) {
    return forward(std::move(queries), keys, queryPe, keyPe, projectKeys(keys, keyPe));
}

TwoWayBlockImpl::KeyProjections TwoWayBlockImpl::projectKeys(const torch::Tensor& keys,
                                                             const torch::Tensor& keyPe) {
    const auto k = keys + keyPe;
    return {m_tokenToImage->projectK(k), m_tokenToImage->projectV(keys),
            m_imageToToken->projectQ(k)};
}

std::pair<torch::Tensor, torch::Tensor> TwoWayBlockImpl::forward(torch::Tensor queries,
                                                                 torch::Tensor keys,
                                                                 const torch::Tensor& queryPe,
                                                                 const torch::Tensor& keyPe,
                                                                 const KeyProjections& projected) {
    if (m_skipFirstPe) {
        queries = m_selfAttention(queries, queries, queries);
    } else {
        const auto q = queries + queryPe;
        queries = queries + m_selfAttention(q, q, queries);
    }
    queries = m_selfNorm(queries);

    auto q = queries + queryPe;
    queries = m_tokenToImageNorm(queries + m_tokenToImage->forwardProjected(
                                               m_tokenToImage->projectQ(q), projected.tokenToImageK,
                                               projected.tokenToImageV));
    queries = m_mlpNorm(queries + m_mlp(queries));

    q = queries + queryPe;
    keys = m_imageToTokenNorm(keys + m_imageToToken->forwardProjected(
                                         projected.imageToTokenQ, m_imageToToken->projectK(q),
                                         m_imageToToken->projectV(queries)));
    return {queries, keys};
}

}  // namespace samdesk
