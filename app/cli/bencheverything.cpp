// bench --everything (see bencheverything.h).
#include "app/cli/bencheverything.h"

#include <sys/resource.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <iostream>

#include <nlohmann/json.hpp>

#include "app/cli/amgoptions.h"
#include "app/cli/clock.h"
#include "core/sam/predictor/automaskgenerator.h"
#include "core/sam/runtime/fastgemm.h"
#include "core/sam/runtime/runtimeinfo.h"

namespace samdesk::cli {

int benchEverything(const Args& args, Predictor& predictor, const ImageFile& image,
                    const std::string& imageName, double loadSeconds, long long repeats) {
    auto params = autoMaskParams(args);
    if (!params)
        return fail(params.error().message);
    AutoMaskGenerator generator(predictor, *params);
    std::vector<AutoMaskResult> runs;
    std::vector<double> totals;
    for (long long i = 0; i < repeats; ++i) {
        const auto t0 = std::chrono::steady_clock::now();
        auto result = generator.generate(image.view());
        if (!result)
            return fail(imageName + ": " + withFlagNames(result.error().message));
        totals.push_back(secondsSince(t0));
        runs.push_back(std::move(result.value()));
    }
    const RuntimeInfo info = collectRuntimeInfo();
    const PredictorOptions& used = predictor.options();
    rusage usage{};
    getrusage(RUSAGE_SELF, &usage);
    const double peakMb = static_cast<double>(usage.ru_maxrss) / 1024.0;
    if (args.flag("json")) {
        nlohmann::json j;
        j["checkpoint"] = *args.value("checkpoint");
        j["variant"] = predictor.config().variant;
        j["image"] = imageName;
        j["image_size"] = {image.width, image.height};
        j["device"] = used.device;
        j["dtype"] = used.dtype;
        j["threads"] = info.threads;
        j["cpu"] = info.cpu.modelName;
        j["load_s"] = loadSeconds;
        j["params"] = autoMaskParamsJson(*params);
        j["runs"] = nlohmann::json::array();
        for (std::size_t i = 0; i < runs.size(); ++i) {
            const AutoMaskStats& s = runs[i].stats;
            j["runs"].push_back({{"total_s", totals[i]},
                                 {"encode_s", s.encodeSeconds},
                                 {"after_encoder_s", totals[i] - s.encodeSeconds},
                                 {"decode_s", s.decodeSeconds},
                                 {"masks_s", s.maskSeconds},
                                 {"masks", runs[i].masks.size()},
                                 {"points", s.points},
                                 {"upsampled", s.upsampled}});
        }
        j["peak_rss_mb"] = peakMb;
        std::cout << j.dump(2) << "\n";
        return 0;
    }
    std::printf("checkpoint   %s (%s)\n", args.value("checkpoint")->c_str(),
                predictor.config().variant.c_str());
    std::printf("image        %s, %d x %d\n", imageName.c_str(), image.width, image.height);
    std::printf("device       %s, dtype %s, %d thread(s), libtorch %s, GEMM %s\n",
                used.device.c_str(), used.dtype.c_str(), info.threads, info.torchVersion.c_str(),
                gemm::backendName());
    std::printf("cpu          %s\n", info.cpu.modelName.c_str());
    std::printf("load_s       %.3f\n", loadSeconds);
    std::printf(
        "everything   points_per_side %d, pred_iou_thresh %g, stability_score_thresh %g, "
        "crop_n_layers %d\n",
        params->pointsPerSide, params->predIouThresh, params->stabilityScoreThresh,
        params->cropNLayers);
    for (std::size_t i = 0; i < runs.size(); ++i) {
        const AutoMaskStats& s = runs[i].stats;
        std::printf(
            "run %zu        total %.2f s: encoder %.2f s, after the encoder %.2f s "
            "(decoder %.2f s, masks %.2f s); %zu masks, %d points, %d of %d candidates "
            "upsampled\n",
            i + 1, totals[i], s.encodeSeconds, totals[i] - s.encodeSeconds, s.decodeSeconds,
            s.maskSeconds, runs[i].masks.size(), s.points, s.upsampled, s.candidates);
    }
    std::printf("peak_rss_mb  %.0f\n", peakMb);
    return 0;
}

}  // namespace samdesk::cli
