// COCO RLE: column-major runs and the compact counts string.
#include "core/annotation/rle.h"

namespace samdesk {

Rle encodeRle(const BinaryMask& mask) {
    Rle rle{mask.height(), mask.width(), {}};
    const int w = mask.width();
    const int h = mask.height();
    if (w == 0 || h == 0)
        return rle;
    const std::uint8_t* px = mask.data();
    std::uint8_t current = 0;  // COCO's runs always start with zeros
    std::uint32_t run = 0;
    for (int x = 0; x < w; ++x) {
        for (int y = 0; y < h; ++y) {
            const std::uint8_t v = px[static_cast<std::size_t>(y) * w + x];
            if (v != current) {
                rle.counts.push_back(run);
                run = 0;
                current = v;
            }
            ++run;
        }
    }
    rle.counts.push_back(run);
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
    std::uint8_t* px = mask.data();
    const int h = rle.height;
    const int w = rle.width;
    std::uint64_t pos = 0;  // column-major position
    std::uint8_t value = 0;
    for (auto c : rle.counts) {
        if (value) {
            for (std::uint64_t i = pos; i < pos + c; ++i) {
                const auto x = static_cast<std::size_t>(i / h);
                const auto y = static_cast<std::size_t>(i % h);
                px[y * w + x] = 1;
            }
        }
        pos += c;
        value ^= 1;
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
