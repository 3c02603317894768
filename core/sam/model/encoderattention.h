// Multi-head self-attention of the image encoder with decomposed relative position (SAM's ViT).
// On the CPU it runs on raw buffers (gridattention.h: fused relative-position softmax, GEMMs
// through fastgemm.h, reused workspace); on other devices with plain libtorch ops in chunks.
#pragma once

#include <torch/torch.h>

#include "core/sam/model/layers.h"

namespace samdesk {

struct EncoderWorkspace;

class EncoderAttentionImpl : public torch::nn::Module {
public:
    // `side`: the token grid side the relative position tables are made for (window or G).
    EncoderAttentionImpl(std::int64_t dim, std::int64_t heads, std::int64_t side);

    // (B, H, W, C) -> (B, H, W, C) float32: attention over each item's whole H x W grid.
    torch::Tensor forward(const torch::Tensor& x);

    // The encoder block's CPU path. `normed`: the normalised tokens of B grids of H x W, as
    // (B H W, C) rows in the GEMM input type. With window > 0 the attention runs inside
    // window x window windows of each grid (zero padding as the reference). Leaves the output
    // before out_proj in ws.attention and adds out_proj's result to `residual` (B H W, C).
    void addTo(torch::Tensor& residual, const torch::Tensor& normed, std::int64_t batch,
               std::int64_t H, std::int64_t W, int window, EncoderWorkspace& ws);

    // The libtorch formulation (any device), attention weights in chunks of at most 16 MB.
    torch::Tensor forwardTorch(const torch::Tensor& x);

    // The CPU path with bfloat16 matrices: q k^T, softmax and p v in float32 all the same
    // (dtype "mixed": AMX triples the linear layers in bfloat16, but oneDNN's bfloat16 runs the
    // attention's thin products at half their float32 rate).
    void setFloat32Attention(bool on) { m_float32Attention = on; }

    Linear qkv{nullptr}, outProj{nullptr};

private:
    std::int64_t m_heads;
    torch::Tensor m_relPosRows, m_relPosCols;  // (2 side - 1, head dim)
    bool m_float32Attention = false;
};
TORCH_MODULE(EncoderAttention);

// Rel[i, j] = table[i - j + L - 1] for q_size = k_size = L, after resizing the table to 2L - 1
// rows with linear interpolation when it was trained for another size. Returns (L, L, head dim).
torch::Tensor relativePositions(const torch::Tensor& table, std::int64_t size);

}  // namespace samdesk
