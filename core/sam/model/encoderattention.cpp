// Encoder attention. The order of operations follows the reference (the relative terms from the
// unscaled q, added to the scaled scores in the reference's order) so float32 results match it
// to rounding.
#include "core/sam/model/encoderattention.h"

#include <ATen/record_function.h>

#include <algorithm>
#include <cmath>

#include "core/sam/model/encoderworkspace.h"
#include "core/sam/model/gridattention.h"

namespace samdesk {

namespace {
// Upper bound for one chunk of attention weights: under glibc's largest mmap threshold
// (32 MB), so freed chunks are reused rather than returned to the kernel.
constexpr std::int64_t kAttentionChunkBytes = std::int64_t(16) << 20;
}  // namespace

torch::Tensor relativePositions(const torch::Tensor& table, std::int64_t size) {
    const auto resized = reversedRelTable(table, size, table.scalar_type()).flip({0});
    const auto coords =
        torch::arange(size, torch::TensorOptions().dtype(torch::kLong).device(table.device()));
    const auto index = coords.unsqueeze(1) - coords.unsqueeze(0) + (size - 1);
    return resized.index({index});
}

EncoderAttentionImpl::EncoderAttentionImpl(std::int64_t dim, std::int64_t heads, std::int64_t side)
    : m_heads(heads) {
    qkv = register_module("qkv", Linear(dim, 3 * dim));
    outProj = register_module("out_proj", Linear(dim, dim));
    m_relPosRows = emptyParameter(*this, "rel_pos_rows", {2 * side - 1, dim / heads});
    m_relPosCols = emptyParameter(*this, "rel_pos_cols", {2 * side - 1, dim / heads});
}

torch::Tensor EncoderAttentionImpl::forward(const torch::Tensor& x) {
    if (!x.is_cpu())
        return forwardTorch(x);
    const auto B = x.size(0), H = x.size(1), W = x.size(2), C = x.size(3);
    EncoderWorkspace ws;
    const auto normed = x.reshape({B * H * W, C}).to(gemmInputType(*qkv)).contiguous();
    auto out = torch::zeros({B * H * W, C});
    addTo(out, normed, B, H, W, 0, ws);
    return out.view({B, H, W, C});
}

void EncoderAttentionImpl::addTo(torch::Tensor& residual, const torch::Tensor& normed,
                                 std::int64_t batch, std::int64_t H, std::int64_t W, int window,
                                 EncoderWorkspace& ws) {
    const std::int64_t C = qkv->weight.size(1), hd = C / m_heads, tokens = batch * H * W;
    // The linear layers' operands, and the attention's: bfloat16, or float32 under "mixed".
    const bool lowLinear = gemmInputType(*qkv) == torch::kBFloat16;
    const bool low = lowLinear && !m_float32Attention;
    const auto type = low ? torch::kBFloat16 : torch::kFloat32;
    auto qkvOut = EncoderWorkspace::matrix(ws.qkv, tokens, 3 * C, torch::kFloat32);
    linearInto(*qkv, normed, qkvOut, /*accumulate=*/false);
    torch::Tensor qkvIn = qkvOut;
    if (low) {
        qkvIn = EncoderWorkspace::matrix(ws.qkvLow, tokens, 3 * C, torch::kBFloat16);
        toBf16Into(qkvOut, qkvIn);
    }
    const std::int64_t sideH = window > 0 ? window : H, sideW = window > 0 ? window : W;
    const auto tableH = reversedRelTable(m_relPosRows, sideH, type);
    const auto tableW = reversedRelTable(m_relPosCols, sideW, type);
    const auto bias = qkv->bias.to(torch::kFloat32).contiguous();
    AttentionArgs args;
    args.ldQkv = 3 * C;
    args.bf16 = low;
    args.heads = m_heads;
    args.headDim = hd;
    args.tableH = tableH.data_ptr();
    args.tableW = tableW.data_ptr();
    args.scale = static_cast<float>(std::pow(static_cast<double>(hd), -0.5));
    auto attention = EncoderWorkspace::matrix(ws.attention, tokens, C, torch::kFloat32);
    const std::int64_t perItem = H * W;
    RECORD_FUNCTION(window > 0 ? "samdesk::windowed attention" : "samdesk::global attention",
                    std::vector<c10::IValue>());
    for (std::int64_t b = 0; b < batch; ++b) {
        args.qkv =
            static_cast<const char*>(qkvIn.data_ptr()) + b * perItem * 3 * C * qkvIn.element_size();
        float* out = attention.data_ptr<float>() + b * perItem * C;
        if (window > 0)
            windowedAttention(args, H, W, window, bias.data_ptr<float>(), out, C, ws.scratch);
        else
            gridAttention(args, H, W, out, C, ws.scratch);
    }
    torch::Tensor attentionIn = attention;
    if (lowLinear) {
        attentionIn = EncoderWorkspace::matrix(ws.attentionLow, tokens, C, torch::kBFloat16);
        toBf16Into(attention, attentionIn);
    }
    linearInto(*outProj, attentionIn, residual, /*accumulate=*/true);
}

torch::Tensor EncoderAttentionImpl::forwardTorch(const torch::Tensor& x) {
    const auto B = x.size(0), H = x.size(1), W = x.size(2), C = x.size(3);
    const auto hd = C / m_heads;
    // (B, H W, 3, heads, hd) -> (3, B heads, H W, hd)
    const auto qkvAll = qkv(x)
                            .reshape({B, H * W, 3, m_heads, hd})
                            .permute({2, 0, 3, 1, 4})
                            .reshape({3, B * m_heads, H * W, hd});
    const auto q = qkvAll[0], k = qkvAll[1], v = qkvAll[2];
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
    return outProj(out);
}

}  // namespace samdesk
