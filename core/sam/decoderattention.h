// Multi-head attention of the mask decoder, with an internal width that may be smaller than the
// token width (P / 2 in the cross-attentions): q, k, v projections, heads, output projection.
#pragma once

#include <torch/torch.h>

#include "core/sam/layers.h"

namespace samdesk {

class DecoderAttentionImpl : public torch::nn::Module {
public:
    DecoderAttentionImpl(std::int64_t width, std::int64_t internalWidth, std::int64_t heads);
    // q (B, Nq, P), k and v (B, Nk, P) -> (B, Nq, P)
    torch::Tensor forward(const torch::Tensor& q, const torch::Tensor& k, const torch::Tensor& v);

private:
    std::int64_t m_heads;
    Linear m_qProj{nullptr}, m_kProj{nullptr}, m_vProj{nullptr}, m_outProj{nullptr};
};
TORCH_MODULE(DecoderAttention);

}  // namespace samdesk
