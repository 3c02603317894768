// The encoder's reused buffers and the GEMM/LayerNorm helpers that fill them (CPU only).
#include "core/sam/model/encoderworkspace.h"

#include <ATen/record_function.h>

#include "core/sam/runtime/cpukernels.h"
#include "core/sam/runtime/fastgemm.h"

namespace samdesk {

namespace {

// Rows per parallel task of the row-wise kernels.
constexpr std::int64_t kRowGrain = 64;

}  // namespace

torch::Tensor EncoderWorkspace::matrix(torch::Tensor& storage, std::int64_t rows, std::int64_t cols,
                                       torch::ScalarType type) {
    if (!storage.defined() || storage.scalar_type() != type || storage.numel() < rows * cols)
        storage = torch::empty({rows * cols}, torch::TensorOptions().dtype(type));
    return storage.narrow(0, 0, rows * cols).view({rows, cols});
}

torch::ScalarType gemmInputType(const LinearImpl& linear) {
    return linear.weight.scalar_type() == torch::kBFloat16 ? torch::kBFloat16 : torch::kFloat32;
}

void linearInto(const LinearImpl& linear, const torch::Tensor& input, torch::Tensor& out,
                bool accumulate) {
    RECORD_FUNCTION("samdesk::linear", std::vector<c10::IValue>());
    const auto& weight = linear.weight;  // (N, K)
    const std::int64_t rows = input.size(0), K = input.size(1), N = weight.size(0);
    const auto type = gemmInputType(linear);
    TORCH_CHECK(input.scalar_type() == type && input.is_contiguous() && K == weight.size(1),
                "linearInto: input ", input.sizes(), " ", input.scalar_type(), " for weight ",
                weight.sizes(), " ", weight.scalar_type());
    TORCH_CHECK(out.scalar_type() == torch::kFloat32 && out.is_contiguous() &&
                    out.size(0) == rows && out.size(1) == N,
                "linearInto: output ", out.sizes());
    const auto w = weight.scalar_type() == type ? weight.contiguous() : weight.to(type);
    // The bias is added by a separate pass either way: a copy of the broadcast bias into the
    // output (then beta = 1) takes libtorch 1.13 a slow strided path, ten times this add.
    const auto bias = linear.bias.to(torch::kFloat32);
    if (accumulate)
        out.add_(bias);
    gemm::multiply(type == torch::kBFloat16 ? gemm::Inputs::BFloat16 : gemm::Inputs::Float32,
                   /*transposedB=*/true, rows, N, K, 1.0f, input.data_ptr(), K, w.data_ptr(), K,
                   accumulate ? 1.0f : 0.0f, out.data_ptr<float>(), N);
    if (!accumulate)
        out.add_(bias);
}

void layerNormInto(const LayerNormImpl& norm, const torch::Tensor& x, torch::Tensor& out) {
    RECORD_FUNCTION("samdesk::layer_norm", std::vector<c10::IValue>());
    TORCH_CHECK(x.scalar_type() == torch::kFloat32 && x.is_contiguous() && out.is_contiguous() &&
                    out.sizes() == x.sizes(),
                "layerNormInto: ", x.sizes(), " -> ", out.sizes());
    const auto weight = norm.weight.to(torch::kFloat32).contiguous();
    const auto bias = norm.bias.to(torch::kFloat32).contiguous();
    const std::int64_t rows = x.size(0), cols = x.size(1);
    const bool low = out.scalar_type() == torch::kBFloat16;
    const float* in = x.data_ptr<float>();
    at::parallel_for(0, rows, kRowGrain, [&](std::int64_t begin, std::int64_t end) {
        kernels::layerNormRows(
            in + begin * cols, end - begin, cols, weight.data_ptr<float>(), bias.data_ptr<float>(),
            static_cast<float>(norm.eps), low ? nullptr : out.data_ptr<float>() + begin * cols,
            low ? reinterpret_cast<std::uint16_t*>(out.data_ptr()) + begin * cols : nullptr);
    });
}

void toBf16Into(const torch::Tensor& in, torch::Tensor& out) {
    RECORD_FUNCTION("samdesk::to_bfloat16", std::vector<c10::IValue>());
    TORCH_CHECK(in.scalar_type() == torch::kFloat32 && out.scalar_type() == torch::kBFloat16 &&
                    in.is_contiguous() && out.is_contiguous() && in.sizes() == out.sizes(),
                "toBf16Into: ", in.sizes(), " -> ", out.sizes());
    const std::int64_t cols = in.size(-1), rows = in.numel() / cols;
    const float* src = in.data_ptr<float>();
    auto* dst = reinterpret_cast<std::uint16_t*>(out.data_ptr());
    at::parallel_for(0, rows, kRowGrain, [&](std::int64_t begin, std::int64_t end) {
        kernels::floatToBf16Rows(src + begin * cols, cols, dst + begin * cols, cols, end - begin,
                                 cols);
    });
}

}  // namespace samdesk
