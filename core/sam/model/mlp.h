// A stack of linear layers fc1..fcN with an activation between them (none after the last): the
// encoder's MLP (GELU), the decoder's MLP block, hypernetworks and IoU head (ReLU).
#pragma once

#include <torch/torch.h>

#include <vector>

#include "core/sam/model/layers.h"

namespace samdesk {

struct EncoderWorkspace;

class MlpImpl : public torch::nn::Module {
public:
    enum class Activation { Relu, Gelu };
    // dims = {in, hidden..., out}: dims.size() - 1 layers.
    MlpImpl(const std::vector<std::int64_t>& dims, Activation activation);
    torch::Tensor forward(torch::Tensor x);
    // The encoder's CPU path for two layers with GELU: residual (rows, out) float32 +=
    // fc2(gelu(fc1(normed))), `normed` in the GEMM input type, hidden units in ws.hidden.
    void addTo(torch::Tensor& residual, const torch::Tensor& normed, EncoderWorkspace& ws);

private:
    std::vector<Linear> m_layers;
    Activation m_activation;
};
TORCH_MODULE(Mlp);

}  // namespace samdesk
