// The CPU kernels of cpukernels.h in plain C++: what every non-x86 CPU (Apple silicon, ARM Linux)
// runs, what SAMDESK_KERNELS=portable forces on x86, and what the tests compare the vector
// versions against. Same contracts as the functions of the same names in cpukernels.h.
#pragma once

#include <cstddef>
#include <cstdint>

namespace samdesk::kernels::portable {

void relPosSoftmaxRow(float* s, int H, int W, const float* biasH, const float* biasW, float* probs,
                      std::uint16_t* probsBf16);

void softmaxRows(float* s, std::int64_t rows, int n, std::int64_t ld);

void softmaxColumns(float* s, int rows, std::int64_t cols, std::int64_t ld);

void geluInPlace(float* x, std::int64_t n);

void layerNormRows(const float* x, std::int64_t rows, std::int64_t cols, const float* weight,
                   const float* bias, float eps, float* out, std::uint16_t* outBf16);

void floatToBf16Rows(const float* in, std::int64_t ldIn, std::uint16_t* out, std::int64_t ldOut,
                     std::int64_t rows, std::int64_t cols);

std::uint16_t floatToBf16(float value);

}  // namespace samdesk::kernels::portable
