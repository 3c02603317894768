// "Segment everything" values: the parameter check and the records' masks.
#include "core/common/automask.h"

#include <cmath>
#include <string>
#include <utility>

namespace samdesk {

namespace {

bool finite(double v) {
    return std::isfinite(v);
}

}  // namespace

const std::vector<AutoMaskParamField>& autoMaskParamFields() {
    using P = AutoMaskParams;
    static const std::vector<AutoMaskParamField> fields = {
        {"points_per_side", &P::pointsPerSide, nullptr},
        {"points_per_batch", &P::pointsPerBatch, nullptr},
        {"pred_iou_thresh", nullptr, &P::predIouThresh},
        {"stability_score_thresh", nullptr, &P::stabilityScoreThresh},
        {"stability_score_offset", nullptr, &P::stabilityScoreOffset},
        {"box_nms_thresh", nullptr, &P::boxNmsThresh},
        {"crop_n_layers", &P::cropNLayers, nullptr},
        {"crop_nms_thresh", nullptr, &P::cropNmsThresh},
        {"crop_overlap_ratio", nullptr, &P::cropOverlapRatio},
        {"crop_n_points_downscale_factor", &P::cropNPointsDownscaleFactor, nullptr},
        {"min_mask_region_area", &P::minMaskRegionArea, nullptr},
    };
    return fields;
}

const AutoMaskParamField* findAutoMaskParam(const std::string& name) {
    for (const AutoMaskParamField& f : autoMaskParamFields())
        if (name == f.name)
            return &f;
    return nullptr;
}

Status checkAutoMaskParams(const AutoMaskParams& p) {
    const bool grids = !p.pointGrids.empty();
    if ((p.pointsPerSide > 0) == grids)
        return Error::invalid(grids ? "points_per_side and point_grids are both set: give one"
                                    : "points_per_side must be at least 1 (or give point_grids)");
    if (p.cropNLayers < 0 || p.cropNLayers > 8)
        return Error::invalid("crop_n_layers " + std::to_string(p.cropNLayers) +
                              " is outside 0..8");
    if (grids) {
        if (p.pointGrids.size() < static_cast<std::size_t>(p.cropNLayers) + 1)
            return Error::invalid("point_grids has " + std::to_string(p.pointGrids.size()) +
                                  " grid(s); crop_n_layers " + std::to_string(p.cropNLayers) +
                                  " needs one per layer (" + std::to_string(p.cropNLayers + 1) +
                                  ")");
        for (std::size_t k = 0; k < p.pointGrids.size(); ++k)
            for (const auto& xy : p.pointGrids[k])
                if (!(xy[0] >= 0 && xy[0] <= 1 && xy[1] >= 0 && xy[1] <= 1))
                    return Error::invalid("point_grids[" + std::to_string(k) +
                                          "] has a point outside [0, 1] x [0, 1]");
    }
    if (p.pointsPerBatch < 1)
        return Error::invalid("points_per_batch must be at least 1");
    if (p.cropNPointsDownscaleFactor < 1)
        return Error::invalid("crop_n_points_downscale_factor must be at least 1");
    if (!(p.cropOverlapRatio >= 0 && p.cropOverlapRatio < 1))
        return Error::invalid("crop_overlap_ratio must be in [0, 1)");
    if (p.minMaskRegionArea < 0)
        return Error::invalid("min_mask_region_area must not be negative");
    const std::pair<const char*, double> numbers[] = {
        {"pred_iou_thresh", p.predIouThresh},
        {"stability_score_thresh", p.stabilityScoreThresh},
        {"stability_score_offset", p.stabilityScoreOffset},
        {"box_nms_thresh", p.boxNmsThresh},
        {"crop_nms_thresh", p.cropNmsThresh}};
    for (const auto& [name, value] : numbers)
        if (!finite(value))
            return Error::invalid(std::string(name) + " must be a finite number");
    return {};
}

std::vector<std::uint8_t> decodeColumnRle(const std::vector<std::uint32_t>& counts, int width,
                                          int height) {
    std::vector<std::uint8_t> mask(static_cast<std::size_t>(width) * height, 0);
    const auto H = static_cast<std::uint64_t>(height);
    std::uint64_t index = 0;  // column-major: x * height + y
    bool value = false;
    for (const std::uint32_t c : counts) {
        if (value)
            for (std::uint64_t k = index; k < index + c; ++k)
                mask[(k % H) * static_cast<std::uint64_t>(width) + k / H] = 1;
        index += c;
        value = !value;
    }
    return mask;
}

bool columnRleAt(const std::vector<std::uint32_t>& counts, int height, int x, int y) {
    const std::uint64_t target = static_cast<std::uint64_t>(x) * height + y;
    std::uint64_t index = 0;
    bool value = false;
    for (const std::uint32_t c : counts) {
        if (target < index + c)
            return value;
        index += c;
        value = !value;
    }
    return false;
}

std::vector<std::uint8_t> AutoMask::toMask() const {
    return decodeColumnRle(counts, width, height);
}

}  // namespace samdesk
