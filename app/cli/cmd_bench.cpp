// samdesk-cli bench: load, encode and click timings of one checkpoint on this machine
// (docs/performance.md collects its output).
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <iostream>
#include <random>
#include <set>

#include <nlohmann/json.hpp>

#include "app/cli/amgoptions.h"
#include "app/cli/args.h"
#include "app/cli/bencheverything.h"
#include "app/cli/benchreport.h"
#include "app/cli/clock.h"
#include "app/cli/commands.h"
#include "app/cli/modeloptions.h"
#include "core/sam/predictor/imagefile.h"
#include "core/sam/predictor/predictor.h"
#include "core/sam/runtime/fastgemm.h"
#include "core/sam/runtime/runtimeinfo.h"

namespace samdesk::cli {

namespace {

const char* kBenchHelp =
    "usage: samdesk-cli bench --checkpoint C [--image I] [--device D] [--dtype T]\n"
    "                         [--repeats N] [--threads N] [--json]\n"
    "                         [--everything [generator parameters]]\n\n"
    "Times what a user waits for with checkpoint C:\n"
    "  load_s     reading the checkpoint and binding the weights\n"
    "  encode_s   the image encoder (setImage), median and every one of N runs (default 3)\n"
    "  decode_ms  a click: prompt -> the selected mask at the image's size (decoder at low\n"
    "             resolution, the best candidate upsampled), median over 20 random clicks\n"
    "  predict_ms the same clicks with every candidate upsampled (the reference's predict)\n"
    "and reports peak RSS, threads, dtype, device, libtorch version and the GEMM backend.\n"
    "Without --image a deterministic synthetic 1024 x 768 image is used.\n"
    "--dtype auto (default: bfloat16 on CUDA, bfloat16 or mixed where it measured faster on\n"
    "this CPU, see doctor; else float32) | float32 | bfloat16 | mixed (the CPU: bfloat16 linear\n"
    "layers, float32 attention) | float16 (CUDA). --threads N: libtorch threads "
    "(default:\n"
    "all cores). Exit status 2 on error.\n\n"
    "--everything times the automatic mask generator instead (samdesk-cli everything, its\n"
    "parameter flags apply): per run (default 1) the encoder and everything after it.\n";

// Smooth shapes and gradients with some texture: deterministic, and not a flat image that a
// model could treat specially.
ImageFile syntheticImage(int width, int height) {
    ImageFile img;
    img.width = width;
    img.height = height;
    img.channels = 3;
    img.bytes.resize(static_cast<std::size_t>(width) * height * 3);
    std::mt19937 noise(7);
    for (int y = 0; y < height; ++y) {
        for (int x = 0; x < width; ++x) {
            const double dx = x - width * 0.4, dy = y - height * 0.55;
            const bool disc = dx * dx + dy * dy < (height * 0.25) * (height * 0.25);
            const bool square =
                x > width * 0.65 && x < width * 0.9 && y > height * 0.15 && y < height * 0.45;
            std::uint8_t* p = img.bytes.data() + (static_cast<std::size_t>(y) * width + x) * 3;
            const int grain = static_cast<int>(noise() % 17) - 8;
            p[0] = static_cast<std::uint8_t>(
                std::clamp((disc ? 40 : 200 * x / width) + grain, 0, 255));
            p[1] = static_cast<std::uint8_t>(
                std::clamp((square ? 220 : 90 + 100 * y / height) + grain, 0, 255));
            p[2] = static_cast<std::uint8_t>(std::clamp((disc ? 210 : 60) + grain, 0, 255));
        }
    }
    return img;
}

}  // namespace

int runBench(const Argv& argv) {
    std::set<std::string> valued = {"checkpoint", "image", "device", "dtype", "repeats", "threads"};
    valued.insert(autoMaskOptionNames().begin(), autoMaskOptionNames().end());
    Args args(argv, valued, {"json", "everything"});
    if (!args.error().empty())
        return fail(args.error());
    if (args.wantsHelp()) {
        std::cout << kBenchHelp;
        return 0;
    }
    if (!args.value("checkpoint"))
        return fail("bench needs --checkpoint (see samdesk-cli bench --help)");
    std::string err;
    const auto repeats = args.integer("repeats", &err);
    const auto threads = err.empty() ? args.integer("threads", &err) : std::nullopt;
    if (!err.empty())
        return fail(err);
    if (repeats && *repeats < 1)
        return fail("--repeats must be at least 1");

    ImageFile image;
    std::string imageName = "synthetic 1024 x 768";
    if (const auto path = args.value("image")) {
        auto read = readImageFile(*path);
        if (!read)
            return fail(read.error().message);
        image = std::move(read.value());
        imageName = *path;
    } else {
        image = syntheticImage(1024, 768);
    }

    const PredictorOptions options = predictorOptions(args, threads, "auto");
    auto t0 = std::chrono::steady_clock::now();
    auto loaded = Predictor::load(*args.value("checkpoint"), options);
    if (!loaded)
        return fail(loaded.error().message);
    Predictor& predictor = *loaded.value();
    const double loadSeconds = secondsSince(t0);

    if (args.flag("everything"))
        return benchEverything(args, predictor, image, imageName, loadSeconds, repeats.value_or(1));
    for (const auto& name : autoMaskOptionNames())
        if (args.value(name))
            return fail("--" + name + " goes with --everything");

    auto encoded = timeRepeats(repeats.value_or(3), [&]() -> Status {
        if (auto st = predictor.setImage(image.view()); !st)
            return st;
        synchronizeDevice(predictor.options().device);
        return {};
    });
    if (!encoded)
        return fail(imageName + ": " + encoded.error().message);
    const std::vector<double>& encodeSeconds = encoded.value();

    // 20 clicks anywhere in the image, the same on every run.
    std::mt19937 rng(20240607);
    std::uniform_real_distribution<double> ux(0.0, image.width), uy(0.0, image.height);
    const ImageSize size{image.width, image.height};
    std::vector<double> decodeMs, predictMs;
    for (int i = 0; i < 20; ++i) {
        PromptSet prompts;
        prompts.points = {{ux(rng), uy(rng), true}};
        t0 = std::chrono::steady_clock::now();
        auto low = predictor.predictLowRes(prompts);
        if (!low)
            return fail(low.error().message);
        auto mask = predictor.upscaleMask(low->mask(low->best()), size);
        if (!mask)
            return fail(mask.error().message);
        decodeMs.push_back(secondsSince(t0) * 1000);
        t0 = std::chrono::steady_clock::now();
        auto full = predictor.predict(prompts);
        if (!full)
            return fail(full.error().message);
        predictMs.push_back(secondsSince(t0) * 1000);
    }

    const BenchSubject subject{args,         predictor,   imageName,           image.width,
                               image.height, loadSeconds, collectRuntimeInfo()};
    if (args.flag("json")) {
        nlohmann::json j = benchJsonHead(subject);
        j["torch_version"] = subject.runtime.torchVersion;
        j["gemm"] = gemm::backendName();
        j["encode_s"] = {{"median", median(encodeSeconds)}, {"runs", encodeSeconds}};
        j["decode_ms"] = {{"median", median(decodeMs)}, {"runs", decodeMs}};
        j["predict_ms"] = {{"median", median(predictMs)}, {"runs", predictMs}};
        j["peak_rss_mb"] = peakRssMb();
        std::cout << j.dump(2) << "\n";
        return 0;
    }
    printBenchHead(subject);
    std::printf("encode_s     median %.3f, runs", median(encodeSeconds));
    for (double s : encodeSeconds)
        std::printf(" %.3f", s);
    std::printf(
        "\ndecode_ms    median %.1f (min %.1f, max %.1f) over 20 clicks, best mask at %d x %d\n",
        median(decodeMs), *std::min_element(decodeMs.begin(), decodeMs.end()),
        *std::max_element(decodeMs.begin(), decodeMs.end()), image.width, image.height);
    std::printf("predict_ms   median %.1f (every candidate at full size)\n", median(predictMs));
    std::printf("peak_rss_mb  %.0f\n", peakRssMb());
    return 0;
}

}  // namespace samdesk::cli
