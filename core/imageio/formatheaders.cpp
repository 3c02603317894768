// PNG, BMP, WebP and PNM headers, and the dispatch on the file's signature.
#include <cctype>
#include <cstring>
#include <vector>

#include "core/imageio/headerparsers.h"

namespace samdesk::imageio {

namespace {

// EXIF blocks larger than this are not read for their orientation (real ones are < 64 KB).
constexpr std::uint32_t kMaxExifBytes = 1u << 20;

std::string sizeText(std::uint64_t w, std::uint64_t h) {
    return std::to_string(w) + " x " + std::to_string(h) + " pixels";
}

bool fourcc(const std::uint8_t* b, const char* tag) {
    return std::memcmp(b, tag, 4) == 0;
}

int orientationAt(const ByteSource& src, std::uint64_t offset, std::uint32_t size) {
    if (size == 0 || size > kMaxExifBytes)
        return 1;
    std::vector<std::uint8_t> exif(size);
    return src.read(offset, exif.data(), exif.size()) ? exifOrientation(exif) : 1;
}

}  // namespace

Error formatError(const std::string& name, const std::string& what) {
    return Error::format(name + ": " + what);
}

Expected<ImageInfo> parsePng(const ByteSource& src, const std::string& name) {
    std::uint32_t length = 0, width = 0, height = 0;
    std::uint8_t type[4], depth = 0, colorType = 0;
    if (!src.be32(8, length) || !src.read(12, type, 4) || !src.be32(16, width) ||
        !src.be32(20, height) || !src.u8(24, depth) || !src.u8(25, colorType))
        return formatError(name, "the PNG header is cut short (truncated)");
    if (length != 13 || !fourcc(type, "IHDR"))
        return formatError(name, "corrupt PNG: the first chunk is not IHDR");
    if (width == 0 || height == 0 || width > 0x7fffffffu || height > 0x7fffffffu)
        return formatError(name, "the PNG declares " + sizeText(width, height));
    ImageInfo info;
    info.format = "PNG";
    info.width = static_cast<int>(width);
    info.height = static_cast<int>(height);
    info.bitDepth = depth;
    switch (colorType) {
        case 0:
            info.color = ColorModel::Gray, info.channels = 1;
            break;
        case 2:
            info.color = ColorModel::Rgb, info.channels = 3;
            break;
        case 3:
            info.color = ColorModel::Palette, info.channels = 1;
            break;
        case 4:
            info.color = ColorModel::Gray, info.channels = 2, info.hasAlpha = true;
            break;
        case 6:
            info.color = ColorModel::Rgb, info.channels = 4, info.hasAlpha = true;
            break;
        default:
            return formatError(name, "corrupt PNG: colour type " + std::to_string(colorType));
    }
    // The chunks before the image data: transparency and EXIF (its orientation).
    std::uint64_t at = 8 + 12 + 13;
    for (int i = 0; i < 4096; ++i) {
        std::uint32_t size = 0;
        std::uint8_t tag[4];
        if (!src.be32(at, size) || !src.read(at + 4, tag, 4) || fourcc(tag, "IDAT") ||
            fourcc(tag, "IEND"))
            break;
        if (fourcc(tag, "tRNS"))
            info.hasAlpha = true;
        else if (fourcc(tag, "eXIf"))
            info.orientation = orientationAt(src, at + 8, size);
        at += 12ull + size;
    }
    return info;
}

Expected<ImageInfo> parseBmp(const ByteSource& src, const std::string& name) {
    std::uint32_t headerSize = 0;
    if (!src.le32(14, headerSize))
        return formatError(name, "the BMP header is cut short (truncated)");
    std::int64_t width = 0, height = 0;
    std::uint16_t bits = 0;
    std::uint32_t alphaMask = 0;
    if (headerSize == 12) {  // OS/2 BITMAPCOREHEADER
        std::uint16_t w = 0, h = 0;
        if (!src.le16(18, w) || !src.le16(20, h) || !src.le16(24, bits))
            return formatError(name, "the BMP header is cut short (truncated)");
        width = w;
        height = h;
    } else if (headerSize >= 40) {
        std::uint32_t w = 0, h = 0;
        if (!src.le32(18, w) || !src.le32(22, h) || !src.le16(28, bits))
            return formatError(name, "the BMP header is cut short (truncated)");
        width = static_cast<std::int32_t>(w);
        height = static_cast<std::int32_t>(h);
        if (height < 0)
            height = -height;  // rows stored top to bottom
        if (headerSize >= 56 && !src.le32(14 + 52, alphaMask))
            alphaMask = 0;
    } else {
        return formatError(name,
                           "corrupt BMP: a " + std::to_string(headerSize) + "-byte info header");
    }
    if (width <= 0 || height <= 0)
        return formatError(name, "the BMP declares " + std::to_string(width) + " x " +
                                     std::to_string(height) + " pixels");
    ImageInfo info;
    info.format = "BMP";
    info.width = static_cast<int>(width);
    info.height = static_cast<int>(height);
    if (bits <= 8) {
        info.color = ColorModel::Palette;
        info.channels = 1;
        info.bitDepth = bits;
    } else {
        info.color = ColorModel::Rgb;
        info.hasAlpha = bits == 32 && alphaMask != 0;
        info.channels = info.hasAlpha ? 4 : 3;
        info.bitDepth = 8;
    }
    return info;
}

Expected<ImageInfo> parseWebp(const ByteSource& src, const std::string& name) {
    std::uint8_t tag[4];
    std::uint32_t size = 0;
    if (!src.read(12, tag, 4) || !src.le32(16, size))
        return formatError(name, "the WebP header is cut short (truncated)");
    ImageInfo info;
    info.format = "WebP";
    info.color = ColorModel::Rgb;
    info.channels = 3;
    info.bitDepth = 8;
    const std::uint64_t data = 20;
    if (fourcc(tag, "VP8 ")) {
        std::uint8_t start[3];
        std::uint16_t w = 0, h = 0;
        if (!src.read(data + 3, start, 3) || !src.le16(data + 6, w) || !src.le16(data + 8, h))
            return formatError(name, "the WebP frame header is cut short (truncated)");
        if (start[0] != 0x9d || start[1] != 0x01 || start[2] != 0x2a)
            return formatError(name, "corrupt WebP: no VP8 start code");
        info.width = w & 0x3fff;
        info.height = h & 0x3fff;
    } else if (fourcc(tag, "VP8L")) {
        std::uint8_t signature = 0;
        std::uint32_t bits = 0;
        if (!src.u8(data, signature) || !src.le32(data + 1, bits))
            return formatError(name, "the WebP header is cut short (truncated)");
        if (signature != 0x2f)
            return formatError(name, "corrupt WebP: no lossless signature");
        info.width = static_cast<int>((bits & 0x3fff) + 1);
        info.height = static_cast<int>(((bits >> 14) & 0x3fff) + 1);
        info.hasAlpha = (bits >> 28) & 1;
    } else if (fourcc(tag, "VP8X")) {
        std::uint8_t flags = 0;
        std::uint32_t w = 0, h = 0;
        if (!src.u8(data, flags) || !src.le24(data + 4, w) || !src.le24(data + 7, h))
            return formatError(name, "the WebP header is cut short (truncated)");
        if (flags & 0x02)
            return formatError(name, "animated WebP is not supported");
        info.width = static_cast<int>(w + 1);
        info.height = static_cast<int>(h + 1);
        info.hasAlpha = flags & 0x10;
        if (flags & 0x08) {  // an EXIF chunk, usually after the image data
            std::uint64_t at = 12;
            for (int i = 0; i < 64; ++i) {
                std::uint8_t chunk[4];
                std::uint32_t chunkSize = 0;
                if (!src.read(at, chunk, 4) || !src.le32(at + 4, chunkSize))
                    break;
                if (fourcc(chunk, "EXIF")) {
                    info.orientation = orientationAt(src, at + 8, chunkSize);
                    break;
                }
                at += 8ull + chunkSize + (chunkSize & 1);
            }
        }
    } else {
        return formatError(name, "corrupt WebP: unknown first chunk");
    }
    if (info.hasAlpha)
        info.channels = 4;
    return info;
}

Expected<ImageInfo> parsePnm(const ByteSource& src, const std::string& name) {
    std::uint8_t head[1024];
    const std::size_t n = std::min<std::uint64_t>(sizeof head, src.size());
    if (!src.read(0, head, n))
        return formatError(name, "the PNM header cannot be read");
    const int kind = head[1] - '0';
    const bool bitmap = kind == 1 || kind == 4;
    std::size_t at = 2;
    std::uint64_t values[3] = {0, 0, 0};
    const int needed = bitmap ? 2 : 3;
    for (int v = 0; v < needed; ++v) {
        while (at < n && (std::isspace(head[at]) || head[at] == '#')) {
            if (head[at] == '#')
                while (at < n && head[at] != '\n')
                    ++at;
            else
                ++at;
        }
        if (at >= n || !std::isdigit(head[at]))
            return formatError(name, "the PNM header is cut short or not numeric");
        while (at < n && std::isdigit(head[at]) && values[v] < (1ull << 40))
            values[v] = values[v] * 10 + (head[at++] - '0');
    }
    if (values[0] == 0 || values[1] == 0 || values[0] > 0x7fffffff || values[1] > 0x7fffffff)
        return formatError(name, "the PNM declares " + sizeText(values[0], values[1]));
    if (!bitmap && (values[2] == 0 || values[2] > 65535))
        return formatError(name, "corrupt PNM: maximum value " + std::to_string(values[2]));
    ImageInfo info;
    info.format = "PNM";
    info.width = static_cast<int>(values[0]);
    info.height = static_cast<int>(values[1]);
    const bool rgb = kind == 3 || kind == 6;
    info.color = rgb ? ColorModel::Rgb : ColorModel::Gray;
    info.channels = rgb ? 3 : 1;
    info.bitDepth = bitmap ? 1 : values[2] > 255 ? 16 : 8;
    return info;
}

std::optional<Expected<ImageInfo>> parseHeader(const ByteSource& src, const std::string& name) {
    std::uint8_t b[16] = {};
    const std::size_t n = std::min<std::uint64_t>(sizeof b, src.size());
    if (!src.read(0, b, n))
        return Expected<ImageInfo>(Error::io(name + ": cannot read the file"));
    static const std::uint8_t kPng[8] = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};
    if (n >= 8 && std::memcmp(b, kPng, 8) == 0)
        return parsePng(src, name);
    if (n >= 3 && b[0] == 0xFF && b[1] == 0xD8 && b[2] == 0xFF)
        return parseJpeg(src, name);
    if (n >= 4 && ((b[0] == 'I' && b[1] == 'I' && (b[2] == 42 || b[2] == 43) && b[3] == 0) ||
                   (b[0] == 'M' && b[1] == 'M' && b[2] == 0 && (b[3] == 42 || b[3] == 43))))
        return parseTiff(src, name);
    if (n >= 14 && b[0] == 'B' && b[1] == 'M')
        return parseBmp(src, name);
    if (n >= 12 && fourcc(b, "RIFF") && fourcc(b + 8, "WEBP"))
        return parseWebp(src, name);
    if (n >= 3 && b[0] == 'P' && b[1] >= '1' && b[1] <= '6' && std::isspace(b[2]))
        return parsePnm(src, name);
    return std::nullopt;
}

}  // namespace samdesk::imageio
