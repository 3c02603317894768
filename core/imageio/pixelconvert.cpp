// Sample conversion and orientation, tile by tile: a rotated image reads its source by columns,
// and 64 x 64 tiles keep those reads in cache.
#include "core/imageio/pixelconvert.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <type_traits>

namespace samdesk::imageio {

std::uint8_t to8(std::uint16_t v) {
    return static_cast<std::uint8_t>((v + 128u) / 257u);
}

std::uint8_t to8(double v) {
    if (!(v > 0.0))  // also NaN
        return 0;
    if (v >= 1.0)
        return 255;
    return static_cast<std::uint8_t>(std::floor(v * 255.0 + 0.5));
}

namespace {

constexpr int kTile = 64;

template <typename T>
std::uint8_t sample(const std::uint8_t* p, int c) {
    T v;
    std::memcpy(&v, p + sizeof(T) * c, sizeof(T));
    if constexpr (sizeof(T) == 1)
        return v;
    else if constexpr (std::is_same_v<T, std::uint16_t>)
        return to8(v);
    else
        return to8(static_cast<double>(v));
}

// Where the source pixel of displayed pixel (X, Y) is, as stored (x, y) = origin + X * dx + Y * dy
// in pixels of the stored image.
struct Mapping {
    std::ptrdiff_t x0, y0;    // displayed (0, 0)
    std::ptrdiff_t xdx, ydx;  // per step in X
    std::ptrdiff_t xdy, ydy;  // per step in Y
};

Mapping mappingFor(int orientation, std::ptrdiff_t w, std::ptrdiff_t h) {
    switch (orientation) {
        case 2:
            return {w - 1, 0, -1, 0, 0, 1};
        case 3:
            return {w - 1, h - 1, -1, 0, 0, -1};
        case 4:
            return {0, h - 1, 1, 0, 0, -1};
        case 5:
            return {0, 0, 0, 1, 1, 0};
        case 6:
            return {0, h - 1, 0, -1, 1, 0};
        case 7:
            return {w - 1, h - 1, 0, -1, -1, 0};
        case 8:
            return {w - 1, 0, 0, 1, -1, 0};
        default:
            return {0, 0, 1, 0, 0, 1};
    }
}

template <typename T>
void writeTyped(const SourcePixels& src, int orientation, std::uint8_t* out) {
    const bool swap = orientation >= 5 && orientation <= 8;
    const int dw = swap ? src.height : src.width;
    const int dh = swap ? src.width : src.height;
    const Mapping m = mappingFor(orientation, src.width, src.height);
    const std::ptrdiff_t pixelBytes = static_cast<std::ptrdiff_t>(sizeof(T)) * src.channels;
    const std::ptrdiff_t stride = static_cast<std::ptrdiff_t>(src.stride);
    // Byte steps in the source per displayed column and row.
    const std::ptrdiff_t stepX = m.xdx * pixelBytes + m.ydx * stride;
    const std::ptrdiff_t stepY = m.xdy * pixelBytes + m.ydy * stride;
    const std::uint8_t* origin = src.data + m.x0 * pixelBytes + m.y0 * stride;
    const bool color = src.channels >= 3;
    const int r = color ? (src.bgr ? 2 : 0) : 0;
    const int g = color ? 1 : 0;
    const int b = color ? (src.bgr ? 0 : 2) : 0;
    for (int ty = 0; ty < dh; ty += kTile) {
        const int yEnd = std::min(dh, ty + kTile);
        for (int tx = 0; tx < dw; tx += kTile) {
            const int xEnd = std::min(dw, tx + kTile);
            for (int y = ty; y < yEnd; ++y) {
                const std::uint8_t* p = origin + y * stepY + tx * stepX;
                std::uint8_t* o = out + (static_cast<std::size_t>(y) * dw + tx) * 3;
                for (int x = tx; x < xEnd; ++x, p += stepX, o += 3) {
                    o[0] = sample<T>(p, r);
                    o[1] = sample<T>(p, g);
                    o[2] = sample<T>(p, b);
                }
            }
        }
    }
}

}  // namespace

void writeRgb(const SourcePixels& src, int orientation, std::uint8_t* out) {
    switch (src.type) {
        case SampleType::U8:
            writeTyped<std::uint8_t>(src, orientation, out);
            break;
        case SampleType::U16:
            writeTyped<std::uint16_t>(src, orientation, out);
            break;
        case SampleType::F32:
            writeTyped<float>(src, orientation, out);
            break;
        case SampleType::F64:
            writeTyped<double>(src, orientation, out);
            break;
    }
}

void swapRedBlue(std::uint8_t* pixels, std::size_t count) {
    for (std::size_t i = 0; i < count; ++i, pixels += 3)
        std::swap(pixels[0], pixels[2]);
}

}  // namespace samdesk::imageio
