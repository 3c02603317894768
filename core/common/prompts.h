// The prompt vocabulary every layer shares: points, a box, SAM's low-res mask logits (the mask
// input of the refinement loop) and the control of a long encode. Plain values (std only), used
// as they are by the predictor (core/sam), the engines (core/engine), the document and the CLI,
// so that no layer converts between look-alike types.
//
// Coordinates: original image pixels, x to the right, y down, continuous: pixel (i, j) covers
// [i, i + 1) x [j, j + 1), so a click in its middle is (i + 0.5, j + 0.5). Low-res logits live in
// the model's mask frame instead (see MaskFrame in core/engine/segmenter.h).
#pragma once

#include <atomic>
#include <functional>
#include <optional>
#include <vector>

namespace samdesk {

struct PromptPoint {
    double x = 0;
    double y = 0;
    bool foreground = true;  // false: a background point (SAM's label 0)
    bool operator==(const PromptPoint&) const = default;
};

// x0 <= x1, y0 <= y1.
struct PromptBox {
    double x0 = 0, y0 = 0, x1 = 0, y1 = 0;
    bool operator==(const PromptBox&) const = default;
};

// One mask's low-res logits, width x height row-major (SAM: a square of side 4G, 256 x 256 for
// the released checkpoints). Empty for engines without a mask input.
struct LowResLogits {
    int width = 0;
    int height = 0;
    std::vector<float> values;

    bool empty() const { return values.empty(); }
    bool operator==(const LowResLogits&) const = default;
};

struct PromptSet {
    std::vector<PromptPoint> points;  // any mix of foreground and background
    std::optional<PromptBox> box;     // at most one
    // The chosen low-res logits of an earlier prediction (the refinement loop); empty: none.
    LowResLogits maskInput;
    bool multimask = true;  // SAM: 3 candidates (for one ambiguous prompt) instead of 1

    // No point and no box (a mask input alone is not a prompt for the engines).
    bool empty() const { return points.empty() && !box; }
};

// A rectangle of original image pixels: columns [x, x + width), rows [y, y + height). The part
// of a large image that is encoded on its own (region encoding: SAM then sees it at its full
// input size, so small objects keep their detail).
struct ImageRegion {
    int x = 0, y = 0, width = 0, height = 0;

    bool empty() const { return width <= 0 || height <= 0; }
    bool contains(double px, double py) const {
        return px >= x && py >= y && px <= x + width && py <= y + height;
    }
    bool operator==(const ImageRegion&) const = default;
};

// Control of a long encode (SAM's image encoder), from any thread.
struct EncodeControl {
    // Called on the encoding thread after every encoder block with (blocks done, total blocks;
    // 1 for engines without blocks).
    std::function<void(int done, int total)> progress;
    // Checked between blocks; when it becomes true the encode returns Error::Kind::Cancelled.
    const std::atomic<bool>* cancel = nullptr;
};

}  // namespace samdesk
