// One candidate mask of the automatic mask generator, at its crop's size, from its low-res
// logits, without a full-size float mask: the logits are upsampled (MaskUpscaler, the
// original's two bilinear resizes) only over the part of the crop where they can exceed the
// lowest cut, and counted there: the stability score (pixels above +offset over pixels above
// -offset, as calculate_stability_score counts them), the mask box (pixels above 0) and the
// mask's bits, from which the RLE is made on the box alone. Torch-free; one scan per thread.
#pragma once

#include <cstdint>
#include <vector>

#include "core/sam/predictor/maskrle.h"
#include "core/sam/predictor/maskupscaler.h"

namespace samdesk {

class CandidateScan {
public:
    // hi = f32(0 + offset), lo = f32(0 - offset): the stability score's two cuts.
    void scan(const MaskUpscaler& upscaler, const float* lowRes, float hi, float lo);

    // f32(I) / f32(U): NaN when no pixel is above lo.
    float stability() const;
    bool empty() const { return m_empty; }
    // In crop pixels, inclusive; 0, 0, 0, 0 for an empty mask.
    const MaskBox& box() const { return m_box; }
    // The RLE of the mask placed at (x, y) of an imageWidth x imageHeight image.
    std::vector<std::uint32_t> rle(int x, int y, int imageWidth, int imageHeight) const;
    // Pixels within 1e-3 of the mask cut (|logit| < 1e-3) in the scanned part: where float
    // rounding may decide a pixel (for tests against the original).
    std::int64_t nearCut() const { return m_nearCut; }

private:
    UpscaleRegion m_region;            // the scanned part of the crop
    std::vector<std::uint8_t> m_bits;  // its pixels, 1 where logit > 0
    std::int32_t m_intersection = 0, m_union = 0;
    std::int64_t m_nearCut = 0;
    MaskBox m_box;
    bool m_empty = true;
};

}  // namespace samdesk
