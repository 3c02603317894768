// One transformer block of the image encoder: attention over windows (windowed blocks) or over
// the whole token grid (global blocks), then an MLP, each with a pre-norm and a residual.
#pragma once

#include <torch/torch.h>

#include "core/checkpoint/samconfig.h"
#include "core/sam/model/encoderattention.h"
#include "core/sam/model/layers.h"
#include "core/sam/model/mlp.h"

namespace samdesk {

struct EncoderWorkspace;

class EncoderBlockImpl : public torch::nn::Module {
public:
    // window = 0: global attention over the G x G grid.
    EncoderBlockImpl(const SamConfig& config, int window);
    // (B, G, G, C) -> same, float32 on the CPU (the input's dtype elsewhere).
    torch::Tensor forward(const torch::Tensor& x);
    // The CPU path: `tokens` (B G G, C) float32, contiguous, updated in place; `ws` is reused
    // by every block of one encoder pass.
    void forwardInPlace(torch::Tensor& tokens, std::int64_t batch, std::int64_t H, std::int64_t W,
                        EncoderWorkspace& ws);
    // The libtorch formulation (any device).
    torch::Tensor forwardTorch(const torch::Tensor& x);
    void setFloat32Attention(bool on) { m_attention->setFloat32Attention(on); }

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
