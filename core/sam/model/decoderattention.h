// Multi-head attention of the mask decoder, with an internal width that may be smaller than the
// token width (P / 2 in the cross-attentions): q, k, v projections, heads, output projection.
#pragma once

#include <torch/torch.h>

#include "core/sam/model/layers.h"

namespace samdesk {

class DecoderAttentionImpl : public torch::nn::Module {
public:
    DecoderAttentionImpl(std::int64_t width, std::int64_t internalWidth, std::int64_t heads);
    // q (B, Nq, P), k and v (B, Nk, P) -> (B, Nq, P)
    torch::Tensor forward(const torch::Tensor& q, const torch::Tensor& k, const torch::Tensor& v);
    // The same from inputs already projected (qp = q_proj(q), ...): lets a caller reuse
    // projections of the image tokens that no prompt changes.
    torch::Tensor forwardProjected(const torch::Tensor& qp, const torch::Tensor& kp,
                                   const torch::Tensor& vp);
    torch::Tensor projectQ(const torch::Tensor& q) { return m_qProj(q); }
    torch::Tensor projectK(const torch::Tensor& k) { return m_kProj(k); }
    torch::Tensor projectV(const torch::Tensor& v) { return m_vProj(v); }

private:
    std::int64_t m_heads;
    Linear m_qProj{nullptr}, m_kProj{nullptr}, m_vProj{nullptr}, m_outProj{nullptr};
};
TORCH_MODULE(DecoderAttention);

}  // namespace samdesk
