// Per-pixel mask logits at original image size, stored as 1/16-logit steps in int8 so that three
// candidates of a 12-megapixel photo stay small, and the threshold slider (-8..8 logits) can
// re-cut the mask on the UI thread without asking the model again.
//
// Quantisation: q = clamp(ceil(16 * logit) - 1, -128, 127), chosen so that for every step k
// (threshold k / 16) `q >= k` holds exactly when `logit > k / 16`: at threshold 0 the mask is
// the reference's `logits > 0` (strict), bit for bit.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

namespace samdesk {

class LogitMap {
public:
    static constexpr int kStepsPerLogit = 16;
    static constexpr float kMaxThreshold = 8.f;  // thresholds are clamped to [-8, 8]

    LogitMap() = default;
    LogitMap(int width, int height);  // all "very negative" (nothing selected)

    // From float logits (row-major, width * height values).
    static LogitMap fromLogits(int width, int height, const float* logits);
    // From a binary mask (non-zero = inside): +8 inside, -8 outside.
    static LogitMap fromMask(int width, int height, const std::uint8_t* mask);

    int width() const { return m_width; }
    int height() const { return m_height; }
    bool empty() const { return m_q.empty(); }

    static std::int8_t quantise(float logit);
    // quantise() over n values (vectorised).
    static void quantiseRow(const float* logits, std::int8_t* out, std::size_t n);
    // The integer step for a threshold in logits (rounded to the nearest 1/16, clamped).
    static int thresholdStep(float threshold);

    // True when the pixel is inside the mask at `threshold` (logits).
    bool inside(int x, int y, float threshold) const {
        return m_q[std::size_t(y) * m_width + x] >= thresholdStep(threshold);
    }
    // 1 inside, 0 outside, row-major.
    std::vector<std::uint8_t> mask(float threshold) const;
    // Number of pixels inside at `threshold`.
    std::int64_t area(float threshold) const;

    const std::vector<std::int8_t>& steps() const { return m_q; }
    std::vector<std::int8_t>& steps() { return m_q; }

private:
    int m_width = 0;
    int m_height = 0;
    std::vector<std::int8_t> m_q;
};

}  // namespace samdesk
