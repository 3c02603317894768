// The buffers one image-encoder pass reuses in every block (all blocks have the same shapes), and
// the products and norms that write into them. Reusing them matters: fresh pages for a 50 MB
// tensor cost ~0.2 s of page faults on the development VM, more than the GEMM that fills them.
//
// Precision: the token stream, LayerNorm, softmax and GELU are float32 in every mode. With
// bfloat16 weights the GEMM inputs (normed tokens, q/k/v, probabilities, hidden units) are
// rounded to bfloat16 and every product accumulates in float32 (as autocast would do).
#pragma once

#include <torch/torch.h>

#include "core/sam/model/gridattention.h"
#include "core/sam/model/layers.h"

namespace samdesk {

struct EncoderWorkspace {
    // Flat storage for: the normed tokens (tokens x C, GEMM input type), qkv (tokens x 3C,
    // float32, and its bfloat16 copy), the attention output before out_proj (tokens x C), the
    // MLP's hidden units (tokens x mlp).
    torch::Tensor normed, qkv, qkvLow, attention, attentionLow, hidden, hiddenLow;
    AttentionScratch scratch;

    // A rows x cols view of `storage` (a flat tensor), which is replaced only when it is too
    // small or of another type.
    static torch::Tensor matrix(torch::Tensor& storage, std::int64_t rows, std::int64_t cols,
                                torch::ScalarType type);
};

// The type the products of `linear` take their inputs in: bfloat16 for bfloat16 weights, else
// float32.
torch::ScalarType gemmInputType(const LinearImpl& linear);

// out (rows x N, float32) = input (rows x K, the GEMM input type) W^T + b, or with `accumulate`
// out += input W^T + b.
void linearInto(const LinearImpl& linear, const torch::Tensor& input, torch::Tensor& out,
                bool accumulate);

// LayerNorm of the rows of `x` (float32, contiguous) into `out` (float32 or bfloat16).
void layerNormInto(const LayerNormImpl& norm, const torch::Tensor& x, torch::Tensor& out);

// A float32 matrix to bfloat16 into `out` (same shape).
void toBf16Into(const torch::Tensor& in, torch::Tensor& out);

}  // namespace samdesk
