// The mask decoder's two-way transformer: the prompt tokens and the image tokens attend to each
// other for `decoderDepth` layers, then the tokens attend to the image once more.
#pragma once

#include <torch/torch.h>

#include <utility>
#include <vector>

#include "core/checkpoint/samconfig.h"
#include "core/sam/model/decoderattention.h"
#include "core/sam/model/layers.h"
#include "core/sam/model/twowayblock.h"

namespace samdesk {

class TwoWayTransformerImpl : public torch::nn::Module {
public:
    explicit TwoWayTransformerImpl(const SamConfig& config);

    // image (B, P, G, G), imagePe (B, P, G, G), tokens (B, Nt, P).
    // Returns (tokens (B, Nt, P), image tokens (B, G*G, P)).
    std::pair<torch::Tensor, torch::Tensor> forward(const torch::Tensor& image,
                                                    const torch::Tensor& imagePe,
                                                    const torch::Tensor& tokens);

    // What the first layer computes from the image alone (its keys change only at its end):
    // computed once per image, reused by every prompt without a mask input.
    struct ImageKeys {
        torch::Tensor keys, keyPe;  // (B, G*G, P), contiguous
        TwoWayBlockImpl::KeyProjections first;
    };
    ImageKeys prepare(const torch::Tensor& image, const torch::Tensor& imagePe);
    std::pair<torch::Tensor, torch::Tensor> forward(const ImageKeys& prepared,
                                                    const torch::Tensor& tokens);

private:
    std::vector<TwoWayBlock> m_layers;
    DecoderAttention m_finalTokenToImage{nullptr};
    LayerNorm m_finalNorm{nullptr};
};
TORCH_MODULE(TwoWayTransformer);

}  // namespace samdesk
