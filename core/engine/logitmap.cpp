// Quantised logit maps (see logitmap.h for why the rounding is ceil - 1).
#include "core/engine/logitmap.h"

#include <algorithm>
#include <cmath>

namespace samdesk {

LogitMap::LogitMap(int width, int height)
    : m_width(width), m_height(height), m_q(std::size_t(width) * height, std::int8_t(-128)) {}

std::int8_t LogitMap::quantise(float logit) {
    if (std::isnan(logit))
        return -128;
    const float q = std::ceil(logit * kStepsPerLogit) - 1.f;
    return static_cast<std::int8_t>(std::clamp(q, -128.f, 127.f));
}

int LogitMap::thresholdStep(float threshold) {
    const float t = std::clamp(threshold, -kMaxThreshold, kMaxThreshold);
    return static_cast<int>(std::lround(t * kStepsPerLogit));
}

void LogitMap::quantiseRow(const float* logits, std::int8_t* q, std::size_t n) {
    // quantise() in a form the compiler vectorises (no libm ceil call): the integer ceiling from
    // truncation, NaN as very negative. tst_logitmap compares both.
    for (std::size_t i = 0; i < n; ++i) {
        float v = logits[i] * kStepsPerLogit;
        v = v == v ? v : -1000.f;                  // NaN
        v = std::min(std::max(v, -200.f), 200.f);  // the int conversion stays in range
        const int t = static_cast<int>(v);         // towards zero
        const int ceiling = t + (static_cast<float>(t) < v ? 1 : 0);
        q[i] = static_cast<std::int8_t>(std::min(std::max(ceiling - 1, -128), 127));
    }
}

LogitMap LogitMap::fromLogits(int width, int height, const float* logits) {
    LogitMap map(width, height);
    quantiseRow(logits, map.m_q.data(), map.m_q.size());
    return map;
}

LogitMap LogitMap::fromMask(int width, int height, const std::uint8_t* mask) {
    LogitMap map(width, height);
    for (std::size_t i = 0; i < map.m_q.size(); ++i)
        map.m_q[i] = mask[i] ? std::int8_t(127) : std::int8_t(-128);
    return map;
}

std::vector<std::uint8_t> LogitMap::mask(float threshold) const {
    const int k = thresholdStep(threshold);
    std::vector<std::uint8_t> out(m_q.size());
    std::transform(m_q.begin(), m_q.end(), out.begin(),
                   [k](std::int8_t q) { return std::uint8_t(q >= k ? 1 : 0); });
    return out;
}

std::int64_t LogitMap::area(float threshold) const {
    const int k = thresholdStep(threshold);
    return std::count_if(m_q.begin(), m_q.end(), [k](std::int8_t q) { return q >= k; });
}

}  // namespace samdesk
