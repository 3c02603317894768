// Parameter-only building blocks (Linear, LayerNorm, LayerNorm2d, Conv2d, ConvTranspose2d) for the
// SAM modules. They differ from torch::nn's in two ways that matter here: construction allocates
// uninitialised storage and runs no random initialisation (vit_h has 641 M values that the
// checkpoint overwrites anyway), and parameters never require gradients (inference only).
// Grouped in one file because each is a few lines around a single torch call.
#pragma once

#include <torch/torch.h>

namespace samdesk {

// y = x W^T + b over the last dimension; weight (out, in), bias (out).
class LinearImpl : public torch::nn::Module {
public:
    LinearImpl(std::int64_t in, std::int64_t out);
    torch::Tensor forward(const torch::Tensor& x);

    torch::Tensor weight, bias;
};
TORCH_MODULE(Linear);

// LayerNorm over the last dimension (weight, bias: (n)).
class LayerNormImpl : public torch::nn::Module {
public:
    LayerNormImpl(std::int64_t n, double eps);
    torch::Tensor forward(const torch::Tensor& x);

    torch::Tensor weight, bias;
    double eps;
};
TORCH_MODULE(LayerNorm);

// LayerNorm over the channels of (B, C, H, W), as the reference writes it (mean, biased variance,
// divide by sqrt(var + eps)); weight and bias are stored as (1, C, 1, 1) to broadcast directly.
class LayerNorm2dImpl : public torch::nn::Module {
public:
    explicit LayerNorm2dImpl(std::int64_t channels, double eps = 1e-6);
    torch::Tensor forward(const torch::Tensor& x);

    torch::Tensor weight, bias;
    double eps;
};
TORCH_MODULE(LayerNorm2d);

// Square-kernel Conv2d; weight (out, in, k, k), optional bias (out).
class Conv2dImpl : public torch::nn::Module {
public:
    Conv2dImpl(std::int64_t in, std::int64_t out, std::int64_t kernel, std::int64_t stride,
               std::int64_t padding, bool withBias);
    torch::Tensor forward(const torch::Tensor& x);

    torch::Tensor weight, bias;
    std::int64_t stride, padding;
};
TORCH_MODULE(Conv2d);

// ConvTranspose2d with kernel = stride = 2 (the decoder's upscaler); weight (in, out, 2, 2).
class ConvTranspose2dImpl : public torch::nn::Module {
public:
    ConvTranspose2dImpl(std::int64_t in, std::int64_t out, std::int64_t kernel);
    torch::Tensor forward(const torch::Tensor& x);

    torch::Tensor weight, bias;
    std::int64_t kernel;
};
TORCH_MODULE(ConvTranspose2d);

// A parameter of the given shape with uninitialised storage (the checkpoint fills it).
torch::Tensor emptyParameter(torch::nn::Module& module, const std::string& name,
                             torch::IntArrayRef shape);

}  // namespace samdesk
