// Encoder attention. The order of operations follows the reference (scale q before q k^T, the
// relative terms from the unscaled q) so float32 results match it to rounding.
#include "core/sam/encoderattention.h"

#include <algorithm>
#include <cmath>

namespace samdesk {

namespace {
// Upper bound for one chunk of attention weights: under glibc's largest mmap threshold
// (32 MB), so freed chunks are reused rather than returned to the kernel.
constexpr std::int64_t kAttentionChunkBytes = std::int64_t(16) << 20;
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

    // The attention weights of a global block are (heads, 4096, 4096): 800 MB for vit_b. They
    // are computed in chunks of a few heads and grid rows, which gives the same numbers (softmax
    // is per query row; every head is independent), in two buffers reused by every chunk: fresh
    // pages for each chunk cost more than the arithmetic where page faults are slow.
    const std::int64_t batch = B * m_heads, n = H * W;
    const std::int64_t rowBytes = W * n * static_cast<std::int64_t>(x.element_size());
    const std::int64_t rowsPerChunk =
        std::clamp<std::int64_t>(kAttentionChunkBytes / rowBytes, 1, H);
    const std::int64_t itemsPerChunk =
        rowsPerChunk < H ? 1 : std::max<std::int64_t>(1, kAttentionChunkBytes / (rowBytes * H));
    const auto kT = k.transpose(-2, -1).contiguous();  // bmm is slow on a transposed operand
    const auto grid = q.view({batch, H, W, hd});
    auto merged = torch::empty({batch, H, W, hd}, q.options());
    const auto scores = torch::empty({itemsPerChunk * rowsPerChunk * W * n}, q.options());
    const auto probabilities = torch::empty_like(scores);
    for (std::int64_t b0 = 0; b0 < batch; b0 += itemsPerChunk) {
        const auto b1 = std::min(batch, b0 + itemsPerChunk);
        const auto items = b1 - b0;
        for (std::int64_t y0 = 0; y0 < H; y0 += rowsPerChunk) {
            const auto y1 = std::min(H, y0 + rowsPerChunk);
            const auto rows = y1 - y0;
            const auto rq = grid.slice(0, b0, b1).slice(1, y0, y1);  // (b, rows, W, hd)
            const auto relH = torch::einsum("bhwc,hkc->bhwk", {rq, rh.slice(0, y0, y1)});
            const auto relW = torch::einsum("bhwc,wkc->bhwk", {rq, rw});
            const std::int64_t size = items * rows * W * n;
            auto attn = scores.narrow(0, 0, size).view({items, rows * W, n});
            at::bmm_out(attn, rq.reshape({items, rows * W, hd}) * scale, kT.slice(0, b0, b1));
            attn.view({items, rows, W, H, W}).add_(relH.unsqueeze(4)).add_(relW.unsqueeze(3));
            auto probs = probabilities.narrow(0, 0, size).view({items, rows * W, n});
            at::_softmax_out(probs, attn, -1, false);
            // Either one item or whole items: the destination rows are contiguous.
            auto dst = merged.slice(0, b0, b1).slice(1, y0, y1).view({items, rows * W, hd});
            at::bmm_out(dst, probs, v.slice(0, b0, b1));
        }
    }
    const auto out =
        merged.view({B, m_heads, H, W, hd}).permute({0, 2, 3, 1, 4}).reshape({B, H, W, C});
    return m_outProj(out);
}

}  // namespace samdesk
