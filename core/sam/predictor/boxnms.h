// Box non-maximum suppression exactly as the original automatic mask generator gets it from
// torchvision 0.14 on a CPU (batched_nms with one category): the same boxes kept, in the same
// order, ties included. Torch-free.
#pragma once

#include <array>
#include <cstddef>
#include <vector>

namespace samdesk {

// x0, y0, x1, y1 as float32 (mask boxes are inclusive pixel indices, used as they are).
using NmsBox = std::array<float, 4>;

// torchvision.ops.nms: by score descending (a stable sort, NaN first), each box kept unless an
// earlier kept box overlaps it with IoU > threshold (float32 IoU, compared in double; an IoU of
// 0/0 never suppresses). Returns the kept indices in that order.
std::vector<std::size_t> nms(const std::vector<NmsBox>& boxes, const std::vector<float>& scores,
                             double threshold);

// torchvision.ops.batched_nms(boxes, scores, zeros, threshold) on a CPU: nms() for up to 1000
// boxes; above that its "vanilla" branch, which keeps the same boxes but orders them again:
// ascending index, then an unstable sort by score descending (libstdc++'s std::sort, as
// libtorch 1.13 sorts), which may reorder equal scores.
std::vector<std::size_t> batchedNms(const std::vector<NmsBox>& boxes,
                                    const std::vector<float>& scores, double threshold);

}  // namespace samdesk
