// The kernels as scalar loops. Each sum keeps the x86 kernels' 16 partial sums (one per vector
// lane, added up in lane order, then the tail) and exp() is the same polynomial, so both
// implementations round the same way; the fixed-width inner loops also leave a compiler free to
// vectorise them for NEON.
#include "core/sam/runtime/portablekernels.h"

#include <algorithm>
#include <bit>
#include <cmath>
#include <limits>

namespace samdesk::kernels::portable {

namespace {

constexpr int kLanes = 16;  // the x86 kernels' vector width (cpukernels.cpp)

// exp(x) for x <= 0, as cpukernels.cpp: Cephes' expf, inputs below -87 flushed to exp(-87).
inline float expNonPositive(float input) {
    const float x = input > -87.0f ? input : -87.0f;
    const float magic = 12582912.0f;  // 1.5 * 2^23: adding it rounds to an integer
    const float n = (x * 1.44269504088896341f + magic) - magic;
    float r = x - n * 0.693359375f;
    r = r - n * -2.12194440e-4f;
    float p = 1.9875691500e-4f;
    p = p * r + 1.3981999507e-3f;
    p = p * r + 8.3334519073e-3f;
    p = p * r + 4.1665795894e-2f;
    p = p * r + 1.6666665459e-1f;
    p = p * r + 5.0000001201e-1f;
    p = p * (r * r) + r + 1.0f;
    const std::int32_t exponent = (static_cast<std::int32_t>(n) + 127) << 23;
    return p * std::bit_cast<float>(exponent);
}

// Round to nearest even on the bit pattern, as libtorch (finite values).
inline std::uint16_t toBf16(float v) {
    const std::uint32_t bits = std::bit_cast<std::uint32_t>(v);
    return static_cast<std::uint16_t>((bits + 0x7fffu + ((bits >> 16) & 1u)) >> 16);
}

// Sum of f(row[c]) over c < cols in the lane order of the x86 kernels.
template <typename F>
float laneSum(const float* row, std::int64_t cols, F f) {
    const std::int64_t blockEnd = cols - cols % kLanes;
    float lanes[kLanes] = {};
    for (std::int64_t c = 0; c < blockEnd; c += kLanes) {
        for (int l = 0; l < kLanes; ++l)
            lanes[l] += f(row[c + l]);
    }
    float sum = 0.0f;
    for (const float lane : lanes)
        sum += lane;
    for (std::int64_t c = blockEnd; c < cols; ++c)
        sum += f(row[c]);
    return sum;
}

// The maximum of n values (lane-wise first: the order does not change a maximum, but one
// running maximum is a chain of dependent instructions no compiler vectorises).
float laneMax(const float* s, int n) {
    const int blockEnd = n - n % kLanes;
    float lanes[kLanes];
    for (float& lane : lanes)
        lane = -std::numeric_limits<float>::infinity();
    for (int i = 0; i < blockEnd; i += kLanes) {
        for (int l = 0; l < kLanes; ++l)
            lanes[l] = s[i + l] > lanes[l] ? s[i + l] : lanes[l];
    }
    float maxValue = -std::numeric_limits<float>::infinity();
    for (const float lane : lanes)
        maxValue = std::max(maxValue, lane);
    for (int i = blockEnd; i < n; ++i)
        maxValue = std::max(maxValue, s[i]);
    return maxValue;
}

// The softmax's exp, sum and scale passes over a row whose maximum is known. The exp pass is a
// loop of its own so that it vectorises; the sum then adds the same values in the same order.
void expNormalize(float* s, int n, float maxValue, float* probs, std::uint16_t* probsBf16) {
    const int blockEnd = n - n % kLanes;
    for (int i = 0; i < blockEnd; ++i)
        s[i] = expNonPositive(s[i] - maxValue);
    for (int i = blockEnd; i < n; ++i)
        s[i] = std::exp(s[i] - maxValue);
    const float inverse = 1.0f / laneSum(s, n, [](float v) { return v; });
    if (probsBf16) {
        for (int i = 0; i < n; ++i)
            probsBf16[i] = toBf16(s[i] * inverse);
    } else {
        for (int i = 0; i < n; ++i)
            probs[i] = s[i] * inverse;
    }
}

}  // namespace

void relPosSoftmaxRow(float* s, int H, int W, const float* biasH, const float* biasW, float* probs,
                      std::uint16_t* probsBf16) {
    for (int kh = 0; kh < H; ++kh) {
        float* row = s + static_cast<std::ptrdiff_t>(kh) * W;
        const float bh = biasH[kh];
        for (int kw = 0; kw < W; ++kw)
            row[kw] = (row[kw] + bh) + biasW[kw];
    }
    expNormalize(s, H * W, laneMax(s, H * W), probs, probsBf16);
}

void softmaxRows(float* s, std::int64_t rows, int n, std::int64_t ld) {
    for (std::int64_t r = 0; r < rows; ++r) {
        float* row = s + r * ld;
        expNormalize(row, n, laneMax(row, n), row, nullptr);
    }
}

void softmaxColumns(float* s, int rows, std::int64_t cols, std::int64_t ld) {
    // The x86 kernel's polynomial exp on its vector columns, std::exp on the tail columns.
    const std::int64_t blockEnd = cols - cols % kLanes;
    for (std::int64_t c = 0; c < cols; ++c) {
        float maxValue = s[c];
        for (int r = 1; r < rows; ++r)
            maxValue = s[r * ld + c] > maxValue ? s[r * ld + c] : maxValue;
        float sum = 0.0f;
        for (int r = 0; r < rows; ++r) {
            float& v = s[r * ld + c];
            v = c < blockEnd ? expNonPositive(v - maxValue) : std::exp(v - maxValue);
            sum += v;
        }
        const float inverse = 1.0f / sum;
        for (int r = 0; r < rows; ++r)
            s[r * ld + c] *= inverse;
    }
}

void geluInPlace(float* x, std::int64_t n) {
    // As cpukernels.cpp, value by value: the polynomial exp on its vector part, std::exp on the
    // tail.
    const std::int64_t blockEnd = n - n % kLanes;
    for (std::int64_t i = 0; i < n; ++i) {
        const float v = x[i];
        const float a = std::abs(v) * 0.70710678118654752f;
        const float t = 1.0f / (1.0f + 0.3275911f * a);
        float r = 1.061405429f;
        r = r * t + -1.453152027f;
        r = r * t + 1.421413741f;
        r = r * t + -0.284496736f;
        r = r * t + 0.254829592f;
        const float e = r * t * (i < blockEnd ? expNonPositive(-(a * a)) : std::exp(-(a * a)));
        x[i] = 0.5f * v * (v >= 0.0f ? 2.0f - e : e);
    }
}

void layerNormRows(const float* x, std::int64_t rows, std::int64_t cols, const float* weight,
                   const float* bias, float eps, float* out, std::uint16_t* outBf16) {
    for (std::int64_t r = 0; r < rows; ++r) {
        const float* row = x + r * cols;
        const float mean = laneSum(row, cols, [](float v) { return v; }) / static_cast<float>(cols);
        const float squares =
            laneSum(row, cols, [mean](float v) { return (v - mean) * (v - mean); });
        const float rstd = 1.0f / std::sqrt(squares / static_cast<float>(cols) + eps);
        if (outBf16) {
            std::uint16_t* dst = outBf16 + r * cols;
            for (std::int64_t c = 0; c < cols; ++c)
                dst[c] = toBf16((row[c] - mean) * rstd * weight[c] + bias[c]);
        } else {
            float* dst = out + r * cols;
            for (std::int64_t c = 0; c < cols; ++c)
                dst[c] = (row[c] - mean) * rstd * weight[c] + bias[c];
        }
    }
}

void floatToBf16Rows(const float* in, std::int64_t ldIn, std::uint16_t* out, std::int64_t ldOut,
                     std::int64_t rows, std::int64_t cols) {
    for (std::int64_t r = 0; r < rows; ++r) {
        const float* src = in + r * ldIn;
        std::uint16_t* dst = out + r * ldOut;
        for (std::int64_t c = 0; c < cols; ++c)
            dst[c] = toBf16(src[c]);
    }
}

std::uint16_t floatToBf16(float value) {
    return toBf16(value);
}

}  // namespace samdesk::kernels::portable
