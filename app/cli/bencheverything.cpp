// bench --everything (see bencheverything.h).
#include "app/cli/bencheverything.h"

#include <cstdio>
#include <iostream>

#include <nlohmann/json.hpp>

#include "app/cli/amgoptions.h"
#include "app/cli/benchreport.h"
#include "core/sam/predictor/automaskgenerator.h"

namespace samdesk::cli {

int benchEverything(const Args& args, Predictor& predictor, const ImageFile& image,
                    const std::string& imageName, double loadSeconds, long long repeats) {
    auto params = autoMaskParams(args);
    if (!params)
        return fail(params.error().message);
    AutoMaskGenerator generator(predictor, *params);
    std::vector<AutoMaskResult> runs;
    auto timed = timeRepeats(repeats, [&]() -> Status {
        auto result = generator.generate(image.view());
        if (!result)
            return result.error();
        runs.push_back(std::move(result.value()));
        return {};
    });
    if (!timed)
        return fail(imageName + ": " + withFlagNames(timed.error().message));
    const std::vector<double>& totals = timed.value();
    const double peakMb = peakRssMb();
    const BenchSubject subject{args,         predictor,   imageName,           image.width,
                               image.height, loadSeconds, collectRuntimeInfo()};
    if (args.flag("json")) {
        nlohmann::json j = benchJsonHead(subject);
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
    printBenchHead(subject);
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
