// Automatic mask records as masks and outlines, decoded run by run inside their box.
#include "core/annotation/automaskshapes.h"

#include <algorithm>
#include <cstdint>

#include "core/annotation/maskcontours.h"

namespace samdesk {

namespace {

// Calls set(x, y) for every pixel of the record's runs (column-major: x outer, y inner).
template <typename Set>
void forEachSetPixel(const AutoMask& mask, Set&& set) {
    const auto H = static_cast<std::uint64_t>(mask.height);
    if (H == 0)
        return;
    const std::uint64_t total = static_cast<std::uint64_t>(mask.width) * H;
    std::uint64_t index = 0;
    bool value = false;
    for (const std::uint32_t c : mask.counts) {
        const std::uint64_t end = std::min(total, index + c);
        if (value)
            for (std::uint64_t k = index; k < end; ++k)
                set(static_cast<int>(k / H), static_cast<int>(k % H));
        index = end;
        value = !value;
    }
}

}  // namespace

BinaryMask autoMaskToBinary(const AutoMask& mask) {
    BinaryMask out(mask.width, mask.height);
    forEachSetPixel(mask, [&](int x, int y) { out.set(x, y, true); });
    return out;
}

BinaryMask autoMaskBoxCrop(const AutoMask& mask) {
    if (mask.area <= 0)
        return {};
    const int x0 = mask.bbox[0], y0 = mask.bbox[1];
    BinaryMask crop(mask.bbox[2] + 1, mask.bbox[3] + 1);
    forEachSetPixel(mask, [&](int x, int y) {
        if (crop.contains(x - x0, y - y0))
            crop.set(x - x0, y - y0, true);
    });
    return crop;
}

std::vector<Polygon> autoMaskOutline(const AutoMask& mask, double tolerance) {
    const BinaryMask crop = autoMaskBoxCrop(mask);
    if (crop.isNull())
        return {};
    PolygonOptions options;
    options.tolerance = tolerance;
    options.minIoU = 0.9;  // for the eye: a looser fit than the exports need
    std::vector<Polygon> rings = maskToPolygons(crop, options, PolygonRaster::CentreSampling);
    for (Polygon& ring : rings)
        for (PointF& p : ring) {
            p.x += mask.bbox[0];
            p.y += mask.bbox[1];
        }
    return rings;
}

AnnotationObject autoMaskObject(const AutoMask& mask, int id, const std::string& label,
                                const std::string& engine, const std::string& fingerprint) {
    AnnotationObject object;
    object.id = id;
    object.label = label;
    object.mask = autoMaskToBinary(mask);
    object.source = source::kEverything;
    object.score = mask.predictedIou;
    const bool wholeImage = mask.cropBox[0] == 0 && mask.cropBox[1] == 0 &&
                            mask.cropBox[2] == mask.width && mask.cropBox[3] == mask.height;
    if (wholeImage && !mask.cleaned) {
        ObjectPrompts prompts;
        prompts.points.push_back({mask.pointX, mask.pointY, true});
        prompts.candidate = mask.candidate;
        prompts.engine = engine;
        prompts.checkpoint = fingerprint;
        object.prompts = std::move(prompts);
    }
    return object;
}

}  // namespace samdesk
