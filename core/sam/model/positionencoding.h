// Random Fourier features of normalised (x, y) coordinates: the positional encoding shared by the
// prompt tokens and the image grid. pe(c) = [sin(2 pi (2c - 1) Gm), cos(2 pi (2c - 1) Gm)].
#pragma once

#include <torch/torch.h>

namespace samdesk {

class PositionEncodingImpl : public torch::nn::Module {
public:
    explicit PositionEncodingImpl(std::int64_t width);  // width P: Gm is (2, P / 2)

    // coords (..., 2) in [0, 1] (x, y) -> (..., P)
    torch::Tensor encode(const torch::Tensor& coords) const;
    // The encoding of every cell centre of a side x side grid: (1, P, side, side).
    torch::Tensor grid(std::int64_t side) const;

private:
    torch::Tensor m_gaussianMatrix;
};
TORCH_MODULE(PositionEncoding);

}  // namespace samdesk
