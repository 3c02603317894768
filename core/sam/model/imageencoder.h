// The image encoder (ViT): patch embedding, absolute position, stages of windowed blocks each
// closed by a global block, and the neck that projects to the prompt width P.
// Input: the normalised, padded image (B, 3, S, S). Output: the embedding (B, P, G, G).
#pragma once

#include <torch/torch.h>

#include <functional>
#include <vector>

#include "core/checkpoint/samconfig.h"
#include "core/sam/model/encoderblock.h"
#include "core/sam/model/layers.h"

namespace samdesk {

class ImageEncoderImpl : public torch::nn::Module {
public:
    explicit ImageEncoderImpl(const SamConfig& config);

    // Called after each block with (blocks done, total); returning false stops the encoder and
    // forward() returns an undefined tensor.
    using BlockCallback = std::function<bool(int done, int total)>;
    torch::Tensor forward(const torch::Tensor& image, const BlockCallback& afterBlock = {});

    int blockCount() const { return static_cast<int>(m_blocks.size()); }
    // Every block's attention in float32 on the CPU path (EncoderAttentionImpl).
    void setFloat32Attention(bool on) {
        for (auto& block : m_blocks)
            block->setFloat32Attention(on);
    }

private:
    Conv2d m_patchEmbedding{nullptr};
    torch::Tensor m_positionEmbedding;   // (1, G, G, C)
    std::vector<EncoderBlock> m_blocks;  // in the original order (index i = blocks.i)
    Conv2d m_project{nullptr}, m_refine{nullptr};
    LayerNorm2d m_projectNorm{nullptr}, m_refineNorm{nullptr};
};
TORCH_MODULE(ImageEncoder);

}  // namespace samdesk
