// One transformer block of the image encoder: attention over windows (windowed blocks) or over
// the whole token grid (global blocks), then an MLP, each with a pre-norm and a residual.
#pragma once

#include <torch/torch.h>

#include "core/checkpoint/samconfig.h"
#include "core/sam/encoderattention.h"
#include "core/sam/layers.h"
#include "core/sam/mlp.h"

namespace samdesk {

class EncoderBlockImpl : public torch::nn::Module {
public:
    // window = 0: global attention over the G x G grid.
    EncoderBlockImpl(const SamConfig& config, int window);
    torch::Tensor forward(const torch::Tensor& x);  // (B, G, G, C) -> same

private:
    int m_window;
    LayerNorm m_attentionNorm{nullptr}, m_mlpNorm{nullptr};
    EncoderAttention m_attention{nullptr};
    Mlp m_mlp{nullptr};
};
TORCH_MODULE(EncoderBlock);

// (B, H, W, C) -> (B * windows, w, w, C), zero-padding H and W up to multiples of w first.
torch::Tensor partitionWindows(const torch::Tensor& x, int window);
// The inverse: merge windows into (B, Hp, Wp, C) and crop to (B, H, W, C).
torch::Tensor mergeWindows(const torch::Tensor& windows, int window, std::int64_t height,
                           std::int64_t width);

}  // namespace samdesk
