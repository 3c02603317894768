// torchvision's CPU nms kernel and batched_nms dispatch (see boxnms.h).
#include "core/sam/predictor/boxnms.h"

#include <algorithm>
#include <cmath>
#include <numeric>
#include <utility>

namespace samdesk {

std::vector<std::size_t> nms(const std::vector<NmsBox>& boxes, const std::vector<float>& scores,
                             double threshold) {
    const std::size_t n = boxes.size();
    std::vector<std::size_t> order(n);
    std::iota(order.begin(), order.end(), std::size_t(0));
    // scores.sort(stable=True, descending=True): NaN counts as the largest value.
    std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
        const float sa = scores[a], sb = scores[b];
        if (std::isnan(sa))
            return !std::isnan(sb);
        return sa > sb;
    });
    std::vector<float> areas(n);
    for (std::size_t i = 0; i < n; ++i)
        areas[i] = (boxes[i][2] - boxes[i][0]) * (boxes[i][3] - boxes[i][1]);
    std::vector<char> suppressed(n, 0);
    std::vector<std::size_t> keep;
    for (std::size_t a = 0; a < n; ++a) {
        const std::size_t i = order[a];
        if (suppressed[i])
            continue;
        keep.push_back(i);
        const NmsBox& bi = boxes[i];
        for (std::size_t b = a + 1; b < n; ++b) {
            const std::size_t j = order[b];
            if (suppressed[j])
                continue;
            const NmsBox& bj = boxes[j];
            const float xx1 = std::max(bi[0], bj[0]), yy1 = std::max(bi[1], bj[1]);
            const float xx2 = std::min(bi[2], bj[2]), yy2 = std::min(bi[3], bj[3]);
            const float w = std::max(0.0f, xx2 - xx1), h = std::max(0.0f, yy2 - yy1);
            const float inter = w * h;
            const float iou = inter / (areas[i] + areas[j] - inter);
            if (static_cast<double>(iou) > threshold)
                suppressed[j] = 1;
        }
    }
    return keep;
}

std::vector<std::size_t> batchedNms(const std::vector<NmsBox>& boxes,
                                    const std::vector<float>& scores, double threshold) {
    std::vector<std::size_t> keep = nms(boxes, scores, threshold);
    if (boxes.size() * 4 <= 4000)
        return keep;
    // _batched_nms_vanilla: keep_indices = where(keep_mask) (ascending), then
    // keep_indices[scores[keep_indices].sort(descending=True)[1]].
    std::sort(keep.begin(), keep.end());
    std::vector<std::pair<float, std::int64_t>> pairs(keep.size());
    for (std::size_t i = 0; i < keep.size(); ++i)
        pairs[i] = {scores[keep[i]], static_cast<std::int64_t>(i)};
    std::sort(pairs.begin(), pairs.end(), [](const auto& a, const auto& b) {
        return (std::isnan(a.first) && !std::isnan(b.first)) || a.first > b.first;
    });
    std::vector<std::size_t> ordered(keep.size());
    for (std::size_t i = 0; i < keep.size(); ++i)
        ordered[i] = keep[static_cast<std::size_t>(pairs[i].second)];
    return ordered;
}

}  // namespace samdesk
