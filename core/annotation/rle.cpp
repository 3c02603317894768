// COCO RLE: column-major runs and the compact counts string.
#include "core/annotation/rle.h"

#include <algorithm>

namespace samdesk {

namespace {

// Appends runs, merging neighbours of the same value; the first run counts zeros.
class RunWriter {
public:
    explicit RunWriter(std::vector<std::uint32_t>& counts) : m_counts(counts) {}
    void add(std::uint8_t value, std::uint64_t length) {
        if (length == 0)
            return;
        if (value != m_value) {
            m_counts.push_back(static_cast<std::uint32_t>(m_run));
            m_value = value;
            m_run = 0;
        }
        m_run += length;
    }
    void finish() { m_counts.push_back(static_cast<std::uint32_t>(m_run)); }

private:
    std::vector<std::uint32_t>& m_counts;
    std::uint8_t m_value = 0;
    std::uint64_t m_run = 0;
};

// Copies the rectangle of the row-major `src` (stride `w`) into column-major `dst`, in tiles so
// that both sides stay in cache.
void toColumnMajor(const std::uint8_t* src, int w, const PixelRect& r, std::uint8_t* dst) {
    constexpr int kTile = 64;
    for (int ty = 0; ty < r.height; ty += kTile)
        for (int tx = 0; tx < r.width; tx += kTile)
            for (int x = tx; x < std::min(tx + kTile, r.width); ++x)
                for (int y = ty; y < std::min(ty + kTile, r.height); ++y)
                    dst[static_cast<std::size_t>(x) * r.height + y] =
                        src[static_cast<std::size_t>(r.y + y) * w + r.x + x];
}

}  // namespace

Rle encodeRle(const BinaryMask& mask) {
    Rle rle{mask.height(), mask.width(), {}};
    const int w = mask.width();
    const int h = mask.height();
    if (w == 0 || h == 0)
        return rle;
    // Only the bounding box holds ones: outside it the runs are counted, not scanned.
    const PixelRect box = mask.boundingBox();
    RunWriter runs(rle.counts);
    if (box.isEmpty()) {
        runs.add(0, static_cast<std::uint64_t>(w) * h);
        runs.finish();
        return rle;
    }
    std::vector<std::uint8_t> columns(static_cast<std::size_t>(box.width) * box.height);
    toColumnMajor(mask.data(), w, box, columns.data());
    runs.add(0, static_cast<std::uint64_t>(box.x) * h);
    for (int x = 0; x < box.width; ++x) {
        runs.add(0, static_cast<std::uint64_t>(box.y));
        const std::uint8_t* col = columns.data() + static_cast<std::size_t>(x) * box.height;
        int y = 0;
        while (y < box.height) {
            const std::uint8_t v = col[y];
            int end = y + 1;
            while (end < box.height && col[end] == v)
                ++end;
            runs.add(v, static_cast<std::uint64_t>(end - y));
            y = end;
        }
        runs.add(0, static_cast<std::uint64_t>(h - box.y - box.height));
    }
    runs.add(0, static_cast<std::uint64_t>(w - box.x - box.width) * h);
    runs.finish();
    return rle;
}

Expected<BinaryMask> decodeRle(const Rle& rle) {
    if (rle.width < 0 || rle.height < 0)
        return Error::invalid("RLE size [" + std::to_string(rle.height) + ", " +
                              std::to_string(rle.width) + "] is negative");
    const std::uint64_t total = static_cast<std::uint64_t>(rle.width) * rle.height;
    std::uint64_t sum = 0;
    for (auto c : rle.counts)
        sum += c;
    if (sum != total)
        return Error::invalid("RLE counts add up to " + std::to_string(sum) +
                              " pixels, but size [" + std::to_string(rle.height) + ", " +
                              std::to_string(rle.width) + "] has " + std::to_string(total));
    BinaryMask mask(rle.width, rle.height);
    const std::size_t w = static_cast<std::size_t>(rle.width);
    const std::uint64_t h = static_cast<std::uint64_t>(rle.height);
    std::uint8_t* px = mask.data();
    std::uint64_t pos = 0;  // column-major position
    for (std::size_t i = 0; i < rle.counts.size(); ++i) {
        std::uint64_t left = rle.counts[i];
        if (i % 2 == 1 && left > 0) {
            // One division per run; then whole column segments, written in place.
            std::size_t x = static_cast<std::size_t>(pos / h);
            std::uint64_t y = pos % h;
            while (left > 0) {
                const std::uint64_t n = std::min(left, h - y);
                std::uint8_t* p = px + static_cast<std::size_t>(y) * w + x;
                for (std::uint64_t k = 0; k < n; ++k, p += w)
                    *p = 1;
                left -= n;
                y = 0;
                ++x;
            }
        }
        pos += rle.counts[i];
    }
    return mask;
}

std::string rleCountsToString(const std::vector<std::uint32_t>& counts) {
    std::string out;
    for (std::size_t i = 0; i < counts.size(); ++i) {
        long long x = counts[i];
        if (i > 2)
            x -= static_cast<long long>(counts[i - 2]);
        bool more = true;
        while (more) {
            char c = static_cast<char>(x & 0x1f);
            x >>= 5;  // arithmetic shift: negative deltas end in all-ones
            more = (c & 0x10) ? x != -1 : x != 0;
            if (more)
                c |= 0x20;
            out.push_back(static_cast<char>(c + 48));
        }
    }
    return out;
}

Expected<std::vector<std::uint32_t>> rleCountsFromString(std::string_view text) {
    std::vector<std::uint32_t> counts;
    std::size_t p = 0;
    while (p < text.size()) {
        long long x = 0;
        int k = 0;
        bool more = true;
        while (more) {
            if (p >= text.size())
                return Error::invalid("RLE counts string ends inside a number at offset " +
                                      std::to_string(p));
            const int c = static_cast<unsigned char>(text[p]) - 48;
            if (c < 0 || c > 63)
                return Error::invalid("RLE counts string has an invalid character '" +
                                      std::string(1, text[p]) + "' at offset " + std::to_string(p));
            if (k >= 12)
                return Error::invalid("RLE counts string has a number too long at offset " +
                                      std::to_string(p));
            x |= static_cast<long long>(c & 0x1f) << (5 * k);
            more = (c & 0x20) != 0;
            ++p;
            ++k;
            if (!more && (c & 0x10))
                x |= -1LL << (5 * k);  // sign-extend
        }
        if (counts.size() > 2)
            x += counts[counts.size() - 2];
        if (x < 0 || x > 0xffffffffLL)
            return Error::invalid("RLE counts string gives an out-of-range count " +
                                  std::to_string(x) + " at index " + std::to_string(counts.size()));
        counts.push_back(static_cast<std::uint32_t>(x));
    }
    return counts;
}

}  // namespace samdesk
