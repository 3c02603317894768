// PNG encoding through OpenCV; indexed PNGs are OpenCV's grayscale PNG with the colour type
// switched to "palette" and a PLTE chunk added (the pixel data of both is identical: one byte
// per pixel), since OpenCV cannot write palettes itself.
#include "core/annotation/pngwriter.h"

#include <array>
#include <cstring>

#include <opencv2/imgcodecs.hpp>

#include "core/common/atomicfile.h"

namespace samdesk {

namespace {

std::uint32_t crc32(const std::uint8_t* data, std::size_t size) {
    static const auto table = [] {
        std::array<std::uint32_t, 256> t{};
        for (std::uint32_t n = 0; n < 256; ++n) {
            std::uint32_t c = n;
            for (int k = 0; k < 8; ++k)
                c = (c & 1) ? 0xedb88320u ^ (c >> 1) : c >> 1;
            t[n] = c;
        }
        return t;
    }();
    std::uint32_t c = 0xffffffffu;
    for (std::size_t i = 0; i < size; ++i)
        c = table[(c ^ data[i]) & 0xff] ^ (c >> 8);
    return c ^ 0xffffffffu;
}

void putBe32(std::string& out, std::size_t at, std::uint32_t v) {
    out[at] = static_cast<char>(v >> 24);
    out[at + 1] = static_cast<char>(v >> 16);
    out[at + 2] = static_cast<char>(v >> 8);
    out[at + 3] = static_cast<char>(v);
}

std::string chunk(const char type[4], const std::string& data) {
    std::string c(8, '\0');
    putBe32(c, 0, static_cast<std::uint32_t>(data.size()));
    c.replace(4, 4, type, 4);
    c += data;
    c.resize(c.size() + 4);
    putBe32(c, c.size() - 4,
            crc32(reinterpret_cast<const std::uint8_t*>(c.data()) + 4, data.size() + 4));
    return c;
}

Expected<std::string> encode(const cv::Mat& image, const std::string& what) {
    try {
        std::vector<std::uint8_t> bytes;
        if (!cv::imencode(".png", image, bytes))
            return Error::runtime("cannot encode " + what + " as PNG");
        return std::string(bytes.begin(), bytes.end());
    } catch (const cv::Exception& e) {
        return Error::runtime("cannot encode " + what + " as PNG: " + e.what());
    }
}

Status checkSize(int width, int height, std::size_t have, const std::filesystem::path& path) {
    if (width <= 0 || height <= 0)
        return Error::invalid("cannot write " + path.string() + ": image size " +
                              std::to_string(width) + "x" + std::to_string(height));
    if (have != static_cast<std::size_t>(width) * static_cast<std::size_t>(height))
        return Error::invalid("cannot write " + path.string() + ": " + std::to_string(have) +
                              " values for " + std::to_string(width) + "x" +
                              std::to_string(height) + " pixels");
    return {};
}

}  // namespace

Expected<std::string> encodeMaskPng(const BinaryMask& mask, std::uint8_t on) {
    if (mask.isNull())
        return Error::invalid("cannot encode an empty (0-pixel) mask as PNG");
    cv::Mat image(mask.height(), mask.width(), CV_8UC1);
    const auto& bytes = mask.bytes();
    for (std::size_t i = 0; i < bytes.size(); ++i)
        image.data[i] = bytes[i] ? on : 0;
    return encode(image, "mask");
}

Expected<BinaryMask> decodeMaskPng(std::string_view bytes) {
    static constexpr char kSignature[] = "\x89PNG\r\n\x1a\n";
    if (bytes.substr(0, 8) != std::string_view(kSignature, 8))
        return Error::format("not a PNG image");
    cv::Mat image;
    try {
        const cv::Mat raw(1, static_cast<int>(bytes.size()), CV_8UC1,
                          const_cast<char*>(bytes.data()));
        image = cv::imdecode(raw, cv::IMREAD_UNCHANGED);
    } catch (const cv::Exception&) {
        image.release();
    }
    if (image.empty())
        return Error::format("a PNG image that cannot be decoded");
    if (image.channels() != 1)
        return Error::format("a PNG image with " + std::to_string(image.channels()) +
                             " channels, not a single-channel mask");
    cv::Mat nonZero = image != 0;
    std::vector<std::uint8_t> pixels(nonZero.total());
    for (int y = 0; y < nonZero.rows; ++y)
        for (int x = 0; x < nonZero.cols; ++x)
            pixels[static_cast<std::size_t>(y) * nonZero.cols + x] = nonZero.at<std::uint8_t>(y, x);
    return BinaryMask::fromBytes(image.cols, image.rows, std::move(pixels));
}

Status writeMaskPng(const std::filesystem::path& path, const BinaryMask& mask) {
    if (mask.isNull())
        return Error::invalid("cannot write " + path.string() + ": the mask has no pixels");
    auto png = encodeMaskPng(mask);
    if (!png)
        return png.error();
    return writeFileAtomically(path, png.value());
}

Status writeGray16Png(const std::filesystem::path& path, int width, int height,
                      const std::vector<std::uint16_t>& values) {
    if (auto st = checkSize(width, height, values.size(), path); !st)
        return st;
    const cv::Mat image(height, width, CV_16UC1, const_cast<std::uint16_t*>(values.data()));
    auto png = encode(image, path.string());
    if (!png)
        return png.error();
    return writeFileAtomically(path, png.value());
}

Status writeIndexedPng(const std::filesystem::path& path, int width, int height,
                       const std::vector<std::uint8_t>& indices, const std::vector<Rgb>& palette) {
    if (auto st = checkSize(width, height, indices.size(), path); !st)
        return st;
    const cv::Mat image(height, width, CV_8UC1, const_cast<std::uint8_t*>(indices.data()));
    auto gray = encode(image, path.string());
    if (!gray)
        return gray.error();
    std::string png = std::move(gray.value());
    // Signature (8) + IHDR chunk (4 length + 4 type + 13 data + 4 CRC).
    constexpr std::size_t kIhdrEnd = 8 + 25;
    if (png.size() < kIhdrEnd || png.compare(12, 4, "IHDR") != 0 || png[8 + 8 + 9] != 0)
        return Error::runtime("cannot write " + path.string() +
                              ": unexpected grayscale PNG layout from OpenCV");
    png[8 + 8 + 9] = 3;  // colour type: palette
    putBe32(png, 8 + 8 + 13, crc32(reinterpret_cast<const std::uint8_t*>(png.data()) + 12, 4 + 13));
    std::string plte(256 * 3, '\0');
    for (std::size_t i = 0; i < palette.size() && i < 256; ++i) {
        plte[3 * i] = static_cast<char>(palette[i].r);
        plte[3 * i + 1] = static_cast<char>(palette[i].g);
        plte[3 * i + 2] = static_cast<char>(palette[i].b);
    }
    png.insert(kIhdrEnd, chunk("PLTE", plte));
    return writeFileAtomically(path, png);
}

}  // namespace samdesk
