// Matrix products of the encoder and decoder hot paths on raw row-major buffers. They go to the
// oneDNN that libtorch itself loads (dnnl_sgemm, dnnl_gemm_bf16bf16f32: AVX-512/AMX kernels,
// threads from libtorch's own OpenMP pool) when the process has it, else to libtorch's matmul.
// Measured on the development machine (docs/performance.md): twice the float32 rate of Debian's
// OpenBLAS, whose own thread pool also fights libtorch's OpenMP threads for the same cores.
//
// Inside an OpenMP parallel region (at::parallel_for) a product runs on the calling thread only.
#pragma once

#include <cstdint>

namespace samdesk::gemm {

// The element type of the inputs a and b; c is always float32.
enum class Inputs { Float32, BFloat16 };

// c (m x n, row stride ldc) = alpha * a (m x k, row stride lda) * op(b) + beta * c, where
// op(b) = b (k x n, row stride ldb) or, with transposedB, b^T for b stored as (n x k).
// BFloat16 inputs are raw bfloat16 bit patterns (uint16); products accumulate in float32.
void multiply(Inputs inputs, bool transposedB, std::int64_t m, std::int64_t n, std::int64_t k,
              float alpha, const void* a, std::int64_t lda, const void* b, std::int64_t ldb,
              float beta, float* c, std::int64_t ldc);

// The same with op(a) = a^T for a stored as (k x m), row stride lda (float32 inputs).
void multiplyTransposedA(bool transposedB, std::int64_t m, std::int64_t n, std::int64_t k,
                         float alpha, const float* a, std::int64_t lda, const float* b,
                         std::int64_t ldb, float beta, float* c, std::int64_t ldc);

// Which implementation multiply() uses: "oneDNN" or "libtorch". SAMDESK_GEMM=torch in the
// environment forces libtorch (to compare the two).
const char* backendName();

}  // namespace samdesk::gemm
