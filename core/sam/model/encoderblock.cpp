// Encoder block. The zero padding of windowed blocks happens AFTER norm1, and the padded tokens
// are not masked in attention: the reference does exactly this, and padding before the norm
// gives different numbers. The CPU path gets the same result without materialising the padding
// (gridattention.h); the libtorch path below pads and partitions as the reference does.
#include "core/sam/model/encoderblock.h"

#include "core/sam/model/encoderworkspace.h"

namespace samdesk {

torch::Tensor partitionWindows(const torch::Tensor& x, int window) {
    const auto B = x.size(0), H = x.size(1), W = x.size(2), C = x.size(3);
    const auto padH = (window - H % window) % window, padW = (window - W % window) % window;
    torch::Tensor padded = x;
    if (padH > 0 || padW > 0)
        padded = torch::constant_pad_nd(x, {0, 0, 0, padW, 0, padH}, 0);
    const auto Hp = H + padH, Wp = W + padW;
    return padded.view({B, Hp / window, window, Wp / window, window, C})
        .permute({0, 1, 3, 2, 4, 5})
        .contiguous()
        .view({-1, window, window, C});
}

torch::Tensor mergeWindows(const torch::Tensor& windows, int window, std::int64_t height,
                           std::int64_t width) {
    const auto Hp = (height + window - 1) / window * window;
    const auto Wp = (width + window - 1) / window * window;
    const auto C = windows.size(3);
    const auto B = windows.size(0) / (Hp * Wp / window / window);
    auto x = windows.view({B, Hp / window, Wp / window, window, window, C})
                 .permute({0, 1, 3, 2, 4, 5})
                 .contiguous()
                 .view({B, Hp, Wp, C});
    if (Hp > height || Wp > width)
        x = x.slice(1, 0, height).slice(2, 0, width).contiguous();
    return x;
}

EncoderBlockImpl::EncoderBlockImpl(const SamConfig& config, int window) : m_window(window) {
    const std::int64_t C = config.embedDim;
    m_attentionNorm = register_module("attention_norm", LayerNorm(C, 1e-6));
    m_attention = register_module(
        "attention", EncoderAttention(C, config.numHeads, window > 0 ? window : config.gridSize()));
    m_mlpNorm = register_module("mlp_norm", LayerNorm(C, 1e-6));
    m_mlp = register_module(
        "mlp", Mlp(std::vector<std::int64_t>{C, config.mlpDim, C}, MlpImpl::Activation::Gelu));
}

torch::Tensor EncoderBlockImpl::forward(const torch::Tensor& x) {
    if (!x.is_cpu())
        return forwardTorch(x);
    const auto B = x.size(0), H = x.size(1), W = x.size(2), C = x.size(3);
    auto tokens = x.to(torch::kFloat32).reshape({B * H * W, C}).clone();
    EncoderWorkspace ws;
    forwardInPlace(tokens, B, H, W, ws);
    return tokens.view({B, H, W, C});
}

void EncoderBlockImpl::forwardInPlace(torch::Tensor& tokens, std::int64_t batch, std::int64_t H,
                                      std::int64_t W, EncoderWorkspace& ws) {
    const std::int64_t rows = tokens.size(0), C = tokens.size(1);
    const auto type = gemmInputType(*m_attention->qkv);
    auto normed = EncoderWorkspace::matrix(ws.normed, rows, C, type);
    layerNormInto(*m_attentionNorm, tokens, normed);
    m_attention->addTo(tokens, normed, batch, H, W, m_window, ws);

    layerNormInto(*m_mlpNorm, tokens, normed);
    m_mlp->addTo(tokens, normed, ws);
}

torch::Tensor EncoderBlockImpl::forwardTorch(const torch::Tensor& x) {
    auto y = m_attentionNorm(x);
    if (m_window > 0) {
        const auto H = y.size(1), W = y.size(2);
        y = mergeWindows(m_attention->forwardTorch(partitionWindows(y, m_window)), m_window, H, W);
    } else {
        y = m_attention->forwardTorch(y);
    }
    auto out = x + y;
    return out + m_mlp(m_mlpNorm(out));
}

}  // namespace samdesk
