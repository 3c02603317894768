// Decoder attention: softmax((q k^T) / sqrt(head dim)) v, dividing after the product as the
// reference does.
#include "core/sam/decoderattention.h"

#include <cmath>

namespace samdesk {

DecoderAttentionImpl::DecoderAttentionImpl(std::int64_t width, std::int64_t internalWidth,
                                           std::int64_t heads)
    : m_heads(heads) {
    m_qProj = register_module("q_proj", Linear(width, internalWidth));
    m_kProj = register_module("k_proj", Linear(width, internalWidth));
    m_vProj = register_module("v_proj", Linear(width, internalWidth));
    m_outProj = register_module("out_proj", Linear(internalWidth, width));
}

namespace {

// (B, N, D) -> (B, heads, N, D / heads)
torch::Tensor separateHeads(const torch::Tensor& x, std::int64_t heads) {
    return x.reshape({x.size(0), x.size(1), heads, x.size(2) / heads}).transpose(1, 2);
}

}  // namespace

torch::Tensor DecoderAttentionImpl::forward(const torch::Tensor& q, const torch::Tensor& k,
                                            const torch::Tensor& v) {
    const auto qh = separateHeads(m_qProj(q), m_heads);
    const auto kh = separateHeads(m_kProj(k), m_heads);
    const auto vh = separateHeads(m_vProj(v), m_heads);
    const auto headDim = qh.size(3);
    auto attn = torch::matmul(qh, kh.permute({0, 1, 3, 2}));
    attn = attn / std::sqrt(static_cast<double>(headDim));
    attn = torch::softmax(attn, -1);
    auto out = torch::matmul(attn, vh).transpose(1, 2);
    out = out.reshape({out.size(0), out.size(1), out.size(2) * out.size(3)});
    return m_outProj(out);
}

}  // namespace samdesk
