// The candidate scan (see candidatemask.h).
#include "core/sam/predictor/candidatemask.h"

#include <algorithm>
#include <cmath>

namespace samdesk {

void CandidateScan::scan(const MaskUpscaler& upscaler, const float* lowRes, float hi, float lo) {
    m_intersection = m_union = 0;
    m_nearCut = 0;
    m_box = {};
    m_empty = true;
    // Outside this region every logit is below all three cuts (lo, hi and the mask's 0).
    m_region = upscaler.regionAbove(lowRes, std::min({lo, hi, -1e-3f}));
    const int w = m_region.width, h = m_region.height;
    m_bits.resize(static_cast<std::size_t>(std::max(0, w)) * std::max(0, h));
    if (w <= 0 || h <= 0)
        return;
    int x0 = w, x1 = -1, y0 = h, y1 = -1;
    upscaler.forEachLogitRow(lowRes, m_region, [&](int j, const float* v) {
        std::uint8_t* bits = m_bits.data() + static_cast<std::size_t>(j) * w;
        // Branch-free counts the compiler vectorises (on local copies: a byte store may alias
        // anything captured by reference), then the row's first and last set pixel.
        const int n = w;
        const float up = hi, down = lo;
        int above = 0, inside = 0, near = 0;
        for (int i = 0; i < n; ++i) {
            const float value = v[i];
            above += value > up;
            inside += value > down;
            near += std::abs(value) < 1e-3f;
            bits[i] = value > 0.0f;
        }
        // The original sums each row into int16, then the rows into int32.
        m_intersection += static_cast<std::int16_t>(above);
        m_union += static_cast<std::int16_t>(inside);
        m_nearCut += near;
        int first = 0;
        while (first < w && !bits[first])
            ++first;
        if (first == w)
            return;
        int last = w - 1;
        while (!bits[last])
            --last;
        x0 = std::min(x0, first);
        x1 = std::max(x1, last);
        y0 = std::min(y0, j);
        y1 = j;
    });
    if (x1 >= 0) {
        m_empty = false;
        m_box = {m_region.x + x0, m_region.y + y0, m_region.x + x1, m_region.y + y1};
    }
}

float CandidateScan::stability() const {
    return static_cast<float>(m_intersection) / static_cast<float>(m_union);
}

std::vector<std::uint32_t> CandidateScan::rle(int x, int y, int imageWidth, int imageHeight) const {
    if (m_empty) {
        RunLengths runs;
        runs.add(false, static_cast<std::uint64_t>(imageWidth) * imageHeight);
        return runs.finish();
    }
    const std::size_t stride = static_cast<std::size_t>(m_region.width);
    const std::uint8_t* first = m_bits.data() +
                                static_cast<std::size_t>(m_box.y0 - m_region.y) * stride +
                                (m_box.x0 - m_region.x);
    return boxedMaskRle(first, stride, x + m_box.x0, y + m_box.y0, m_box.x1 - m_box.x0 + 1,
                        m_box.y1 - m_box.y0 + 1, imageWidth, imageHeight);
}

}  // namespace samdesk
