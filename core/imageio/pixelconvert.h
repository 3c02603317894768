// Decoded samples to the packed 8-bit RGB that readImage() returns, with the orientation applied
// in the same pass (no second full-size buffer). Plain pointers, no OpenCV types. Also how the
// predictor converts images handed to it in memory (imagepreprocessing.cpp), so that a file and
// the same pixels in memory reach the model alike.
#pragma once

#include <cstddef>
#include <cstdint>

namespace samdesk::imageio {

enum class SampleType { U8, U16, F32, F64 };

// A decoded image as stored in the file (before the orientation): interleaved samples, native
// endian. 1 channel: grey; 2: grey + alpha; 3: colour; 4: colour + alpha (alpha is dropped).
struct SourcePixels {
    const std::uint8_t* data = nullptr;
    int width = 0;
    int height = 0;
    int channels = 3;
    SampleType type = SampleType::U8;
    std::size_t stride = 0;  // bytes from one row to the next
    bool bgr = true;         // colour samples in B, G, R order (OpenCV's)
};

// 8 bits from each sample type: 8-bit as is; 16-bit v -> (v + 128) / 257 (round(v / 257), what
// the predictor has always done with 16-bit input, so cache keys of 16-bit images hold); float
// clipped to [0, 1], times 255, rounded half up (NaN -> 0).
std::uint8_t to8(std::uint16_t v);
std::uint8_t to8(double v);

// Writes `src` as RGB into `out` (displayed width x height x 3 bytes, tightly packed), turned by
// `orientation` (1..8, EXIF meaning; 5-8 swap width and height).
void writeRgb(const SourcePixels& src, int orientation, std::uint8_t* out);

// In place: B, G, R triplets to R, G, B.
void swapRedBlue(std::uint8_t* pixels, std::size_t count);

}  // namespace samdesk::imageio
