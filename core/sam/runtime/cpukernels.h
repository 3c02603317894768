// Small CPU kernels of the encoder's hot path that libtorch 1.13 has no fused or fast form for:
// the relative-position add fused with the softmax of one attention row, LayerNorm into a
// reused buffer (optionally straight to bfloat16), and float32 -> bfloat16 conversion. On x86 each
// is compiled for AVX-512, AVX2 and plain x86-64 and picked when the program loads (target_clones),
// so one binary runs everywhere at the speed the CPU allows; elsewhere, in a build with
// SAMDESK_PORTABLE_KERNELS, or with SAMDESK_KERNELS=portable in the environment (read once per
// process) they are the plain C++ ones of portablekernels.h. All are thread-safe (no state).
#pragma once

#include <cstddef>
#include <cstdint>

namespace samdesk::kernels {

// One attention row over an H x W grid of keys (index kh * W + kw), in place:
//   s[kh * W + kw] = (s[kh * W + kw] + biasH[kh]) + biasW[kw]
// (the reference's order of additions), then the softmax over all H * W values, in float32.
// The probabilities go to `probs` (may be `s`) or, when `probsBf16` is set, to it as bfloat16.
void relPosSoftmaxRow(float* s, int H, int W, const float* biasH, const float* biasW, float* probs,
                      std::uint16_t* probsBf16);

// Softmax of `rows` rows of n values each (row stride ld), in place, float32.
void softmaxRows(float* s, std::int64_t rows, int n, std::int64_t ld);

// Softmax down the columns: for each of `cols` columns, over its `rows` values (row stride ld),
// in place, float32. The batched point decoder's image -> token attention (a softmax over the 7
// tokens of a prompt for every image token) in a layout where the image tokens run along rows.
void softmaxColumns(float* s, int rows, std::int64_t cols, std::int64_t ld);

// GELU in its exact (erf) form, x / 2 (1 + erf(x / sqrt 2)), of n values in place, float32, with
// erf from Abramowitz and Stegun 7.1.26 (|error| < 1.5e-7) and the softmax's exp: within 2e-7
// of libtorch's gelu and about 10x faster than Debian libtorch 1.13's (which calls erf per value).
// The mask upscaler's activations.
void geluInPlace(float* x, std::int64_t n);

// LayerNorm of each row of `cols` values (biased variance, as torch.nn.LayerNorm):
// y = (x - mean) / sqrt(var + eps) * weight + bias, to float32 `out` or, when `outBf16` is set,
// to it as bfloat16. Rows are contiguous (row stride = cols).
void layerNormRows(const float* x, std::int64_t rows, std::int64_t cols, const float* weight,
                   const float* bias, float eps, float* out, std::uint16_t* outBf16);

// Rows of a strided matrix to bfloat16 (round to nearest even, as libtorch; finite values):
// out[r * ldOut + c] = bf16(in[r * ldIn + c]) for r < rows, c < cols.
void floatToBf16Rows(const float* in, std::int64_t ldIn, std::uint16_t* out, std::int64_t ldOut,
                     std::int64_t rows, std::int64_t cols);

// The same for the bfloat16 value of one float.
std::uint16_t floatToBf16(float value);

// Which implementation the functions above run, for reports and test logs: "portable", or on
// x86 the clone the loader picked ("x86 (AVX-512 clone)", "x86 (AVX2 clone)", "x86 (SSE2 clone)").
const char* kernelsName();

}  // namespace samdesk::kernels
