// A stack of linear layers fc1..fcN with an activation between them (none after the last): the
// encoder's MLP (GELU), the decoder's MLP block, hypernetworks and IoU head (ReLU).
#pragma once

#include <torch/torch.h>

#include <vector>

#include "core/sam/layers.h"

namespace samdesk {

class MlpImpl : public torch::nn::Module {
public:
    enum class Activation { Relu, Gelu };
    // dims = {in, hidden..., out}: dims.size() - 1 layers.
    MlpImpl(const std::vector<std::int64_t>& dims, Activation activation);
    torch::Tensor forward(torch::Tensor x);

private:
    std::vector<Linear> m_layers;
    Activation m_activation;
};
TORCH_MODULE(Mlp);

}  // namespace samdesk
