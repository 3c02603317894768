// Bit-level float16 conversion (no F16C dependency, so any x86-64 or ARM CPU runs it).
#include "core/cache/halffloat.h"

#include <cstring>

namespace samdesk {

std::uint16_t floatToHalf(float value) {
    std::uint32_t f;
    std::memcpy(&f, &value, 4);
    const std::uint32_t sign = (f >> 16) & 0x8000u;
    const std::uint32_t absF = f & 0x7fffffffu;
    if (absF >= 0x7f800000u)  // inf or nan
        return static_cast<std::uint16_t>(sign | 0x7c00u | (absF > 0x7f800000u ? 0x200u : 0u));
    if (absF >= 0x477ff000u)  // rounds to >= 65520: overflow to inf
        return static_cast<std::uint16_t>(sign | 0x7c00u);
    if (absF < 0x38800000u) {  // subnormal half or zero
        if (absF < 0x33000000u)
            return static_cast<std::uint16_t>(sign);
        const std::uint32_t mant = (absF & 0x7fffffu) | 0x800000u;
        const int shift = 126 - static_cast<int>(absF >> 23);  // 14..24
        std::uint32_t half = mant >> shift;
        const std::uint32_t rest = mant & ((1u << shift) - 1);
        const std::uint32_t halfway = 1u << (shift - 1);
        if (rest > halfway || (rest == halfway && (half & 1u)))
            ++half;
        return static_cast<std::uint16_t>(sign | half);
    }
    std::uint32_t half = ((absF >> 13) - (112u << 10));
    const std::uint32_t rest = absF & 0x1fffu;
    if (rest > 0x1000u || (rest == 0x1000u && (half & 1u)))
        ++half;
    return static_cast<std::uint16_t>(sign | half);
}

float halfToFloat(std::uint16_t h) {
    const std::uint32_t sign = static_cast<std::uint32_t>(h & 0x8000u) << 16;
    std::uint32_t exp = (h >> 10) & 0x1fu;
    std::uint32_t mant = h & 0x3ffu;
    std::uint32_t f;
    if (exp == 0) {
        if (mant == 0) {
            f = sign;
        } else {  // subnormal: normalise
            int e = -1;
            do {
                ++e;
                mant <<= 1;
            } while ((mant & 0x400u) == 0);
            f = sign | ((112u - e) << 23) | ((mant & 0x3ffu) << 13);
        }
    } else if (exp == 0x1f) {
        f = sign | 0x7f800000u | (mant << 13);
    } else {
        f = sign | ((exp + 112u) << 23) | (mant << 13);
    }
    float out;
    std::memcpy(&out, &f, 4);
    return out;
}

void floatsToHalves(const float* in, std::uint16_t* out, std::size_t count) {
    for (std::size_t i = 0; i < count; ++i)
        out[i] = floatToHalf(in[i]);
}

void halvesToFloats(const std::uint16_t* in, float* out, std::size_t count) {
    for (std::size_t i = 0; i < count; ++i)
        out[i] = halfToFloat(in[i]);
}

}  // namespace samdesk
