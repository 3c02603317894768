// Fourier position encoding, in the reference's order of float32 operations.
#include "core/sam/model/positionencoding.h"

#include <cmath>

namespace samdesk {

PositionEncodingImpl::PositionEncodingImpl(std::int64_t width) {
    m_gaussianMatrix = register_buffer("gaussian_matrix", torch::empty({2, width / 2}));
}

torch::Tensor PositionEncodingImpl::encode(const torch::Tensor& coords) const {
    auto c = coords.to(m_gaussianMatrix.scalar_type()) * 2 - 1;
    c = torch::matmul(c, m_gaussianMatrix);
    c = c * (2.0 * M_PI);
    return torch::cat({torch::sin(c), torch::cos(c)}, -1);
}

torch::Tensor PositionEncodingImpl::grid(std::int64_t side) const {
    // (i + 0.5) / side, as the reference's cumsum(ones) - 0.5 gives exactly.
    const auto centres =
        (torch::arange(side, m_gaussianMatrix.options()) + 0.5) / static_cast<double>(side);
    const auto y = centres.view({side, 1}).expand({side, side});
    const auto x = centres.view({1, side}).expand({side, side});
    return encode(torch::stack({x, y}, -1)).permute({2, 0, 1}).unsqueeze(0);
}

}  // namespace samdesk
