// TIFF headers: the first image file directory (both byte orders, classic TIFF and BigTIFF),
// also the structure EXIF data has inside JPEG, PNG and WebP files.
#include <algorithm>
#include <cstring>
#include <vector>

#include "core/imageio/headerparsers.h"

namespace samdesk::imageio {

namespace {

constexpr std::uint16_t kImageWidth = 256, kImageLength = 257, kBitsPerSample = 258,
                        kPhotometric = 262, kOrientation = 274, kSamplesPerPixel = 277,
                        kExtraSamples = 338, kSampleFormat = 339;
// A directory longer than this is not a header we trust (real files have a few dozen entries).
constexpr std::uint64_t kMaxEntries = 4096;

class TiffReader {
public:
    explicit TiffReader(const ByteSource& src) : m_src(src) {}

    // Reads the byte order and the offset of the first directory; false when not a TIFF header.
    bool open(std::uint64_t& firstIfd, std::string& why) {
        std::uint8_t order[2];
        if (!m_src.read(0, order, 2) || order[0] != order[1] ||
            (order[0] != 'I' && order[0] != 'M')) {
            why = "no TIFF byte order mark";
            return false;
        }
        m_big = order[0] == 'M';
        std::uint64_t magic = 0;
        if (!unsignedAt(2, 2, magic)) {
            why = "the TIFF header is cut short";
            return false;
        }
        if (magic == 42) {
            if (unsignedAt(4, 4, firstIfd))
                return true;
            why = "the TIFF header is cut short";
            return false;
        }
        if (magic == 43) {
            std::uint64_t offsetSize = 0;
            m_bigTiff = true;
            if (!unsignedAt(4, 2, offsetSize) || offsetSize != 8 || !unsignedAt(8, 8, firstIfd)) {
                why = "the BigTIFF header is cut short or inconsistent";
                return false;
            }
            return true;
        }
        why = "the TIFF version is neither 42 nor 43 (BigTIFF)";
        return false;
    }

    bool unsignedAt(std::uint64_t offset, int bytes, std::uint64_t& v) const {
        std::uint8_t b[8];
        if (!m_src.read(offset, b, static_cast<std::size_t>(bytes)))
            return false;
        v = 0;
        for (int i = 0; i < bytes; ++i)
            v = m_big ? (v << 8 | b[i]) : (v | std::uint64_t(b[i]) << (8 * i));
        return true;
    }

    struct Entry {
        std::uint16_t tag = 0;
        std::uint16_t type = 0;
        std::uint64_t count = 0;
        std::uint64_t valueOffset = 0;  // where the first value is (inline or elsewhere)
    };

    // The directory's entries; false when it is cut short.
    bool entries(std::uint64_t ifd, std::vector<Entry>& out) const {
        const int countBytes = m_bigTiff ? 8 : 2;
        const int entryBytes = m_bigTiff ? 20 : 12;
        const int inlineBytes = m_bigTiff ? 8 : 4;
        std::uint64_t n = 0;
        if (!unsignedAt(ifd, countBytes, n) || n == 0 || n > kMaxEntries)
            return false;
        out.clear();
        for (std::uint64_t i = 0; i < n; ++i) {
            const std::uint64_t at = ifd + countBytes + i * entryBytes;
            std::uint64_t tag = 0, type = 0;
            Entry e;
            if (!unsignedAt(at, 2, tag) || !unsignedAt(at + 2, 2, type) ||
                !unsignedAt(at + 4, inlineBytes, e.count))
                return false;
            e.tag = static_cast<std::uint16_t>(tag);
            e.type = static_cast<std::uint16_t>(type);
            const std::uint64_t valueAt = at + 4 + inlineBytes;
            const int size = typeSize(e.type);
            if (size > 0 && e.count * size > std::uint64_t(inlineBytes)) {
                if (!unsignedAt(valueAt, inlineBytes, e.valueOffset))
                    return false;
            } else {
                e.valueOffset = valueAt;
            }
            out.push_back(e);
        }
        return true;
    }

