// IEEE float32 <-> float16 conversion (round to nearest even), for compact cached embeddings.
#pragma once

#include <cstddef>
#include <cstdint>

namespace samdesk {

std::uint16_t floatToHalf(float value);
float halfToFloat(std::uint16_t half);

void floatsToHalves(const float* in, std::uint16_t* out, std::size_t count);
void halvesToFloats(const std::uint16_t* in, float* out, std::size_t count);

}  // namespace samdesk
