// Generator parameters from flags, records to JSON (see amgoptions.h).
#include "app/cli/amgoptions.h"

#include <algorithm>
#include <vector>

#include "core/annotation/rle.h"

namespace samdesk::cli {

namespace {

// --points-per-side for points_per_side.
std::string flagOf(const char* name) {
    std::string flag(name);
    std::replace(flag.begin(), flag.end(), '_', '-');
    return flag;
}

std::string snake(std::string flag) {
    std::replace(flag.begin(), flag.end(), '-', '_');
    return flag;
}

}  // namespace

std::string withFlagNames(std::string message) {
    for (const auto& name : autoMaskOptionNames()) {
        const std::string s = snake(name), flag = "--" + name;
        for (auto at = message.find(s); at != std::string::npos; at = message.find(s, at))
            message.replace(at, s.size(), flag);
    }
    return message;
}

const std::set<std::string>& autoMaskOptionNames() {
    static const std::set<std::string> names = [] {
        std::set<std::string> n;
        for (const auto& f : autoMaskParamFields())
            n.insert(flagOf(f.name));
        return n;
    }();
    return names;
}

const char* autoMaskOptionsHelp() {
    return "The original generator's parameters (SamAutomaticMaskGenerator), same defaults:\n"
           "  --points-per-side N (32)          --points-per-batch N (64)\n"
           "  --pred-iou-thresh T (0.88)        --stability-score-thresh T (0.95)\n"
           "  --stability-score-offset O (1.0)  --box-nms-thresh T (0.7)\n"
           "  --crop-n-layers N (0)             --crop-nms-thresh T (0.7)\n"
           "  --crop-overlap-ratio R (512/1500) --crop-n-points-downscale-factor F (1)\n"
           "  --min-mask-region-area A (0)\n"
           "A threshold <= 0 switches its filter off, as in the original.\n";
}

Expected<AutoMaskParams> autoMaskParams(const Args& args) {
    AutoMaskParams p;
    std::string err;
    for (const auto& f : autoMaskParamFields()) {
        const std::string flag = flagOf(f.name);
        if (f.integer) {
            if (const auto v = args.integer(flag, &err)) {
                if (*v < -1000000 || *v > 1000000)
                    return Error::invalid("--" + flag + " " + std::to_string(*v) +
                                          " is out of range");
                f.set(p, double(*v));
            }
        } else if (const auto v = args.number(flag, &err)) {
            f.set(p, *v);
        }
        if (!err.empty())
            return Error::invalid(err);
    }
    if (auto st = checkAutoMaskParams(p); !st) {
        // The check names the original's parameter: point at the flag instead.
        return Error::invalid(withFlagNames(st.error().message));
    }
    return p;
}

nlohmann::json autoMaskParamsJson(const AutoMaskParams& p) {
    nlohmann::json j;
    for (const auto& f : autoMaskParamFields()) {
        if (f.integer)
            j[f.name] = p.*f.integer;
        else
            j[f.name] = p.*f.real;
    }
    return j;
}

nlohmann::json autoMaskJson(const AutoMask& m) {
    nlohmann::json j;
    j["segmentation"] = {{"size", {m.height, m.width}}, {"counts", rleCountsToString(m.counts)}};
    j["area"] = m.area;
    j["bbox"] = m.bbox;
    j["predicted_iou"] = m.predictedIou;
    j["point_coords"] = nlohmann::json::array({{m.pointX, m.pointY}});
    j["stability_score"] = m.stabilityScore;
    j["crop_box"] = m.cropBox;
    return j;
}

}  // namespace samdesk::cli
