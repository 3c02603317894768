// A binary mask at the original image resolution: the one mask type of the annotation model.
// Coordinates are original image pixels, (0, 0) top-left; pixel (x, y) covers [x, x+1) x [y, y+1).
// A plain value type (no OpenCV, no Qt), cheap to move; safe to copy across threads.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "core/common/expected.h"

namespace samdesk {

// An axis-aligned rectangle of whole pixels (original image pixels). Empty when width or height is
// 0.
struct PixelRect {
    int x = 0;
    int y = 0;
    int width = 0;
    int height = 0;

    bool isEmpty() const { return width <= 0 || height <= 0; }
    bool operator==(const PixelRect&) const = default;
};

class BinaryMask {
public:
    BinaryMask() = default;
    // An all-zero mask. Negative sizes count as 0.
    BinaryMask(int width, int height);

    // Takes row-major bytes (width * height of them); any non-zero byte becomes 1.
    static Expected<BinaryMask> fromBytes(int width, int height, std::vector<std::uint8_t> bytes);

    int width() const { return m_width; }
    int height() const { return m_height; }
    // True for a 0 x 0 (or 0 x n) mask, which has no pixels at all.
    bool isNull() const { return m_width == 0 || m_height == 0; }
    // True when no pixel is set (a null mask is also empty).
    bool isEmpty() const;

    // Row-major, one byte per pixel, values 0 or 1.
    const std::vector<std::uint8_t>& bytes() const { return m_bytes; }
    const std::uint8_t* data() const { return m_bytes.data(); }
    // Writable access for code that fills a mask; callers must only store 0 or 1.
    std::uint8_t* data() { return m_bytes.data(); }

    bool at(int x, int y) const { return m_bytes[index(x, y)] != 0; }
    void set(int x, int y, bool on) { m_bytes[index(x, y)] = on ? 1 : 0; }
    bool contains(int x, int y) const { return x >= 0 && y >= 0 && x < m_width && y < m_height; }

    // Number of set pixels (COCO's `area`).
    std::size_t area() const;
    // The smallest rectangle holding every set pixel; empty for an empty mask.
    PixelRect boundingBox() const;

    // COCO compressed RLE of this mask (column-major counts, COCO's string encoding).
    std::string toRleString() const;
    // The inverse of toRleString(); fails when the counts do not add up to width * height.
    static Expected<BinaryMask> fromRleString(int width, int height, std::string_view counts);

    bool operator==(const BinaryMask&) const = default;

private:
    std::size_t index(int x, int y) const {
        return static_cast<std::size_t>(y) * static_cast<std::size_t>(m_width) +
               static_cast<std::size_t>(x);
    }

    int m_width = 0;
    int m_height = 0;
    std::vector<std::uint8_t> m_bytes;
};

// Intersection over union of two masks of the same size; 1 when both are empty. Returns 0 when
// the sizes differ.
double maskIoU(const BinaryMask& a, const BinaryMask& b);

}  // namespace samdesk
