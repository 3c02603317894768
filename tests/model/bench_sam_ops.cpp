// A profiling aid for the image encoder, not a test (docs/performance.md quotes its output):
//   bench_sam_ops block --kind windowed|global [--dtype float32|bfloat16] [--threads N]
//                 [--repeats R]      per-op inclusive times of one vit_b block (libtorch profiler)
//   bench_sam_ops gemm [--dtype float32|bfloat16] [--threads N]
//                 GFLOP/s of the encoder's matrix products at their real shapes
//   bench_sam_ops decode --checkpoint C [--threads N] [--repeats R]
//                 per-op times of predictLowRes (one click, 3 candidates) on a synthetic image
//   bench_sam_ops points [--repeats R]
//                 GFLOP/s of the batched point decoder's per-prompt products (one thread, vit_b)
//   bench_sam_ops pointdecode --checkpoint C [--threads N] [--repeats R]
//                 predictPoints per point, with and without masks, and its per-op profile
// Weights are random; only the shapes matter for timing.
#include <torch/csrc/autograd/profiler_legacy.h>
#include <torch/torch.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <ctime>
#include <limits>
#include <map>
#include <string>
#include <vector>

#include "core/checkpoint/samconfig.h"
#include "core/sam/model/encoderblock.h"
#include "core/sam/model/encoderworkspace.h"
#include "core/sam/predictor/predictor.h"
#include "core/sam/runtime/cachingallocator.h"
#include "core/sam/runtime/cpukernels.h"
#include "core/sam/runtime/fastgemm.h"

using namespace samdesk;