    // The first value of an integer entry (BYTE, SHORT, LONG, LONG8); false for other types.
    bool firstValue(const Entry& e, std::uint64_t& v) const {
        const int size = typeSize(e.type);
        if (e.count == 0 || (e.type != 1 && e.type != 3 && e.type != 4 && e.type != 16))
            return false;
        return unsignedAt(e.valueOffset, size, v);
    }

private:
    // Bytes per value of each field type (BYTE, ASCII, SHORT, LONG, RATIONAL, ..., LONG8, SLONG8,
    // IFD8); 0 for unknown types.
    static int typeSize(std::uint16_t type) {
        static constexpr int kSizes[19] = {0, 1, 1, 2, 4, 8, 1, 1, 2, 4, 8, 4, 8, 4, 0, 0, 8, 8, 8};
        return type < 19 ? kSizes[type] : 0;
    }

    const ByteSource& m_src;
    bool m_big = false;
    bool m_bigTiff = false;
};

int validOrientation(std::uint64_t v) {
    return v >= 1 && v <= 8 ? static_cast<int>(v) : 1;
}

}  // namespace

Expected<ImageInfo> parseTiff(const ByteSource& src, const std::string& name) {
    TiffReader tiff(src);
    std::uint64_t ifd = 0;
    std::string why;
    if (!tiff.open(ifd, why))
        return formatError(name, why);
    std::vector<TiffReader::Entry> entries;
    if (!tiff.entries(ifd, entries))
        return formatError(name, "the first TIFF directory is cut short or empty");
    std::uint64_t width = 0, height = 0, bits = 1, samples = 1, photometric = 1, orientation = 1,
                  extra = 0, sampleFormat = 1;
    bool haveWidth = false, haveHeight = false, havePhotometric = false;
    for (const auto& e : entries) {
        std::uint64_t v = 0;
        if (!tiff.firstValue(e, v))
            continue;
        switch (e.tag) {
            case kImageWidth:
                width = v, haveWidth = true;
                break;
            case kImageLength:
                height = v, haveHeight = true;
                break;
            case kBitsPerSample:
                bits = v;
                break;
            case kSamplesPerPixel:
                samples = v;
                break;
            case kPhotometric:
                photometric = v, havePhotometric = true;
                break;
            case kOrientation:
                orientation = v;
                break;
            case kExtraSamples:
                extra = e.count;
                break;
            case kSampleFormat:
                sampleFormat = v;
                break;
            default:
                break;
        }
    }
    if (!haveWidth || !haveHeight)
        return formatError(name, "the TIFF directory has no ImageWidth or ImageLength");
    if (width == 0 || height == 0 || width > 0x7fffffff || height > 0x7fffffff)
        return formatError(name, "the TIFF declares " + std::to_string(width) + " x " +
                                     std::to_string(height) + " pixels");
    if (samples == 0 || samples > 64 || bits == 0 || bits > 64)
        return formatError(name, "the TIFF declares " + std::to_string(samples) + " samples of " +
                                     std::to_string(bits) + " bits");
    ImageInfo info;
    info.format = "TIFF";
    info.width = static_cast<int>(width);
    info.height = static_cast<int>(height);
    info.channels = static_cast<int>(samples);
    info.bitDepth = static_cast<int>(bits);
    info.floatSamples = sampleFormat == 3;
    info.orientation = validOrientation(orientation);
    if (!havePhotometric)
        photometric = samples >= 3 ? 2 : 1;
    switch (photometric) {
        case 0:
        case 1:
            info.color = ColorModel::Gray;
            break;
        case 2:
        case 6:
            info.color = ColorModel::Rgb;
            break;  // RGB, YCbCr
        case 3:
            info.color = ColorModel::Palette;
            break;
        case 5:
            info.color = samples - extra == 4 ? ColorModel::Cmyk : ColorModel::Other;
            break;
        default:
            info.color = ColorModel::Other;
            break;
    }
    info.hasAlpha = extra > 0;
    return info;
}

int exifOrientation(std::span<const std::uint8_t> exif) {
    static const std::uint8_t kPrefix[6] = {'E', 'x', 'i', 'f', 0, 0};
    if (exif.size() >= 6 && std::memcmp(exif.data(), kPrefix, 6) == 0)
        exif = exif.subspan(6);
    const MemorySource src(exif);
    TiffReader tiff(src);
    std::uint64_t ifd = 0;
    std::string why;
    std::vector<TiffReader::Entry> entries;
    if (!tiff.open(ifd, why) || !tiff.entries(ifd, entries))
        return 1;
    for (const auto& e : entries) {
        std::uint64_t v = 0;
        if (e.tag == kOrientation && tiff.firstValue(e, v))
            return validOrientation(v);
    }
    return 1;
}

}  // namespace samdesk::imageio
