// The dtype calibration: the encoder's matrix products in both dtypes, through the same dispatch
// (gemm::multiply) and with the same threading as the encoder (encoderworkspace.cpp,
// gridattention.cpp). Only the products are timed: they are nearly all of an encode's time; the
// fused softmax, LayerNorm and bfloat16 conversions are a few percent and would not change the
// choice.
#include "core/sam/runtime/dtypecalibration.h"

#include <algorithm>
#include <array>
#include <chrono>
#include <cmath>
#include <limits>
#include <memory>
#include <vector>

#include <torch/torch.h>

#include "core/sam/runtime/fastgemm.h"

namespace samdesk {

namespace {

using Clock = std::chrono::steady_clock;

// vit_b's encoder (the smallest, and the one people run on a CPU): a 64 x 64 token grid of
// width 768, 12 heads of 64, MLP 3072, 12 blocks of which 4 attend globally and 8 within 14 x 14
// windows (5 x 5 windows over the grid padded to 70 x 70).
constexpr std::int64_t kTokens = 4096, kWidth = 768, kMlp = 3072, kHeads = 12, kHeadDim = 64;
constexpr std::int64_t kWindowTokens = 14 * 14, kWindows = 25;
constexpr double kBlocks = 12, kGlobalBlocks = 4, kWindowedBlocks = 8;

// Multiply-adds of one encode per kind of product: qkv, projection and the two MLP layers; q k^T
// and p v of the global blocks (the small relative-position products are left out); the same in
// the windows. Roughly 75%, 22% and 3%.
constexpr double kLinearWork = kBlocks * kTokens * kWidth * (3 * kWidth + kWidth + 2 * kMlp);
constexpr double kGlobalWork = kGlobalBlocks * kHeads * 2.0 * kTokens * kTokens * kHeadDim;
constexpr double kWindowedWork =
    kWindowedBlocks * kWindows * kHeads * 2.0 * kWindowTokens * kWindowTokens * kHeadDim;
constexpr double kTotalWork = kLinearWork + kGlobalWork + kWindowedWork;

// A slice of the token rows is enough to keep every core busy and costs an eighth of the time.
constexpr std::int64_t kLinearRows = 512;
// Query rows per global attention task, as gridAttention picks them (1 MiB of scores).
constexpr std::int64_t kGlobalRows = 64;
// Runs per shape and dtype after one warm-up round; the best counts once a second run confirms it
// (within kAgreement). On a busy machine a thread that loses its core stalls the others at the
// end of each parallel region and a run can take 30x longer: then more rounds, up to the limits,
// and a best time still unconfirmed makes the result unreliable (not cached, float32 meanwhile).
constexpr int kRepeats = 3;
constexpr double kAgreement = 1.15;
constexpr int kMaxRounds = 12;
constexpr double kMaxSeconds = 2.0;

// The two shortest times agree.
bool confirmed(std::vector<double> t) {
    if (t.size() < 2)
        return false;
    std::partial_sort(t.begin(), t.begin() + 2, t.end());
    return t[1] <= kAgreement * t[0];
}

gemm::Inputs inputsOf(bool bf16) {
    return bf16 ? gemm::Inputs::BFloat16 : gemm::Inputs::Float32;
}

torch::Tensor filled(std::int64_t rows, std::int64_t cols, bool bf16) {
    // The values do not change the time of a product; small ones keep the sums finite.
    return torch::full({rows, cols}, 0.01f, bf16 ? torch::kBFloat16 : torch::kFloat32);
}

// One kind of product with operands in both dtypes; run() does the work once and returns the
// number of floating-point operations.
class Workload {
public:
    virtual ~Workload() = default;
    virtual const char* name() const = 0;
    virtual double share() const = 0;
    virtual double run(bool bf16) = 0;
};

// tokens x 768 -> 3072 (the MLP's first layer) standing for every linear layer; one product
// over all threads, as linearInto runs it.
class LinearWorkload : public Workload {
public:
    LinearWorkload() {
        for (int t = 0; t < 2; ++t) {
            m_input[t] = filled(kLinearRows, kWidth, t == 1);
            m_weight[t] = filled(kMlp, kWidth, t == 1);
        }
        m_out = torch::empty({kLinearRows, kMlp});
    }
    const char* name() const override { return "linear 512x3072x768"; }
    double share() const override { return kLinearWork / kTotalWork; }
    double run(bool bf16) override {
        const int t = bf16 ? 1 : 0;
        gemm::multiply(inputsOf(bf16), true, kLinearRows, kMlp, kWidth, 1.0f, m_input[t].data_ptr(),
                       kWidth, m_weight[t].data_ptr(), kWidth, 0.0f, m_out.data_ptr<float>(), kMlp);
        return 2.0 * kLinearRows * kMlp * kWidth;
    }

private:
    torch::Tensor m_input[2], m_weight[2], m_out;
};

// Per-thread scratch for the attention tasks: scores (float), probabilities (bfloat16), output.
struct TaskScratch {
    torch::Tensor scores, probabilities, out;
};

std::vector<TaskScratch> scratchPerThread(std::int64_t rows, std::int64_t keys) {
    std::vector<TaskScratch> s(static_cast<std::size_t>(at::get_num_threads()));
    for (auto& t : s) {
        t.scores = filled(rows, keys, false);
        t.probabilities = filled(rows, keys, true);
        t.out = torch::empty({rows, kHeadDim});
    }
    return s;
}

// Global attention: tasks of (head, 64 query rows) against all 4096 keys, q k^T then p v, each
// task single-threaded inside at::parallel_for, reading q, k and v from the interleaved qkv
// matrix (row stride 2304) as gridAttention does.
class GlobalAttentionWorkload : public Workload {
public:
    GlobalAttentionWorkload() : m_tasks(4 * at::get_num_threads()) {
        for (int t = 0; t < 2; ++t)
            m_qkv[t] = filled(kTokens, 3 * kWidth, t == 1);
        m_scratch = scratchPerThread(kGlobalRows, kTokens);
    }
    const char* name() const override { return "global attention 64x4096x64"; }
    double share() const override { return kGlobalWork / kTotalWork; }
    double run(bool bf16) override {
        const auto inputs = inputsOf(bf16);
        const std::int64_t ld = 3 * kWidth, es = bf16 ? 2 : 4;
        const char* qkv = static_cast<const char*>(m_qkv[bf16 ? 1 : 0].data_ptr());
        at::parallel_for(0, m_tasks, 1, [&](std::int64_t begin, std::int64_t end) {
            TaskScratch& s = m_scratch[static_cast<std::size_t>(at::get_thread_num())];
            float* scores = s.scores.data_ptr<float>();
            const void* p = bf16 ? s.probabilities.data_ptr() : static_cast<void*>(scores);
            for (std::int64_t task = begin; task < end; ++task) {
                const std::int64_t h = task % kHeads;
                const std::int64_t r0 = task / kHeads * kGlobalRows % kTokens;
                const char* q = qkv + (r0 * ld + h * kHeadDim) * es;
                const char* k = qkv + (kWidth + h * kHeadDim) * es;
                const char* v = qkv + (2 * kWidth + h * kHeadDim) * es;
                gemm::multiply(inputs, true, kGlobalRows, kTokens, kHeadDim, 0.125f, q, ld, k, ld,
                               0.0f, scores, kTokens);
                gemm::multiply(inputs, false, kGlobalRows, kHeadDim, kTokens, 1.0f, p, kTokens, v,
                               ld, 0.0f, s.out.data_ptr<float>(), kHeadDim);
            }
        });
        return 4.0 * static_cast<double>(m_tasks) * kGlobalRows * kTokens * kHeadDim;
    }

private:
    std::int64_t m_tasks;
    torch::Tensor m_qkv[2];
    std::vector<TaskScratch> m_scratch;
};

// Windowed attention: tasks of (window, head) on gathered 196 x 64 operands, q k^T then p v, as
// windowedAttention runs them.
class WindowedAttentionWorkload : public Workload {
public:
    WindowedAttentionWorkload() : m_tasks(48 * at::get_num_threads()) {
        for (int t = 0; t < 2; ++t) {
            m_q[t] = filled(kWindowTokens, kHeadDim, t == 1);
            m_k[t] = filled(kWindowTokens, kHeadDim, t == 1);
            m_v[t] = filled(kWindowTokens, kHeadDim, t == 1);
        }
        m_scratch = scratchPerThread(kWindowTokens, kWindowTokens);
    }
    const char* name() const override { return "window attention 196x196x64"; }
    double share() const override { return kWindowedWork / kTotalWork; }
    double run(bool bf16) override {
        const auto inputs = inputsOf(bf16);
        const int t = bf16 ? 1 : 0;
        const std::int64_t n = kWindowTokens, hd = kHeadDim;
        at::parallel_for(0, m_tasks, 1, [&](std::int64_t begin, std::int64_t end) {
            TaskScratch& s = m_scratch[static_cast<std::size_t>(at::get_thread_num())];
            float* scores = s.scores.data_ptr<float>();
            const void* p = bf16 ? s.probabilities.data_ptr() : static_cast<void*>(scores);
            for (std::int64_t task = begin; task < end; ++task) {
                gemm::multiply(inputs, true, n, n, hd, 0.125f, m_q[t].data_ptr(), hd,
                               m_k[t].data_ptr(), hd, 0.0f, scores, n);
                gemm::multiply(inputs, false, n, hd, n, 1.0f, p, n, m_v[t].data_ptr(), hd, 0.0f,
                               s.out.data_ptr<float>(), hd);
            }
        });
        return 4.0 * static_cast<double>(m_tasks) * n * n * hd;
    }

private:
    std::int64_t m_tasks;
    torch::Tensor m_q[2], m_k[2], m_v[2];
    std::vector<TaskScratch> m_scratch;
};

// Total work over total time: the encoder's rate when each shape runs at its measured rate in
// the dtype `bf16(shape)` says.
template <typename Bf16>
double mixRate(const std::vector<CalibrationShape>& shapes, Bf16 bf16) {
    double work = 0, time = 0;
    for (const auto& s : shapes) {
        const double rate = bf16(s) ? s.bfloat16Gflops : s.float32Gflops;
        if (!(rate > 0))
            return 0;
        work += s.share;
        time += s.share / rate;
    }
    return time > 0 ? work / time : 0;
}

}  // namespace

std::string chooseCpuDtype(double float32Gflops, double bfloat16Gflops, double mixedGflops) {
    const bool valid = std::isfinite(float32Gflops) && std::isfinite(bfloat16Gflops) &&
                       float32Gflops > 0 && bfloat16Gflops > 0;
    if (!valid)
        return "float32";
    const bool mixed = std::isfinite(mixedGflops) && mixedGflops >= bfloat16Gflops;
    const double best = mixed ? mixedGflops : bfloat16Gflops;
    if (!(best > kBf16Margin * float32Gflops))
        return "float32";
    return mixed ? "mixed" : "bfloat16";
}

double DtypeCalibration::mixedGflops() const {
    return shapes.empty()
               ? 0.0
               : mixRate(shapes, [](const CalibrationShape& s) { return !s.attention(); });
}

double DtypeCalibration::reducedLead() const {
    if (!(float32Gflops > 0))
        return 0;
    return std::max(bfloat16Gflops, mixedGflops()) / float32Gflops;
}

DtypeCalibration measureDtypeCalibration() {
    c10::InferenceMode guard;
    const auto start = Clock::now();
    std::vector<std::unique_ptr<Workload>> workloads;
    workloads.push_back(std::make_unique<LinearWorkload>());
    workloads.push_back(std::make_unique<GlobalAttentionWorkload>());
    workloads.push_back(std::make_unique<WindowedAttentionWorkload>());

    // times[w][dtype]: seconds per operation. Round 0 warms up (oneDNN's kernel generation,
    // first touch of the buffers); the dtypes alternate which goes first so that a slow stretch
    // of a shared machine does not land on one of them only.
    std::vector<std::array<std::vector<double>, 2>> times(workloads.size());
    const auto allConfirmed = [&] {
        return std::all_of(times.begin(), times.end(),
                           [](const auto& t) { return confirmed(t[0]) && confirmed(t[1]); });
    };
    DtypeCalibration c;
    for (int round = 0; round <= kMaxRounds; ++round) {
        if (round > kRepeats &&
            (allConfirmed() ||
             std::chrono::duration<double>(Clock::now() - start).count() > kMaxSeconds))
            break;
        for (int i = 0; i < 2; ++i) {
            const bool bf16 = (round + i) % 2 == 1;
            for (std::size_t w = 0; w < workloads.size(); ++w) {
                const auto t0 = Clock::now();
                const double flops = workloads[w]->run(bf16);
                const double s = std::chrono::duration<double>(Clock::now() - t0).count();
                if (round > 0 && s > 0) {
                    times[w][bf16 ? 1 : 0].push_back(s / flops);
                    ++c.runs;
                }
            }
        }
    }

    c.reliable = allConfirmed();
    for (std::size_t w = 0; w < workloads.size(); ++w) {
        CalibrationShape s;
        s.name = workloads[w]->name();
        s.share = workloads[w]->share();
        const auto rate = [](const std::vector<double>& t) {
            return t.empty() ? 0.0 : 1e-9 / *std::min_element(t.begin(), t.end());
        };
        s.float32Gflops = rate(times[w][0]);
        s.bfloat16Gflops = rate(times[w][1]);
        c.shapes.push_back(s);
    }
    c.float32Gflops = mixRate(c.shapes, [](const CalibrationShape&) { return false; });
    c.bfloat16Gflops = mixRate(c.shapes, [](const CalibrationShape&) { return true; });
    c.seconds = std::chrono::duration<double>(Clock::now() - start).count();
    return c;
}

}  // namespace samdesk
