// One layer of the decoder's two-way transformer: token self-attention, tokens -> image
// cross-attention, MLP on the tokens, image -> tokens cross-attention.
#pragma once

#include <torch/torch.h>

#include <utility>

#include "core/checkpoint/samconfig.h"
#include "core/sam/model/decoderattention.h"
#include "core/sam/model/layers.h"
#include "core/sam/model/mlp.h"

namespace samdesk {

class TwoWayBlockImpl : public torch::nn::Module {
public:
    // skipFirstPe: the first layer's self-attention sees no positional encoding and has no
    // residual connection.
    TwoWayBlockImpl(const SamConfig& config, bool skipFirstPe);

    // queries (B, Nt, P), keys (B, G*G, P); returns the new (queries, keys).
    std::pair<torch::Tensor, torch::Tensor> forward(torch::Tensor queries, torch::Tensor keys,
                                                    const torch::Tensor& queryPe,
                                                    const torch::Tensor& keyPe);

    // The projections of the incoming image tokens, which depend on the image only (the keys
    // change only at the end of the block): token_to_image k and v, image_to_token q.
    struct KeyProjections {
        torch::Tensor tokenToImageK, tokenToImageV, imageToTokenQ;
    };
    KeyProjections projectKeys(const torch::Tensor& keys, const torch::Tensor& keyPe);
    // forward() with those projections computed beforehand for these `keys`.
    std::pair<torch::Tensor, torch::Tensor> forward(torch::Tensor queries, torch::Tensor keys,
                                                    const torch::Tensor& queryPe,
                                                    const torch::Tensor& keyPe,
                                                    const KeyProjections& projected);

private:
    bool m_skipFirstPe;
    DecoderAttention m_selfAttention{nullptr}, m_tokenToImage{nullptr}, m_imageToToken{nullptr};
    LayerNorm m_selfNorm{nullptr}, m_tokenToImageNorm{nullptr}, m_mlpNorm{nullptr},
        m_imageToTokenNorm{nullptr};
    Mlp m_mlp{nullptr};
};
TORCH_MODULE(TwoWayBlock);

}  // namespace samdesk
