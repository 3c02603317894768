// The public kernels: on x86 they are written once with GCC/Clang vector types (16 floats) and
// target_clones compiles them for AVX-512 (one register), AVX2 (two) and SSE2 (four), the loader
// picking the best; anywhere else, or when forced, they forward to portablekernels.cpp. The x86
// code is behind the preprocessor, not just unused, because other compilers and targets reject
// its attributes.
#include "core/sam/runtime/cpukernels.h"

#include <cstdlib>
#include <cstring>

#include "core/sam/runtime/portablekernels.h"

#if !defined(SAMDESK_PORTABLE_KERNELS) && (defined(__x86_64__) || defined(__i386__))
#define SAMDESK_X86_KERNELS 1
#endif

#ifdef SAMDESK_X86_KERNELS

#include <algorithm>
#include <cmath>
#include <limits>

// The vector helpers are always inlined into the clones, so the vector-argument ABI
// differences between the clones that GCC warns about never apply.
#pragma GCC diagnostic ignored "-Wpsabi"

namespace samdesk::kernels::x86 {

namespace {

constexpr int kLanes = 16;
typedef float Vf __attribute__((vector_size(64)));
typedef std::int32_t Vi __attribute__((vector_size(64)));
typedef std::uint32_t Vu __attribute__((vector_size(64)));
typedef std::uint16_t Vh __attribute__((vector_size(32)));

#define SAMDESK_INLINE inline __attribute__((always_inline))
#define SAMDESK_CLONES __attribute__((target_clones("avx512f", "avx2", "default")))

template <typename To, typename From>
SAMDESK_INLINE To bitCast(const From& from) {
    static_assert(sizeof(To) == sizeof(From));
    To to;
    std::memcpy(&to, &from, sizeof to);
    return to;
}

SAMDESK_INLINE Vf load(const float* p) {
    Vf v;
    std::memcpy(&v, p, sizeof v);
    return v;
}

SAMDESK_INLINE void store(float* p, const Vf& v) {
    std::memcpy(p, &v, sizeof v);
}

SAMDESK_INLINE Vf splat(float x) {
    return Vf{} + x;
}

SAMDESK_INLINE Vf maxOf(const Vf& a, const Vf& b) {
    return a > b ? a : b;
}

// exp(x) for x <= 0 (Cephes' expf: x = n ln2 + r, |r| <= ln2 / 2, degree-6 polynomial, about
// 1 ulp); below -87 the result is ~1e-38 and is flushed to exp(-87), which the softmax sum
// cannot notice.
SAMDESK_INLINE Vf expNonPositive(const Vf& input) {
    const Vf x = maxOf(input, splat(-87.0f));
    const Vf magic = splat(12582912.0f);  // 1.5 * 2^23: adding it rounds to an integer
    const Vf n = (x * 1.44269504088896341f + magic) - magic;
    Vf r = x - n * 0.693359375f;
    r = r - n * -2.12194440e-4f;
    Vf p = splat(1.9875691500e-4f);
    p = p * r + 1.3981999507e-3f;
    p = p * r + 8.3334519073e-3f;
    p = p * r + 4.1665795894e-2f;
    p = p * r + 1.6666665459e-1f;
    p = p * r + 5.0000001201e-1f;
    p = p * (r * r) + r + 1.0f;
    const Vi exponent = (__builtin_convertvector(n, Vi) + 127) << 23;
    return p * bitCast<Vf>(exponent);
}

SAMDESK_INLINE std::uint16_t toBf16(float v) {
    const std::uint32_t bits = bitCast<std::uint32_t>(v);
    return static_cast<std::uint16_t>((bits + 0x7fffu + ((bits >> 16) & 1u)) >> 16);
}

SAMDESK_INLINE void storeBf16(std::uint16_t* p, const Vf& v) {
    const Vu bits = bitCast<Vu>(v);
    const Vu rounded = (bits + 0x7fffu + ((bits >> 16) & 1u)) >> 16;
    const Vh narrow = __builtin_convertvector(rounded, Vh);
    std::memcpy(p, &narrow, sizeof narrow);
}

// The softmax's exp, sum and scale passes over a row whose maximum is known.
SAMDESK_INLINE void expNormalize(float* s, int n, float maxValue, float* probs,
                                 std::uint16_t* probsBf16) {
    const int vectorEnd = n - n % kLanes;
    Vf vsum = splat(0.0f);
    for (int i = 0; i < vectorEnd; i += kLanes) {
        const Vf e = expNonPositive(load(s + i) - maxValue);
        store(s + i, e);
        vsum += e;
    }
    float sum = 0.0f;
    for (int i = 0; i < kLanes; ++i)
        sum += vsum[i];
    for (int i = vectorEnd; i < n; ++i) {
        s[i] = std::exp(s[i] - maxValue);
        sum += s[i];
    }

    const float inverse = 1.0f / sum;
    if (probsBf16) {
        for (int i = 0; i < vectorEnd; i += kLanes)
            storeBf16(probsBf16 + i, load(s + i) * inverse);
        for (int i = vectorEnd; i < n; ++i)
            probsBf16[i] = toBf16(s[i] * inverse);
    } else {
        for (int i = 0; i < vectorEnd; i += kLanes)
            store(probs + i, load(s + i) * inverse);
        for (int i = vectorEnd; i < n; ++i)
            probs[i] = s[i] * inverse;
    }
}

}  // namespace

SAMDESK_CLONES
void relPosSoftmaxRow(float* s, int H, int W, const float* biasH, const float* biasW, float* probs,
                      std::uint16_t* probsBf16) {
    const int n = H * W;
    float maxValue = -std::numeric_limits<float>::infinity();
    if (W % kLanes == 0) {
        Vf vmax = splat(maxValue);
        for (int kh = 0; kh < H; ++kh) {
            float* row = s + static_cast<std::ptrdiff_t>(kh) * W;
            const float bh = biasH[kh];
            for (int kw = 0; kw < W; kw += kLanes) {
                const Vf v = (load(row + kw) + bh) + load(biasW + kw);
                store(row + kw, v);
                vmax = maxOf(vmax, v);
            }
        }
        for (int i = 0; i < kLanes; ++i)
            maxValue = std::max(maxValue, vmax[i]);
    } else {
        for (int kh = 0; kh < H; ++kh) {
            float* row = s + static_cast<std::ptrdiff_t>(kh) * W;
            const float bh = biasH[kh];
            for (int kw = 0; kw < W; ++kw) {
                const float v = (row[kw] + bh) + biasW[kw];
                row[kw] = v;
                maxValue = std::max(maxValue, v);
            }
        }
    }

    expNormalize(s, n, maxValue, probs, probsBf16);
}

SAMDESK_CLONES
void softmaxRows(float* s, std::int64_t rows, int n, std::int64_t ld) {
    const int vectorEnd = n - n % kLanes;
    for (std::int64_t r = 0; r < rows; ++r) {
        float* row = s + r * ld;
        // Lane-wise first (one running maximum is a chain of dependent instructions); the same
        // maximum, NaN ignored as std::max ignores it.
        Vf vmax = splat(-std::numeric_limits<float>::infinity());
        for (int i = 0; i < vectorEnd; i += kLanes)
            vmax = maxOf(load(row + i), vmax);
        float maxValue = -std::numeric_limits<float>::infinity();
        for (int l = 0; l < kLanes; ++l)
            maxValue = std::max(maxValue, vmax[l]);
        for (int i = vectorEnd; i < n; ++i)
            maxValue = std::max(maxValue, row[i]);
        expNormalize(row, n, maxValue, row, nullptr);
    }
}

SAMDESK_CLONES
void softmaxColumns(float* s, int rows, std::int64_t cols, std::int64_t ld) {
    const std::int64_t vectorEnd = cols - cols % kLanes;
    for (std::int64_t c = 0; c < vectorEnd; c += kLanes) {
        Vf vmax = load(s + c);
        for (int r = 1; r < rows; ++r)
            vmax = maxOf(load(s + r * ld + c), vmax);
        Vf vsum = splat(0.0f);
        for (int r = 0; r < rows; ++r) {
            const Vf e = expNonPositive(load(s + r * ld + c) - vmax);
            store(s + r * ld + c, e);
            vsum += e;
        }
        const Vf inverse = splat(1.0f) / vsum;
        for (int r = 0; r < rows; ++r)
            store(s + r * ld + c, load(s + r * ld + c) * inverse);
    }
    for (std::int64_t c = vectorEnd; c < cols; ++c) {
        float maxValue = s[c];
        for (int r = 1; r < rows; ++r)
            maxValue = s[r * ld + c] > maxValue ? s[r * ld + c] : maxValue;
        float sum = 0.0f;
        for (int r = 0; r < rows; ++r) {
            s[r * ld + c] = std::exp(s[r * ld + c] - maxValue);
            sum += s[r * ld + c];
        }
        const float inverse = 1.0f / sum;
        for (int r = 0; r < rows; ++r)
            s[r * ld + c] *= inverse;
    }
}

SAMDESK_CLONES
void geluInPlace(float* x, std::int64_t n) {
    // x / 2 (1 + erf(x / sqrt 2)) with 1 + erf(z) = 2 - e for z >= 0 and e for z < 0,
    // e = erfc(|z|) = t (p1 + t (p2 + t (p3 + t (p4 + t p5)))) exp(-z^2), t = 1 / (1 + p |z|)
    // (Abramowitz and Stegun 7.1.26): the negative side keeps its relative precision.
    const std::int64_t vectorEnd = n - n % kLanes;
    for (std::int64_t i = 0; i < vectorEnd; i += kLanes) {
        const Vf v = load(x + i);
        const Vf a = (v < 0.0f ? -v : v) * 0.70710678118654752f;
        const Vf t = splat(1.0f) / (a * 0.3275911f + 1.0f);
        Vf r = splat(1.061405429f);
        r = r * t + -1.453152027f;
        r = r * t + 1.421413741f;
        r = r * t + -0.284496736f;
        r = r * t + 0.254829592f;
        const Vf e = r * t * expNonPositive(-(a * a));
        store(x + i, v * 0.5f * (v >= 0.0f ? 2.0f - e : e));
    }
    for (std::int64_t i = vectorEnd; i < n; ++i) {
        const float v = x[i];
        const float a = std::abs(v) * 0.70710678118654752f;
        const float t = 1.0f / (1.0f + 0.3275911f * a);
        float r = 1.061405429f;
        r = r * t + -1.453152027f;
        r = r * t + 1.421413741f;
        r = r * t + -0.284496736f;
        r = r * t + 0.254829592f;
        const float e = r * t * std::exp(-(a * a));
        x[i] = 0.5f * v * (v >= 0.0f ? 2.0f - e : e);
    }
}

SAMDESK_CLONES
void layerNormRows(const float* x, std::int64_t rows, std::int64_t cols, const float* weight,
                   const float* bias, float eps, float* out, std::uint16_t* outBf16) {
    const std::int64_t vectorEnd = cols - cols % kLanes;
    for (std::int64_t r = 0; r < rows; ++r) {
        const float* row = x + r * cols;
        Vf vsum = splat(0.0f);
        for (std::int64_t c = 0; c < vectorEnd; c += kLanes)
            vsum += load(row + c);
        float sum = 0.0f;
        for (int i = 0; i < kLanes; ++i)
            sum += vsum[i];
        for (std::int64_t c = vectorEnd; c < cols; ++c)
            sum += row[c];
        const float mean = sum / static_cast<float>(cols);
        Vf vsq = splat(0.0f);
        for (std::int64_t c = 0; c < vectorEnd; c += kLanes) {
            const Vf d = load(row + c) - mean;
            vsq += d * d;
        }
        float squares = 0.0f;
        for (int i = 0; i < kLanes; ++i)
            squares += vsq[i];
        for (std::int64_t c = vectorEnd; c < cols; ++c)
            squares += (row[c] - mean) * (row[c] - mean);
        const float rstd = 1.0f / std::sqrt(squares / static_cast<float>(cols) + eps);
        if (outBf16) {
            std::uint16_t* dst = outBf16 + r * cols;
            for (std::int64_t c = 0; c < vectorEnd; c += kLanes)
                storeBf16(dst + c,
                          (load(row + c) - mean) * rstd * load(weight + c) + load(bias + c));
            for (std::int64_t c = vectorEnd; c < cols; ++c)
                dst[c] = toBf16((row[c] - mean) * rstd * weight[c] + bias[c]);
        } else {
            float* dst = out + r * cols;
            for (std::int64_t c = 0; c < vectorEnd; c += kLanes)
                store(dst + c, (load(row + c) - mean) * rstd * load(weight + c) + load(bias + c));
            for (std::int64_t c = vectorEnd; c < cols; ++c)
                dst[c] = (row[c] - mean) * rstd * weight[c] + bias[c];
        }
    }
}

SAMDESK_CLONES
void floatToBf16Rows(const float* in, std::int64_t ldIn, std::uint16_t* out, std::int64_t ldOut,
                     std::int64_t rows, std::int64_t cols) {
    const std::int64_t vectorEnd = cols - cols % kLanes;
    for (std::int64_t r = 0; r < rows; ++r) {
        const float* src = in + r * ldIn;
        std::uint16_t* dst = out + r * ldOut;
        for (std::int64_t c = 0; c < vectorEnd; c += kLanes)
            storeBf16(dst + c, load(src + c));
        for (std::int64_t c = vectorEnd; c < cols; ++c)
            dst[c] = toBf16(src[c]);
    }
}

}  // namespace samdesk::kernels::x86

