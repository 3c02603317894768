// Low-res mask logits -> logits or a binary mask at any output size, as the reference computes
// them (bilinear, align_corners = false, to S x S; crop the image's part; bilinear to the output
// size) but in one separable pass: both resizes are linear along each axis, so each output row
// (column) is a fixed blend of at most four low-res rows (columns). No S x S intermediate, only
// the requested region, and thresholding in the same pass. The blend weights are products of the
// reference's weights, so values agree with the two-step computation to float rounding (~1e-6).
// Torch-free; a MaskUpscaler is immutable after construction (any thread).
#pragma once

#include <cstdint>
#include <functional>
#include <vector>

namespace samdesk {

// A rectangle of output pixels: columns [x, x + width), rows [y, y + height).
struct UpscaleRegion {
    int x = 0;
    int y = 0;
    int width = 0;
    int height = 0;
};

class MaskUpscaler {
public:
    // side: the low-res square (4G); modelSize: S; cropWidth x cropHeight: the resized image
    // inside the model input (its part of the S x S upsampled mask); out: the output size.
    MaskUpscaler(int side, int modelSize, int cropWidth, int cropHeight, int outWidth,
                 int outHeight);

    int outWidth() const { return static_cast<int>(m_cols.size()); }
    int outHeight() const { return static_cast<int>(m_rows.size()); }

    // `region` must lie inside the output; `out` receives region.height x region.width values.
    void logits(const float* lowRes, const UpscaleRegion& region, float* out) const;
    // `on` where the logit is > 0, else 0.
    void mask(const float* lowRes, const UpscaleRegion& region, std::uint8_t* out,
              std::uint8_t on = 255) const;
    // Calls row(j, values) for each row j of the region (0-based) with its region.width logits,
    // valid during the call: to convert the logits on the fly without a full-size float buffer.
    void forEachLogitRow(const float* lowRes, const UpscaleRegion& region,
                         const std::function<void(int, const float*)>& row) const;
    // A region of the output outside which every value is below `level`: the output pixels
    // whose taps reach a low-res value above level - margin, with a margin far above float
    // rounding (1e-4 (1 + max |value|)); each output value is a convex blend of its taps.
    // Empty (width 0) when no low-res value comes that close.
    UpscaleRegion regionAbove(const float* lowRes, float level) const;

private:
    struct Taps {
        int first = 0;          // first low-res index
        int count = 0;          // 1..4 consecutive low-res indices
        float weight[4] = {0};  // their weights
    };
    static std::vector<Taps> axis(int side, int modelSize, int crop, int out);
    // Calls row(j, values) for each output row j of the region with its logits.
    template <typename RowFn>
    void forEachRow(const float* lowRes, const UpscaleRegion& region, RowFn&& row) const;

    int m_side;
    std::vector<Taps> m_rows, m_cols;
};

}  // namespace samdesk
