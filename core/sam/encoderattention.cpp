// Encoder attention. The order of operations follows the reference (scale q before q k^T, the
// relative terms from the unscaled q) so float32 results match it to rounding.
#include "core/sam/encoderattention.h"

#include <algorithm>
#include <cmath>

namespace samdesk {

namespace {
// Upper bound for one chunk of attention weights.
constexpr std::int64_t kAttentionChunkBytes = std::int64_t(256) << 20;
}  // namespace

torch::Tensor relativePositions(const torch::Tensor& table, std::int64_t size) {
    const std::int64_t rows = 2 * size - 1;
    torch::Tensor resized = table;
    if (table.size(0) != rows) {
        // Only at an input size the checkpoint was not trained for.
        namespace F = torch::nn::functional;
        resized = F::interpolate(table.transpose(0, 1).unsqueeze(0).to(torch::kFloat32),
                                 F::InterpolateFuncOptions()
                                     .size(std::vector<std::int64_t>{rows})
                                     .mode(torch::kLinear)
                                     .align_corners(false))
                      .squeeze(0)
                      .transpose(0, 1)
                      .to(table.scalar_type());
    }
    const auto coords =
        torch::arange(size, torch::TensorOptions().dtype(torch::kLong).device(table.device()));
    const auto index = coords.unsqueeze(1) - coords.unsqueeze(0) + (size - 1);
    return resized.index({index});
}

EncoderAttentionImpl::EncoderAttentionImpl(std::int64_t dim, std::int64_t heads, std::int64_t side)
    : m_heads(heads) {
    m_qkv = register_module("qkv", Linear(dim, 3 * dim));
    m_outProj = register_module("out_proj", Linear(dim, dim));
    m_relPosRows = emptyParameter(*this, "rel_pos_rows", {2 * side - 1, dim / heads});
    m_relPosCols = emptyParameter(*this, "rel_pos_cols", {2 * side - 1, dim / heads});
}

torch::Tensor EncoderAttentionImpl::forward(const torch::Tensor& x) {
    const auto B = x.size(0), H = x.size(1), W = x.size(2), C = x.size(3);
    const auto hd = C / m_heads;
    // (B, H W, 3, heads, hd) -> (3, B heads, H W, hd)
    const auto qkv = m_qkv(x)
                         .reshape({B, H * W, 3, m_heads, hd})
                         .permute({2, 0, 3, 1, 4})
                         .reshape({3, B * m_heads, H * W, hd});
    const auto q = qkv[0], k = qkv[1], v = qkv[2];
    const double scale = std::pow(static_cast<double>(hd), -0.5);  // as the reference's hd**-0.5

    const auto rh = relativePositions(m_relPosRows, H);  // (H, H, hd)
    const auto rw = relativePositions(m_relPosCols, W);  // (W, W, hd)

    // Global attention over 64 x 64 tokens holds a (heads, 4096, 4096) matrix (800 MB for vit_b):
    // compute it for a few heads at a time. Each head is independent, so the numbers are the same.
    const std::int64_t batch = B * m_heads, n = H * W;
    const std::int64_t perItem = n * n * static_cast<std::int64_t>(x.element_size());
    const std::int64_t chunk = std::max<std::int64_t>(1, kAttentionChunkBytes / perItem);
    auto merged = torch::empty({batch, n, hd}, q.options());
    for (std::int64_t start = 0; start < batch; start += chunk) {
        const auto end = std::min(batch, start + chunk);
        const auto qc = q.slice(0, start, end), kc = k.slice(0, start, end);
        const auto rq = qc.reshape({end - start, H, W, hd});
        const auto relH = torch::einsum("bhwc,hkc->bhwk", {rq, rh});  // (b, H, W, H)
        const auto relW = torch::einsum("bhwc,wkc->bhwk", {rq, rw});  // (b, H, W, W)
        auto attn = torch::matmul(qc * scale, kc.transpose(-2, -1));
        attn = (attn.view({end - start, H, W, H, W}) + relH.unsqueeze(4) + relW.unsqueeze(3))
                   .view({end - start, n, n})
                   .softmax(-1);
        merged.slice(0, start, end).copy_(torch::matmul(attn, v.slice(0, start, end)));
    }
    const auto out =
        merged.view({B, m_heads, H, W, hd}).permute({0, 2, 3, 1, 4}).reshape({B, H, W, C});
    return m_outProj(out);
}

}  // namespace samdesk
