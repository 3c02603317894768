// The prompt encoder: points and box corners become sparse tokens (Fourier position + a learned
// embedding per kind), a mask hint becomes a dense (P, G, G) map through a small conv stack.
#pragma once

#include <torch/torch.h>

#include <optional>

#include "core/checkpoint/samconfig.h"
#include "core/sam/model/layers.h"
#include "core/sam/model/positionencoding.h"

namespace samdesk {

class PromptEncoderImpl : public torch::nn::Module {
public:
    explicit PromptEncoderImpl(const SamConfig& config);

    struct Encoded {
        torch::Tensor sparse;  // (1, N, P)
        torch::Tensor dense;   // (1, P, G, G)
    };
    // Coordinates in model-input pixels (the resized frame, before the +0.5 shift), float32.
    // points (N, 2) with labels (N) in {0, 1}; box (4) = x0, y0, x1, y1; mask (1, 1, 4G, 4G).
    Encoded forward(const std::optional<torch::Tensor>& points,
                    const std::optional<torch::Tensor>& labels,
                    const std::optional<torch::Tensor>& box,
                    const std::optional<torch::Tensor>& mask);

    // The positional encoding of the image grid, (1, P, G, G).
    torch::Tensor denseImagePositions() const;
    // The dense prompt without a mask input (no_mask_embedding over the grid), (1, P, G, G).
    torch::Tensor denseWithoutMask() const;

private:
    torch::Tensor embedPoints(const torch::Tensor& points, const torch::Tensor& labels, bool pad);
    torch::Tensor embedBox(const torch::Tensor& box);

    std::int64_t m_imageSize, m_grid, m_width;
    PositionEncoding m_positionEncoding{nullptr};
    torch::Tensor m_background, m_foreground, m_boxTopLeft, m_boxBottomRight, m_paddingPoint;
    Conv2d m_maskConv1{nullptr}, m_maskConv2{nullptr}, m_maskProject{nullptr};
    LayerNorm2d m_maskNorm1{nullptr}, m_maskNorm2{nullptr};
    torch::Tensor m_noMaskEmbedding;  // (1, P, 1, 1)
};
TORCH_MODULE(PromptEncoder);

}  // namespace samdesk
