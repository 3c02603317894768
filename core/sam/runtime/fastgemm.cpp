// oneDNN's public GEMM entry points, looked up at run time in the libraries already loaded: no
// header or link dependency, and a libtorch without an exported oneDNN (or another BLAS setup)
// simply takes the libtorch path.
#include "core/sam/runtime/fastgemm.h"

#include <dlfcn.h>

#include <cstdlib>
#include <cstring>

#include <torch/torch.h>

namespace samdesk::gemm {

namespace {

// The signatures of oneDNN's C API (dnnl.h; dnnl_dim_t is int64_t, bfloat16 is 16 raw bits).
// Row-major: C = alpha * op(A) * op(B) + beta * C.
using SgemmFn = int (*)(char, char, std::int64_t, std::int64_t, std::int64_t, float, const float*,
                        std::int64_t, const float*, std::int64_t, float, float*, std::int64_t);
using Bf16GemmFn = int (*)(char, char, std::int64_t, std::int64_t, std::int64_t, float,
                           const std::uint16_t*, std::int64_t, const std::uint16_t*, std::int64_t,
                           float, float*, std::int64_t);

struct OneDnn {
    SgemmFn sgemm = nullptr;
    Bf16GemmFn bf16 = nullptr;
};

const OneDnn& oneDnn() {
    static const OneDnn fns = [] {
        OneDnn f;
        const char* choice = std::getenv("SAMDESK_GEMM");
        if (choice && std::strcmp(choice, "torch") == 0)
            return f;
        f.sgemm = reinterpret_cast<SgemmFn>(dlsym(RTLD_DEFAULT, "dnnl_sgemm"));
        f.bf16 = reinterpret_cast<Bf16GemmFn>(dlsym(RTLD_DEFAULT, "dnnl_gemm_bf16bf16f32"));
        if (!f.sgemm || !f.bf16)
            f = {};
        return f;
    }();
    return fns;
}

torch::Tensor view(const void* data, std::int64_t rows, std::int64_t cols, std::int64_t ld,
                   torch::ScalarType type) {
    return torch::from_blob(const_cast<void*>(data), {rows, cols}, {ld, 1}, type);
}

}  // namespace

void multiply(Inputs inputs, bool transposedB, std::int64_t m, std::int64_t n, std::int64_t k,
              float alpha, const void* a, std::int64_t lda, const void* b, std::int64_t ldb,
              float beta, float* c, std::int64_t ldc) {
    if (m <= 0 || n <= 0)
        return;
    const OneDnn& dnn = oneDnn();
    const char tb = transposedB ? 'T' : 'N';
    if (inputs == Inputs::Float32 && dnn.sgemm) {
        const int status = dnn.sgemm('N', tb, m, n, k, alpha, static_cast<const float*>(a), lda,
                                     static_cast<const float*>(b), ldb, beta, c, ldc);
        TORCH_CHECK(status == 0, "dnnl_sgemm failed with status ", status);
        return;
    }
    if (inputs == Inputs::BFloat16 && dnn.bf16) {
        const int status = dnn.bf16('N', tb, m, n, k, alpha, static_cast<const std::uint16_t*>(a),
                                    lda, static_cast<const std::uint16_t*>(b), ldb, beta, c, ldc);
        TORCH_CHECK(status == 0, "dnnl_gemm_bf16bf16f32 failed with status ", status);
        return;
    }
    // libtorch: bfloat16 inputs are widened so that the products accumulate in float32 as
    // oneDNN's do.
    const auto type = inputs == Inputs::Float32 ? torch::kFloat32 : torch::kBFloat16;
    auto at = view(a, m, k, lda, type).to(torch::kFloat32);
    auto bt =
        (transposedB ? view(b, n, k, ldb, type).t() : view(b, k, n, ldb, type)).to(torch::kFloat32);
    auto ct = view(c, m, n, ldc, torch::kFloat32);
    if (beta == 0.0f)
        at::mm_out(ct, at, bt).mul_(alpha);
    else
        ct.addmm_(at, bt, beta, alpha);
}

void multiplyTransposedA(bool transposedB, std::int64_t m, std::int64_t n, std::int64_t k,
                         float alpha, const float* a, std::int64_t lda, const float* b,
                         std::int64_t ldb, float beta, float* c, std::int64_t ldc) {
    if (m <= 0 || n <= 0)
        return;
    const OneDnn& dnn = oneDnn();
    const char tb = transposedB ? 'T' : 'N';
    if (dnn.sgemm) {
        const int status = dnn.sgemm('T', tb, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);
        TORCH_CHECK(status == 0, "dnnl_sgemm failed with status ", status);
        return;
    }
    const auto at = view(a, k, m, lda, torch::kFloat32).t();
    const auto bt =
        transposedB ? view(b, n, k, ldb, torch::kFloat32).t() : view(b, k, n, ldb, torch::kFloat32);
    auto ct = view(c, m, n, ldc, torch::kFloat32);
    if (beta == 0.0f)
        at::mm_out(ct, at, bt).mul_(alpha);
    else
        ct.addmm_(at, bt, beta, alpha);
}

const char* backendName() {
    return oneDnn().sgemm ? "oneDNN" : "libtorch";
}

}  // namespace samdesk::gemm
