// Predictor::predictPoints: a grid of one-point prompts through the batched decoder, in chunks
// (the image tokens of a chunk's prompts live until its masks are made: 4 MB per prompt for the
// released models, so 16 at a time on a CPU).
#include <ATen/record_function.h>

#include <algorithm>
#include <cmath>

#include "core/sam/predictor/predictorimpl.h"

namespace samdesk {

const float* PointBatchPrediction::lowRes(int point, int candidate) const {
    if (point < 0 || point >= count || plane[static_cast<std::size_t>(point)] < 0)
        return nullptr;
    const std::size_t area = static_cast<std::size_t>(side) * side;
    return logits.data() + (static_cast<std::size_t>(plane[point]) + candidate) * area;
}

Expected<PointBatchPrediction> Predictor::predictPoints(const std::vector<PromptPoint>& points,
                                                        std::optional<float> minIou) {
    std::lock_guard lock(m_impl->mutex);
    Impl& d = *m_impl;
    if (!d.hasImage)
        return Error::invalid("no image set: call setImage() first");
    for (std::size_t i = 0; i < points.size(); ++i) {
        const PromptPoint& p = points[i];
        if (!(p.x >= 0 && p.y >= 0 && p.x <= d.original.width && p.y <= d.original.height))
            return Error::invalid("point " + std::to_string(i) + " (" + std::to_string(p.x) + ", " +
                                  std::to_string(p.y) + ") is outside the " +
                                  std::to_string(d.original.width) + " x " +
                                  std::to_string(d.original.height) + " image");
    }
    d.useThreads(false);
    return guarded<PointBatchPrediction>(
        "decoding the points", [&]() -> Expected<PointBatchPrediction> {
            const int n = static_cast<int>(points.size());
            const double S = d.config.imageSize;
            // apply_coords: the ratio first, then the product (double); the prompt encoder's
            // +0.5 and / S in double; float last.
            const double sx = static_cast<double>(d.input.width) / d.original.width;
            const double sy = static_cast<double>(d.input.height) / d.original.height;
            std::vector<float> coords(static_cast<std::size_t>(2 * n));
            for (int i = 0; i < n; ++i) {
                const double x = points[i].x * sx, y = points[i].y * sy;
                coords[2 * i] = static_cast<float>((x + 0.5) / S);
                coords[2 * i + 1] = static_cast<float>((y + 0.5) / S);
            }
            PointBatchPrediction r;
            r.count = n;
            r.side = d.maskSide();
            r.iou.resize(static_cast<std::size_t>(3 * n));
            r.plane.assign(static_cast<std::size_t>(n), -1);
            const std::size_t area = static_cast<std::size_t>(r.side) * r.side;
            if (!minIou)
                r.logits.reserve(static_cast<std::size_t>(n) * 3 * area);
            const int chunk = d.device.is_cpu() ? 16 : 64;
            int planes = 0;
            for (int start = 0; start < n; start += chunk) {
                const int m = std::min(chunk, n - start);
                const auto normalised =
                    torch::from_blob(coords.data() + 2 * start, {m, 2}, torch::kFloat32)
                        .to(d.device, /*non_blocking=*/false, /*copy=*/true);
                const auto out =
                    d.pointDecoder->forward(*d.prepared, d.pointDecoder->embedPoints(normalised));
                const std::vector<float> iou = toFloats(out.iou);
                std::copy(iou.begin(), iou.end(), r.iou.begin() + 3 * start);
                std::vector<std::int64_t> which;
                for (int b = 0; b < m; ++b) {
                    const float* s = iou.data() + 3 * b;
                    if (!minIou || s[0] > *minIou || s[1] > *minIou || s[2] > *minIou)
                        which.push_back(b);
                }
                if (which.empty())
                    continue;
                const std::size_t first = r.logits.size();
                r.logits.resize(first + which.size() * 3 * area);
                d.pointDecoder->masks(out, which, r.logits.data() + first);
                for (const std::int64_t b : which) {
                    r.plane[static_cast<std::size_t>(start + b)] = planes;
                    planes += 3;
                }
            }
            return r;
        });
}

}  // namespace samdesk
