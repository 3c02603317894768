// The encoder's attention on raw buffers: per head, q k^T by GEMM, the decomposed relative
// position terms by two small GEMMs against the (reversed) tables, the add and softmax fused in
// one pass per query row (cpukernels.h), and p v by GEMM straight into the output columns of the
// head. Nothing of size heads x tokens x tokens ever exists: a few query rows at a time stay in
// the cache, and the per-thread scratch is allocated once per encoder pass.
//
// Windowed attention reads the windows out of the unpadded token grid: the reference pads the
// normalised tokens with zeros, so a padded token's q, k and v are exactly the qkv bias; padded
// queries are never computed because the reference crops them away.
#pragma once

#include <torch/torch.h>

#include <cstdint>
#include <vector>

namespace samdesk {

// Per-thread scratch memory, kept by the caller across calls so that no call touches fresh
// pages (in a VM a first-touch page fault can cost more than the arithmetic on the page).
class AttentionScratch {
public:
    // Makes room for `floatsPerThread` floats for each of `threads` threads (not thread-safe).
    void reserve(std::int64_t threads, std::int64_t floatsPerThread);
    float* forThread(int thread);

private:
    torch::Tensor m_buffer;
    std::int64_t m_perThread = 0;
};

struct AttentionArgs {
    // The qkv matrix of one batch item: tokens x 3C (q | k | v, head h at columns h * hd), float32
    // or bfloat16 (then every GEMM operand is bfloat16 and accumulates in float32).
    const void* qkv = nullptr;
    std::int64_t ldQkv = 0;  // elements from one token to the next
    bool bf16 = false;
    std::int64_t heads = 0, headDim = 0;
    // The relative position tables for the grid (or window) sides, REVERSED (row i holds the
    // reference's row 2L - 2 - i), contiguous (2L - 1) x hd, same element type as qkv.
    const void* tableH = nullptr;
    const void* tableW = nullptr;
    float scale = 1.0f;  // hd^-0.5
};

// Attention over the whole H x W grid of tokens: out (H W x C, row stride ldOut, float32).
void gridAttention(const AttentionArgs& args, std::int64_t H, std::int64_t W, float* out,
                   std::int64_t ldOut, AttentionScratch& scratch);

// Attention inside window x window windows of the H x W grid, zero-padded at the bottom and right
// as the reference does; qkvBias (3C floats) is the q/k/v of a padded token. Writes the real
// tokens' outputs: out (H W x C, row stride ldOut, float32).
void windowedAttention(const AttentionArgs& args, std::int64_t H, std::int64_t W, int window,
                       const float* qkvBias, float* out, std::int64_t ldOut,
                       AttentionScratch& scratch);

// The table resized to 2L - 1 rows (1-D linear interpolation, as the reference, only when its
// length differs) and reversed, in float32 or bfloat16 (`type`), contiguous.
torch::Tensor reversedRelTable(const torch::Tensor& table, std::int64_t size,
                               torch::ScalarType type);

}  // namespace samdesk
