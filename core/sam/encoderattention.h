// Multi-head self-attention of the image encoder with decomposed relative position (SAM's ViT).
// Works on (B, H, W, C) token grids: a window (H = W = window size) or the whole G x G grid.
#pragma once

#include <torch/torch.h>

#include "core/sam/layers.h"

namespace samdesk {

class EncoderAttentionImpl : public torch::nn::Module {
public:
    // `side`: the token grid side the relative position tables are made for (window or G).
    EncoderAttentionImpl(std::int64_t dim, std::int64_t heads, std::int64_t side);
    torch::Tensor forward(const torch::Tensor& x);

private:
    std::int64_t m_heads;
    Linear m_qkv{nullptr}, m_outProj{nullptr};
    torch::Tensor m_relPosRows, m_relPosCols;  // (2 side - 1, head dim)
};
TORCH_MODULE(EncoderAttention);

// Rel[i, j] = table[i - j + L - 1] for q_size = k_size = L, after resizing the table to 2L - 1
// rows with linear interpolation when it was trained for another size. Returns (L, L, head dim).
torch::Tensor relativePositions(const torch::Tensor& table, std::int64_t size);

}  // namespace samdesk
