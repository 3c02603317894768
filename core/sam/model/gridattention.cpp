// Attention tasks: (head, block of query rows) for a whole grid, (window, head) for windows. Each
// task runs single-threaded inside at::parallel_for (its GEMMs too) on its thread's scratch.
#include "core/sam/model/gridattention.h"

#include <ATen/record_function.h>

#include <algorithm>
#include <cstring>

#include "core/sam/runtime/cpukernels.h"
#include "core/sam/runtime/fastgemm.h"

namespace samdesk {

namespace {

// Query rows per task in a global block: their scores (rows x tokens floats) stay within about
// one core's L2 cache.
constexpr std::int64_t kScoreBytes = std::int64_t(1) << 20;

std::int64_t roundUp(std::int64_t floats) {
    return (floats + 15) / 16 * 16;  // 64-byte slots: no two threads share a cache line
}

struct Layout {
    std::int64_t es;  // element size in bytes
    gemm::Inputs inputs;
    const char* qkv;

    explicit Layout(const AttentionArgs& a)
        : es(a.bf16 ? 2 : 4)
        , inputs(a.bf16 ? gemm::Inputs::BFloat16 : gemm::Inputs::Float32)
        , qkv(static_cast<const char*>(a.qkv)) {}
    const char* element(std::int64_t row, std::int64_t ld, std::int64_t col) const {
        return qkv + (row * ld + col) * es;
    }
};

}  // namespace

void AttentionScratch::reserve(std::int64_t threads, std::int64_t floatsPerThread) {
    const std::int64_t per = roundUp(std::max(floatsPerThread, m_perThread));
    if (!m_buffer.defined() || m_buffer.numel() < threads * per || per != m_perThread) {
        m_buffer = torch::empty(
            {std::max(threads * per, m_buffer.defined() ? m_buffer.numel() : 0)}, torch::kFloat32);
        m_perThread = per;
    }
}

float* AttentionScratch::forThread(int thread) {
    return m_buffer.data_ptr<float>() + thread * m_perThread;
}

void gridAttention(const AttentionArgs& a, std::int64_t H, std::int64_t W, float* out,
                   std::int64_t ldOut, AttentionScratch& scratch) {
    const Layout L(a);
    const std::int64_t C = a.heads * a.headDim, hd = a.headDim, n = H * W;
    const std::int64_t lh = 2 * H - 1, lw = 2 * W - 1;
    const std::int64_t R = std::clamp<std::int64_t>(kScoreBytes / (n * 4), 1, n);
    const std::int64_t chunks = (n + R - 1) / R;
    const std::int64_t perThread = roundUp(R * lh) + roundUp(R * lw) + roundUp(R * n) +
                                   (a.bf16 ? roundUp((R * n + 1) / 2) : 0);
    scratch.reserve(at::get_num_threads(), perThread);

    at::parallel_for(0, a.heads * chunks, 1, [&](std::int64_t begin, std::int64_t end) {
        float* qth = scratch.forThread(at::get_thread_num());
        float* qtw = qth + roundUp(R * lh);
        float* s = qtw + roundUp(R * lw);
        auto* pb = reinterpret_cast<std::uint16_t*>(s + roundUp(R * n));
        for (std::int64_t task = begin; task < end; ++task) {
            const std::int64_t h = task / chunks, r0 = task % chunks * R;
            const std::int64_t rows = std::min(R, n - r0);
            const char* q = L.element(r0, a.ldQkv, h * hd);
            const char* k = L.element(0, a.ldQkv, C + h * hd);
            const char* v = L.element(0, a.ldQkv, 2 * C + h * hd);
            // Every query's products with every (reversed) table row: the relative terms are
            // contiguous slices of these rows.
            {
                RECORD_FUNCTION("samdesk::attention relpos gemm", std::vector<c10::IValue>());
                gemm::multiply(L.inputs, true, rows, lh, hd, 1.0f, q, a.ldQkv, a.tableH, hd, 0.0f,
                               qth, lh);
                gemm::multiply(L.inputs, true, rows, lw, hd, 1.0f, q, a.ldQkv, a.tableW, hd, 0.0f,
                               qtw, lw);
            }
            {
                RECORD_FUNCTION("samdesk::attention q k^T gemm", std::vector<c10::IValue>());
                gemm::multiply(L.inputs, true, rows, n, hd, a.scale, q, a.ldQkv, k, a.ldQkv, 0.0f,
                               s, n);
            }
            {
                RECORD_FUNCTION("samdesk::attention relpos softmax", std::vector<c10::IValue>());
                for (std::int64_t i = 0; i < rows; ++i) {
                    const std::int64_t t = r0 + i, qh = t / W, qw = t % W;
                    kernels::relPosSoftmaxRow(s + i * n, static_cast<int>(H), static_cast<int>(W),
                                              qth + i * lh + (H - 1 - qh),
                                              qtw + i * lw + (W - 1 - qw), s + i * n,
                                              a.bf16 ? pb + i * n : nullptr);
                }
            }
            const void* p = a.bf16 ? static_cast<const void*>(pb) : s;
            RECORD_FUNCTION("samdesk::attention p v gemm", std::vector<c10::IValue>());
            gemm::multiply(L.inputs, false, rows, hd, n, 1.0f, p, n, v, a.ldQkv, 0.0f,
                           out + r0 * ldOut + h * hd, ldOut);
        }
    });
}

void windowedAttention(const AttentionArgs& a, std::int64_t H, std::int64_t W, int window,
                       const float* qkvBias, float* out, std::int64_t ldOut,
                       AttentionScratch& scratch) {
    const Layout L(a);
    const std::int64_t C = a.heads * a.headDim, hd = a.headDim, w = window, n = w * w;
    const std::int64_t lh = 2 * w - 1;
    const std::int64_t windowsY = (H + w - 1) / w, windowsX = (W + w - 1) / w;
    // The padded token's q | k | v in the element type of the products.
    std::vector<char> bias(static_cast<std::size_t>(3 * C * L.es));
    if (a.bf16) {
        auto* b16 = reinterpret_cast<std::uint16_t*>(bias.data());
        for (std::int64_t i = 0; i < 3 * C; ++i)
            b16[i] = kernels::floatToBf16(qkvBias[i]);
    } else {
        std::memcpy(bias.data(), qkvBias, bias.size());
    }
    const std::int64_t operandFloats = roundUp((n * hd * L.es + 3) / 4);  // one w^2 x hd matrix
    const std::int64_t perThread = 3 * operandFloats + 2 * roundUp(n * lh) + roundUp(n * n) +
                                   (a.bf16 ? roundUp((n * n + 1) / 2) : 0) + roundUp(n * hd);
    scratch.reserve(at::get_num_threads(), perThread);

    at::parallel_for(
        0, windowsY * windowsX * a.heads, 1, [&](std::int64_t begin, std::int64_t end) {
            float* base = scratch.forThread(at::get_thread_num());
            char* qs = reinterpret_cast<char*>(base);
            char* ks = qs + operandFloats * 4;
            char* vs = ks + operandFloats * 4;
            float* qth = base + 3 * operandFloats;
            float* qtw = qth + roundUp(n * lh);
            float* s = qtw + roundUp(n * lh);
            auto* pb = reinterpret_cast<std::uint16_t*>(s + roundUp(n * n));
            float* o = s + roundUp(n * n) + (a.bf16 ? roundUp((n * n + 1) / 2) : 0);
            const std::size_t rowBytes = static_cast<std::size_t>(hd * L.es);
            for (std::int64_t task = begin; task < end; ++task) {
                const std::int64_t h = task % a.heads, win = task / a.heads;
                const std::int64_t y0 = win / windowsX * w, x0 = win % windowsX * w;
                const std::int64_t rowsReal = std::min(w, H - y0), colsReal = std::min(w, W - x0);
                // Gather: keys and values of every window token (padding: the bias), queries of the
                // real tokens only, row by row.
                std::int64_t nq = 0;
                {
                    RECORD_FUNCTION("samdesk::attention gather", std::vector<c10::IValue>());
                    for (std::int64_t i = 0; i < w; ++i) {
                        for (std::int64_t j = 0; j < w; ++j) {
                            const std::int64_t slot = i * w + j;
                            const bool real = i < rowsReal && j < colsReal;
                            const std::int64_t token = (y0 + i) * W + (x0 + j);
                            const char* kSrc = real ? L.element(token, a.ldQkv, C + h * hd)
                                                    : bias.data() + (C + h * hd) * L.es;
                            const char* vSrc = real ? L.element(token, a.ldQkv, 2 * C + h * hd)
                                                    : bias.data() + (2 * C + h * hd) * L.es;
                            std::memcpy(ks + slot * rowBytes, kSrc, rowBytes);
                            std::memcpy(vs + slot * rowBytes, vSrc, rowBytes);
                            if (real)
                                std::memcpy(qs + nq++ * rowBytes, L.element(token, a.ldQkv, h * hd),
                                            rowBytes);
                        }
                    }
                }
                {
                    RECORD_FUNCTION("samdesk::attention relpos gemm", std::vector<c10::IValue>());
                    gemm::multiply(L.inputs, true, nq, lh, hd, 1.0f, qs, hd, a.tableH, hd, 0.0f,
                                   qth, lh);
                    gemm::multiply(L.inputs, true, nq, lh, hd, 1.0f, qs, hd, a.tableW, hd, 0.0f,
                                   qtw, lh);
                }
                {
                    RECORD_FUNCTION("samdesk::attention q k^T gemm", std::vector<c10::IValue>());
                    gemm::multiply(L.inputs, true, nq, n, hd, a.scale, qs, hd, ks, hd, 0.0f, s, n);
                }
                {
                    RECORD_FUNCTION("samdesk::attention relpos softmax",
                                    std::vector<c10::IValue>());
                    for (std::int64_t r = 0; r < nq; ++r) {
                        const std::int64_t i = r / colsReal, j = r % colsReal;
                        kernels::relPosSoftmaxRow(
                            s + r * n, window, window, qth + r * lh + (w - 1 - i),
                            qtw + r * lh + (w - 1 - j), s + r * n, a.bf16 ? pb + r * n : nullptr);
                    }
                }
                const void* p = a.bf16 ? static_cast<const void*>(pb) : s;
                {
                    RECORD_FUNCTION("samdesk::attention p v gemm", std::vector<c10::IValue>());
                    gemm::multiply(L.inputs, false, nq, hd, n, 1.0f, p, n, vs, hd, 0.0f, o, hd);
                }
                for (std::int64_t r = 0; r < nq; ++r) {
                    const std::int64_t token = (y0 + r / colsReal) * W + (x0 + r % colsReal);
                    std::memcpy(out + token * ldOut + h * hd, o + r * hd, hd * sizeof(float));
                }
            }
        });
}

torch::Tensor reversedRelTable(const torch::Tensor& table, std::int64_t size,
                               torch::ScalarType type) {
    const std::int64_t rows = 2 * size - 1;
    torch::Tensor resized = table;
    if (table.size(0) != rows) {
        // Only at an input size the checkpoint was not trained for.
        namespace F = torch::nn::functional;
        resized = F::interpolate(table.transpose(0, 1).unsqueeze(0).to(torch::kFloat32),
                                 F::InterpolateFuncOptions()
                                     .size(std::vector<std::int64_t>{rows})
                                     .mode(torch::kLinear)
                                     .align_corners(false))
                      .squeeze(0)
                      .transpose(0, 1)
                      .to(table.scalar_type());
    }
    return resized.flip({0}).to(type).contiguous();
}

}  // namespace samdesk