#endif  // SAMDESK_X86_KERNELS

namespace samdesk::kernels {

namespace {

#ifdef SAMDESK_X86_KERNELS
// SAMDESK_KERNELS=portable: the plain C++ kernels on x86 too (to compare them, or to rule the
// vector code out). Read once; the check is a load and a branch per call of a kernel that works
// on whole rows.
bool portableForced() {
    static const bool forced = [] {
        const char* choice = std::getenv("SAMDESK_KERNELS");
        return choice && std::strcmp(choice, "portable") == 0;
    }();
    return forced;
}
#endif

}  // namespace

void relPosSoftmaxRow(float* s, int H, int W, const float* biasH, const float* biasW, float* probs,
                      std::uint16_t* probsBf16) {
#ifdef SAMDESK_X86_KERNELS
    if (!portableForced()) {
        x86::relPosSoftmaxRow(s, H, W, biasH, biasW, probs, probsBf16);
        return;
    }
#endif
    portable::relPosSoftmaxRow(s, H, W, biasH, biasW, probs, probsBf16);
}

void softmaxRows(float* s, std::int64_t rows, int n, std::int64_t ld) {
#ifdef SAMDESK_X86_KERNELS
    if (!portableForced()) {
        x86::softmaxRows(s, rows, n, ld);
        return;
    }
#endif
    portable::softmaxRows(s, rows, n, ld);
}

void softmaxColumns(float* s, int rows, std::int64_t cols, std::int64_t ld) {
#ifdef SAMDESK_X86_KERNELS
    if (!portableForced()) {
        x86::softmaxColumns(s, rows, cols, ld);
        return;
    }
#endif
    portable::softmaxColumns(s, rows, cols, ld);
}

void geluInPlace(float* x, std::int64_t n) {
#ifdef SAMDESK_X86_KERNELS
    if (!portableForced()) {
        x86::geluInPlace(x, n);
        return;
    }
#endif
    portable::geluInPlace(x, n);
}

void layerNormRows(const float* x, std::int64_t rows, std::int64_t cols, const float* weight,
                   const float* bias, float eps, float* out, std::uint16_t* outBf16) {
#ifdef SAMDESK_X86_KERNELS
    if (!portableForced()) {
        x86::layerNormRows(x, rows, cols, weight, bias, eps, out, outBf16);
        return;
    }
#endif
    portable::layerNormRows(x, rows, cols, weight, bias, eps, out, outBf16);
}

void floatToBf16Rows(const float* in, std::int64_t ldIn, std::uint16_t* out, std::int64_t ldOut,
                     std::int64_t rows, std::int64_t cols) {
#ifdef SAMDESK_X86_KERNELS
    if (!portableForced()) {
        x86::floatToBf16Rows(in, ldIn, out, ldOut, rows, cols);
        return;
    }
#endif
    portable::floatToBf16Rows(in, ldIn, out, ldOut, rows, cols);
}

// One value needs no vector code: the scalar rounding is the same everywhere.
std::uint16_t floatToBf16(float value) {
    return portable::floatToBf16(value);
}

const char* kernelsName() {
#ifdef SAMDESK_X86_KERNELS
    if (portableForced())
        return "portable";
    // The same tests, in the same order, as the resolver GCC emits for target_clones.
    __builtin_cpu_init();
    if (__builtin_cpu_supports("avx512f"))
        return "x86 (AVX-512 clone)";
    if (__builtin_cpu_supports("avx2"))
        return "x86 (AVX2 clone)";
    return "x86 (SSE2 clone)";
#else
    return "portable";
#endif
}

}  // namespace samdesk::kernels
