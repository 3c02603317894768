// The mask decoder: output tokens (IoU + mask tokens) and the prompt tokens run through the
// two-way transformer with the image embedding; the image tokens are upscaled 4x and each mask
// token's hypernetwork turns them into one mask; the IoU head scores the masks.
#pragma once

#include <torch/torch.h>

#include <vector>

#include "core/checkpoint/samconfig.h"
#include "core/sam/model/layers.h"
#include "core/sam/model/mlp.h"
#include "core/sam/model/twowaytransformer.h"

namespace samdesk {

class MaskDecoderImpl : public torch::nn::Module {
public:
    explicit MaskDecoderImpl(const SamConfig& config);

    struct Output {
        torch::Tensor lowResLogits;  // (1, C, 4G, 4G)
        torch::Tensor iou;           // (1, C)
    };
    // embedding (1, P, G, G), imagePe (1, P, G, G), sparse (1, N, P), dense (1, P, G, G).
    // multimask: masks 1..T-1, else mask 0 only.
    Output forward(const torch::Tensor& embedding, const torch::Tensor& imagePe,
                   const torch::Tensor& sparse, const torch::Tensor& dense, bool multimask);

    // The part of forward() that depends on the image and the dense prompt only (for prompts
    // without a mask input the dense prompt is fixed): computed once per image.
    using Prepared = TwoWayTransformerImpl::ImageKeys;
    Prepared prepare(const torch::Tensor& embedding, const torch::Tensor& imagePe,
                     const torch::Tensor& dense);
    Output forward(const Prepared& prepared, const torch::Tensor& sparse, bool multimask);

private:
    // The CPU path of the upscaler and the hypernetwork product: image (G*G, P) float32,
    // hyper (T', P/8) -> masks (T', 4G, 4G).
    torch::Tensor upscaledMasks(const torch::Tensor& image, const torch::Tensor& hyper,
                                std::int64_t G);

    std::int64_t m_maskTokenCount;
    std::int64_t m_grid;                 // G
    torch::Tensor m_packed1, m_packed2;  // the deconvolution weights as (in, 2 * 2 * out)
    const void* m_packedFrom = nullptr;  // the weights they were packed from
    torch::Tensor m_iouToken, m_maskTokens;
    TwoWayTransformer m_transformer{nullptr};
    ConvTranspose2d m_deconv1{nullptr}, m_deconv2{nullptr};
    LayerNorm2d m_upscaleNorm{nullptr};
    std::vector<Mlp> m_hypernetworks;
    Mlp m_iouHead{nullptr};
};
TORCH_MODULE(MaskDecoder);

}  // namespace samdesk
