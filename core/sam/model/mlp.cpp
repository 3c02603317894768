// MLP: fc1..fcN; GELU is the exact (erf) form, as nn.GELU() in the reference.
#include "core/sam/model/mlp.h"

#include "core/sam/model/encoderworkspace.h"

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

void MlpImpl::addTo(torch::Tensor& residual, const torch::Tensor& normed, EncoderWorkspace& ws) {
    TORCH_CHECK(m_layers.size() == 2, "Mlp::addTo needs exactly two layers");
    const std::int64_t rows = normed.size(0), hiddenWidth = m_layers[0]->weight.size(0);
    auto hidden = EncoderWorkspace::matrix(ws.hidden, rows, hiddenWidth, torch::kFloat32);
    linearInto(*m_layers[0], normed, hidden, /*accumulate=*/false);
    m_activation == Activation::Gelu ? at::gelu_(hidden) : hidden.relu_();
    torch::Tensor hiddenIn = hidden;
    if (gemmInputType(*m_layers[1]) == torch::kBFloat16) {
        hiddenIn = EncoderWorkspace::matrix(ws.hiddenLow, rows, hiddenWidth, torch::kBFloat16);
        toBf16Into(hidden, hiddenIn);
    }
    linearInto(*m_layers[1], hiddenIn, residual, /*accumulate=*/true);
}

}  // namespace samdesk
