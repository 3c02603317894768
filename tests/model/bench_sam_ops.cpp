// A profiling aid for the image encoder, not a test (docs/performance.md quotes its output):
//   bench_sam_ops block --kind windowed|global [--dtype float32|bfloat16] [--threads N]
//                 [--repeats R]      per-op inclusive times of one vit_b block (libtorch profiler)
//   bench_sam_ops gemm [--dtype float32|bfloat16] [--threads N]
//                 GFLOP/s of the encoder's matrix products at their real shapes
//   bench_sam_ops decode --checkpoint C [--threads N] [--repeats R]
//                 per-op times of predictLowRes (one click, 3 candidates) on a synthetic image
// Weights are random; only the shapes matter for timing.
#include <torch/csrc/autograd/profiler_legacy.h>
#include <torch/torch.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <map>
#include <string>
#include <vector>

#include "core/checkpoint/samconfig.h"
#include "core/sam/model/encoderblock.h"
#include "core/sam/model/encoderworkspace.h"
#include "core/sam/predictor/predictor.h"
#include "core/sam/runtime/cachingallocator.h"

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

int runDecode(const Options& o) {
    PredictorOptions po;
    po.dtype = "float32";
    auto loaded = Predictor::load(o.checkpoint, po);
    if (!loaded) {
        std::fprintf(stderr, "%s\n", loaded.error().message.c_str());
        return 2;
    }
    Predictor& p = **loaded;
    const int w = 1024, h = 768;
    std::vector<std::uint8_t> rgb(std::size_t(w) * h * 3);
    for (std::size_t i = 0; i < rgb.size(); ++i)
        rgb[i] = static_cast<std::uint8_t>((i * 2654435761u) >> 24);
    ImageView view{rgb.data(), w, h, 3, 8, 0, PixelOrder::Rgb};
    if (auto st = p.setImage(view); !st)
        return 2;
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
    return usage();
}