namespace {

struct Options {
    std::string mode;
    std::string checkpoint;
    std::string kind = "windowed";
    std::string dtype = "float32";
    int threads = 0;
    int repeats = 3;
};

double secondsSince(std::chrono::steady_clock::time_point t0) {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

torch::ScalarType dtypeOf(const std::string& name) {
    return name == "bfloat16" ? torch::kBFloat16 : torch::kFloat32;
}

template <typename F>
double medianSeconds(int repeats, F&& body) {
    body();  // warm-up: allocations, kernel selection
    std::vector<double> s;
    for (int i = 0; i < repeats; ++i) {
        const auto t0 = std::chrono::steady_clock::now();
        body();
        s.push_back(secondsSince(t0));
    }
    std::sort(s.begin(), s.end());
    return s[s.size() / 2];
}

EncoderBlock randomBlock(const SamConfig& config, int window, torch::ScalarType dtype) {
    EncoderBlock block(config, window);
    torch::manual_seed(1);
    for (auto& p : block->named_parameters()) {
        auto& t = p.value();
        if (p.key().find("norm.weight") != std::string::npos)
            t.fill_(1.0);
        else
            t.normal_(0.0, 0.02);
    }
    block->to(dtype);
    return block;
}

// Inclusive time per (depth, op name), from the profiler's push/pop events of this thread.
void printProfile(const torch::autograd::profiler::thread_event_lists& lists, double wallSeconds,
                  int repeats, std::size_t depth = 1) {
    using torch::autograd::profiler::EventKind;
    struct Sum {
        int count = 0;
        double us = 0;
    };
    std::map<std::string, Sum> sums;
    for (const auto& list : lists) {
        struct Open {
            const torch::autograd::profiler::LegacyEvent* start;
            std::string path;
        };
        std::vector<Open> stack;
        for (const auto& e : list) {
            if (e.kind() == EventKind::PushRange) {
                std::string path = stack.empty() ? "" : stack.back().path + " > ";
                stack.push_back({&e, path + e.name()});
            } else if (e.kind() == EventKind::PopRange && !stack.empty()) {
                const auto open = stack.back();
                stack.pop_back();
                if (stack.size() <= depth) {  // top-level ops and their children
                    auto& s = sums[open.path];
                    ++s.count;
                    s.us += open.start->cpuElapsedUs(e);
                }
            }
        }
    }
    std::vector<std::pair<std::string, Sum>> rows(sums.begin(), sums.end());
    std::sort(rows.begin(), rows.end(), [](const auto& a, const auto& b) {
        const auto levelOf = [](const std::string& path) {
            std::size_t n = 0;
            for (std::size_t p = path.find(" > "); p != std::string::npos;
                 p = path.find(" > ", p + 1))
                ++n;
            return n;
        };
        const std::size_t la = levelOf(a.first), lb = levelOf(b.first);
        if (la != lb)
            return la < lb;
        return a.second.us > b.second.us;
    });
    const double wallMs = wallSeconds * 1000 / repeats;
    std::printf("block: %.1f ms per run (wall, profiled)\n", wallMs);
    std::printf("%-62s %6s %10s %6s\n", "op (inclusive, per run)", "calls", "ms", "share");
    for (const auto& [name, s] : rows) {
        const double ms = s.us / 1000 / repeats;
        if (ms < 0.05 * wallMs / 100)
            continue;
        std::printf("%-62s %6d %10.2f %5.1f%%\n", name.c_str(), s.count / repeats, ms,
                    100 * ms / wallMs);
    }
}

int runBlock(const Options& o) {
    const SamConfig config = samConfigVitB();
    const int window = o.kind == "global" ? 0 : config.windowSize;
    const auto dtype = dtypeOf(o.dtype);
    c10::InferenceMode guard;
    auto block = randomBlock(config, window, dtype);
    const auto G = config.gridSize();
    // The encoder's CPU path: float32 tokens updated in place, one workspace for every run.
    auto x = torch::randn({G * G, config.embedDim}) * 0.5;
    EncoderWorkspace ws;
    const auto run = [&] { block->forwardInPlace(x, 1, G, G, ws); };
    const double plain = medianSeconds(o.repeats, run);
    std::printf("%s block, %s, %d thread(s): %.1f ms (median of %d, not profiled)\n",
                o.kind.c_str(), o.dtype.c_str(), at::get_num_threads(), plain * 1000, o.repeats);
    namespace prof = torch::autograd::profiler;
    prof::enableProfilerLegacy(
        torch::profiler::impl::ProfilerConfig(torch::profiler::impl::ProfilerState::CPU));
    const auto t0 = std::chrono::steady_clock::now();
    for (int i = 0; i < o.repeats; ++i)
        run();
    const double wall = secondsSince(t0);
    const auto lists = prof::disableProfilerLegacy();
    printProfile(lists, wall, o.repeats);
    return 0;
}

int runGemm(const Options& o) {
    const SamConfig c = samConfigVitB();
    const auto dtype = dtypeOf(o.dtype);
    c10::InferenceMode guard;
    const std::int64_t N = c.gridSize() * c.gridSize();  // 4096 tokens
    const std::int64_t Np = 25 * 14 * 14;                // 4900: windowed, padded
    struct Shape {
        const char* name;
        std::int64_t m, k, n;
    };
    const std::vector<Shape> linears = {
        {"qkv (global)", N, c.embedDim, 3 * c.embedDim},
        {"qkv (windowed, padded)", Np, c.embedDim, 3 * c.embedDim},
        {"out_proj", N, c.embedDim, c.embedDim},
        {"mlp fc1", N, c.embedDim, c.mlpDim},
        {"mlp fc2", N, c.mlpDim, c.embedDim},
    };
    std::printf("%s, %d thread(s)\n", o.dtype.c_str(), at::get_num_threads());
    for (const auto& s : linears) {
        const auto x = torch::randn({s.m, s.k}).to(dtype);
        const auto w = torch::randn({s.n, s.k}).to(dtype);
        const auto b = torch::randn({s.n}).to(dtype);
        const double flops = 2.0 * s.m * s.k * s.n;
        const double t = medianSeconds(o.repeats, [&] { (void)torch::linear(x, w, b); });
        const auto wm = w.to_mkldnn();
        const double tm = medianSeconds(
            o.repeats, [&] { (void)torch::mkldnn_linear(x.to_mkldnn(), wm, b).to_dense(); });
        std::printf(
            "  linear %-24s %5lld x %4lld @ %4lld x %4lld: %7.1f GFLOP/s "
            "(mkldnn_linear %7.1f)\n",
            s.name, (long long)s.m, (long long)s.k, (long long)s.k, (long long)s.n, flops / t / 1e9,
            flops / tm / 1e9);
    }
    struct Batched {
        const char* name;
        std::int64_t batch, m, k, n;
    };
    const std::int64_t hd = c.headDim(), heads = c.numHeads, w2 = 14 * 14;
    const std::vector<Batched> bmms = {
        {"q k^T (global, 1 head, 16 rows)", 1, 16 * 64, hd, N},
        {"p v (global, 1 head, 16 rows)", 1, 16 * 64, N, hd},
        {"q k^T (windowed, all)", 25 * heads, w2, hd, w2},
        {"p v (windowed, all)", 25 * heads, w2, w2, hd},
    };
    for (const auto& s : bmms) {
        const auto a = torch::randn({s.batch, s.m, s.k}).to(dtype);
        const auto b = torch::randn({s.batch, s.k, s.n}).to(dtype);
        const double flops = 2.0 * s.batch * s.m * s.k * s.n;
        const double t = medianSeconds(o.repeats, [&] { (void)torch::bmm(a, b); });
        std::printf("  bmm %-34s %4lld x (%4lld x %4lld @ %4lld x %4lld): %7.1f GFLOP/s\n", s.name,
                    (long long)s.batch, (long long)s.m, (long long)s.k, (long long)s.k,
                    (long long)s.n, flops / t / 1e9);
    }
    return 0;
}

// The decoder benchmarks' image: deterministic noise of kNoiseW x kNoiseH.
constexpr int kNoiseW = 1024, kNoiseH = 768;

// A float32 predictor (`threads`, 0: every core) holding the noise image's embedding; null, with
// the error printed, when it cannot be made.
std::unique_ptr<Predictor> predictorOnNoise(const Options& o, int threads) {
    PredictorOptions po;
    po.dtype = "float32";
    po.threads = threads;
    auto loaded = Predictor::load(o.checkpoint, po);
    if (!loaded) {
        std::fprintf(stderr, "%s\n", loaded.error().message.c_str());
        return nullptr;
    }
    std::vector<std::uint8_t> rgb(std::size_t(kNoiseW) * kNoiseH * 3);
    for (std::size_t i = 0; i < rgb.size(); ++i)
        rgb[i] = static_cast<std::uint8_t>((i * 2654435761u) >> 24);
    const ImageView view{rgb.data(), kNoiseW, kNoiseH, 3, 8, 0, PixelOrder::Rgb};
    if (auto st = loaded.value()->setImage(view); !st) {
        std::fprintf(stderr, "%s\n", st.error().message.c_str());
        return nullptr;
    }
    return std::move(loaded.value());
}

int runDecode(const Options& o) {
    const auto predictor = predictorOnNoise(o, 0);
    if (!predictor)
        return 2;
    Predictor& p = *predictor;
    const int w = kNoiseW, h = kNoiseH;
    PromptSet prompts;
    prompts.points = {{400.5, 300.5, true}};
    const auto click = [&] {
        auto low = p.predictLowRes(prompts);
        (void)p.upscaleMask(low->mask(low->best()), {w, h});
    };
    const double plain = medianSeconds(o.repeats, click);
    std::printf("click (predictLowRes + upscaleMask of the best at %d x %d): %.1f ms\n", w, h,
                plain * 1000);
    namespace prof = torch::autograd::profiler;
    prof::enableProfilerLegacy(
        torch::profiler::impl::ProfilerConfig(torch::profiler::impl::ProfilerState::CPU));
    const auto t0 = std::chrono::steady_clock::now();
    for (int i = 0; i < o.repeats; ++i)
        click();
    const double wall = secondsSince(t0);
    printProfile(prof::disableProfilerLegacy(), wall, o.repeats, 3);
    return 0;
}

// The image-side products of one prompt in PointBatchDecoder (core/sam/model), one thread as
// inside its parallel loop: G*G = 4096 image tokens, P = 256, 8 heads x 7 tokens = 56.
int runPoints(const Options& o) {
    const std::int64_t N = 4096, P = 256, C = 56, D = 128;
    struct Shape {
        const char* name;
        bool transposedA, transposedB;
        std::int64_t m, n, k;
    };
    const std::int64_t nb = 256;  // PointBatchDecoder's block of image tokens
    const std::vector<Shape> shapes = {
        {"block: image -> token scores (layer 0)", false, true, C, nb, D},
        {"block: image -> token scores", false, true, C, nb, P},
        {"block: x += a^T values", true, false, nb, P, C},
        {"block: next token -> image scores", false, true, C, nb, P},
        {"token -> image output: s @ x", false, false, C, P, N},
        {"upscaler deconv1 (64 tokens)", false, false, 64, 4 * 64, P},
        {"upscaler deconv2 (256 pixels)", false, false, 256, 4 * 32, 64},
        {"upscaler masks (1024 pixels)", false, true, 1024, 3, 32},
        {"upscaler masks, transposed", false, true, 3, 1024, 32},
    };
    at::set_num_threads(1);
    for (const auto& s : shapes) {
        const auto a = s.transposedA ? torch::randn({s.k, s.m}) : torch::randn({s.m, s.k});
        const auto b = s.transposedB ? torch::randn({s.n, s.k}) : torch::randn({s.k, s.n});
        auto c = torch::zeros({s.m, s.n});
        const std::int64_t lda = s.transposedA ? s.m : s.k, ldb = s.transposedB ? s.k : s.n;
        const double t = medianSeconds(o.repeats * 50, [&] {
            if (s.transposedA)
                gemm::multiplyTransposedA(s.transposedB, s.m, s.n, s.k, 1.0f, a.data_ptr<float>(),
                                          lda, b.data_ptr<float>(), ldb, 1.0f, c.data_ptr<float>(),
                                          s.n);
            else
                gemm::multiply(gemm::Inputs::Float32, s.transposedB, s.m, s.n, s.k, 1.0f,
                               a.data_ptr<float>(), lda, b.data_ptr<float>(), ldb, 0.0f,
                               c.data_ptr<float>(), s.n);
        });
        std::printf("  %-42s %5lld x %5lld x %5lld: %6.1f GFLOP/s, %.1f us\n", s.name,
                    (long long)s.m, (long long)s.n, (long long)s.k, 2.0 * s.m * s.n * s.k / t / 1e9,
                    t * 1e6);
    }
    // The same products on two threads at once (each its own operands), as inside the decoder's
    // parallel loop over prompts.
    at::set_num_threads(2);
    for (const auto& s : shapes) {
        std::vector<torch::Tensor> as, bs, cs;
        for (int t = 0; t < 2; ++t) {
            as.push_back(s.transposedA ? torch::randn({s.k, s.m}) : torch::randn({s.m, s.k}));
            bs.push_back(s.transposedB ? torch::randn({s.n, s.k}) : torch::randn({s.k, s.n}));
            cs.push_back(torch::zeros({s.m, s.n}));
        }
        const std::int64_t lda = s.transposedA ? s.m : s.k, ldb = s.transposedB ? s.k : s.n;
        const int reps = o.repeats * 50;
        const double t = medianSeconds(1, [&] {
            at::parallel_for(0, 2, 1, [&](std::int64_t begin, std::int64_t end) {
                for (std::int64_t w = begin; w < end; ++w)
                    for (int r = 0; r < reps; ++r) {
                        if (s.transposedA)
                            gemm::multiplyTransposedA(
                                s.transposedB, s.m, s.n, s.k, 1.0f, as[w].data_ptr<float>(), lda,
                                bs[w].data_ptr<float>(), ldb, 1.0f, cs[w].data_ptr<float>(), s.n);
                        else
                            gemm::multiply(gemm::Inputs::Float32, s.transposedB, s.m, s.n, s.k,
                                           1.0f, as[w].data_ptr<float>(), lda,
                                           bs[w].data_ptr<float>(), ldb, 0.0f,
                                           cs[w].data_ptr<float>(), s.n);
                    }
            });
        });
        std::printf("  2 threads: %-31s %6.1f GFLOP/s per thread\n", s.name,
                    2.0 * s.m * s.n * s.k * reps / t / 1e9);
    }
    at::set_num_threads(1);
    auto values = torch::randn({64 * 16 * 32});
    const double gelu = medianSeconds(o.repeats * 50, [&] { at::gelu_(values); });
    std::printf("  %-42s %lld values: %.2f ns per value\n", "upscaler GELU (at::gelu_)",
                (long long)values.numel(), gelu * 1e9 / values.numel());
    const double ours = medianSeconds(
        o.repeats * 50, [&] { kernels::geluInPlace(values.data_ptr<float>(), values.numel()); });
    std::printf("  %-42s %lld values: %.2f ns per value\n", "upscaler GELU (kernels::geluInPlace)",
                (long long)values.numel(), ours * 1e9 / values.numel());
    return 0;
}

// predictPoints on a grid of 64 points of a synthetic image, without and with the masks, and
// the per-op profile of the version without.
int runPointDecode(const Options& o) {
    const auto predictor = predictorOnNoise(o, o.threads);
    if (!predictor)
        return 2;
    Predictor& p = *predictor;
    const int w = kNoiseW, h = kNoiseH;
    std::vector<PromptPoint> points;
    for (int i = 0; i < 64; ++i)
        points.push_back({(i % 8 + 0.5) * w / 8, (i / 8 + 0.5) * h / 8, true});
    const float never = std::numeric_limits<float>::infinity();
    // Process CPU time as well as wall time: on a shared machine the wall time also counts
    // the other processes' turns.
    const auto cpuSeconds = [] {
        timespec t{};
        clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t);
        return t.tv_sec + t.tv_nsec * 1e-9;
    };
    double cpu0 = cpuSeconds();
    const double tokens = medianSeconds(o.repeats, [&] { (void)p.predictPoints(points, never); });
    const double tokensCpu = (cpuSeconds() - cpu0) / (o.repeats + 1);
    cpu0 = cpuSeconds();
    const double all = medianSeconds(o.repeats, [&] { (void)p.predictPoints(points); });
    const double allCpu = (cpuSeconds() - cpu0) / (o.repeats + 1);
    std::printf(
        "64 points: %.2f ms per point without masks, %.2f ms with every mask (wall, "
        "median); CPU time %.2f and %.2f ms per point (mean)\n",
        tokens * 1000 / 64, all * 1000 / 64, tokensCpu * 1000 / 64, allCpu * 1000 / 64);
    namespace prof = torch::autograd::profiler;
    prof::enableProfilerLegacy(
        torch::profiler::impl::ProfilerConfig(torch::profiler::impl::ProfilerState::CPU));
    const auto t0 = std::chrono::steady_clock::now();
    for (int i = 0; i < o.repeats; ++i)
        (void)p.predictPoints(points, never);
    const double wall = secondsSince(t0);
    printProfile(prof::disableProfilerLegacy(), wall, o.repeats, 2);
    return 0;
}

int usage() {
    std::fprintf(stderr,
                 "usage: bench_sam_ops block --kind windowed|global [--dtype D] [--threads N] "
                 "[--repeats R]\n"
                 "       bench_sam_ops gemm [--dtype D] [--threads N] [--repeats R]\n");
    return 2;
}

}  // namespace

int main(int argc, char** argv) {
    if (argc < 2)
        return usage();
    Options o;
    o.mode = argv[1];
    for (int i = 2; i + 1 < argc; i += 2) {
        const std::string key = argv[i], value = argv[i + 1];
        if (key == "--kind")
            o.kind = value;
        else if (key == "--dtype")
            o.dtype = value;
        else if (key == "--threads")
            o.threads = std::stoi(value);
        else if (key == "--checkpoint")
            o.checkpoint = value;
        else if (key == "--repeats")
            o.repeats = std::max(1, std::stoi(value));
        else
            return usage();
    }
    if (o.threads > 0)
        at::set_num_threads(o.threads);
    cachingallocator::install();  // as Predictor::load does
    if (o.mode == "block")
        return runBlock(o);
    if (o.mode == "gemm")
        return runGemm(o);
    if (o.mode == "decode")
        return runDecode(o);
    if (o.mode == "points")
        return runPoints(o);
    if (o.mode == "pointdecode")
        return runPointDecode(o);
    return usage();
}
