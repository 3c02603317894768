// BinaryMask: storage, area, bounding box, and its RLE string form.
#include "core/annotation/binarymask.h"

#include <algorithm>

#include "core/annotation/rle.h"

namespace samdesk {

BinaryMask::BinaryMask(int width, int height)
    : m_width(std::max(width, 0))
    , m_height(std::max(height, 0))
    , m_bytes(static_cast<std::size_t>(m_width) * static_cast<std::size_t>(m_height), 0) {}

Expected<BinaryMask> BinaryMask::fromBytes(int width, int height, std::vector<std::uint8_t> bytes) {
    if (width < 0 || height < 0)
        return Error::invalid("mask size " + std::to_string(width) + "x" + std::to_string(height) +
                              " is negative");
    const std::size_t expected = static_cast<std::size_t>(width) * static_cast<std::size_t>(height);
    if (bytes.size() != expected)
        return Error::invalid("mask of " + std::to_string(width) + "x" + std::to_string(height) +
                              " needs " + std::to_string(expected) + " bytes, got " +
                              std::to_string(bytes.size()));
    BinaryMask mask;
    mask.m_width = width;
    mask.m_height = height;
    for (auto& b : bytes)
        b = b != 0 ? 1 : 0;
    mask.m_bytes = std::move(bytes);
    return mask;
}

bool BinaryMask::isEmpty() const {
    return std::none_of(m_bytes.begin(), m_bytes.end(), [](std::uint8_t b) { return b != 0; });
}

std::size_t BinaryMask::area() const {
    return static_cast<std::size_t>(std::count(m_bytes.begin(), m_bytes.end(), std::uint8_t{1}));
}

PixelRect BinaryMask::boundingBox() const {
    int x0 = m_width, y0 = m_height, x1 = -1, y1 = -1;
    for (int y = 0; y < m_height; ++y) {
        const std::uint8_t* row = m_bytes.data() + index(0, y);
        const std::uint8_t* first = std::find(row, row + m_width, std::uint8_t{1});
        if (first == row + m_width)
            continue;
        // The last set pixel of the row: search from the end.
        int last = m_width - 1;
        while (row[last] == 0)
            --last;
        x0 = std::min(x0, static_cast<int>(first - row));
        x1 = std::max(x1, last);
        y0 = std::min(y0, y);
        y1 = y;
    }
    if (x1 < 0)
        return {};
    return {x0, y0, x1 - x0 + 1, y1 - y0 + 1};
}

std::string BinaryMask::toRleString() const {
    return rleCountsToString(encodeRle(*this).counts);
}

Expected<BinaryMask> BinaryMask::fromRleString(int width, int height, std::string_view counts) {
    auto parsed = rleCountsFromString(counts);
    if (!parsed)
        return parsed.error();
    return decodeRle(Rle{height, width, std::move(parsed.value())});
}

double maskIoU(const BinaryMask& a, const BinaryMask& b) {
    if (a.width() != b.width() || a.height() != b.height())
        return 0.0;
    std::size_t inter = 0, uni = 0;
    const auto& x = a.bytes();
    const auto& y = b.bytes();
    for (std::size_t i = 0; i < x.size(); ++i) {
        inter += x[i] & y[i];
        uni += x[i] | y[i];
    }
    return uni == 0 ? 1.0 : static_cast<double>(inter) / static_cast<double>(uni);
}

}  // namespace samdesk
