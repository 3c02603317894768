// Parameter-only building blocks: each forward is the single torch call the reference makes.
#include "core/sam/model/layers.h"

#include <ATen/record_function.h>

#include "core/sam/runtime/fastgemm.h"

namespace samdesk {

torch::Tensor emptyParameter(torch::nn::Module& module, const std::string& name,
                             torch::IntArrayRef shape) {
    return module.register_parameter(name, torch::empty(shape), /*requires_grad=*/false);
}

LinearImpl::LinearImpl(std::int64_t in, std::int64_t out) {
    weight = emptyParameter(*this, "weight", {out, in});
    bias = emptyParameter(*this, "bias", {out});
}

torch::Tensor LinearImpl::forward(const torch::Tensor& x) {
    // float32 on the CPU: oneDNN's GEMM (fastgemm.h) instead of the BLAS behind torch::linear,
    // whose own threads compete with libtorch's for the cores.
    if (x.is_cpu() && x.dim() >= 2 && x.scalar_type() == torch::kFloat32 &&
        weight.scalar_type() == torch::kFloat32) {
        RECORD_FUNCTION("samdesk::linear", std::vector<c10::IValue>());
        const auto in = x.contiguous();
        const auto w = weight.contiguous();
        const std::int64_t K = in.size(-1), N = w.size(0), rows = in.numel() / K;
        auto sizes = in.sizes().vec();
        sizes.back() = N;
        auto out = torch::empty(sizes, in.options());
        gemm::multiply(gemm::Inputs::Float32, /*transposedB=*/true, rows, N, K, 1.0f,
                       in.data_ptr<float>(), K, w.data_ptr<float>(), K, 0.0f, out.data_ptr<float>(),
                       N);
        if (bias.defined())
            out.add_(bias);
        return out;
    }
    return torch::linear(x, weight, bias);
}

LayerNormImpl::LayerNormImpl(std::int64_t n, double eps_) : eps(eps_) {
    weight = emptyParameter(*this, "weight", {n});
    bias = emptyParameter(*this, "bias", {n});
}

torch::Tensor LayerNormImpl::forward(const torch::Tensor& x) {
    return torch::layer_norm(x, {weight.size(0)}, weight, bias, eps);
}

LayerNorm2dImpl::LayerNorm2dImpl(std::int64_t channels, double eps_) : eps(eps_) {
    weight = emptyParameter(*this, "weight", {1, channels, 1, 1});
    bias = emptyParameter(*this, "bias", {1, channels, 1, 1});
}

torch::Tensor LayerNorm2dImpl::forward(const torch::Tensor& x) {
    const auto mean = x.mean(1, /*keepdim=*/true);
    const auto centred = x - mean;
    const auto var = centred.pow(2).mean(1, /*keepdim=*/true);
    return weight * (centred / torch::sqrt(var + eps)) + bias;
}

Conv2dImpl::Conv2dImpl(std::int64_t in, std::int64_t out, std::int64_t kernel, std::int64_t stride_,
                       std::int64_t padding_, bool withBias)
    : stride(stride_), padding(padding_) {
    weight = emptyParameter(*this, "weight", {out, in, kernel, kernel});
    if (withBias)
        bias = emptyParameter(*this, "bias", {out});
}

torch::Tensor Conv2dImpl::forward(const torch::Tensor& x) {
    // A bfloat16 encoder keeps its biases in float32 (predictor.cpp): the product's dtype rules.
    const auto b = bias.defined() ? bias.to(weight.scalar_type()) : bias;
    return torch::conv2d(x, weight, b, stride, padding);
}

ConvTranspose2dImpl::ConvTranspose2dImpl(std::int64_t in, std::int64_t out, std::int64_t kernel_)
    : kernel(kernel_) {
    weight = emptyParameter(*this, "weight", {in, out, kernel, kernel});
    bias = emptyParameter(*this, "bias", {out});
}

torch::Tensor ConvTranspose2dImpl::forward(const torch::Tensor& x) {
    return torch::conv_transpose2d(x, weight, bias, kernel);
}

}  // namespace samdesk
