// JPEG headers: the markers from the start of image to the frame header (SOFn: size, precision,
// components), the EXIF orientation in APP1 on the way; and whether a whole file reaches its
// end-of-image marker (a file cut short decodes with grey rows, libjpeg only warns).
#include <cstring>
#include <vector>

#include "core/imageio/headerparsers.h"

namespace samdesk::imageio {

namespace {

constexpr std::uint8_t kSoi = 0xD8, kEoi = 0xD9, kSos = 0xDA, kApp1 = 0xE1;

bool isFrameMarker(std::uint8_t m) {
    // SOF0-SOF15 except DHT (C4), JPG (C8) and DAC (CC).
    return m >= 0xC0 && m <= 0xCF && m != 0xC4 && m != 0xC8 && m != 0xCC;
}

bool isStandalone(std::uint8_t m) {
    return m == 0x01 || (m >= 0xD0 && m <= 0xD7) || m == kSoi;
}

}  // namespace

Expected<ImageInfo> parseJpeg(const ByteSource& src, const std::string& name) {
    std::uint64_t at = 2;  // after SOI
    int orientation = 1;
    bool exifSeen = false;
    while (true) {
        std::uint8_t b = 0;
        if (!src.u8(at, b))
            return formatError(name, "the JPEG ends before its frame header (truncated)");
        if (b != 0xFF)
            return formatError(name, "corrupt JPEG: no marker where one should be");
        std::uint8_t marker = 0xFF;
        while (marker == 0xFF) {  // fill bytes
            if (!src.u8(++at, marker))
                return formatError(name, "the JPEG ends before its frame header (truncated)");
        }
        ++at;
        if (isStandalone(marker))
            continue;
        if (marker == kEoi || marker == kSos)
            return formatError(name, "corrupt JPEG: no frame header before the image data");
        std::uint16_t length = 0;
        if (!src.be16(at, length) || length < 2)
            return formatError(name, "the JPEG ends inside a marker segment (truncated)");
        if (marker == kApp1 && !exifSeen && length > 8) {
            std::vector<std::uint8_t> payload(length - 2u);
            if (src.read(at + 2, payload.data(), payload.size()) &&
                std::memcmp(payload.data(), "Exif\0\0", 6) == 0) {
                exifSeen = true;
                orientation = exifOrientation(payload);
            }
        }
        if (isFrameMarker(marker)) {
            std::uint8_t precision = 0, components = 0;
            std::uint16_t height = 0, width = 0;
            if (length < 8 || !src.u8(at + 2, precision) || !src.be16(at + 3, height) ||
                !src.be16(at + 5, width) || !src.u8(at + 7, components))
                return formatError(name, "the JPEG frame header is cut short (truncated)");
            if (width == 0 || height == 0)
                return formatError(name, "the JPEG declares " + std::to_string(width) + " x " +
                                             std::to_string(height) +
                                             " pixels (a height given after the first scan is "
                                             "not supported)");
            ImageInfo info;
            info.format = "JPEG";
            info.width = width;
            info.height = height;
            info.channels = components;
            info.bitDepth = precision;
            info.color = components == 1   ? ColorModel::Gray
                         : components == 3 ? ColorModel::Rgb
                         : components == 4 ? ColorModel::Cmyk
                                           : ColorModel::Other;
            info.orientation = orientation;
            return info;
        }
        at += length;
    }
}

JpegEnd jpegEnd(std::span<const std::uint8_t> file) {
    const std::uint8_t* b = file.data();
    const std::size_t n = file.size();
    if (n < 4 || b[0] != 0xFF || b[1] != kSoi)
        return JpegEnd::Unknown;
    std::size_t at = 2;
    while (true) {
        if (at >= n)
            return JpegEnd::Truncated;
        if (b[at] != 0xFF)
            return JpegEnd::Unknown;  // not a structure we can walk: let the decoder judge
        while (at < n && b[at] == 0xFF)
            ++at;
        if (at >= n)
            return JpegEnd::Truncated;
        const std::uint8_t marker = b[at++];
        if (marker == kEoi)
            return JpegEnd::Complete;
        if (isStandalone(marker))
            continue;
        if (at + 2 > n)
            return JpegEnd::Truncated;
        const std::size_t length = std::size_t(b[at]) << 8 | b[at + 1];
        if (length < 2)
            return JpegEnd::Unknown;
        at += length;
        if (marker != kSos)
            continue;
        // Entropy-coded data: a 0xFF in it is followed by a stuffed 0x00 or a restart marker;
        // anything else is the next marker.
        while (true) {
            if (at >= n)
                return JpegEnd::Truncated;
            const void* ff = std::memchr(b + at, 0xFF, n - at);
            if (!ff)
                return JpegEnd::Truncated;
            at = static_cast<std::size_t>(static_cast<const std::uint8_t*>(ff) - b);
            if (at + 1 >= n)
                return JpegEnd::Truncated;
            const std::uint8_t next = b[at + 1];
            if (next == 0x00 || (next >= 0xD0 && next <= 0xD7)) {
                at += 2;
                continue;
            }
            if (next == 0xFF) {
                ++at;
                continue;
            }
            break;  // a marker: back to the segment walk
        }
    }
}

}  // namespace samdesk::imageio
