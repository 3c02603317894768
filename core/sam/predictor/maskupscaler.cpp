// Each axis: the reference's two 1-D linear resizes (source index and lambda computed as
// libtorch's upsample_bilinear2d does, in float) composed into one list of taps per output
// index. Then a horizontal pass over the low-res rows the region needs and a vertical blend per
// output row.
#include "core/sam/predictor/maskupscaler.h"

#include <algorithm>
#include <cmath>
#include <utility>

namespace samdesk {

namespace {

struct Linear1d {
    int i0, i1;
    float l0, l1;
};

// libtorch's source index and weights for output index `dst` of an in -> out linear resize
// (align_corners = false, no explicit scale).
Linear1d sourceOf(int dst, int in, int out) {
    if (in == out)
        return {dst, dst, 1.0f, 0.0f};
    // libtorch 1.13's arithmetic, measured against its upsample_bilinear2d: a float scale, the
    // source index and its fractional part in double (rounding the index to float first moves
    // lambda by up to 3e-5 at 1000 pixels).
    const float scale = static_cast<float>(in) / static_cast<float>(out);
    double real = static_cast<double>(scale) * (dst + 0.5) - 0.5;
    if (real < 0.0)
        real = 0.0;
    const int i0 = static_cast<int>(real);
    const int i1 = i0 + (i0 < in - 1 ? 1 : 0);
    const float l1 = static_cast<float>(std::min(std::max(real - i0, 0.0), 1.0));
    return {i0, i1, 1.0f - l1, l1};
}

// Scratch reused by every call on the same thread: fresh pages cost page faults.
std::vector<float>& scratch(std::size_t floats) {
    thread_local std::vector<float> buffer;
    if (buffer.size() < floats)
        buffer.resize(floats);
    return buffer;
}

}  // namespace

std::vector<MaskUpscaler::Taps> MaskUpscaler::axis(int side, int modelSize, int crop, int out) {
    std::vector<Taps> taps(static_cast<std::size_t>(out));
    for (int j = 0; j < out; ++j) {
        const Linear1d second = sourceOf(j, crop, out);  // crop (model pixels) -> output
        const Linear1d a = sourceOf(second.i0, side, modelSize);
        const Linear1d b = sourceOf(second.i1, side, modelSize);
        const int indices[4] = {a.i0, a.i1, b.i0, b.i1};
        const float weights[4] = {second.l0 * a.l0, second.l0 * a.l1, second.l1 * b.l0,
                                  second.l1 * b.l1};
        Taps& t = taps[static_cast<std::size_t>(j)];
        t.first = *std::min_element(indices, indices + 4);
        t.count = *std::max_element(indices, indices + 4) - t.first + 1;
        for (int k = 0; k < 4; ++k)
            t.weight[indices[k] - t.first] += weights[k];
    }
    return taps;
}

MaskUpscaler::MaskUpscaler(int side, int modelSize, int cropWidth, int cropHeight, int outWidth,
                           int outHeight)
    : m_side(side)
    , m_rows(axis(side, modelSize, cropHeight, outHeight))
    , m_cols(axis(side, modelSize, cropWidth, outWidth)) {}

template <typename RowFn>
void MaskUpscaler::forEachRow(const float* lowRes, const UpscaleRegion& region, RowFn&& row) const {
    if (region.width <= 0 || region.height <= 0)
        return;
    const int w = region.width;
    int firstLow = m_side, lastLow = -1;
    for (int j = region.y; j < region.y + region.height; ++j) {
        firstLow = std::min(firstLow, m_rows[j].first);
        lastLow = std::max(lastLow, m_rows[j].first + m_rows[j].count - 1);
    }
    const std::size_t lowRows = static_cast<std::size_t>(lastLow - firstLow + 1);
    std::vector<float>& buffer = scratch(lowRows * w + w);
    float* horizontal = buffer.data();
    float* line = horizontal + lowRows * w;
    const Taps* cols = m_cols.data() + region.x;
    for (int r = firstLow; r <= lastLow; ++r) {
        const float* src = lowRes + static_cast<std::size_t>(r) * m_side;
        float* dst = horizontal + static_cast<std::size_t>(r - firstLow) * w;
        for (int i = 0; i < w; ++i) {
            const Taps& t = cols[i];
            float v = 0.0f;
            for (int k = 0; k < t.count; ++k)
                v += t.weight[k] * src[t.first + k];
            dst[i] = v;
        }
    }
    for (int j = 0; j < region.height; ++j) {
        const Taps& t = m_rows[region.y + j];
        const float* first = horizontal + static_cast<std::size_t>(t.first - firstLow) * w;
        const float w0 = t.weight[0];
        for (int i = 0; i < w; ++i)
            line[i] = w0 * first[i];
        for (int k = 1; k < t.count; ++k) {
            const float* src = first + static_cast<std::size_t>(k) * w;
            const float wk = t.weight[k];
            for (int i = 0; i < w; ++i)
                line[i] += wk * src[i];
        }
        row(j, static_cast<const float*>(line));
    }
}

void MaskUpscaler::logits(const float* lowRes, const UpscaleRegion& region, float* out) const {
    forEachRow(lowRes, region, [&](int j, const float* values) {
        std::copy(values, values + region.width, out + static_cast<std::size_t>(j) * region.width);
    });
}

void MaskUpscaler::forEachLogitRow(const float* lowRes, const UpscaleRegion& region,
                                   const std::function<void(int, const float*)>& row) const {
    forEachRow(lowRes, region, row);
}

UpscaleRegion MaskUpscaler::regionAbove(const float* lowRes, float level) const {
    const std::size_t count = static_cast<std::size_t>(m_side) * m_side;
    float maxAbs = 0.0f;
    for (std::size_t i = 0; i < count; ++i) {
        const float a = std::abs(lowRes[i]);
        if (a > maxAbs)
            maxAbs = a;
    }
    const float bound = level - 1e-4f * (1.0f + maxAbs);
    int r0 = m_side, r1 = -1, c0 = m_side, c1 = -1;
    for (int r = 0; r < m_side; ++r) {
        const float* row = lowRes + static_cast<std::size_t>(r) * m_side;
        for (int c = 0; c < m_side; ++c) {
            if (!(row[c] <= bound)) {  // NaN included: it blends into NaN, which counts nowhere
                r0 = std::min(r0, r);
                r1 = std::max(r1, r);
                c0 = std::min(c0, c);
                c1 = std::max(c1, c);
            }
        }
    }
    if (r1 < 0)
        return {};
    // The output indices whose taps meet [lo, hi]: one run, the taps move forward with the index.
    const auto reaching = [](const std::vector<Taps>& taps, int lo, int hi) {
        int first = -1, last = -1;
        for (int j = 0; j < static_cast<int>(taps.size()); ++j) {
            const Taps& t = taps[static_cast<std::size_t>(j)];
            if (t.first <= hi && t.first + t.count - 1 >= lo) {
                if (first < 0)
                    first = j;
                last = j;
            }
        }
        return std::make_pair(first, last);
    };
    const auto [y0, y1] = reaching(m_rows, r0, r1);
    const auto [x0, x1] = reaching(m_cols, c0, c1);
    if (y0 < 0 || x0 < 0)
        return {};
    return {x0, y0, x1 - x0 + 1, y1 - y0 + 1};
}

void MaskUpscaler::mask(const float* lowRes, const UpscaleRegion& region, std::uint8_t* out,
                        std::uint8_t on) const {
    forEachRow(lowRes, region, [&](int j, const float* values) {
        std::uint8_t* dst = out + static_cast<std::size_t>(j) * region.width;
        for (int i = 0; i < region.width; ++i)
            dst[i] = values[i] > 0.0f ? on : 0;
    });
}

}  // namespace samdesk
