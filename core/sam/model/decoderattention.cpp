// Decoder attention: softmax((q k^T) / sqrt(head dim)) v, dividing after the product as the
// reference does.
#include "core/sam/model/decoderattention.h"

#include <ATen/record_function.h>

#include <cmath>
#include <vector>

#include "core/sam/runtime/cpukernels.h"
#include "core/sam/runtime/fastgemm.h"

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

// float32 on the CPU: per (item, head) one GEMM for the scores, a softmax per row and one GEMM
// into the head's output columns; a few hundred KB per task instead of libtorch's batched
// products and a softmax over rows as short as the number of prompt tokens.
torch::Tensor attendCpu(const torch::Tensor& q, const torch::Tensor& k, const torch::Tensor& v,
                        std::int64_t heads) {
    RECORD_FUNCTION("samdesk::decoder attention", std::vector<c10::IValue>());
    const std::int64_t B = q.size(0), nq = q.size(1), nk = k.size(1), D = q.size(2);
    const std::int64_t hd = D / heads;
    auto out = torch::empty({B, nq, D});
    const float alpha = static_cast<float>(1.0 / std::sqrt(static_cast<double>(hd)));
    at::parallel_for(0, B * heads, 1, [&](std::int64_t begin, std::int64_t end) {
        thread_local std::vector<float> scores;
        scores.resize(static_cast<std::size_t>(nq * nk));
        for (std::int64_t task = begin; task < end; ++task) {
            const std::int64_t b = task / heads, h = task % heads;
            const float* qp = q.data_ptr<float>() + b * nq * D + h * hd;
            const float* kp = k.data_ptr<float>() + b * nk * D + h * hd;
            const float* vp = v.data_ptr<float>() + b * nk * D + h * hd;
            gemm::multiply(gemm::Inputs::Float32, true, nq, nk, hd, alpha, qp, D, kp, D, 0.0f,
                           scores.data(), nk);
            kernels::softmaxRows(scores.data(), nq, static_cast<int>(nk), nk);
            gemm::multiply(gemm::Inputs::Float32, false, nq, hd, nk, 1.0f, scores.data(), nk, vp, D,
                           0.0f, out.data_ptr<float>() + b * nq * D + h * hd, D);
        }
    });
    return out;
}

}  // namespace

torch::Tensor DecoderAttentionImpl::forward(const torch::Tensor& q, const torch::Tensor& k,
                                            const torch::Tensor& v) {
    return forwardProjected(m_qProj(q), m_kProj(k), m_vProj(v));
}

torch::Tensor DecoderAttentionImpl::forwardProjected(const torch::Tensor& qp,
                                                     const torch::Tensor& kp,
                                                     const torch::Tensor& vp) {
    if (qp.is_cpu() && qp.scalar_type() == torch::kFloat32 && kp.size(1) > 0)
        return m_outProj(attendCpu(qp.contiguous(), kp.contiguous(), vp.contiguous(), m_heads));
    const auto qh = separateHeads(qp, m_heads);
    const auto kh = separateHeads(kp, m_heads);
    const auto vh = separateHeads(vp, m_heads);
    const auto headDim = qh.size(3);
    auto attn = torch::matmul(qh, kh.permute({0, 1, 3, 2}));
    attn = attn / std::sqrt(static_cast<double>(headDim));
    attn = torch::softmax(attn, -1);
    auto out = torch::matmul(attn, vh).transpose(1, 2);
    out = out.reshape({out.size(0), out.size(1), out.size(2) * out.size(3)});
    return m_outProj(out);
}

}  // namespace samdesk
