// Automatic mask records as masks and outlines, decoded run by run inside their box.
#include "core/annotation/automaskshapes.h"

#include <algorithm>
#include <cstdint>

#include "core/annotation/outlinetrace.h"

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

std::vector<Polygon> autoMaskOutline(const AutoMask& mask, int maxSide) {
    if (mask.area <= 0)
        return {};
    const int x0 = mask.bbox[0], y0 = mask.bbox[1];
    const int w = mask.bbox[2] + 1, h = mask.bbox[3] + 1;
    const int side = std::max(w, h);
    const int f = maxSide > 0 && side > maxSide ? (side + maxSide - 1) / maxSide : 1;
    // The box at 1/f: a cell is set when any of its pixels is (the outline never cuts into
    // the mask), made from the runs directly, so a mask over a whole 48 MP photo costs its
    // pixels once and a 2048-pixel grid, not a 48 MP crop and its trace.
    BinaryMask grid((w + f - 1) / f, (h + f - 1) / f);
    forEachSetPixel(mask, [&](int x, int y) {
        const int gx = (x - x0) / f, gy = (y - y0) / f;
        if (grid.contains(gx, gy))
            grid.set(gx, gy, true);
    });
    std::vector<Polygon> rings;
    for (const IntRing& ring : edgeRings(grid)) {
        Polygon polygon;
        polygon.reserve(ring.size());
        for (const IntVertex& v : ring)
            polygon.push_back(
                {double(x0 + std::min(v.x * f, w)), double(y0 + std::min(v.y * f, h))});
        rings.push_back(std::move(polygon));
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
