// MLP: fc1..fcN; GELU is the exact (erf) form, as nn.GELU() in the reference.
#include "core/sam/mlp.h"

namespace samdesk {

MlpImpl::MlpImpl(const std::vector<std::int64_t>& dims, Activation activation)
    : m_activation(activation) {
    for (std::size_t i = 0; i + 1 < dims.size(); ++i)
        m_layers.push_back(
            register_module("fc" + std::to_string(i + 1), Linear(dims[i], dims[i + 1])));
}

torch::Tensor MlpImpl::forward(torch::Tensor x) {
    for (std::size_t i = 0; i < m_layers.size(); ++i) {
        x = m_layers[i](x);
        if (i + 1 < m_layers.size())
            x = m_activation == Activation::Gelu ? torch::gelu(x) : torch::relu(x);
    }
    return x;
}

}  // namespace samdesk
